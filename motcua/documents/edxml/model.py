"""The edXML (QCVN 102:2016) package as plain data: a document package (edoc) or a status package.

No Django, no I/O beyond the attachment's own spooled file. The parser (parser.py) fills these
from what other systems send, tolerantly; the builder (builder.py) writes them canonically and
refuses what QCVN 102 forbids (over-long texts, unknown status codes, priority outside 0..4).

Dates are `datetime.date`; timestamps are aware datetimes (edXML carries Vietnam local time,
`yyyy/MM/dd HH:mm:ss`). Texts are kept as received, without leading or trailing XML whitespace.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, BinaryIO, ClassVar, Literal
from zoneinfo import ZoneInfo

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"

# edXML timestamps carry no offset: they are Vietnam time.
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# DOMAIN §9: 01 arrived, 02 rejected/returned, 03 accepted (registered), 04 assigned,
# 05 processing, 06 finished, 13 recalled by the sender, 15 recall/update accepted,
# 16 recall/update refused. No other codes exist.
STATUS_CODES = frozenset({"01", "02", "03", "04", "05", "06", "13", "15", "16"})

# BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace.
BUSINESS_DOC_TYPES = frozenset({0, 1, 2, 3})

# Priority (OtherInfo): 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.
PRIORITIES = range(5)

# QCVN 102 limits, in characters. The builder refuses longer values; the parser keeps them.
MAX_SUBJECT = 500
MAX_CONTENT = 500
MAX_TO_PLACE = 150
MAX_ATTACHMENT_NAME = 200

# Decoded attachment data stays in memory up to this size, then moves to a temporary file.
SPOOL_MAX_SIZE = 256 * 1024

ErrorReason = Literal[
    "unreadable",  # the file or stream could not be read
    "not_well_formed",  # not XML
    "not_edxml",  # XML, but not an edXML package
    "missing",  # a required element is absent or empty (see .field)
    "wrong_kind",  # parse_edoc got a status package or the other way round
    "invalid_status_code",  # a StatusCode outside STATUS_CODES
    "too_long",  # the builder refuses a value over a QCVN 102 limit (see .field)
    "invalid_value",  # the builder refuses a value (priority, characters XML cannot carry, …)
    "bad_attachment",  # attachment data that is not base64, or a reference without data
]


class EdxmlError(ValueError):
    """A package that cannot be read or written. `str(error)` is one line, in English, naming
    what is wrong; `reason` is a stable code for callers (see ErrorReason); `field` names the
    element concerned when there is one (e.g. "From", "To", "Code", "Subject")."""

    def __init__(self, message: str, *, reason: ErrorReason, field: str | None = None) -> None:
        super().__init__(message)
        self.reason: ErrorReason = reason
        self.field = field


@dataclass(slots=True, kw_only=True)
class Organ:
    """An agency (From, To): OrganId is its identifier, kept as received whatever its form."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(slots=True, kw_only=True)
class ResponseFor:
    """The document a package answers (an edoc's reply, or the subject of a status)."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: date | None = None
    document_id: str = ""


@dataclass(slots=True, kw_only=True)
class Signer:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(slots=True, kw_only=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(slots=True, kw_only=True)
class TraceHeader:
    organ_id: str
    timestamp: datetime | None = None


@dataclass(slots=True, kw_only=True)
class XmlNode:
    """An element kept generically (local name, text, children): the parts of `Bussiness` the
    model does not name (BussinessDocumentInfo, ReplacementInfoList, …), re-emitted as read."""

    name: str
    text: str = ""
    children: list[XmlNode] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Business:
    """The `Bussiness` block (spelled so in QCVN 102) of the TraceHeaderList.

    `document_id` is kept exactly as received, impossible dates included (2019/02/30 occurs in
    real packages). `details` holds the other children in their order (BussinessDocumentInfo
    before DocumentId when emitted, the rest after Paper)."""

    business_doc_type: int | None = 0
    business_doc_reason: str = ""
    document_id: str = ""
    staff_info: list[StaffInfo] = field(default_factory=list)
    paper: int | None = None
    details: list[XmlNode] = field(default_factory=list)


class _SharedReader(io.RawIOBase):
    """An independent read position over a shared file (several readers may be open at once)."""

    def __init__(self, file: IO[bytes], size: int) -> None:
        super().__init__()
        self._file = file
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), max(0, self._size - self._pos))
        if not wanted:
            return 0
        self._file.seek(self._pos)
        read = self._file.readinto(memoryview(buffer)[:wanted])  # type: ignore[attr-defined]
        self._pos += read
        return int(read)


@dataclass(slots=True, kw_only=True, eq=False)
class Attachment:
    """A file of the package. `content_id` matches the manifest's `cid:` reference to the
    AttachmentEncoded entry (stored without the `cid:` prefix); `size` is in decoded bytes.

    The data is never held whole in memory for large files: it lives in a spooled temporary
    file (parsed or `from_bytes`) or stays in its own file (`from_path`). Read it with `open()`
    (a fresh reader each time) or `read()` for small files. Two attachments are equal when
    their metadata and their bytes are."""

    content_id: str
    name: str
    content_type: str = "application/octet-stream"
    description: str = ""
    size: int = 0
    _spool: IO[bytes] | None = field(default=None, repr=False)
    _path: Path | None = field(default=None, repr=False)

    @classmethod
    def from_bytes(
        cls,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        content_id: str | None = None,
        description: str = "",
    ) -> Attachment:
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115
        spool.write(data)
        return cls(
            content_id=content_id or new_content_id(),
            name=name,
            content_type=content_type,
            description=description,
            size=len(data),
            _spool=spool,
        )

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        content_type: str = "application/octet-stream",
        content_id: str | None = None,
        description: str = "",
    ) -> Attachment:
        """An attachment whose data stays in `path` (read when the package is built)."""
        path = Path(path)
        return cls(
            content_id=content_id or new_content_id(),
            name=path.name if name is None else name,
            content_type=content_type,
            description=description,
            size=path.stat().st_size,
            _path=path,
        )

    @classmethod
    def from_spool(
        cls,
        spool: IO[bytes],
        size: int,
        *,
        content_id: str,
        name: str,
        content_type: str = "application/octet-stream",
        description: str = "",
    ) -> Attachment:
        """An attachment over an already written temporary file (the parser's decoded data)."""
        return cls(
            content_id=content_id,
            name=name,
            content_type=content_type,
            description=description,
            size=size,
            _spool=spool,
        )

    def open(self) -> BinaryIO:
        """A new binary reader positioned at the start of the data."""
        if self._path is not None:
            return self._path.open("rb")
        if self._spool is None:
            return io.BytesIO()
        return io.BufferedReader(_SharedReader(self._spool, self.size))

    def read(self) -> bytes:
        with self.open() as reader:
            return reader.read()

    def iter_chunks(self, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        with self.open() as reader:
            while chunk := reader.read(chunk_size):
                yield chunk

    def save(self, path: str | os.PathLike[str]) -> None:
        """Copy the data to `path` (streamed)."""
        with self.open() as reader, Path(path).open("wb") as out:
            shutil.copyfileobj(reader, out, 1024 * 1024)

    def close(self) -> None:
        """Release the temporary file now (it is released anyway when garbage collected)."""
        if self._spool is not None:
            self._spool.close()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Attachment):
            return NotImplemented
        if (self.content_id, self.name, self.content_type, self.description, self.size) != (
            other.content_id,
            other.name,
            other.content_type,
            other.description,
            other.size,
        ):
            return False
        with self.open() as mine, other.open() as theirs:
            while True:
                a = mine.read(1024 * 1024)
                if a != theirs.read(len(a) or 1):
                    return False
                if not a:
                    return True

    __hash__ = None  # type: ignore[assignment]


def new_content_id() -> str:
    return uuid.uuid4().hex


@dataclass(slots=True, kw_only=True)
class EdocPackage:
    """A document package: MessageHeader, TraceHeaderList (with Bussiness), manifest and files.

    `notes` lists what the parser tolerated (an impossible date read as None, a derived
    DocumentId, …); it does not take part in equality and is never emitted."""

    kind: ClassVar[Literal["edoc"]] = "edoc"

    from_: Organ
    to: list[Organ]
    code_number: str
    code_notation: str
    place: str = ""
    promulgation_date: date | None = None
    document_type: int | None = None
    type_name: str = ""
    subject: str = ""
    content: str = ""
    signer: Signer = field(default_factory=Signer)
    due_date: date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None
    document_id: str = ""
    trace_headers: list[TraceHeader] = field(default_factory=list)
    business: Business | None = field(default_factory=Business)
    attachments: list[Attachment] = field(default_factory=list)
    signature_xml: bytes | None = field(default=None, compare=False, repr=False)
    notes: list[str] = field(default_factory=list, compare=False)

    @property
    def business_doc_type(self) -> int | None:
        return self.business.business_doc_type if self.business is not None else None

    @staticmethod
    def make_document_id(
        organ_id: str, promulgation_date: date | None, code_number: str, code_notation: str
    ) -> str:
        """The cross-system key: `{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}`."""
        return f"{organ_id},{format_date(promulgation_date)},{code_number}/{code_notation}"

    def close(self) -> None:
        for attachment in self.attachments:
            attachment.close()


@dataclass(slots=True, kw_only=True)
class StatusPackage:
    """A status package: agency `from_` reports `status_code` about the document `response_for`.

    `timestamp` is None only when a received package's Timestamp could not be read (noted in
    `notes`); the builder requires one."""

    kind: ClassVar[Literal["status"]] = "status"

    from_: Organ
    response_for: ResponseFor
    staff: StaffInfo = field(default_factory=StaffInfo)
    status_code: str
    description: str = ""
    timestamp: datetime | None
    notes: list[str] = field(default_factory=list, compare=False)


Package = EdocPackage | StatusPackage


def format_date(value: date | None) -> str:
    """edXML's date form, yyyy/MM/dd ("" for None)."""
    if value is None:
        return ""
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(value: datetime) -> str:
    """edXML's timestamp form, yyyy/MM/dd HH:mm:ss in Vietnam time (naive means Vietnam time)."""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM_TZ)
    return (
        f"{value.year:04d}/{value.month:02d}/{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
