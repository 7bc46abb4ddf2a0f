"""Where the official mail lives: one IMAP mailbox per agency, one SMTP relay for sending.

Both are plain values, built either from the database (an agency's official mailbox, whose
password is a secret reference) or from the environment:

=========================  =================================================================
MOTCUA_SMTP_HOST           the province's mail relay; empty: sending by e-mail is off
MOTCUA_SMTP_PORT           default 465 for ssl, 587 for starttls, 25 for none
MOTCUA_SMTP_USER           login (empty: no AUTH)
MOTCUA_SMTP_PASSWORD       password, or MOTCUA_SMTP_PASSWORD_REF = file:/path | env:NAME
MOTCUA_SMTP_SECURITY       ssl | starttls | none (default starttls)
MOTCUA_SMTP_FROM           the sender, e.g. ``Văn thư UBND tỉnh Cà Mau <vanthu@camau.gov.vn>``
MOTCUA_SMTP_CA_FILE        a CA bundle to trust instead of the system's (a private mail server)
MOTCUA_SMTP_TIMEOUT        seconds, default 60
MOTCUA_IMAP_HOST           a mailbox read without a database row (tools, diagnostics)
MOTCUA_IMAP_PORT           default 993 for ssl, 143 otherwise
MOTCUA_IMAP_USER
MOTCUA_IMAP_PASSWORD       or MOTCUA_IMAP_PASSWORD_REF = file:/path | env:NAME
MOTCUA_IMAP_SECURITY       ssl | starttls | none (default ssl)
MOTCUA_IMAP_FOLDER         default INBOX
MOTCUA_IMAP_CA_FILE
MOTCUA_IMAP_TIMEOUT        seconds, default 60
=========================  =================================================================

Secret references use the syntax of the signing credentials (signatures.backends.secret_resolve):
``file:/path`` (its first line) or ``env:NAME``.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

Security = Literal["ssl", "starttls", "none"]
SECURITIES: tuple[Security, ...] = ("ssl", "starttls", "none")


def secret_resolve(ref: str) -> str:
    """A mail password from its reference: ``file:/path`` (first line), ``env:NAME``, or ""."""
    if not ref:
        return ""
    kind, _sep, value = ref.partition(":")
    if kind == "file":
        return Path(value).read_text().strip()
    if kind == "env":
        secret = os.environ.get(value)
        if secret is None:
            raise ValidationFailed(
                _("The mail server password is not configured on this server."),
                fields={"password": value},
            )
        return secret
    raise ValueError(f"unknown secret reference {ref!r}: use file:/path or env:NAME")


def security_parse(value: str, *, default: Security) -> Security:
    value = (value or default).strip().lower()
    for security in SECURITIES:
        if value == security:
            return security
    raise ValueError(f"mail security must be one of {', '.join(SECURITIES)}, not {value!r}")


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """Certificate and host name checked; a private CA when `ca_file` is given."""
    return ssl.create_default_context(cafile=ca_file or None)


def _password(env: Mapping[str, str], prefix: str) -> str:
    if env.get(f"{prefix}_PASSWORD_REF"):
        return secret_resolve(env[f"{prefix}_PASSWORD_REF"])
    return env.get(f"{prefix}_PASSWORD", "")


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    username: str
    password: str
    security: Security = "ssl"
    folder: str = "INBOX"
    ca_file: str = ""
    timeout: float = 60.0

    def __repr__(self) -> str:  # never the password in a log line or a traceback
        return (
            f"MailboxConfig({self.username}@{self.host}:{self.port}/{self.folder}, {self.security})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailboxConfig | None:
        """The MOTCUA_IMAP_* mailbox, or None when MOTCUA_IMAP_HOST is not set."""
        env = os.environ if env is None else env
        host = env.get("MOTCUA_IMAP_HOST", "")
        if not host:
            return None
        security = security_parse(env.get("MOTCUA_IMAP_SECURITY", ""), default="ssl")
        return cls(
            host=host,
            port=int(env.get("MOTCUA_IMAP_PORT") or (993 if security == "ssl" else 143)),
            username=env.get("MOTCUA_IMAP_USER", ""),
            password=_password(env, "MOTCUA_IMAP"),
            security=security,
            folder=env.get("MOTCUA_IMAP_FOLDER") or "INBOX",
            ca_file=env.get("MOTCUA_IMAP_CA_FILE", ""),
            timeout=float(env.get("MOTCUA_IMAP_TIMEOUT") or 60),
        )


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str
    password: str
    security: Security
    sender: str  # the bare address: vanthu@camau.gov.vn
    sender_name: str = ""  # shown beside it: Văn thư UBND tỉnh Cà Mau
    ca_file: str = ""
    timeout: float = 60.0

    def __repr__(self) -> str:
        return f"SmtpConfig({self.username or '-'}@{self.host}:{self.port}, {self.security})"

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2] or "localhost"

    def from_header(self) -> Address:
        username, _at, domain = self.sender.rpartition("@")
        return Address(display_name=self.sender_name, username=username, domain=domain)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpConfig | None:
        """The MOTCUA_SMTP_* relay, or None when MOTCUA_SMTP_HOST is not set."""
        env = os.environ if env is None else env
        host = env.get("MOTCUA_SMTP_HOST", "")
        if not host:
            return None
        security = security_parse(env.get("MOTCUA_SMTP_SECURITY", ""), default="starttls")
        default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
        name, address = parseaddr(env.get("MOTCUA_SMTP_FROM", ""))
        if "@" not in address:
            raise ValueError("MOTCUA_SMTP_FROM must hold the sender's address")
        return cls(
            host=host,
            port=int(env.get("MOTCUA_SMTP_PORT") or default_port),
            username=env.get("MOTCUA_SMTP_USER", ""),
            password=_password(env, "MOTCUA_SMTP"),
            security=security,
            sender=address,
            sender_name=name,
            ca_file=env.get("MOTCUA_SMTP_CA_FILE", ""),
            timeout=float(env.get("MOTCUA_SMTP_TIMEOUT") or 60),
        )
