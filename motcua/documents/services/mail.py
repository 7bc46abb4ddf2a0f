"""Official e-mail in the life of a document: the agencies' official mailboxes read into
incoming documents, and issued documents sent to the recipients reached by e-mail.

Reading a mailbox (`mailbox_poll`, from the task `poll_mailbox` and `manage.py
documents_poll_mail`): each message that arrived since the last poll is kept raw in the
exchange log with its sender, then

- an edXML attachment is registered from the package, exactly as the API registers it
  (`incoming_receive_package`: a DocumentId the agency already holds is not registered again);
- else a signed PDF becomes an incoming document *to register* (`incoming_create_received`): the
  PDF is its main file, the other attachments follow, the subject and sender are what the clerk
  starts from;
- else the message is logged as ignored (a reply, an unsigned scan, spam): nothing registered.

Each message is handled in its own transaction, with the mailbox row locked and its last UID
moved forward in the same transaction: a poll interrupted half-way resumes after the last
message kept, two polls running at once never handle one message twice, and a message already
in the log for this agency (same Message-ID; without one, same IMAP URL) is not kept again,
which covers a folder whose UIDVALIDITY changed. A message whose registration fails is still
kept in the log with the reason (outcome "failed"), and the mailbox moves on.

Sending (`deliver_recipient`, looked up by `motcua.documents.delivery` for the e-mail channel):
the signed PDF and the separate attachments go to the recipient's address through the
province's relay (MOTCUA_SMTP_*, see motcua.documents.mail.config), from the issuing agency's
official mailbox address when it has one. The recipient row is claimed (its next attempt moved
a lease ahead) before the network is touched, so a duplicate task sends nothing. Each attempt is
an exchange-log row holding the exact message sent. The server's verdict is recorded on the
recipient: accepted → sent; a permanent refusal (5xx) → failed with the server's reply; a
temporary one (4xx, the server unreachable) → tried again with back-off (2, 4, 8 … minutes) up
to MAX_ATTEMPTS, then failed. A worker that dies mid-send leaves the claim to expire;
`email_deliveries_retry_due` (from the poll command) enqueues it again — it is then sent with the
same Message-ID, by which the receiving side recognises a copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.core.task_recovery import task_lease
from motcua.documents.enums import (
    Channel,
    DeliveryStatus,
    ExchangeDirection,
    OutgoingState,
    Source,
)
from motcua.documents.mail import (
    FetchedMessage,
    MailAttachment,
    MailboxConfig,
    MailboxError,
    MailSendError,
    SmtpConfig,
    mailbox_fetch,
    message_build,
    reply_is_temporary,
    smtp_send_message,
)
from motcua.documents.mail.config import secret_resolve, security_parse
from motcua.documents.mail.messages import is_edxml_envelope, is_signed_pdf
from motcua.documents.models import (
    Agency,
    ExchangeMessage,
    IncomingDocument,
    OfficialMailbox,
    OutgoingDocument,
    Recipient,
)
from motcua.documents.services import shell
from motcua.documents.services.incoming import (
    IncomingFields,
    incoming_create_received,
    incoming_receive_package,
)
from motcua.documents.services.outgoing import FileInput, recipient_record_status

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
KIND = "email"  # ExchangeMessage.kind of every row written here
# "Số 05/QĐ-UBND", "123/UBND-VX" in a subject: a hint for the clerk, who checks it
_NUMBER_NOTATION = re.compile(r"(?<![\w/])(\d{1,7})/((?:[^\W_]+)(?:-[^\W_]+)+)")


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(120, 2**attempts))


# --- reading the official mailboxes ---------------------------------------------------------------


@dataclass
class PollResult:
    mailbox_id: int
    outcomes: Counter[str] = field(default_factory=Counter)
    error: str = ""

    def summary(self) -> str:
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(self.outcomes.items()))
        return f"error: {self.error}" if self.error else counts or "nothing new"


def mailbox_config(mailbox: OfficialMailbox) -> MailboxConfig:
    """How to reach `mailbox` (its password from its secret reference; a private mail CA from
    MOTCUA_IMAP_CA_FILE)."""
    return MailboxConfig(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        username=mailbox.username,
        password=secret_resolve(mailbox.secret_ref),
        security=security_parse(mailbox.imap_security, default="ssl"),
        folder=mailbox.folder or "INBOX",
        ca_file=os.environ.get("MOTCUA_IMAP_CA_FILE", ""),
        timeout=float(os.environ.get("MOTCUA_IMAP_TIMEOUT") or 60),
    )


def mailbox_poll(*, mailbox_id: int) -> PollResult:
    """Read what arrived in one official mailbox since the last poll (network outside any
    transaction; each message kept in its own)."""
    result = PollResult(mailbox_id=mailbox_id)
    mailbox = OfficialMailbox.objects.filter(pk=mailbox_id, active=True).first()
    if mailbox is None:
        result.error = "inactive or missing"
        return result
    try:
        config = mailbox_config(mailbox)
        for fetched in mailbox_fetch(
            config, after_uid=mailbox.last_uid, uidvalidity=mailbox.uidvalidity
        ):
            result.outcomes[mail_message_receive(mailbox_id=mailbox_id, fetched=fetched)] += 1
    except (MailboxError, DomainError, ValueError, OSError) as exc:  # unreachable, misconfigured
        log.warning("official mailbox %s: %s", mailbox_id, exc)
        result.error = str(exc)[:2000]
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        OfficialMailbox.objects.filter(pk=mailbox_id).update(
            last_polled_at=shell.now(), last_error=result.error
        )
    return result


def imap_url(mailbox: OfficialMailbox, fetched: FetchedMessage) -> str:
    """The message's IMAP URL (RFC 5092): its identity when it has no Message-ID."""
    folder = quote(mailbox.folder or "INBOX")
    user = quote(mailbox.username)
    return (
        f"imap://{user}@{mailbox.imap_host}/{folder};UIDVALIDITY={fetched.uidvalidity}"
        f"/;UID={fetched.uid}"
    )


@transaction.atomic
def mail_message_receive(*, mailbox_id: int, fetched: FetchedMessage) -> str:
    """Keep one fetched message and register what it carries; the mailbox's last UID moves
    forward in the same transaction. Returns the outcome: registered, received (to register),
    duplicate, ignored, failed, or seen (another poll had it first)."""
    mailbox = (
        OfficialMailbox.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=mailbox_id)
    )
    if mailbox.uidvalidity == fetched.uidvalidity and fetched.uid <= mailbox.last_uid:
        return "seen"
    key = (fetched.message_id or imap_url(mailbox, fetched))[:255]
    already = ExchangeMessage.objects.filter(
        direction=ExchangeDirection.IN,
        channel=Channel.EMAIL,
        organisation=mailbox.organisation,
        external_id=key,
    ).exists()
    outcome = "duplicate" if already else _receive(mailbox, fetched, key)
    mailbox.last_uid = fetched.uid
    mailbox.uidvalidity = fetched.uidvalidity
    mailbox.save(update_fields=["last_uid", "uidvalidity"])
    return outcome


def _edxml_package(attachments: list[MailAttachment]) -> tuple[Any, bool, str]:
    """(the first attachment that reads as an edXML package or None, whether it is a document
    package (not a status), why a package-looking attachment did not read)."""
    candidates = [a for a in attachments if is_edxml_envelope(a)]
    if not candidates:
        return None, False, ""
    try:  # (by name until the edXML reader is merged: mypy cannot see it before)
        edxml = importlib.import_module("motcua.documents.edxml")
    except ImportError:  # the edXML reader is not installed: the package cannot be read
        return None, False, "edXML package not read: no edXML reader on this server"
    problem = ""
    for attachment in candidates:
        try:
            package = edxml.parse(attachment.data)
        except edxml.EdxmlError as exc:
            problem = f"{attachment.name}: {exc}"
            continue
        return package, isinstance(package, edxml.EdocPackage), ""
    return None, False, problem


def _receive(mailbox: OfficialMailbox, fetched: FetchedMessage, key: str) -> str:
    organisation = mailbox.organisation
    package, is_edoc, problem = _edxml_package(fetched.attachments)
    signed = [a for a in fetched.attachments if is_signed_pdf(a)]
    agency = (
        Agency.objects.filter(email__iexact=fetched.sender).order_by("id").first()
        if fetched.sender
        else None
    )
    outcome = "received" if is_edoc or signed else "ignored"
    row = _log_received(
        mailbox=mailbox,
        fetched=fetched,
        key=key,
        agency=agency,
        outcome=outcome,
        document_id=(getattr(package, "document_id", "") or "") if is_edoc else "",
        note=problem
        or (
            "edXML status package: statuses are taken from the exchange, not from e-mail"
            if package is not None and not is_edoc
            else ""
        ),
    )
    if outcome == "ignored":
        return outcome
    try:
        with transaction.atomic():
            if is_edoc:
                document, created = incoming_receive_package(
                    organisation=organisation, package=package, channel=Channel.EMAIL, message=row
                )
                if not created:
                    _log_follow_up(row, "duplicate", f"already held: {document.pk}")
                    return "duplicate"
                return "registered"
            _received_signed_pdf(organisation, fetched, signed[0], agency, row)
            return "received"
    except Exception as exc:  # kept raw in the log with the reason; the mailbox moves on
        log.exception("official mailbox %s: message %s not registered", mailbox.pk, key)
        _log_follow_up(row, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"


def number_notation_guess(text: str) -> tuple[str, str]:
    """("05", "QĐ-UBND") from "Quyết định số 05/QĐ-UBND về việc …"; ("", "") when none."""
    match = _NUMBER_NOTATION.search(text)
    return (match.group(1), match.group(2)) if match else ("", "")


def _received_signed_pdf(
    organisation: Any,
    fetched: FetchedMessage,
    main: MailAttachment,
    agency: Agency | None,
    row: ExchangeMessage,
) -> IncomingDocument:
    others = [a for a in fetched.attachments if a is not main]
    subject = fetched.subject or main.name or _("(no subject)")
    number, notation = number_notation_guess(f"{fetched.subject} {main.name}")
    sender = agency.name if agency else (fetched.sender_name or fetched.sender)
    fields = IncomingFields(
        sender_name=(sender or _("Unknown sender"))[:255],
        sender_organ_id=agency.organ_id[:64] if agency else "",
        code_number=number,
        code_notation=notation[:64],
        subject=" ".join(subject.split())[:1000],
        note=_("Received by e-mail from %(sender)s.") % {"sender": fetched.sender or "?"},
    )
    files = [
        FileInput(a.name or f"tep-{i}", a.data, a.content_type)
        for i, a in enumerate([main, *others], start=1)
    ]
    return incoming_create_received(
        organisation=organisation,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        fields=fields,
        files=files,
        message=row,
        sender_email=fetched.sender,
    )


def _log_received(
    *,
    mailbox: OfficialMailbox,
    fetched: FetchedMessage,
    key: str,
    agency: Agency | None,
    outcome: str,
    document_id: str,
    note: str,
) -> ExchangeMessage:
    sender = f"{fetched.sender_name} <{fetched.sender}>" if fetched.sender_name else fetched.sender
    detail = "\n".join(
        line
        for line in (
            f"From: {sender}",
            f"Subject: {fetched.subject}",
            f"IMAP: {imap_url(mailbox, fetched)}",
            f"Attachments: {', '.join(a.name or a.content_type for a in fetched.attachments)}",
            note,
        )
        if line
    )
    row = ExchangeMessage(
        direction=ExchangeDirection.IN,
        channel=Channel.EMAIL,
        kind=KIND,
        at=shell.now(),
        organisation=mailbox.organisation,
        from_organ_id=agency.organ_id[:64] if agency else "",
        to_organ_ids=[mailbox.organisation.agency_code] if mailbox.organisation.agency_code else [],
        document_id=document_id[:255],
        outcome=outcome,
        detail=detail,
        sha256=shell.sha256(fetched.raw),
        size=len(fetched.raw),
        external_id=key,
    )
    row.raw.save("message.eml", shell.content_file(fetched.raw, "message.eml"), save=False)
    row.save()
    return row


def _log_follow_up(first: ExchangeMessage, outcome: str, detail: str) -> ExchangeMessage:
    """A later outcome of a logged message: a new row pointing at the first (append-only)."""
    return ExchangeMessage.objects.create(
        direction=first.direction,
        channel=first.channel,
        kind=first.kind,
        at=shell.now(),
        organisation=first.organisation,
        from_organ_id=first.from_organ_id,
        to_organ_ids=first.to_organ_ids,
        document_id=first.document_id,
        outcome=outcome,
        detail=detail[:4000],
        external_id=first.external_id,
        related=first,
        outgoing=first.outgoing,
        recipient=first.recipient,
    )


# --- sending issued documents by e-mail -----------------------------------------------------------


def smtp_config_for(document: OutgoingDocument) -> SmtpConfig | None:
    """The province's relay (MOTCUA_SMTP_*), sending from the issuing agency's official
    mailbox address when it has one, under the agency's name."""
    config = SmtpConfig.from_env()
    if config is None:
        return None
    organisation = document.organisation
    mailbox = OfficialMailbox.objects.filter(organisation=organisation).first()
    sender = mailbox.address if mailbox is not None and mailbox.address else config.sender
    return dataclasses.replace(config, sender=sender, sender_name=organisation.name)


def _claim(recipient_id: int) -> tuple[Recipient | None, str]:
    """Lock the recipient and move its next attempt a lease ahead; (None, why) when it is not
    to be sent now."""
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("document", "document__organisation", "document__signed_document")
            .filter(pk=recipient_id)
            .first()
        )
        if recipient is None:
            return None, "missing"
        if recipient.channel != Channel.EMAIL:
            return None, "not_email"
        if recipient.status != DeliveryStatus.PENDING:
            return None, f"already_{recipient.status}"
        now = shell.now()
        if recipient.next_attempt_at is not None and recipient.next_attempt_at > now:
            return None, "not_due"  # another attempt is under way, or waits its time
        recipient.next_attempt_at = now + task_lease()
        recipient.save(update_fields=["next_attempt_at"])
    return recipient, ""


def message_id_for(recipient: Recipient, domain: str) -> str:
    """The same Message-ID for every attempt to one recipient."""
    return f"<document-{recipient.document_id}.recipient-{recipient.pk}@{domain}>"


def _letter(document: OutgoingDocument, recipient: Recipient) -> tuple[str, str]:
    """(subject, text) of the covering e-mail."""
    number = document.number_notation
    subject = f"{number}: {document.subject}" if number else document.subject
    date = document.issued_date.strftime("%d/%m/%Y") if document.issued_date else ""
    text = _(
        "Dear %(recipient)s,\n\n"
        "%(agency)s sends you document No. %(number)s of %(date)s:\n%(subject)s\n\n"
        "The electronic document, digitally signed, is attached to this message.\n\n"
        "This message was sent by the document management system of %(agency)s."
    ) % {
        "recipient": recipient.name,
        "agency": document.organisation.name,
        "number": number or "—",
        "date": date or "—",
        "subject": document.subject,
    }
    return subject, text


def _files(document: OutgoingDocument) -> list[tuple[str, str, bytes]]:
    """The signed PDF first (named after its number), then the separate attachments."""
    signed = document.signed_document
    if signed is None or not signed.file:
        raise ValueError(_("The document has no signed file to send."))
    with signed.file.open("rb") as handle:
        main = handle.read()
    stem = document.number_notation.replace("/", "-") or f"van-ban-{document.pk}"
    files = [(f"{stem}.pdf", "application/pdf", main)]
    for attachment in document.attachments.select_related("signed_document").order_by("id"):
        source = attachment.signed_document.file if attachment.signed_document else attachment.file
        with source.open("rb") as handle:
            files.append((attachment.file_name, attachment.content_type, handle.read()))
    return files


def deliver_recipient(recipient_id: int) -> str:
    """Send an issued document to one e-mail recipient (the e-mail sender of
    motcua.documents.delivery); returns a short word for the task's result."""
    recipient, why = _claim(recipient_id)
    if recipient is None:
        return why
    document = recipient.document
    raw = b""
    message_id = ""
    config = smtp_config_for(document)
    try:
        if document.is_secret:
            raise MailSendError(
                _("A secret document is never sent electronically."), temporary=False
            )
        if config is None:
            raise MailSendError(
                _("Sending by e-mail is not configured on this server (MOTCUA_SMTP_HOST)."),
                temporary=False,
            )
        subject, text = _letter(document, recipient)
        message_id = message_id_for(recipient, config.sender_domain)
        msg = message_build(
            config,
            to=[recipient.email],
            subject=subject,
            body_text=text,
            attachments=_files(document),
            message_id=message_id,
            headers={"X-MotCua-Document-Id": document.document_id} if document.document_id else {},
        )
        raw = msg.as_bytes()
        outcome = smtp_send_message(config, msg, to=[recipient.email])
    except MailSendError as exc:
        reason, temporary = exc.reason, exc.temporary
    except (ValueError, OSError) as exc:  # the file is missing, unreadable
        reason, temporary = str(exc), False
    else:
        reason = outcome.refused.get(recipient.email, "")
        temporary = bool(reason) and reply_is_temporary(reason)
    return _delivery_record(
        recipient_id=recipient.pk,
        host=config.host if config else "",
        raw=raw,
        message_id=message_id,
        reason=reason,
        temporary=temporary,
    )


@transaction.atomic
def _delivery_record(
    *, recipient_id: int, host: str, raw: bytes, message_id: str, reason: str, temporary: bool
) -> str:
    recipient = (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("document", "document__organisation")
        .get(pk=recipient_id)
    )
    document = recipient.document
    retry = bool(reason) and temporary and recipient.attempts + 1 < MAX_ATTEMPTS
    outcome = "sent" if not reason else ("deferred" if retry else "failed")
    first = (
        ExchangeMessage.objects.filter(
            direction=ExchangeDirection.OUT,
            channel=Channel.EMAIL,
            recipient=recipient,
            related__isnull=True,
        )
        .order_by("id")
        .first()
    )
    row = ExchangeMessage(
        direction=ExchangeDirection.OUT,
        channel=Channel.EMAIL,
        kind=KIND,
        at=shell.now(),
        organisation=document.organisation,
        from_organ_id=document.organisation.agency_code[:64],
        to_organ_ids=[recipient.organ_id] if recipient.organ_id else [],
        document_id=document.document_id,
        outcome=outcome,
        detail=f"To: {recipient.email}\n{reason or f'accepted by {host}'}",
        sha256=shell.sha256(raw) if raw else "",
        size=len(raw),
        external_id=message_id,
        related=first,
        outgoing=document,
        recipient=recipient,
    )
    if raw:
        row.raw.save("message.eml", shell.content_file(raw, "message.eml"), save=False)
    row.save()
    if outcome == "sent":
        recipient.next_attempt_at = None
        recipient.save(update_fields=["next_attempt_at"])
        recipient_record_status(
            recipient=recipient,
            status=DeliveryStatus.SENT,
            description=_("Accepted by the mail server %(host)s.") % {"host": host},
            message=row,
        )
    elif outcome == "deferred":
        recipient_defer(recipient=recipient, error=reason, message=row)
    else:
        recipient.next_attempt_at = None
        recipient.save(update_fields=["next_attempt_at"])
        recipient_record_status(
            recipient=recipient, status=DeliveryStatus.FAILED, error=reason, message=row
        )
    return outcome


@transaction.atomic
def recipient_defer(
    *, recipient: Recipient, error: str, message: ExchangeMessage | None = None
) -> Recipient:
    """A temporary failure: the recipient stays pending, its attempt counted and its error kept;
    it is tried again after the back-off (enqueued now when the task backend can wait, else
    by `email_deliveries_retry_due`)."""
    from motcua.documents import tasks

    recipient = Recipient.objects.select_for_update(of=("self",)).get(pk=recipient.pk)
    recipient.attempts += 1
    recipient.last_error = error[:2000]
    recipient.next_attempt_at = shell.now() + backoff(recipient.attempts)
    recipient.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    document = shell.lock_outgoing(recipient.document)
    shell.event(
        document=document,
        action="delivery",
        actor=None,
        recipient=recipient.name,
        status="deferred",
        attempts=recipient.attempts,
        note=error,
        message=message.pk if message is not None else None,
    )
    task = tasks.deliver_recipient
    if task.get_backend().supports_defer:
        recipient_id, run_after = recipient.pk, recipient.next_attempt_at
        transaction.on_commit(lambda: task.using(run_after=run_after).enqueue(recipient_id))
    return recipient


def email_deliveries_retry_due(*, now: dt.datetime | None = None) -> int:
    """Enqueue the e-mail deliveries whose retry time has come, whose claim expired (the worker
    died), or whose first task was lost (still pending a lease after issue); returns how many.
    A task enqueued twice is harmless: the claim lets one send."""
    from motcua.documents import tasks

    now = now or shell.now()
    due = Recipient.objects.filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, document__issued_at__lte=now - task_lease()),
        channel=Channel.EMAIL,
        status=DeliveryStatus.PENDING,
        document__state=OutgoingState.ISSUED,
    )
    ids = list(due.values_list("pk", flat=True))
    for pk in ids:
        tasks.deliver_recipient.enqueue(pk)
    return len(ids)


def mailboxes_active() -> list[int]:
    """The official mailboxes to poll."""
    return list(
        OfficialMailbox.objects.filter(active=True).order_by("id").values_list("pk", flat=True)
    )
