"""A message taken from an official mailbox: its fields, its attachments, and what it carries.

Parsed with the standard library's e-mail package (``policy.default``): RFC 2047 encoded
words in the subject, the sender's name and (as old Outlook writes them) file names, RFC 2231
file names, and raw UTF-8 headers all come out as text; every text is NFC-normalised, since a
Vietnamese name may arrive decomposed (e + combining acute) from one client and composed from
another.

`classify` says what a message brings to the document registry:

- ``edxml``: an attachment is an edXML package (QCVN 102:2016), registered as the API would;
- ``signed_pdf``: a PDF attachment holds a signature dictionary (``/ByteRange``): a signed
  document, registered with the PDF as its main file;
- ``other``: anything else (a reply, a spam message, an unsigned scan): kept, not registered.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import importlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Literal

Kind = Literal["edxml", "signed_pdf", "other"]

EDXML_NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
EDXML_ROOT = "edXMLEnvelope"

_PDF_HEADER = re.compile(rb"%PDF-\d")
_SIGNATURE_DICT = re.compile(rb"/ByteRange\s*\[")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _text(value: object) -> str:
    """A header or parameter as NFC text; undecodable raw bytes (kept by the parser as
    surrogates) are read as UTF-8, which is what Vietnamese clients send unannounced."""
    text = str(value or "")
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return nfc(" ".join(text.split()))


def _safe_name(name: str) -> str:
    """A file name without any directory part (``..\\..\\x.pdf`` is ``x.pdf``)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    uidvalidity: int
    raw: bytes = field(repr=False)
    message_id: str  # as in the header, with its angle brackets; "" when the sender gave none
    sender: str  # the bare address, lower-cased: vanthu@soyte.camau.gov.vn
    subject: str
    date: dt.datetime | None
    attachments: list[MailAttachment] = field(default_factory=list, repr=False)
    sender_name: str = ""
    body_text: str = field(default="", repr=False)

    @property
    def kind(self) -> Kind:
        return classify(self)


def message_parse(raw: bytes, *, uid: int = 0, uidvalidity: int = 0) -> FetchedMessage:
    """A raw RFC 5322 message as a FetchedMessage (never raises on a malformed message: what
    cannot be read is left empty, the raw bytes are kept whole)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(msg, EmailMessage):  # policy.default builds EmailMessage
        raise TypeError(type(msg))
    sender_name, sender = _sender(msg)
    return FetchedMessage(
        uid=uid,
        uidvalidity=uidvalidity,
        raw=raw,
        message_id=_text(msg.get("Message-ID", "")),
        sender=sender,
        sender_name=sender_name,
        subject=_text(msg.get("Subject", "")),
        date=_date(msg),
        attachments=list(_attachments(msg)),
        body_text=_body_text(msg),
    )


def _sender(msg: EmailMessage) -> tuple[str, str]:
    for header in ("From", "Sender", "Return-Path"):
        try:
            value = msg.get(header)
            addresses = getattr(value, "addresses", ()) if value is not None else ()
        except (IndexError, ValueError):  # a header the parser cannot split
            addresses = ()
        for address in addresses:
            if address.addr_spec and "@" in address.addr_spec:
                return _text(address.display_name), _text(address.addr_spec).lower()
    return "", ""


def _date(msg: EmailMessage) -> dt.datetime | None:
    try:
        value = msg.get("Date")
        if value is None:
            return None
        moment = getattr(value, "datetime", None) or parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if moment is not None and moment.tzinfo is None:  # "-0000": zone unknown, read as UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _attachments(msg: EmailMessage) -> list[MailAttachment]:
    found = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        content_type = part.get_content_type()
        if (
            filename is None
            and disposition != "attachment"
            and not content_type.startswith("application/")
        ):
            continue  # the body (text/plain, text/html) or an inline picture
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = _safe_name(_text(filename)) if filename else ""
        found.append(MailAttachment(name=name, content_type=content_type, data=payload))
    return found


def _body_text(msg: EmailMessage) -> str:
    try:
        body = msg.get_body(preferencelist=("plain",))
        if body is None:
            return ""
        content = body.get_content()
    except (KeyError, LookupError, UnicodeError, ValueError):
        return ""
    return nfc(content) if isinstance(content, str) else ""


# --- what the message carries -------------------------------------------------------------------


def is_signed_pdf(attachment: MailAttachment) -> bool:
    """A PDF (its header within the first kilobyte, as readers allow) with a signature
    dictionary in it."""
    data = attachment.data
    return bool(_PDF_HEADER.search(data[:1024])) and bool(_SIGNATURE_DICT.search(data))


def _looks_like_xml(attachment: MailAttachment) -> bool:
    head = attachment.data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return (
        head.startswith(b"<")
        or "xml" in attachment.content_type
        or attachment.name.lower().endswith((".xml", ".edxml"))
    )


def _edxml_root(data: bytes) -> bool:
    """The package's envelope opens the document: as its root, or as the first child of an
    ``edXML`` wrapper in the edXML namespace (the canonical layout, with AttachmentEncoded
    beside the envelope). Reads no further than the envelope's start tag."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    seen: list[etree.QName] = []
    try:
        for offset in range(0, min(len(data), 64 * 1024), 1024):
            parser.feed(data[offset : offset + 1024])
            for _event, element in parser.read_events():
                tag = etree.QName(element)
                if tag.namespace not in (EDXML_NAMESPACE, None):
                    return False
                if tag.localname == EDXML_ROOT:
                    return True
                seen.append(tag)
                if len(seen) == 2:  # a wrapper whose first child is not the envelope
                    return False
    except etree.LxmlError:
        return False
    return False


def is_edxml_envelope(attachment: MailAttachment) -> bool:
    """The attachment starts like an edXML package (its root is the QCVN 102 envelope); cheap:
    only the first element is read."""
    return _looks_like_xml(attachment) and _edxml_root(attachment.data)


def is_edxml(attachment: MailAttachment) -> bool:
    """An edXML package: its root is the QCVN 102 envelope and, once the edXML library is
    installed (motcua.documents.edxml), it parses as a document or status package."""
    if not is_edxml_envelope(attachment):
        return False
    try:
        edxml = importlib.import_module("motcua.documents.edxml")
    except ImportError:  # the edXML library is not there yet: the envelope is enough
        return True
    try:
        edxml.parse(attachment.data)
    except edxml.EdxmlError:
        return False
    return True


def attachment_kind(attachment: MailAttachment) -> Kind:
    if is_edxml(attachment):
        return "edxml"
    if is_signed_pdf(attachment):
        return "signed_pdf"
    return "other"


def classify(fetched: FetchedMessage | Sequence[MailAttachment]) -> Kind:
    """``edxml`` when any attachment is a package (it carries the metadata, and its own
    files), else ``signed_pdf`` when any attachment is a signed PDF, else ``other``."""
    attachments = fetched.attachments if isinstance(fetched, FetchedMessage) else fetched
    kinds = {attachment_kind(a) for a in attachments}
    if "edxml" in kinds:
        return "edxml"
    if "signed_pdf" in kinds:
        return "signed_pdf"
    return "other"


def main_attachment(fetched: FetchedMessage) -> MailAttachment | None:
    """The attachment registration starts from: the first package, else the first signed
    PDF, else None."""
    for wanted in ("edxml", "signed_pdf"):
        for attachment in fetched.attachments:
            if attachment_kind(attachment) == wanted:
                return attachment
    return None
