"""Official e-mail: an agency's official mailbox read over IMAP, issued documents sent by SMTP.

Transport only: no database, no registration. `imap.mailbox_fetch` yields the messages that
arrived since the last poll, `messages.classify` says whether one carries an edXML package or
a signed PDF, `smtp.smtp_send` sends a document with per-recipient verdicts. The polling and
sending tasks that store and register what goes through here are in documents.tasks_mail.
Settings (environment variables) are listed in `config`.
"""

from motcua.documents.mail.config import MailboxConfig, SmtpConfig, secret_resolve
from motcua.documents.mail.imap import MailboxError, MailboxStatus, mailbox_fetch, mailbox_status
from motcua.documents.mail.messages import (
    FetchedMessage,
    MailAttachment,
    attachment_kind,
    classify,
    main_attachment,
    message_parse,
)
from motcua.documents.mail.smtp import (
    MailSendError,
    SendOutcome,
    message_build,
    reply_is_temporary,
    smtp_send,
    smtp_send_message,
)

__all__ = [
    "FetchedMessage",
    "MailAttachment",
    "MailSendError",
    "MailboxConfig",
    "MailboxError",
    "MailboxStatus",
    "SendOutcome",
    "SmtpConfig",
    "attachment_kind",
    "classify",
    "mailbox_fetch",
    "mailbox_status",
    "main_attachment",
    "message_build",
    "message_parse",
    "reply_is_temporary",
    "secret_resolve",
    "smtp_send",
    "smtp_send_message",
]
