"""Upload checks: type by content (magic bytes), never by the file's name; size limit."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

ALLOWED_LABEL = "PDF, JPEG, PNG, DOCX, XLSX"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def sniff(head: bytes, file: UploadedFile) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                )
            if any(n.startswith("xl/") for n in names):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    return None


def check_upload(file: UploadedFile, *, field: str) -> CheckedFile:
    limit = int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
    name = file.name or "?"
    if file.size is not None and file.size > limit:
        raise ValidationFailed(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="file_too_large",
            fields={field: _("file too large")},
        )
    if not file.size:
        raise ValidationFailed(
            _("“%(name)s” is empty.") % {"name": name},
            code="file_empty",
            fields={field: _("empty file")},
        )
    file.seek(0)
    head = file.read(16)
    kind = sniff(head, file)
    if kind is None:
        raise ValidationFailed(
            _("“%(name)s” is not a file type we accept. Accepted types: %(types)s.")
            % {"name": name, "types": ALLOWED_LABEL},
            code="file_type_not_allowed",
            fields={field: _("file type not accepted")},
        )
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return CheckedFile(kind[0], kind[1], int(file.size), digest.hexdigest())
