"""Sending an issued document by e-mail (smtplib), recipient by recipient verdicts kept.

The subject and the sender's name go out as RFC 2047 encoded words and file names as RFC 2231
parameters, so a Vietnamese ``Quyết định 05.pdf`` arrives intact in any client; the text part
is quoted-printable (7-bit safe through any relay). The caller may fix the Message-ID
beforehand and keep it: a retry then sends the same Message-ID, by which the receiving side
recognises a message it already has.

Failures are told apart by the server's reply code: 4xx is temporary (try again later), 5xx
permanent (RFC 5321 §4.2.1). A whole-message failure (the server cannot be reached, refuses
the login, the sender or the data) raises MailSendError; recipients refused one by one are
listed in the outcome while the others are sent to.
"""

from __future__ import annotations

import smtplib
import ssl
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from motcua.documents.mail.config import SmtpConfig, tls_context

Attachment = tuple[str, str, bytes]  # (file name, content type, bytes)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}".strip()


def reply_is_temporary(reason: str) -> bool:
    """A reply recorded by smtp_send (``"450 4.2.1 mailbox busy"``) asks to try again later;
    a reply without a code (the connection failed) does too."""
    code = reason[:3]
    return not code.isdigit() or code.startswith("4")


class MailSendError(Exception):
    """Nothing was sent. `reason` is the server's reply (``"554 5.7.1 ..."``) or the network
    error; `temporary` says whether trying again later may succeed."""

    def __init__(self, reason: str, *, temporary: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


@dataclass(frozen=True)
class SendOutcome:
    message_id: str
    accepted: list[str]
    refused: dict[str, str] = field(default_factory=dict)  # address -> "550 5.1.1 ..."


def message_build(
    config: SmtpConfig,
    *,
    to: Sequence[str],
    subject: str,
    body_text: str,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.from_header()
    msg["To"] = ", ".join(to)
    msg["Subject"] = _nfc(subject)
    msg["Date"] = format_datetime(timezone.localtime())
    msg["Message-ID"] = message_id or make_msgid(domain=config.sender_domain)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(_nfc(body_text), cte="quoted-printable")
    for name, content_type, data in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        msg.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=_nfc(name),
        )
    return msg


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host,
            config.port,
            timeout=config.timeout,
            context=tls_context(config.ca_file),
        )
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            server.starttls(context=tls_context(config.ca_file))
    if config.username:
        server.login(config.username, config.password)
    return server


def smtp_send(
    config: SmtpConfig,
    *,
    to: list[str],
    subject: str,
    body_text: str,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> SendOutcome:
    """Send one message to `to`; which recipients the server accepted and which it refused
    (with its reply). Raises MailSendError when nothing could be sent."""
    msg = message_build(
        config,
        to=to,
        subject=subject,
        body_text=body_text,
        attachments=attachments,
        message_id=message_id,
        headers=headers,
    )
    return smtp_send_message(config, msg, to=to)


def smtp_send_message(config: SmtpConfig, msg: EmailMessage, *, to: list[str]) -> SendOutcome:
    """Send a message built by `message_build` (the caller keeps ``msg.as_bytes()``: the
    exact message sent)."""
    sent_id = str(msg["Message-ID"])
    server: smtplib.SMTP | None = None
    try:
        server = _connect(config)
        refused_raw = server.send_message(msg, from_addr=config.sender, to_addrs=to)
    except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
        refused_raw = exc.recipients
    except smtplib.SMTPResponseException as exc:  # login, sender, data: the whole message
        reason = _reply(exc.smtp_code, exc.smtp_error)
        raise MailSendError(reason, temporary=reply_is_temporary(reason)) from exc
    except smtplib.SMTPNotSupportedError as exc:  # e.g. no STARTTLS: the settings are wrong
        raise MailSendError(f"{type(exc).__name__}: {exc}", temporary=False) from exc
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:  # unreachable, cut off
        raise MailSendError(f"{type(exc).__name__}: {exc}", temporary=True) from exc
    finally:
        if server is not None:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()
    refused = {addr: _reply(code, message) for addr, (code, message) in refused_raw.items()}
    return SendOutcome(
        message_id=sent_id,
        accepted=[addr for addr in to if addr not in refused],
        refused=refused,
    )
