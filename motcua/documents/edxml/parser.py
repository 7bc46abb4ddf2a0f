"""Read edXML packages tolerantly (DOMAIN §9: real packages in circulation vary).

Accepted: elements prefixed, unprefixed in the default namespace or in no namespace at all (only
local names count); children in any order; `Bussiness` or `Business`, before or after the
TraceHeader, or missing; `Signature` in any namespace or absent; `AttachmentEncoded` prefixed or
not, outside or inside the envelope; dates `yyyy/MM/dd` or `dd/MM/yyyy` (and ISO), an empty
DueDate; identifiers (OrganId, DocumentId, Bussiness/DocumentId) kept exactly as received,
impossible dates inside them included; status packages in the SDK layout (under MessageHeader)
or wrapped in `Status`; texts over QCVN 102's limits. What was tolerated is listed in the
package's `notes`.

Refused with EdxmlError (one line, naming what is missing): input that is not well-formed XML, not
an edXML package, an edoc without From, To or Code, a status without From, ResponseFor or
StatusCode, a StatusCode outside STATUS_CODES, attachment data that is not base64.

Memory: an input up to WHOLE_PARSE_MAX (256 KiB) is parsed at once (lxml, then a walk over the
tree); a larger one is fed to lxml in chunks with a parser target that builds the tree for
everything but the base64 text of the attachments, which it decodes a window at a time into
spooled temporary files. Parsing so needs about 1 MB beside the package whatever the size of its
attachments (bench/bench_edxml.py: a 50 MB attachment grows the process by ~1.3 MB), not the
67 MB of its base64 text.
"""

from __future__ import annotations

import binascii
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, NoReturn

from lxml import etree

from motcua.documents.edxml.model import (
    SPOOL_MAX_SIZE,
    STATUS_CODES,
    VIETNAM_TZ,
    XLINK_NS,
    Attachment,
    Business,
    EdocPackage,
    EdxmlError,
    Organ,
    Package,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    XmlNode,
)

Source = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]

# Inputs up to this size are parsed in one go (faster for the usual small package); larger ones
# are streamed, so that memory stays a fraction of the attachments' size.
WHOLE_PARSE_MAX = 256 * 1024
FEED_CHUNK = 64 * 1024
# Base64 text is decoded in pieces of about this many characters.
DECODE_CHUNK = 256 * 1024

_XML_WS = " \t\r\n"
# The streaming parser marks each ContentTransferEncoded element with the index of its decoded
# data, in a namespace no package uses.
_PAYLOAD_ATTR = "{urn:motcua:edxml-parser}payload"
_XLINK_HREF = f"{{{XLINK_NS}}}href"


def parse(source: Source) -> Package:
    """Read an edoc or a status package from bytes, XML text, a file path or a binary stream.

    A `str` is XML text when it starts with `<` (after a BOM and whitespace), else a path."""
    root, payloads = _load(source)
    try:
        return _read_package(root, payloads)
    except BaseException:
        for payload in payloads:
            payload.spool.close()
        raise


def parse_edoc(source: Source) -> EdocPackage:
    package = parse(source)
    if not isinstance(package, EdocPackage):
        raise EdxmlError(
            "expected a document package (edoc), got a status package", reason="wrong_kind"
        )
    return package


def parse_status(source: Source) -> StatusPackage:
    package = parse(source)
    if not isinstance(package, StatusPackage):
        package.close()
        raise EdxmlError(
            "expected a status package, got a document package (edoc)", reason="wrong_kind"
        )
    return package


# ----------------------------------------------------------------------------------------------
# Dates


_DATE_RE = re.compile(
    r"(?:(?P<y1>\d{4})[/.-](?P<m1>\d{1,2})[/.-](?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-](?P<y2>\d{4}))"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)


def parse_date_text(text: str) -> date | None:
    """`yyyy/MM/dd` or `dd/MM/yyyy` (also with `-` or `.`, and a time part, which is ignored);
    "" gives None. Raises ValueError for anything else, impossible dates included."""
    text = text.strip(_XML_WS)
    if not text:
        return None
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return _date_of(match)


def parse_timestamp_text(text: str) -> datetime | None:
    """A date with an optional time and offset; without an offset it is Vietnam time. The
    result is aware. "" gives None; raises ValueError for anything else."""
    text = text.strip(_XML_WS)
    if not text:
        return None
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    day = _date_of(match)
    hour, minute, second = (int(match[g] or 0) for g in ("H", "M", "S"))
    micro = int((match["f"] or "0")[:6].ljust(6, "0"))
    offset = match["tz"]
    if offset is None:
        tz: Any = VIETNAM_TZ
    elif offset == "Z":
        tz = UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    value = datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tz)
    return value.astimezone(VIETNAM_TZ)


def _date_of(match: re.Match[str]) -> date:
    if match["y1"] is not None:
        return date(int(match["y1"]), int(match["m1"]), int(match["d1"]))
    return date(int(match["y2"]), int(match["m2"]), int(match["d2"]))


# ----------------------------------------------------------------------------------------------
# Loading: whole or streamed


@dataclass(slots=True)
class _Payload:
    spool: IO[bytes]
    size: int


def _xml_parser(encoding: str | None = None) -> Any:
    return etree.XMLParser(
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        encoding=encoding,
    )


def _load(source: Source) -> tuple[Any, list[_Payload]]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = memoryview(source).cast("B")
        if len(data) <= WHOLE_PARSE_MAX:
            return _parse_whole(bytes(data)), []
        return _parse_streamed(_slices(data), encoding=None)
    if isinstance(source, str) and source.lstrip("\ufeff" + _XML_WS).startswith("<"):
        encoded = memoryview(source.encode("utf-8"))
        if len(encoded) <= WHOLE_PARSE_MAX:
            return _parse_whole(bytes(encoded), encoding="utf-8"), []
        return _parse_streamed(_slices(encoded), encoding="utf-8")
    if isinstance(source, str | os.PathLike):
        label = repr(os.fspath(source))
        try:
            stream = Path(source).open("rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise EdxmlError(
                f"cannot read {label}: {exc.strerror or exc}", reason="unreadable"
            ) from exc
        with stream:
            return _load_stream(stream, label)
    return _load_stream(source, "the package")


def _load_stream(stream: IO[bytes], label: str) -> tuple[Any, list[_Payload]]:
    # Only errors reading the input mean an unreadable package; an OSError while writing the
    # attachments' temporary files (a full disk) is the server's and propagates as it is.
    def read(size: int) -> bytes:
        try:
            return stream.read(size)
        except OSError as exc:
            raise EdxmlError(
                f"cannot read {label}: {exc.strerror or exc}", reason="unreadable"
            ) from exc

    head = read(WHOLE_PARSE_MAX + 1)
    if len(head) <= WHOLE_PARSE_MAX:
        return _parse_whole(head), []

    def chunks() -> Iterator[bytes]:
        yield head
        while chunk := read(FEED_CHUNK):
            yield chunk

    return _parse_streamed(chunks(), encoding=None)


def _slices(data: memoryview) -> Iterator[bytes]:
    for start in range(0, len(data), FEED_CHUNK):
        yield data[start : start + FEED_CHUNK].tobytes()


def _parse_whole(data: bytes, encoding: str | None = None) -> Any:
    try:
        return etree.fromstring(data, _xml_parser(encoding))
    except etree.XMLSyntaxError as exc:
        _not_well_formed(exc)


def _parse_streamed(chunks: Iterable[bytes], *, encoding: str | None) -> tuple[Any, list[_Payload]]:
    target = _StreamingTarget()
    etree.clear_error_log()  # the log is per thread; keep only this document's errors
    parser = etree.XMLParser(
        target=target,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        encoding=encoding,
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
            if target.error is not None:
                break
        else:
            root = parser.close()
    except etree.XMLSyntaxError as exc:
        target.discard()
        _not_well_formed(exc)
    except BaseException:
        target.discard()
        raise
    if target.error is not None:
        target.discard()
        raise target.error
    return root, target.payloads


def _not_well_formed(exc: Exception) -> NoReturn:
    detail = getattr(exc, "msg", "") or str(exc)
    # A feed parser reports a summary ("missing end tags"); libxml2's own first error says more.
    errors = [e for e in getattr(exc, "error_log", ()) if e.level >= etree.ErrorLevels.ERROR]
    if errors and detail in ("missing toplevel element", "missing end tags", "no element found"):
        first = errors[0]
        detail = f"{first.message}, line {first.line}, column {first.column}"
    detail = (detail.splitlines() or [""])[0] or "document is empty"
    raise EdxmlError(f"not well-formed XML: {detail}", reason="not_well_formed") from exc


class _Base64Sink:
    """Decodes base64 text given in pieces into a spooled temporary file, a chunk at a time.
    Whitespace (line-wrapped base64) is dropped; a chunk is cut at a multiple of 4 characters."""

    def __init__(self) -> None:
        self._spool: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=SPOOL_MAX_SIZE
        )
        self._pending: list[str] = []
        self._pending_len = 0
        self._carry = ""
        self.size = 0

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._pending_len += len(text)
        if self._pending_len >= DECODE_CHUNK:
            self._decode(final=False)

    def write_all(self, text: str) -> None:
        """The whole text at once (the small-package path: the text is in memory already)."""
        self._pending.append(text)
        self._pending_len += len(text)
        self._decode(final=False)

    def finish(self) -> _Payload:
        self._decode(final=True)
        self._spool.seek(0)
        return _Payload(self._spool, self.size)

    def discard(self) -> None:
        self._spool.close()

    def _decode(self, *, final: bool) -> None:
        pending = self._pending
        text = pending[0] if len(pending) == 1 else "".join(pending)
        pending.clear()
        self._pending_len = 0
        if self._carry:
            text = self._carry + text
        # a2b_base64 takes ASCII text as it is; line-wrapped base64 loses its whitespace first
        # (as bytes: str.translate is several times slower).
        encoded: str | bytes = text
        if "\n" in text or " " in text or "\r" in text or "\t" in text:
            try:
                encoded = text.encode("ascii").translate(None, b" \t\r\n\f\v")
            except UnicodeEncodeError as exc:
                raise _bad_base64() from exc
        if final:
            missing = -len(encoded) % 4
            if missing in (1, 2):  # some senders drop the padding
                if isinstance(encoded, str):
                    encoded += "=" * missing
                else:
                    encoded += b"=" * missing
            usable = len(encoded)
        else:
            usable = len(encoded) - len(encoded) % 4
        carry = encoded[usable:]
        self._carry = carry if isinstance(carry, str) else carry.decode("ascii")
        if not usable:
            return
        try:
            data = binascii.a2b_base64(
                encoded if usable == len(encoded) else encoded[:usable], strict_mode=True
            )
        except (binascii.Error, ValueError) as exc:  # ValueError: not ASCII
            raise _bad_base64() from exc
        self._spool.write(data)
        self.size += len(data)


def _bad_base64() -> EdxmlError:
    return EdxmlError(
        "attachment data (ContentTransferEncoded) is not valid base64", reason="bad_attachment"
    )


class _StreamingTarget:
    """An lxml parser target: builds the tree with lxml's TreeBuilder, except that the text of
    each ContentTransferEncoded goes straight to a base64 decoder (the element is marked with
    the index of its decoded data).

    lxml turns an exception raised in a target method into a vague syntax error ("missing end
    tags"), so the first exception (an EdxmlError, or an OSError from a full disk) is kept in
    `error`, the rest of the input ignored, and the caller raises it."""

    def __init__(self) -> None:
        self._builder = etree.TreeBuilder()
        self._sink: _Base64Sink | None = None
        self.payloads: list[_Payload] = []
        self.error: Exception | None = None

    def start(self, tag: str, attrib: dict[str, str], nsmap: dict[str, str]) -> Any:
        if self._sink is not None:
            self._fail(
                EdxmlError(
                    "ContentTransferEncoded contains markup instead of base64 text",
                    reason="bad_attachment",
                )
            )
        if tag.rpartition("}")[2] == "ContentTransferEncoded" and self.error is None:
            attrib = dict(attrib)
            attrib[_PAYLOAD_ATTR] = str(len(self.payloads))
            self._sink = _Base64Sink()
        # lxml names the default namespace "" here; TreeBuilder wants None.
        if "" in nsmap:
            nsmap = {prefix or None: uri for prefix, uri in nsmap.items()}  # type: ignore[misc]
        return self._builder.start(tag, attrib, nsmap)

    def data(self, data: str) -> None:
        if self._sink is None:
            self._builder.data(data)
            return
        try:
            self._sink.write(data)
        except Exception as exc:  # kept, raised by the caller
            self._fail(exc)

    def end(self, tag: str) -> Any:
        if self._sink is not None:
            sink, self._sink = self._sink, None
            try:
                self.payloads.append(sink.finish())
            except Exception as exc:  # kept, raised by the caller
                sink.discard()
                self._fail(exc)
        return self._builder.end(tag)

    def comment(self, text: str) -> None:
        pass

    def pi(self, target: str, data: str | None = None) -> None:
        pass

    def close(self) -> Any:
        return self._builder.close()

    def _fail(self, error: Exception) -> None:
        if self.error is None:
            self.error = error
        if self._sink is not None:
            self._sink.discard()
            self._sink = None

    def discard(self) -> None:
        if self._sink is not None:
            self._sink.discard()
        for payload in self.payloads:
            payload.spool.close()


# ----------------------------------------------------------------------------------------------
# Walking the tree (local names only: prefixes and namespaces vary between senders)

Kids = dict[str, list[Any]]  # child elements by local name, in document order
Leaves = dict[str, str]  # the first text of each child, by local name

# "{namespace}Local" -> "Local": packages repeat a few dozen tags, so this saves a slice per
# element on the hot path. Bounded, since the tags come from outside.
_LOCAL_NAMES: dict[str, str] = {}
_LOCAL_NAMES_MAX = 4096


def _name(tag: Any) -> str | None:
    """The local name of an element's tag; None for comments and processing instructions."""
    name = _LOCAL_NAMES.get(tag) if tag.__class__ is str else None
    if name is None:
        if not isinstance(tag, str):
            return None
        name = tag[tag.rfind("}") + 1 :]
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:
            _LOCAL_NAMES[tag] = name
    return name


def _kids(element: Any) -> Kids:
    kids: Kids = {}
    for child in element:
        name = _name(child.tag)
        if name is None:
            continue
        found = kids.get(name)
        if found is None:
            kids[name] = [child]
        else:
            found.append(child)
    return kids


def _leaves(element: Any) -> Leaves:
    """For a group of simple values (From, Code, SignerInfo, …): each child's text by local
    name, stripped, the first one winning. One pass, no lists."""
    leaves: Leaves = {}
    for child in element:
        name = _name(child.tag)
        if name is None or name in leaves:
            continue
        text = child.text
        leaves[name] = text.strip(_XML_WS) if text else ""
    return leaves


def _leaves_of(kids: Kids, name: str) -> Leaves:
    found = kids.get(name)
    return _leaves(found[0]) if found else {}


def _local(element: Any) -> str:
    return _name(element.tag) or ""


def _text_of(element: Any) -> str:
    text = element.text
    return text.strip(_XML_WS) if text else ""


def _first(kids: Kids, *names: str) -> Any:
    for name in names:
        found = kids.get(name)
        if found:
            return found[0]
    return None


def _first_in(kid_maps: Iterable[Kids], *names: str) -> Any:
    for kids in kid_maps:
        found = _first(kids, *names)
        if found is not None:
            return found
    return None


def _text(kids: Kids, name: str) -> str:
    found = kids.get(name)
    if not found:
        return ""
    text = found[0].text
    return text.strip(_XML_WS) if text else ""


def _texts(element: Any, item: str) -> list[str]:
    """The texts of `element`'s `item` children (ToPlaces/Place, Appendixes/Appendix); a bare
    text without children is one item."""
    items = [_text_of(child) for child in element if _local(child) == item]
    if not items:
        text = _text_of(element)
        return [text] if text else []
    return items


class _Notes:
    """Reads dates and numbers tolerantly, noting what could not be read."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def date(self, raw: str, label: str) -> date | None:
        try:
            return parse_date_text(raw)
        except ValueError:
            self.items.append(f"{label} {raw!r} is not a date; read as empty")
            return None

    def timestamp(self, raw: str, label: str) -> datetime | None:
        try:
            return parse_timestamp_text(raw)
        except ValueError:
            self.items.append(f"{label} {raw!r} is not a date and time; read as empty")
            return None

    def integer(self, raw: str, label: str) -> int | None:
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            self.items.append(f"{label} {raw!r} is not a whole number; read as empty")
            return None


def _read_package(root: Any, payloads: list[_Payload]) -> Package:
    root_name = _local(root)
    root_kids = _kids(root)
    if root_name == "edXML":
        envelope = _first(root_kids, "edXMLEnvelope")
        if envelope is None:
            raise EdxmlError(
                "not an edXML package: <edXML> has no edXMLEnvelope",
                reason="not_edxml",
                field="edXMLEnvelope",
            )
    elif root_name == "edXMLEnvelope":
        envelope = root
    else:
        raise EdxmlError(
            f"not an edXML package: the root element is <{root_name}>, expected <edXML>",
            reason="not_edxml",
        )
    envelope_kids = root_kids if envelope is root else _kids(envelope)
    header = _first(envelope_kids, "edXMLHeader")
    if header is None:
        raise EdxmlError(
            "not an edXML package: edXMLEnvelope has no edXMLHeader",
            reason="not_edxml",
            field="edXMLHeader",
        )
    header_kids = _kids(header)
    message = _first(header_kids, "MessageHeader")
    message_kids = _kids(message) if message is not None else {}
    status = _first_in((message_kids, header_kids), "Status")
    if status is not None or "StatusCode" in message_kids:
        kids = dict(message_kids)
        if status is not None:
            kids.update(_kids(status))
        return _read_status(kids)
    if message is None:
        raise EdxmlError(
            "not an edXML package: edXMLHeader has no MessageHeader",
            reason="not_edxml",
            field="MessageHeader",
        )
    return _read_edoc(
        root_kids=root_kids,
        envelope_kids=envelope_kids,
        header_kids=header_kids,
        message_kids=message_kids,
        payloads=payloads,
    )


def _organ(element: Any) -> Organ:
    leaves = _leaves(element)
    get = leaves.get
    return Organ(
        organ_id=get("OrganId", ""),
        organ_name=get("OrganName", ""),
        organization_in_charge=get("OrganizationInCharge", ""),
        organ_add=get("OrganAdd", ""),
        email=get("Email", ""),
        telephone=get("Telephone", ""),
        fax=get("Fax", ""),
        website=get("Website", ""),
    )


def _response_for(element: Any, notes: _Notes) -> ResponseFor:
    leaves = _leaves(element)
    return ResponseFor(
        organ_id=leaves.get("OrganId", ""),
        code=leaves.get("Code", ""),
        promulgation_date=notes.date(
            leaves.get("PromulgationDate", ""), "ResponseFor/PromulgationDate"
        ),
        document_id=leaves.get("DocumentId", ""),
    )


def _staff(element: Any) -> StaffInfo:
    leaves = _leaves(element)
    return StaffInfo(
        department=leaves.get("Department", ""),
        staff=leaves.get("Staff", ""),
        mobile=leaves.get("Mobile", ""),
        email=leaves.get("Email", ""),
    )


def _missing(message: str, field: str) -> NoReturn:
    raise EdxmlError(message, reason="missing", field=field)


def _read_edoc(
    *,
    root_kids: Kids,
    envelope_kids: Kids,
    header_kids: Kids,
    message_kids: Kids,
    payloads: list[_Payload],
) -> EdocPackage:
    notes = _Notes()
    mk = message_kids

    from_el = _first(mk, "From")
    if from_el is None:
        _missing("edoc package has no From in MessageHeader", "From")
    from_ = _organ(from_el)
    if not from_.organ_id:
        _missing("From has no OrganId", "From")

    to = [_organ(el) for el in mk.get("To", ())]
    if not to:
        _missing("edoc package has no To in MessageHeader", "To")
    for number, organ in enumerate(to, start=1):
        if not organ.organ_id:
            _missing(f"To #{number} has no OrganId", "To")

    code_el = _first(mk, "Code")
    if code_el is None:
        _missing("edoc package has no Code in MessageHeader", "Code")
    if len(code_el):
        code = _leaves(code_el)
        code_number = code.get("CodeNumber", "")
        code_notation = code.get("CodeNotation", "")
    else:  # <Code>12/QĐ-UBND</Code>
        code_number, _, code_notation = _text_of(code_el).partition("/")
        if code_number or code_notation:
            notes.items.append("Code given as text; split at the first '/'")
    if not code_number and not code_notation:
        _missing("Code has neither CodeNumber nor CodeNotation", "Code")

    promulgation = _leaves_of(mk, "PromulgationInfo")
    document_type = _leaves_of(mk, "DocumentType")
    signer = _leaves_of(mk, "SignerInfo")
    other_el = _first(mk, "OtherInfo")
    other = _leaves(other_el) if other_el is not None else {}
    appendixes_el = _first(_kids(other_el), "Appendixes") if other_el is not None else None
    to_places_el = _first(mk, "ToPlaces")
    promulgation_date = notes.date(
        promulgation.get("PromulgationDate", ""), "PromulgationInfo/PromulgationDate"
    )

    priority = notes.integer(other.get("Priority", ""), "OtherInfo/Priority")
    document_id = _text(mk, "DocumentId")
    if not document_id:
        document_id = EdocPackage.make_document_id(
            from_.organ_id, promulgation_date, code_number, code_notation
        )
        notes.items.append("no DocumentId; derived from From, PromulgationDate and Code")

    trace_list = _first(header_kids, "TraceHeaderList")
    trace_kids = _kids(trace_list) if trace_list is not None else {}
    trace_elements = trace_kids.get("TraceHeader") or header_kids.get("TraceHeader") or []
    trace_headers = []
    for element in trace_elements:
        trace = _leaves(element)
        trace_headers.append(
            TraceHeader(
                organ_id=trace.get("OrganId", ""),
                timestamp=notes.timestamp(trace.get("Timestamp", ""), "TraceHeader/Timestamp"),
            )
        )
    business_el = _first_in((trace_kids, header_kids, mk), "Bussiness", "Business")
    signature = _first_in((header_kids, envelope_kids, root_kids), "Signature")

    package = EdocPackage(
        from_=from_,
        to=to,
        code_number=code_number,
        code_notation=code_notation,
        place=promulgation.get("Place", ""),
        promulgation_date=promulgation_date,
        document_type=notes.integer(document_type.get("Type", ""), "DocumentType/Type"),
        type_name=document_type.get("TypeName", ""),
        subject=_text(mk, "Subject"),
        content=_text(mk, "Content"),
        signer=Signer(
            competence=signer.get("Competence", ""),
            position=signer.get("Position", ""),
            full_name=signer.get("FullName", ""),
        ),
        due_date=notes.date(_text(mk, "DueDate"), "DueDate"),
        to_places=_texts(to_places_el, "Place") if to_places_el is not None else [],
        priority=0 if priority is None else priority,
        sphere_of_promulgation=other.get("SphereOfPromulgation", ""),
        typer_notation=other.get("TyperNotation", ""),
        promulgation_amount=notes.integer(
            other.get("PromulgationAmount", ""), "OtherInfo/PromulgationAmount"
        ),
        page_amount=notes.integer(other.get("PageAmount", ""), "OtherInfo/PageAmount"),
        appendixes=_texts(appendixes_el, "Appendix") if appendixes_el is not None else [],
        response_for=[_response_for(el, notes) for el in mk.get("ResponseFor", ())],
        steering_type=notes.integer(_text(mk, "SteeringType"), "SteeringType"),
        document_id=document_id,
        trace_headers=trace_headers,
        business=_business(business_el, notes) if business_el is not None else None,
        attachments=_attachments(root_kids, envelope_kids, payloads),
        signature_xml=etree.tostring(signature) if signature is not None else None,
    )
    if business_el is not None and _local(business_el) == "Business":
        notes.items.append("business block spelled 'Business' (QCVN 102: 'Bussiness')")
    package.notes = notes.items
    return package


def _business(element: Any, notes: _Notes) -> Business:
    business = Business(business_doc_type=None)
    for child in element:
        name = _local(child)
        if not name:
            continue
        if name in ("BussinessDocType", "BusinessDocType"):
            business.business_doc_type = notes.integer(_text_of(child), f"Bussiness/{name}")
        elif name in ("BussinessDocReason", "BusinessDocReason"):
            business.business_doc_reason = _text_of(child)
        elif name == "DocumentId":
            business.document_id = _text_of(child)
        elif name == "StaffInfo":
            business.staff_info.append(_staff(child))
        elif name == "Paper":
            business.paper = notes.integer(_text_of(child), "Bussiness/Paper")
        else:
            business.details.append(_node(child))
    return business


def _node(element: Any) -> XmlNode:
    return XmlNode(
        name=_local(element),
        text=_text_of(element),
        children=[_node(child) for child in element if _local(child)],
    )


def _content_id(value: str | None) -> str:
    value = (value or "").strip(_XML_WS)
    if value[:4].lower() == "cid:":
        value = value[4:]
    return value.strip("<>" + _XML_WS)


@dataclass(slots=True)
class _Encoded:
    content_id: str
    name: str
    content_type: str
    description: str
    payload: _Payload


def _attachments(
    root_kids: Kids, envelope_kids: Kids, payloads: list[_Payload]
) -> list[Attachment]:
    encoded: list[_Encoded] = []
    for container in (*root_kids.get("AttachmentEncoded", ()),
                      *envelope_kids.get("AttachmentEncoded", ())):  # fmt: skip
        for element in container:
            if _local(element) != "Attachment":
                continue
            kids = _kids(element)
            encoded.append(
                _Encoded(
                    content_id=_content_id(_text(kids, "ContentId")),
                    name=_text(kids, "AttachmentName"),
                    content_type=_text(kids, "ContentType"),
                    description=_text(kids, "Description"),
                    payload=_payload(_first(kids, "ContentTransferEncoded"), payloads),
                )
            )

    references = []
    body = _first(envelope_kids, "edXMLBody")
    manifest = _first(_kids(body), "edXMLManifest") if body is not None else None
    if manifest is not None:
        references = [child for child in manifest if _local(child) == "Reference"]

    attachments = []
    for reference in references:
        leaves = _leaves(reference)
        content_id = _content_id(leaves.get("ContentId") or reference.get(_XLINK_HREF))
        name = leaves.get("AttachmentName", "")
        match = next((e for e in encoded if content_id and e.content_id == content_id), None)
        if match is None and not content_id:
            match = next((e for e in encoded if name and e.name == name), None)
        if match is None:
            label = f"cid:{content_id}" if content_id else repr(name)
            raise EdxmlError(
                f"manifest Reference {label} has no Attachment in AttachmentEncoded",
                reason="bad_attachment",
                field="AttachmentEncoded",
            )
        encoded.remove(match)
        attachments.append(
            _attachment(
                match,
                content_id=content_id or match.content_id,
                name=name,
                content_type=leaves.get("ContentType", ""),
                description=leaves.get("Description", ""),
            )
        )
    for unreferenced in encoded:
        attachments.append(_attachment(unreferenced))
    return attachments


def _attachment(
    encoded: _Encoded,
    *,
    content_id: str = "",
    name: str = "",
    content_type: str = "",
    description: str = "",
) -> Attachment:
    return Attachment.from_spool(
        encoded.payload.spool,
        encoded.payload.size,
        content_id=content_id or encoded.content_id,
        name=name or encoded.name,
        content_type=content_type or encoded.content_type or "application/octet-stream",
        description=description or encoded.description,
    )


def _payload(element: Any, payloads: list[_Payload]) -> _Payload:
    if element is None:
        return _Base64Sink().finish()
    index = element.get(_PAYLOAD_ATTR)
    if index is not None:
        return payloads[int(index)]
    if len(element):
        raise EdxmlError(
            "ContentTransferEncoded contains markup instead of base64 text",
            reason="bad_attachment",
        )
    sink = _Base64Sink()
    try:
        sink.write_all(element.text or "")
        return sink.finish()
    except BaseException:
        sink.discard()
        raise


def _read_status(kids: Kids) -> StatusPackage:
    notes = _Notes()
    from_el = _first(kids, "From")
    if from_el is None:
        _missing("status package has no From", "From")
    from_ = _organ(from_el)
    if not from_.organ_id:
        _missing("From has no OrganId", "From")
    response_el = _first(kids, "ResponseFor")
    if response_el is None:
        _missing("status package has no ResponseFor", "ResponseFor")
    raw_code = _text(kids, "StatusCode")
    if not raw_code:
        _missing("status package has no StatusCode", "StatusCode")
    code = raw_code.zfill(2) if raw_code.isdigit() and len(raw_code) < 2 else raw_code
    if code not in STATUS_CODES:
        raise EdxmlError(
            f"StatusCode {raw_code!r} is not an edXML status code "
            f"(one of {', '.join(sorted(STATUS_CODES))})",
            reason="invalid_status_code",
            field="StatusCode",
        )
    if code != raw_code:
        notes.items.append(f"StatusCode {raw_code!r} read as {code!r}")
    staff_el = _first(kids, "StaffInfo")
    return StatusPackage(
        from_=from_,
        response_for=_response_for(response_el, notes),
        staff=_staff(staff_el) if staff_el is not None else StaffInfo(),
        status_code=code,
        description=_text(kids, "Description"),
        timestamp=notes.timestamp(_text(kids, "Timestamp"), "Timestamp"),
        notes=notes.items,
    )
