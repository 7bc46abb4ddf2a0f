"""Write edXML packages canonically (DOMAIN §9).

Every element inside `edXMLEnvelope` carries the explicit `edXML:` prefix (a widely used .NET
parser rejects unprefixed children); `AttachmentEncoded` follows the envelope, unprefixed, its
entries matched by ContentId to the manifest's `cid:` references. Dates are `yyyy/MM/dd`,
timestamps `yyyy/MM/dd HH:mm:ss` in Vietnam time. A status package is written in the reference
SDK's layout: From, ResponseFor, StaffInfo, StatusCode, Description and Timestamp directly
under MessageHeader, no To and no body.

The builder refuses what QCVN 102 forbids (EdxmlError): Subject or Content over 500 characters,
a ToPlaces entry over 150, an AttachmentName over 200, Priority outside 0..4, BussinessDocType
outside 0..3, a StatusCode outside STATUS_CODES, a package without From, To or Code, and text
that XML 1.0 cannot carry.

Streaming: the XML around the attachments is small and written at once; each attachment is read
from its file and base64-encoded in chunks, so building needs memory for one chunk, not for the
files.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import IO

from motcua.documents.edxml.model import (
    BUSINESS_DOC_TYPES,
    MAX_ATTACHMENT_NAME,
    MAX_CONTENT,
    MAX_SUBJECT,
    MAX_TO_PLACE,
    NS,
    PRIORITIES,
    STATUS_CODES,
    XLINK_NS,
    Attachment,
    Business,
    EdocPackage,
    EdxmlError,
    Organ,
    Package,
    ResponseFor,
    StaffInfo,
    StatusPackage,
    XmlNode,
    format_date,
    format_timestamp,
)

# Raw bytes per base64 chunk (a multiple of 3, so chunks concatenate without padding).
ENCODE_CHUNK = 3 * 64 * 1024

_PROLOG = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    f'<edXML xmlns="{NS}">\n'
    f'  <edXML:edXMLEnvelope xmlns:edXML="{NS}">\n'
    "    <edXML:edXMLHeader>\n"
)
# Characters XML 1.0 cannot carry, even escaped.
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def build(package: Package, out: IO[bytes]) -> None:
    """Write `package` to the binary stream `out`. Raises EdxmlError before writing anything
    when the package breaks a QCVN 102 rule."""
    if isinstance(package, EdocPackage):
        head, attachments = _edoc(package)
    elif isinstance(package, StatusPackage):
        head, attachments = _status(package), []
    else:  # pragma: no cover - typing forbids it
        raise TypeError(f"not an edXML package: {type(package).__name__}")
    out.write(head.encode("utf-8"))
    if attachments:
        out.write(b"  <AttachmentEncoded>\n")
        for attachment in attachments:
            _write_attachment(attachment, out)
        out.write(b"  </AttachmentEncoded>\n")
    out.write(b"</edXML>\n")


def build_bytes(package: Package) -> bytes:
    out = io.BytesIO()
    build(package, out)
    return out.getvalue()


class _Xml:
    """Accumulates the header: `edXML:`-prefixed elements, two spaces of indent per level."""

    def __init__(self) -> None:
        self.parts: list[str] = [_PROLOG]

    def leaf(self, depth: int, name: str, value: str) -> None:
        pad = "  " * depth
        if value:
            self.parts.append(f"{pad}<edXML:{name}>{_escape(value, name)}</edXML:{name}>\n")
        else:
            self.parts.append(f"{pad}<edXML:{name} />\n")

    def open(self, depth: int, name: str, attributes: str = "") -> None:
        self.parts.append(f"{'  ' * depth}<edXML:{name}{attributes}>\n")

    def close(self, depth: int, name: str) -> None:
        self.parts.append(f"{'  ' * depth}</edXML:{name}>\n")

    def organ(self, depth: int, name: str, organ: Organ) -> None:
        self.open(depth, name)
        self.leaf(depth + 1, "OrganId", organ.organ_id)
        self.leaf(depth + 1, "OrganizationInCharge", organ.organization_in_charge)
        self.leaf(depth + 1, "OrganName", organ.organ_name)
        self.leaf(depth + 1, "OrganAdd", organ.organ_add)
        self.leaf(depth + 1, "Email", organ.email)
        self.leaf(depth + 1, "Telephone", organ.telephone)
        self.leaf(depth + 1, "Fax", organ.fax)
        self.leaf(depth + 1, "Website", organ.website)
        self.close(depth, name)

    def response_for(self, depth: int, response: ResponseFor) -> None:
        self.open(depth, "ResponseFor")
        self.leaf(depth + 1, "OrganId", response.organ_id)
        self.leaf(depth + 1, "Code", response.code)
        self.leaf(depth + 1, "PromulgationDate", format_date(response.promulgation_date))
        self.leaf(depth + 1, "DocumentId", response.document_id)
        self.close(depth, "ResponseFor")

    def staff(self, depth: int, staff: StaffInfo) -> None:
        self.open(depth, "StaffInfo")
        self.leaf(depth + 1, "Department", staff.department)
        self.leaf(depth + 1, "Staff", staff.staff)
        self.leaf(depth + 1, "Mobile", staff.mobile)
        self.leaf(depth + 1, "Email", staff.email)
        self.close(depth, "StaffInfo")

    def number(self, depth: int, name: str, value: int | None) -> None:
        # An empty element would break readers that map numbers to integers: omit it instead.
        if value is not None:
            self.leaf(depth, name, str(value))

    def node(self, depth: int, node: XmlNode) -> None:
        if not _XML_NAME.fullmatch(node.name):
            raise EdxmlError(
                f"Bussiness detail {node.name!r} is not an XML element name",
                reason="invalid_value",
                field="Bussiness",
            )
        if not node.children:
            self.leaf(depth, node.name, node.text)
            return
        self.open(depth, node.name)
        if node.text:
            self.parts.append(f"{'  ' * (depth + 1)}{_escape(node.text, node.name)}\n")
        for child in node.children:
            self.node(depth + 1, child)
        self.close(depth, node.name)

    def text(self) -> str:
        return "".join(self.parts)


def _escape(value: str, field: str) -> str:
    if _INVALID_XML.search(value):
        raise EdxmlError(
            f"{field} contains a character XML cannot carry", reason="invalid_value", field=field
        )
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")  # a literal CR would be read back as LF
    return value


def _too_long(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise EdxmlError(
            f"{field} has {len(value)} characters; QCVN 102 allows at most {limit}",
            reason="too_long",
            field=field,
        )


def _check_edoc(package: EdocPackage) -> None:
    if not package.from_.organ_id:
        raise EdxmlError("From has no OrganId", reason="missing", field="From")
    if not package.to:
        raise EdxmlError("edoc package has no To", reason="missing", field="To")
    for number, organ in enumerate(package.to, start=1):
        if not organ.organ_id:
            raise EdxmlError(f"To #{number} has no OrganId", reason="missing", field="To")
    if not package.code_number and not package.code_notation:
        raise EdxmlError(
            "Code has neither CodeNumber nor CodeNotation", reason="missing", field="Code"
        )
    _too_long("Subject", package.subject, MAX_SUBJECT)
    _too_long("Content", package.content, MAX_CONTENT)
    for place in package.to_places:
        _too_long("ToPlaces/Place", place, MAX_TO_PLACE)
    if package.priority not in PRIORITIES:
        raise EdxmlError(
            f"Priority {package.priority} is outside 0..4", reason="invalid_value", field="Priority"
        )
    business = package.business
    if business is not None and business.business_doc_type not in (None, *BUSINESS_DOC_TYPES):
        raise EdxmlError(
            f"BussinessDocType {business.business_doc_type} is outside 0..3",
            reason="invalid_value",
            field="BussinessDocType",
        )
    seen: set[str] = set()
    for attachment in package.attachments:
        if not attachment.name:
            raise EdxmlError(
                "an attachment has no AttachmentName", reason="missing", field="AttachmentName"
            )
        _too_long("AttachmentName", attachment.name, MAX_ATTACHMENT_NAME)
        if not attachment.content_id or attachment.content_id in seen:
            raise EdxmlError(
                f"attachment {attachment.name!r} needs a ContentId of its own",
                reason="invalid_value",
                field="ContentId",
            )
        seen.add(attachment.content_id)


def _edoc(package: EdocPackage) -> tuple[str, list[Attachment]]:
    _check_edoc(package)
    xml = _Xml()
    xml.open(3, "MessageHeader")
    xml.organ(4, "From", package.from_)
    for organ in package.to:
        xml.organ(4, "To", organ)
    xml.open(4, "Code")
    xml.leaf(5, "CodeNumber", package.code_number)
    xml.leaf(5, "CodeNotation", package.code_notation)
    xml.close(4, "Code")
    xml.open(4, "PromulgationInfo")
    xml.leaf(5, "Place", package.place)
    xml.leaf(5, "PromulgationDate", format_date(package.promulgation_date))
    xml.close(4, "PromulgationInfo")
    xml.open(4, "DocumentType")
    xml.number(5, "Type", package.document_type)
    xml.leaf(5, "TypeName", package.type_name)
    xml.close(4, "DocumentType")
    xml.leaf(4, "Subject", package.subject)
    xml.leaf(4, "Content", package.content)
    xml.open(4, "SignerInfo")
    xml.leaf(5, "Competence", package.signer.competence)
    xml.leaf(5, "Position", package.signer.position)
    xml.leaf(5, "FullName", package.signer.full_name)
    xml.close(4, "SignerInfo")
    xml.leaf(4, "DueDate", format_date(package.due_date))
    xml.open(4, "ToPlaces")
    for place in package.to_places:
        xml.leaf(5, "Place", place)
    xml.close(4, "ToPlaces")
    xml.open(4, "OtherInfo")
    xml.leaf(5, "Priority", str(package.priority))
    xml.leaf(5, "SphereOfPromulgation", package.sphere_of_promulgation)
    xml.leaf(5, "TyperNotation", package.typer_notation)
    xml.number(5, "PromulgationAmount", package.promulgation_amount)
    xml.number(5, "PageAmount", package.page_amount)
    xml.open(5, "Appendixes")
    for appendix in package.appendixes:
        xml.leaf(6, "Appendix", appendix)
    xml.close(5, "Appendixes")
    xml.close(4, "OtherInfo")
    for response in package.response_for:
        xml.response_for(4, response)
    xml.number(4, "SteeringType", package.steering_type)
    document_id = package.document_id or EdocPackage.make_document_id(
        package.from_.organ_id,
        package.promulgation_date,
        package.code_number,
        package.code_notation,
    )
    xml.leaf(4, "DocumentId", document_id)
    xml.close(3, "MessageHeader")
    if package.trace_headers or package.business is not None:
        xml.open(3, "TraceHeaderList")
        for trace in package.trace_headers:
            xml.open(4, "TraceHeader")
            xml.leaf(5, "OrganId", trace.organ_id)
            timestamp = format_timestamp(trace.timestamp) if trace.timestamp else ""
            xml.leaf(5, "Timestamp", timestamp)
            xml.close(4, "TraceHeader")
        if package.business is not None:
            _business(xml, package.business)
        xml.close(3, "TraceHeaderList")
    xml.close(2, "edXMLHeader")
    xml.open(2, "edXMLBody")
    xml.open(3, "edXMLManifest", ' version="1.0"')
    for attachment in package.attachments:
        cid = _escape(attachment.content_id, "ContentId").replace('"', "&quot;")
        xml.open(
            4,
            "Reference",
            f' xmlns:xlink="{XLINK_NS}" xlink:href="cid:{cid}" xlink:type="simple"',
        )
        xml.leaf(5, "ContentId", f"cid:{attachment.content_id}")
        xml.leaf(5, "AttachmentName", attachment.name)
        xml.leaf(5, "ContentType", attachment.content_type)
        xml.leaf(5, "Description", attachment.description)
        xml.close(4, "Reference")
    xml.close(3, "edXMLManifest")
    xml.close(2, "edXMLBody")
    xml.close(1, "edXMLEnvelope")
    return xml.text(), package.attachments


def _business(xml: _Xml, business: Business) -> None:
    # The SDK's order: DocType, DocReason, BussinessDocumentInfo, DocumentId, StaffInfo, Paper,
    # then the rest (ReplacementInfoList, …).
    xml.open(4, "Bussiness")
    xml.number(5, "BussinessDocType", business.business_doc_type)
    xml.leaf(5, "BussinessDocReason", business.business_doc_reason)
    for node in business.details:
        if node.name == "BussinessDocumentInfo":
            xml.node(5, node)
    if business.document_id:
        xml.leaf(5, "DocumentId", business.document_id)
    for staff in business.staff_info:
        xml.staff(5, staff)
    xml.number(5, "Paper", business.paper)
    for node in business.details:
        if node.name != "BussinessDocumentInfo":
            xml.node(5, node)
    xml.close(4, "Bussiness")


def _status(package: StatusPackage) -> str:
    if not package.from_.organ_id:
        raise EdxmlError("From has no OrganId", reason="missing", field="From")
    if package.status_code not in STATUS_CODES:
        raise EdxmlError(
            f"StatusCode {package.status_code!r} is not an edXML status code "
            f"(one of {', '.join(sorted(STATUS_CODES))})",
            reason="invalid_status_code",
            field="StatusCode",
        )
    if package.timestamp is None:
        raise EdxmlError("status package has no Timestamp", reason="missing", field="Timestamp")
    xml = _Xml()
    xml.open(3, "MessageHeader")
    xml.organ(4, "From", package.from_)
    xml.response_for(4, package.response_for)
    xml.staff(4, package.staff)
    xml.leaf(4, "StatusCode", package.status_code)
    xml.leaf(4, "Description", package.description)
    xml.leaf(4, "Timestamp", format_timestamp(package.timestamp))
    xml.close(3, "MessageHeader")
    xml.close(2, "edXMLHeader")
    xml.close(1, "edXMLEnvelope")
    return xml.text()


def _write_attachment(attachment: Attachment, out: IO[bytes]) -> None:
    head = (
        "    <Attachment>\n"
        f"      <ContentId>{_escape(attachment.content_id, 'ContentId')}</ContentId>\n"
        f"      <AttachmentName>{_escape(attachment.name, 'AttachmentName')}</AttachmentName>\n"
        f"      <ContentType>{_escape(attachment.content_type, 'ContentType')}</ContentType>\n"
        f"      <Description>{_escape(attachment.description, 'Description')}</Description>\n"
        "      <ContentTransferEncoded>"
    )
    out.write(head.encode("utf-8"))
    carry = b""
    with attachment.open() as reader:
        while True:
            chunk = reader.read(ENCODE_CHUNK)
            if not chunk:
                break
            if carry:
                chunk = carry + chunk
            usable = len(chunk) - len(chunk) % 3
            carry = chunk[usable:]
            if usable:
                out.write(binascii.b2a_base64(chunk[:usable] if carry else chunk, newline=False))
    if carry:
        out.write(binascii.b2a_base64(carry, newline=False))
    out.write(b"</ContentTransferEncoded>\n    </Attachment>\n")
