"""The real mail servers the e-mail tests talk to: Debian's dovecot (IMAP) and an aiosmtpd SMTP
server that delivers what it accepts into dovecot's mailboxes with dovecot-lda.

Everything lives in one temporary directory (configuration, sockets, state, maildirs, a small
CA whose certificate the clients are given); the servers listen on free ports of 127.0.0.1.
Dovecot answers plain IMAP, STARTTLS and IMAPS; the SMTP server answers plain SMTP with AUTH,
and a second one requires STARTTLS.

Dovecot refuses to give mail access to UID 0, so when the tests run as root (CI, this
sandbox) the mailboxes belong to ``nobody``; otherwise everything runs as the current user.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import grp
import ipaddress
import logging
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Any

DOVECOT = Path("/usr/sbin/dovecot")
DOVECOT_LDA = Path("/usr/lib/dovecot/dovecot-lda")
DOMAIN = "camau.test"
SMTP_USER = "motcua"
SMTP_PASSWORD = "smtp-secret"
MAILBOX_PASSWORD = "mailbox-secret"
BUSY_PREFIX = "busy-"  # a recipient whose mailbox is "busy": 450, try again later


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, process: subprocess.Popen[bytes] | None, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not answer: {log.read_text() if log.exists() else ''}")


# --- a CA and a server certificate for 127.0.0.1 ----------------------------------------------


def tls_files(root: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("MotCua test mail CA"))
        .issuer_name(name("MotCua test mail CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = root / "ca.pem", root / "server.pem", root / "server.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


# --- dovecot -------------------------------------------------------------------------------------

DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = motcua-test-{port}
log_path = {root}/dovecot.log
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {first_uid}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
postmaster_address = postmaster@{domain}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n allow_all_users=yes
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    ssl_port: int
    ca_file: Path
    uid: int
    gid: int
    process: subprocess.Popen[bytes] | None = None
    users: set[str] = field(default_factory=set)

    @property
    def conf(self) -> Path:
        return self.root / "dovecot.conf"

    @classmethod
    def start(cls, root: Path, *, ca_file: Path, cert: Path, key: Path) -> Dovecot:
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            uid, gid, internal, group, login = (
                nobody.pw_uid,
                nobody.pw_gid,
                "dovecot",
                "dovecot",
                "dovenull",
            )
        else:  # everything as the current user
            me = getpass.getuser()
            uid, gid, internal, login = os.getuid(), os.getgid(), me, me
            group = grp.getgrgid(gid).gr_name
        for sub in ("run", "state", "home"):
            (root / sub).mkdir()
        server = cls(
            root=root,
            port=free_port(),
            ssl_port=free_port(),
            ca_file=ca_file,
            uid=uid,
            gid=gid,
        )
        server.conf.write_text(
            DOVECOT_CONF.format(
                root=root,
                port=server.port,
                ssl_port=server.ssl_port,
                internal_user=internal,
                internal_group=group,
                login_user=login,
                first_uid=min(uid, 500),
                cert=cert,
                key=key,
                domain=DOMAIN,
                password=MAILBOX_PASSWORD,
                uid=uid,
                gid=gid,
            )
        )
        log = root / "dovecot.log"
        server.process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
            [str(DOVECOT), "-F", "-c", str(server.conf)],
            stdout=subprocess.DEVNULL,
            stderr=(root / "dovecot.stderr").open("wb"),
        )
        wait_for_port(server.port, process=server.process, log=log)
        return server

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def user_add(self, name: str) -> None:
        """A mailbox. Dovecot's users are static (any name, one password): a passwd-file is
        re-read at most once a second, too late for a mailbox made just before it is used; the
        SMTP server knows which mailboxes exist."""
        home = self.root / "home" / name
        home.mkdir()
        os.chown(home, self.uid, self.gid)
        self.users.add(name)

    def deliver(self, user: str, raw: bytes, *, sender: str) -> int:
        """Deliver a message to `user`'s INBOX as the mail server would; dovecot-lda's exit
        code (0 delivered, 75 try again later)."""
        done = subprocess.run(  # noqa: S603 (our own server, fixed arguments)
            [str(DOVECOT_LDA), "-c", str(self.conf), "-d", user, "-f", sender or "<>"],
            input=raw,
            capture_output=True,
            check=False,
            timeout=60,
        )
        return done.returncode


# --- the SMTP server ------------------------------------------------------------------------------


@dataclass
class Delivery:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


class DeliveringHandler:
    """aiosmtpd handler: recipients of DOMAIN that have a dovecot mailbox are accepted (a
    ``busy-`` one answers 450), the others refused with 550; each accepted message is put in
    the recipients' mailboxes before the server answers 250."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.dovecot = dovecot
        self.deliveries: list[Delivery] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        local, _at, domain = address.rpartition("@")
        if local.startswith(BUSY_PREFIX):
            return f"450 4.2.1 <{address}>: mailbox busy, try again later"
        if domain.lower() != DOMAIN or local not in self.dovecot.users:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        loop = asyncio.get_running_loop()
        # the trace fields an MTA puts on top of what it delivers (RFC 5321 §4.4)
        received = (
            f"Return-Path: <{envelope.mail_from}>\r\n"
            f"Received: from [{session.peer[0]}] by mail.{DOMAIN} with ESMTPA;"
            f" {format_datetime(dt.datetime.now(dt.UTC))}\r\n"
        )
        content = received.encode() + bytes(envelope.original_content)
        for address in envelope.rcpt_tos:
            code = await loop.run_in_executor(
                None,
                lambda a=address: self.dovecot.deliver(
                    a.rpartition("@")[0], content, sender=envelope.mail_from
                ),
            )
            if code != 0:
                return f"451 4.3.0 local delivery to {address} failed ({code})"
        self.deliveries.append(Delivery(envelope.mail_from, list(envelope.rcpt_tos), content))
        return "250 2.0.0 OK: delivered"


def smtp_authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = (
        isinstance(data, LoginPassword)
        and data.login == SMTP_USER.encode()
        and data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def smtp_start(handler: DeliveringHandler, *, tls: ssl.SSLContext | None = None) -> Any:
    """An aiosmtpd server in its own thread: login required; STARTTLS required with `tls`."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd logs every command
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=smtp_authenticator,
        auth_required=True,
        auth_require_tls=tls is not None,
        tls_context=tls,
        require_starttls=tls is not None,
    )
    controller.start()
    return controller


@dataclass
class MailServers:
    root: Path
    dovecot: Dovecot
    handler: DeliveringHandler
    smtp_port: int
    smtp_tls_port: int
    ca_file: Path
    controllers: list[Any] = field(default_factory=list)
    _counter: int = 0

    @classmethod
    def start(cls) -> MailServers:
        # not under pytest's tmp_path: that is private to the test user, and the mailboxes'
        # owner (nobody, when running as root) must reach its maildir
        root = Path(tempfile.mkdtemp(prefix="motcua-mail-"))
        root.chmod(0o755)
        ca_file, cert, key = tls_files(root)
        dovecot = Dovecot.start(root, ca_file=ca_file, cert=cert, key=key)
        handler = DeliveringHandler(dovecot)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
        plain, secured = smtp_start(handler), smtp_start(handler, tls=tls)
        return cls(
            root=root,
            dovecot=dovecot,
            handler=handler,
            smtp_port=plain.port,
            smtp_tls_port=secured.port,
            ca_file=ca_file,
            controllers=[plain, secured],
        )

    def stop(self) -> None:
        for controller in self.controllers:
            controller.stop()
        self.dovecot.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def mailbox_add(self, prefix: str = "vanthu") -> tuple[str, str, str]:
        """A new, empty mailbox: (login, password, address)."""
        self._counter += 1
        login = f"{prefix}{self._counter}"
        self.dovecot.user_add(login)
        return login, MAILBOX_PASSWORD, f"{login}@{DOMAIN}"
