"""Making an uploaded PDF safe and signable before it enters the signing flow. No database.

A result or attachment uploaded to be signed is issued under the organisation's seal and
downloaded by citizens, so it must not carry active content: JavaScript (document, page, field
and annotation actions, the /JavaScript name tree), actions that run on opening or on events
(/OpenAction, /AA), actions that launch programs, submit data or open other files, embedded
files (/EmbeddedFiles, /EF, /AF), rich media, screen, sound, movie, 3D and file-attachment
annotations, and XFA forms. `pdf_sanitise` removes them and says what it removed.

It also checks that pyHanko (which adds the QR code and the signatures) can read every object:
a file with a broken cross-reference table is rewritten by pypdf, which rebuilds it. What
cannot be read or repaired, and encrypted files, are refused with `PdfInputError`.

An untouched file keeps its bytes (an attachment signed elsewhere keeps its signatures); a
file that needs any change is rewritten as a whole by pypdf (pikepdf is not needed for this:
pypdf, already a dependency, reads, repairs and rewrites these files).
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.signatures.signing import PdfInputError

logger = logging.getLogger(__name__)

# Actions that run code, start programs, send data away or open other files.
DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
# Links that only open a web page, a mail or a phone call.
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:", "tel:")
# Annotations that play or carry content.
DANGEROUS_ANNOTATIONS = frozenset(
    {"/RichMedia", "/Screen", "/Movie", "/Sound", "/FileAttachment", "/3D"}
)
# Keys removed wherever they are: event actions, scripts, embedded file streams, associated
# files, rich media content.
DANGEROUS_KEYS = {
    "/AA": "additional actions (/AA)",
    "/JS": "JavaScript (/JS)",
    "/EF": "embedded file (/EF)",
    "/AF": "associated file (/AF)",
    "/RichMediaContent": "rich media content",
}


@dataclass(frozen=True)
class Sanitised:
    data: bytes
    removed: dict[str, int]  # what was removed, and how many times
    repaired: bool  # the cross-reference table was rebuilt
    original: bytes = b""  # the file as uploaded

    @property
    def changed(self) -> bool:
        return bool(self.removed) or self.repaired


def pdf_sanitise(data: bytes) -> Sanitised:
    """`data` without active content, readable by pyHanko; raises PdfInputError (with a
    message for the user) when it is not a PDF, is encrypted, or cannot be read."""
    import pypdf

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise PdfInputError(_("The file is not a PDF document."))
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        logger.info("unreadable upload", exc_info=True)
        raise PdfInputError(_("The PDF file is damaged and cannot be read.")) from exc
    if encrypted:
        raise PdfInputError(
            _("The PDF file is password-protected (encrypted): save it without a password.")
        )
    removed: Counter[str] = Counter()
    try:
        writer = pypdf.PdfWriter(clone_from=reader)
        _Cleaner(removed).clean(writer)
    except Exception as exc:
        logger.info("upload could not be walked", exc_info=True)
        raise PdfInputError(_("The PDF file is damaged and cannot be read.")) from exc
    readable = _pyhanko_reads(data)
    if not removed and readable:
        return Sanitised(data, {}, repaired=False, original=data)
    out = io.BytesIO()
    try:
        # What was cut off (scripts, embedded files, media) must not stay in the file as
        # unreferenced objects.
        try:
            writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        except TypeError:  # pypdf before 7 names the arguments differently
            writer.compress_identical_objects(remove_identicals=False, remove_orphans=True)
        writer.write(out)
    except Exception as exc:
        logger.info("upload could not be rewritten", exc_info=True)
        raise PdfInputError(_("The PDF file is damaged and cannot be read.")) from exc
    cleaned = out.getvalue()
    if not _pyhanko_reads(cleaned):
        raise PdfInputError(_("The PDF file is damaged and cannot be read."))
    return Sanitised(cleaned, dict(sorted(removed.items())), repaired=not readable, original=data)


def _pyhanko_reads(data: bytes) -> bool:
    """Whether pyHanko reads every object of every revision, and every page."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return False
        xrefs = reader.xrefs
        for revision in range(xrefs.total_revisions):
            for ref in xrefs.explicit_refs_in_revision(revision):
                reader.get_object(ref, revision=revision)
        count = int(reader.root["/Pages"]["/Count"])
        for index in range(count):
            reader.find_page_for_modification(index)
    except Exception:  # any failure means pyHanko would fail later, in the middle of signing
        logger.info("pyHanko cannot read the upload as it is", exc_info=True)
        return False
    return True


class _Cleaner:
    """Walks every object reachable from the document catalog and removes active content."""

    def __init__(self, removed: Counter[str]) -> None:
        self.removed = removed
        self.seen: set[tuple[int, int]] = set()

    def clean(self, writer: Any) -> None:
        from pypdf.generic import NameObject

        root = writer.root_object
        for key, label in (
            ("/OpenAction", "action on opening (/OpenAction)"),
            ("/NeedsRendering", "XFA rendering flag"),
        ):
            if NameObject(key) in root:
                self._drop(root, key, label)
        names = self._resolve(root.get("/Names"))
        if names is not None:
            for key, label in (
                ("/JavaScript", "JavaScript name tree (/Names/JavaScript)"),
                ("/EmbeddedFiles", "embedded files (/Names/EmbeddedFiles)"),
            ):
                if NameObject(key) in names:
                    self._drop(names, key, label)
        form = self._resolve(root.get("/AcroForm"))
        if form is not None and NameObject("/XFA") in form:
            self._drop(form, "/XFA", "XFA form (/XFA)")
        self._walk(root)

    def _drop(self, parent: Any, key: str, label: str) -> None:
        """Remove `parent[key]`, and empty the streams under it (scripts, files, media): if
        pypdf keeps one as an unreferenced object, it is empty."""
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            StreamObject,
        )

        value = parent[NameObject(key)]
        del parent[NameObject(key)]
        self.removed[label] += 1
        stack, seen = [value], set()
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                if (item.idnum, item.generation) in seen:
                    continue
                seen.add((item.idnum, item.generation))
                item = item.get_object()
            if isinstance(item, StreamObject):
                item.set_data(b"")
            if isinstance(item, DictionaryObject):
                stack.extend(v for k, v in item.items() if k not in ("/Parent", "/P"))
            elif isinstance(item, ArrayObject):
                stack.extend(item)

    @staticmethod
    def _resolve(value: Any) -> Any:
        return value.get_object() if value is not None else None

    def _walk(self, node: Any) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in self.seen:
                    continue
                self.seen.add(key)
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                for name, label in DANGEROUS_KEYS.items():
                    if NameObject(name) in item:
                        self._drop(item, name, label)
                for name in list(item.keys()):
                    value = item[name]
                    target: Any = value.get_object() if isinstance(value, IndirectObject) else value
                    if name != "/Parent" and self._is_dangerous_action(target):
                        self._drop(item, name, f"{str(target.get('/S'))[1:]} action")
                        continue
                    if name == "/Annots" and isinstance(target, ArrayObject):
                        self._filter_annotations(target)
                    if name in ("/Parent", "/P"):
                        continue  # reached from above anyway; avoids walking up the tree
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)

    @staticmethod
    def _is_dangerous_action(value: Any) -> bool:
        from pypdf.generic import DictionaryObject

        if not isinstance(value, DictionaryObject):
            return False
        kind = str(value.get("/S"))
        if kind == "/URI":  # a link is fine, a "javascript:" or "file:" one is not
            uri = value.get("/URI")
            uri = uri.get_object() if uri is not None else ""
            return not str(uri).strip().lower().startswith(SAFE_URI_SCHEMES)
        return kind in DANGEROUS_ACTIONS

    def _filter_annotations(self, annotations: Any) -> None:
        from pypdf.generic import DictionaryObject, NameObject

        keep = []
        for ref in annotations:
            annotation = ref.get_object()
            subtype = str(annotation.get("/Subtype", "")) if hasattr(annotation, "get") else ""
            if subtype in DANGEROUS_ANNOTATIONS:
                holder = DictionaryObject({NameObject("/x"): ref})
                self._drop(holder, "/x", f"{subtype[1:]} annotation")
                continue
            keep.append(ref)
        if len(keep) != len(annotations):
            annotations[:] = keep
