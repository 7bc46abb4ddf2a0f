"""Verifying signed PDF files (Decree 68/2024 Art. 29–32; DOMAIN §10). No database.

For each signature: whether the signed bytes are intact and the signature value correct; the
chain to the configured trust roots (`config.trust_roots`) and key usage; revocation when
revocation information can be had (configured CRLs, CRLs/OCSP responses embedded in the file,
or fetched when allowed) — otherwise "not checked"; whether the document was changed after it
(pyHanko's coverage and difference analysis); which signature is the person's and which the
organisation's (`signature_role`). Then one verdict for the file:

- "invalid": a signature does not match the file, its certificate is revoked, the document was
  changed after a signature, bytes were appended after the file's last revision (a ZIP or any
  other data after the final %%EOF, which no signature covers and no revision accounts for),
  or the file carries no signature;
- "indeterminate": the signatures match, but a certificate does not chain to a trusted root
  (or a timestamp cannot be trusted): nothing proves who signed;
- "valid": everything holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from motcua.core.text import fold, nfc
from motcua.signatures import config
from motcua.signatures.enums import Revocation, SignatureRole, Verdict

logger = logging.getLogger(__name__)

PERSON_UID_PREFIXES = ("cmnd", "cccd", "hc", "can cuoc", "passport", "ddcn")
ORGANISATION_UID_PREFIXES = ("mst", "mns", "ma so thue", "ma ngan sach")
PERSON_FIELD_HINTS = ("person", "personal", "ca nhan", "canhan", "signer")
ORGANISATION_FIELD_HINTS = (
    "organisation",
    "organization",
    "to chuc",
    "tochuc",
    "co quan",
    "coquan",
)
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})


@dataclass
class TimestampReport:
    time: str
    authority: str
    intact: bool
    trusted: bool


@dataclass
class SignatureReport:
    field_name: str
    signer_name: str
    organisation: str
    signed_at: str | None
    intact: bool
    trusted: bool
    revocation: str
    modified_after: bool
    role: str
    timestamp: TimestampReport | None
    valid: bool = False  # the signature value itself (intact says whether the digest matches)
    problems: list[str] = field(default_factory=list)
    certificate_subject: str = ""
    certificate_issuer: str = ""
    certificate_sha256: str = ""


@dataclass
class VerificationReport:
    verdict: str
    reason: str
    signatures: list[SignatureReport]
    # Bytes after the end of the file's last revision (its final %%EOF), or inside a revision
    # after the last signature but outside its objects, whitespace aside: no signature covers
    # them and no PDF reader is meant to see them (a ZIP glued to the file, say).
    appended_bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape (API, `verify_pdf`)."""
        return {
            "verdict": str(self.verdict),
            "reason": str(self.reason),
            "appended_bytes": self.appended_bytes,
            "signatures": [
                {
                    "signer_name": s.signer_name,
                    "organisation": s.organisation,
                    "signed_at": s.signed_at,
                    "intact": s.intact,
                    "trusted": s.trusted,
                    "revocation": str(s.revocation),
                    "modified_after": s.modified_after,
                    "role": str(s.role),
                    "timestamp": asdict(s.timestamp) if s.timestamp is not None else None,
                    "field_name": s.field_name,
                    "problems": list(s.problems),
                }
                for s in self.signatures
            ],
        }

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID


# --- who signed -----------------------------------------------------------------------------


def _name_attrs(cert: asn1_x509.Certificate) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for rdn in cert.subject.chosen:
        for attr in rdn:
            key = attr["type"].native
            value = attr["value"].native
            if isinstance(value, str) and key not in attrs:
                attrs[key] = nfc(value.strip())
    return attrs


def signature_role(cert: asn1_x509.Certificate, field_name: str = "") -> str:
    """ "person", "organisation" or "unknown", from the certificate's subject the way
    Vietnamese CAs fill it, the signature field's name as a tie-breaker.

    A personal certificate carries the holder's ID ("CMND:"/"CCCD:" in UID) or a title, given
    name or surname; an organisation's carries its tax or budget code ("MST:"/"MNS:") or an
    organizationIdentifier, and names the organisation in CN as in O.
    """
    attrs = _name_attrs(cert)
    uid = fold(attrs.get("user_id", ""))
    if uid.startswith(PERSON_UID_PREFIXES):
        return SignatureRole.PERSON
    if uid.startswith(ORGANISATION_UID_PREFIXES):
        return SignatureRole.ORGANISATION
    if any(attrs.get(k) for k in ("title", "given_name", "surname", "pseudonym")):
        return SignatureRole.PERSON
    cn, org = fold(attrs.get("common_name", "")), fold(attrs.get("organization_name", ""))
    if cn and org and cn == org:
        return SignatureRole.ORGANISATION
    if attrs.get("organization_identifier"):
        return SignatureRole.ORGANISATION
    hint = fold(field_name).replace("_", " ").replace("-", " ")
    if any(word in hint for word in ORGANISATION_FIELD_HINTS):
        return SignatureRole.ORGANISATION
    if any(word in hint for word in PERSON_FIELD_HINTS):
        return SignatureRole.PERSON
    return SignatureRole.UNKNOWN


def _signer_names(cert: asn1_x509.Certificate) -> tuple[str, str]:
    attrs = _name_attrs(cert)
    name = attrs.get("common_name") or readable_name(cert.subject)
    return name, attrs.get("organization_name", "")


def readable_name(name: asn1_x509.Name) -> str:
    """A certificate's subject or issuer as people read it: its common name and organisation
    ("MotCua Development CA, Sở Tư pháp"), not asn1crypto's English "Common Name: …, Organization:
    …" (shown on Vietnamese pages)."""
    found: dict[str, str] = {}
    for rdn in name.chosen:
        for attr in rdn:
            value = attr["value"].native
            if isinstance(value, str) and value.strip():
                found.setdefault(attr["type"].native, nfc(value.strip()))
    values = [found[key] for key in ("common_name", "organization_name") if key in found]
    return ", ".join(dict.fromkeys(values)) or name.human_friendly


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# --- the checks -------------------------------------------------------------------------------


def _validation_context(**kwargs: Any) -> ValidationContext:
    return ValidationContext(
        trust_roots=config.trust_roots(),
        crls=config.crls(),
        allow_fetching=config.revocation_fetch(),
        revocation_mode="soft-fail",
        **kwargs,
    )


def _embedded_revinfo(reader: PdfFileReader) -> tuple[list[Any], list[Any]]:
    """CRLs and OCSP responses in the document security store (PAdES-LT files)."""
    try:
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        dss = DocumentSecurityStore.read_dss(reader)
        return list(dss.crls), list(dss.ocsps)
    except Exception:  # no DSS, or one we cannot read: no embedded revocation information
        return [], []


def _revocation(
    status: PdfSignatureStatus,
    embedded: EmbeddedPdfSignature,
    revinfo: tuple[list[Any], list[Any]],
) -> str:
    if status.revoked:
        return Revocation.REVOKED
    if not (status.intact and status.valid and status.validation_path is not None):
        return Revocation.UNKNOWN  # no path to a trusted root: nothing to check against
    crls, ocsps = revinfo
    if not (config.crl_paths() or config.revocation_fetch() or crls or ocsps):
        return Revocation.NOT_CHECKED
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import PathValidationError, RevokedError

    moment = None
    ts = status.timestamp_validity
    if ts is not None and ts.intact and ts.valid:
        moment = ts.timestamp
    context = ValidationContext(
        trust_roots=config.trust_roots(),
        crls=[*config.crls(), *crls],
        ocsps=ocsps,
        allow_fetching=config.revocation_fetch(),
        # "require": revocation information must be found, whether or not the certificate
        # names a CRL or OCSP responder ("hard-fail" only checks what it names).
        revocation_mode="require",
        best_signature_time=moment,
        other_certs=list(embedded.other_embedded_certs),
    )
    validator = CertificateValidator(embedded.signer_cert, validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except RevokedError:
        return Revocation.REVOKED
    except PathValidationError:
        return Revocation.UNKNOWN
    except Exception:  # network or parsing trouble: say so, do not guess
        logger.warning("revocation check failed", exc_info=True)
        return Revocation.UNKNOWN
    return Revocation.GOOD


def _timestamp(status: PdfSignatureStatus) -> TimestampReport | None:
    ts = status.timestamp_validity
    if ts is None:
        return None
    authority = ""
    try:
        authority = _signer_names(ts.signing_cert)[0]
    except Exception:  # an unusual TSA certificate: leave the name out
        authority = ""
    return TimestampReport(
        time=_iso(ts.timestamp) or "",
        authority=authority,
        intact=bool(ts.intact and ts.valid),
        trusted=bool(ts.trusted),
    )


def _changed_after(status: PdfSignatureStatus, *, last: bool) -> bool:
    """Whether anything but signatures (and, after the last one, validation data) was added
    after this signature."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True
    level = status.modification_level
    if level is None or status.docmdp_ok is False:
        return True
    allowed = ModificationLevel.LTA_UPDATES if last else ModificationLevel.FORM_FILLING
    return bool(level > allowed)


def _check_one(
    embedded: EmbeddedPdfSignature, revinfo: tuple[list[Any], list[Any]], *, last: bool
) -> SignatureReport:
    cert = embedded.signer_cert
    name, organisation = _signer_names(cert)
    role = signature_role(cert, embedded.field_name or "")
    if role == SignatureRole.ORGANISATION and not organisation:
        organisation = name
    context = _validation_context()
    status = validate_pdf_signature(
        embedded,
        signer_validation_context=context,
        ts_validation_context=_validation_context(),
        key_usage_settings=KEY_USAGE,
    )
    ts = _timestamp(status)
    signed_at = ts.time if ts is not None and ts.intact else _iso(status.signer_reported_dt)
    report = SignatureReport(
        field_name=embedded.field_name or "",
        signer_name=name,
        organisation=organisation,
        signed_at=signed_at,
        intact=bool(status.intact and status.valid),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revocation=_revocation(status, embedded, revinfo),
        modified_after=_changed_after(status, last=last),
        role=role,
        timestamp=ts,
        certificate_subject=readable_name(cert.subject),
        certificate_issuer=readable_name(cert.issuer),
        certificate_sha256=cert.sha256.hex(),
    )
    if not status.intact:
        report.problems.append(_("The signed content does not match the document."))
    elif not status.valid:
        report.problems.append(_("The signature value is not correct."))
    if report.revocation == Revocation.REVOKED:
        report.problems.append(_("The signer's certificate has been revoked."))
    elif not report.trusted and report.intact:
        report.problems.append(_("The certificate does not chain to a trusted authority."))
    if report.modified_after:
        report.problems.append(_("The document was changed after this signature."))
    if ts is not None and not (ts.intact and ts.trusted):
        report.problems.append(_("The timestamp cannot be trusted."))
    return report


def _broken(field_name: str, problem: str) -> SignatureReport:
    return SignatureReport(
        field_name=field_name,
        signer_name="",
        organisation="",
        signed_at=None,
        intact=False,
        trusted=False,
        revocation=Revocation.UNKNOWN,
        modified_after=True,
        role=SignatureRole.UNKNOWN,
        timestamp=None,
        problems=[problem],
    )


def _collect(reader: PdfFileReader) -> tuple[list[EmbeddedPdfSignature], list[SignatureReport]]:
    """The readable signatures in signing order, and a report for each unreadable one."""
    try:
        return list(reader.embedded_regular_signatures), []
    except Exception:  # one bad signature must not hide the others: read them one by one
        logger.info("a signature could not be read; reading them one by one", exc_info=True)
    from pyhanko.sign.fields import enumerate_sig_fields

    good: list[EmbeddedPdfSignature] = []
    broken: list[SignatureReport] = []
    for fq_name, _value, sig_field in enumerate_sig_fields(reader, filled_status=True):
        try:
            emb = EmbeddedPdfSignature(reader, sig_field, fq_name)
            if emb.sig_object_type == "/Sig":
                good.append(emb)
        except Exception:  # a damaged signature container: reported, not raised
            broken.append(_broken(fq_name, _("The signature cannot be read (damaged file).")))
    good.sort(key=lambda emb: emb.signed_revision)
    return good, broken


_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_EOF_ATTEMPTS = 8  # how many %%EOF markers, from the end, to try as the end of the PDF


def appended_bytes(data: bytes, reader: PdfFileReader) -> int:
    """How many bytes follow the end of the file's last revision, whitespace aside.

    The last revision ends at the first ``%%EOF`` after its cross-reference section (the one
    the final ``startxref`` points to). Anything after it is outside every signature's byte
    range and outside every revision, so pyHanko's coverage and difference analysis does not
    see it: a ZIP glued after ``%%EOF`` would otherwise leave the file "valid, not modified".
    A later ``%%EOF`` written by whoever appended the data does not count: the first one after
    the last cross-reference section ends the PDF.
    """
    xrefs = reader.xrefs
    info = xrefs.get_xref_container_info(xrefs.total_revisions - 1)
    start = max(info.start_location, info.end_location)
    eof = data.find(b"%%EOF", start)
    if eof < 0:
        return 0  # no marker after the last section: nothing recognisable was appended
    tail = data[eof + len(b"%%EOF") :].lstrip(_PDF_WHITESPACE)  # its end-of-line is the PDF's
    return len(tail) if tail.strip(_PDF_WHITESPACE) else 0


def unexplained_bytes(data: bytes, reader: PdfFileReader, *, after_revision: int) -> int:
    """Bytes inside the revisions after `after_revision` (the last signed one) that are not
    part of an object the revision declares, its cross-reference section or whitespace.

    A forger can glue data after a signed file and then add an empty revision (a
    cross-reference table with no entries) so that the data sits inside the file rather than
    after its end: pyHanko's difference analysis sees no change, since no object changed."""
    xrefs = reader.xrefs
    total = 0
    for revision in range(after_revision + 1, xrefs.total_revisions):
        start = _revision_end(data, reader, revision - 1)
        info = xrefs.get_xref_container_info(revision)
        stop = min(info.declared_startxref, info.start_location)  # at the "xref" keyword
        section = xrefs.get_xref_data(revision)
        offsets = sorted(
            offset for _generation, offset in section.standard_xrefs.values() if start <= offset
        )
        cursor = start
        for offset in (o for o in offsets if o < stop):
            total += len(data[cursor:offset].strip(_PDF_WHITESPACE)) if offset > cursor else 0
            cursor = max(cursor, _object_end(data, offset, stop))
        if stop > cursor:
            total += len(data[cursor:stop].strip(_PDF_WHITESPACE))
    return total


def _revision_end(data: bytes, reader: PdfFileReader, revision: int) -> int:
    """Where revision `revision` ends: after the first %%EOF following its cross-reference
    section, and the end-of-line after it."""
    info = reader.xrefs.get_xref_container_info(revision)
    eof = data.find(b"%%EOF", max(info.start_location, info.end_location))
    if eof < 0:
        return len(data)
    end = eof + len(b"%%EOF")
    eol = data[end : end + 2]
    return end + len(eol) - len(eol.lstrip(b"\r\n"))


def _object_end(data: bytes, offset: int, stop: int) -> int:
    """The end of the object at `offset` ("endobj", after "endstream" for a stream)."""
    end = data.find(b"endobj", offset, stop)
    stream = data.find(b"stream", offset, end if end >= 0 else stop)
    if stream >= 0:
        after = data.find(b"endstream", stream, stop)
        if after >= 0:
            end = data.find(b"endobj", after, stop)
    return end + len(b"endobj") if end >= 0 else stop


def _readable_prefix(
    data: bytes,
) -> tuple[PdfFileReader, list[EmbeddedPdfSignature], list[SignatureReport]] | None:
    """The file up to the last %%EOF after which it can be read, when the whole file cannot
    be (data was appended after it; the data may end with a %%EOF of its own)."""
    eof = len(data)
    for _attempt in range(_EOF_ATTEMPTS):
        eof = data.rfind(b"%%EOF", 0, eof)
        if eof < 0:
            return None
        end = eof + len(b"%%EOF")
        tail = data[end:]
        rest = tail.lstrip(_PDF_WHITESPACE)
        if not rest:
            continue
        end += len(tail) - len(rest)  # the end-of-line after %%EOF is part of the signed bytes
        try:
            reader = PdfFileReader(io.BytesIO(data[:end]), strict=False)
            embedded, reports = _collect(reader)
        except Exception:
            logger.info("unreadable PDF up to the %%EOF at %s", eof, exc_info=True)
            continue
        return reader, embedded, reports
    return None


def verify_pdf(data: bytes) -> VerificationReport:
    """Verify every signature in the PDF file `data` (see the module docstring)."""
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return VerificationReport(Verdict.INVALID, _("The file is not a PDF document."), [])
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded, reports = _collect(reader)
        cut = 0
    except Exception:  # pyHanko cannot even parse it
        logger.info("unreadable PDF", exc_info=True)
        # pyHanko looks for the final %%EOF in the last kilobyte only: data appended after
        # it hides the PDF from pyHanko (not from viewers, which search further).
        readable = _readable_prefix(data)
        if readable is None:
            return VerificationReport(
                Verdict.INVALID, _("The file is damaged and cannot be read as a PDF document."), []
            )
        reader, embedded, reports = readable
        cut = len(data) - reader.stream.seek(0, io.SEEK_END)
        data = data[: len(data) - cut]
    try:
        appended = appended_bytes(data, reader) + cut
        if embedded:
            appended += unexplained_bytes(
                data, reader, after_revision=max(emb.signed_revision for emb in embedded)
            )
    except Exception:  # an xref layout pyHanko read but we cannot place: count the file damaged
        logger.info("cannot find the end of the last revision", exc_info=True)
        return VerificationReport(
            Verdict.INVALID, _("The file is damaged and cannot be read as a PDF document."), []
        )
    revinfo = _embedded_revinfo(reader)
    for index, emb in enumerate(embedded):
        try:
            reports.append(_check_one(emb, revinfo, last=index == len(embedded) - 1))
        except Exception:  # a malformed signature: report it, keep checking the others
            logger.info("signature validation failed", exc_info=True)
            reports.append(
                _broken(emb.field_name or "", _("The signature cannot be checked (malformed)."))
            )
    if reports and embedded:
        # Changes after the last signature count against every signature before it too.
        last = reports[-1]
        if appended:
            last.modified_after = True
            last.problems.append(
                _("Data not covered by any signature was appended to the file after signing.")
            )
        if last.modified_after:
            for report in reports:
                report.modified_after = True
    result = _judge(reports, appended=appended)
    result.appended_bytes = appended
    return result


def _who(report: SignatureReport) -> str:
    return report.signer_name or report.field_name or "?"


def _judge(reports: list[SignatureReport], *, appended: int = 0) -> VerificationReport:
    if not reports:
        return VerificationReport(
            Verdict.INVALID, _("The document carries no digital signature."), reports
        )
    for report in reports:
        if not report.intact:
            return VerificationReport(
                Verdict.INVALID,
                _("The signature of %(who)s does not match the document: it was altered.")
                % {"who": _who(report)},
                reports,
            )
    for report in reports:
        if report.revocation == Revocation.REVOKED:
            return VerificationReport(
                Verdict.INVALID,
                _("The certificate of %(who)s has been revoked.") % {"who": _who(report)},
                reports,
            )
    if appended:
        return VerificationReport(
            Verdict.INVALID,
            ngettext(
                "The file was modified after signing: %(count)s byte of data not covered by any "
                "signature was added to it.",
                "The file was modified after signing: %(count)s bytes of data not covered by "
                "any signature were added to it.",
                appended,
            )
            % {"count": appended},
            reports,
        )
    for report in reports:
        if report.modified_after:
            return VerificationReport(
                Verdict.INVALID,
                _("The document was changed after it was signed by %(who)s.")
                % {"who": _who(report)},
                reports,
            )
    for report in reports:
        if not report.trusted:
            return VerificationReport(
                Verdict.INDETERMINATE,
                _(
                    "The certificate of %(who)s is not issued by a trusted certification "
                    "authority: the signer cannot be confirmed."
                )
                % {"who": _who(report)},
                reports,
            )
        if report.timestamp is not None and not (
            report.timestamp.intact and report.timestamp.trusted
        ):
            return VerificationReport(
                Verdict.INDETERMINATE,
                _("The timestamp on the signature of %(who)s cannot be trusted.")
                % {"who": _who(report)},
                reports,
            )
    unchecked = any(r.revocation in (Revocation.NOT_CHECKED, Revocation.UNKNOWN) for r in reports)
    reason = ngettext(
        "The signature is valid and the document was not changed after signing.",
        "All %(count)s signatures are valid and the document was not changed after signing.",
        len(reports),
    ) % {"count": len(reports)}
    if unchecked:
        reason += " " + _("Revocation could not be checked for every certificate.")
    return VerificationReport(Verdict.VALID, reason, reports)


# --- stamp text -------------------------------------------------------------------------------


def appearance_text(data: bytes) -> str:
    """The text shown in the document's annotations (signature stamps), one per line group.

    Signature appearances live in annotation appearance streams, not in the page content
    (drawing them into the page would change the signed content), so `page.extract_text()`
    does not see them; this extracts them with pypdf.
    """
    import pypdf
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    reader = pypdf.PdfReader(io.BytesIO(data))
    chunks: list[str] = []
    for page in reader.pages:
        for annot_ref in page.get("/Annots") or []:
            annot = annot_ref.get_object()
            appearance = annot.get("/AP")
            if not appearance:
                continue
            normal = appearance.get_object().get("/N")
            normal = normal.get_object() if normal is not None else None
            if not isinstance(normal, StreamObject):
                continue
            canvas = pypdf.PageObject.create_blank_page(width=2000, height=2000)
            canvas[NameObject("/Resources")] = normal.get("/Resources", DictionaryObject())
            content = StreamObject()
            content.set_data(normal.get_data())
            canvas[NameObject("/Contents")] = content
            text = canvas.extract_text().strip()
            if text:
                chunks.append(nfc(text))
    return "\n".join(chunks)
