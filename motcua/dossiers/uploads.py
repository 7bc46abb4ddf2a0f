"""Upload checks: type by content (magic bytes), never by the file's name; size limit."""

from __future__ import annotations

import hashlib
import math
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

ALLOWED_LABEL = "PDF, JPEG, PNG, DOCX, XLSX"
KIB = 1024
MIB = 1024 * 1024


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


def size_and_limit(size: int, limit: int) -> tuple[str, str]:
    """`size` and `limit` (bytes) for a message, in the same unit and never equal when they
    differ: a 21,000,000-byte file against the default 20 MiB limit reads "20,03 MB" and
    "20,00 MB", not "20,0 MB" twice.

    The unit is binary, as Django's filesizeformat writes it (1 MB = 1,048,576 bytes), the
    unit the upload pages already use to show the limit and the one MOTCUA_UPLOAD_MAX_BYTES
    counts in by default (20 × 1024 × 1024 bytes): "20,0 MB" there and here is the same
    number of bytes. One decimal, or two when one would make the two equal; then the size is
    rounded up and the limit down, so a file one byte too large still reads larger.
    """
    if limit < KIB:
        return filesizeformat(size), filesizeformat(limit)
    unit, label = (MIB, _("%s MB")) if limit >= MIB else (KIB, _("%s KB"))
    size_text = number_format(size / unit, 1)
    limit_text = number_format(limit / unit, 1)
    if size_text == limit_text:
        size_text = number_format(math.ceil(size * 100 / unit) / 100, 2)
        limit_text = number_format(math.floor(limit * 100 / unit) / 100, 2)
    return label % size_text, label % limit_text


def check_upload(file: UploadedFile, *, field: str) -> CheckedFile:
    limit = int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * MIB))
    name = file.name or "?"
    if file.size is not None and file.size > limit:
        size_text, limit_text = size_and_limit(file.size, limit)
        raise ValidationFailed(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": size_text, "limit": limit_text},
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
    return CheckedFile(kind[0], kind[1], int(file.size), file_sha256(file))


def file_sha256(file: UploadedFile) -> str:
    """The sha256 of an upload's content, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
