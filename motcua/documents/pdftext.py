"""The text of a text PDF, for search (issue 13 point 9): what `IncomingFile.text` holds.

Bounded: at most MAX_PAGES pages are read and MAX_CHARS characters kept, so a 500-page
annex costs what its first pages cost. A scan (no text layer), an encrypted PDF without an
empty user password, or a file that is not a readable PDF gives "" — extraction never fails
the registration of a document.

Documents typed in the old TCVN3/VNI fonts come out as the font's code points, not Vietnamese;
there is nothing reliable to do about that here, and searching their metadata still works.
"""

from __future__ import annotations

import io
import logging
import re

from motcua.core.text import nfc

MAX_PAGES = 30
MAX_CHARS = 100_000

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# NUL cannot be stored in a PostgreSQL text column; other control characters are noise.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

logger = logging.getLogger(__name__)


def extract(data: bytes, *, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS) -> str:
    """The text of the PDF `data` (NFC, spaces collapsed, one line per line of text), at most
    `max_chars` characters from the first `max_pages` pages; "" when there is none."""
    if b"%PDF-" not in data[:1024]:  # readers accept the header anywhere in the first 1 KB
        return ""
    from pypdf import PdfReader

    chunks: list[str] = []
    size = 0
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        for index, page in enumerate(reader.pages):
            if index >= max_pages or size >= max_chars:
                break
            text = _clean(page.extract_text() or "")
            if text:
                chunks.append(text)
                size += len(text) + 1
    except Exception as exc:  # pypdf raises many kinds of error on broken files
        # A broken or hostile file: keep what was read; the document is registered anyway.
        logger.info("pdftext: text extraction stopped: %s: %s", type(exc).__name__, exc)
    return "\n".join(chunks)[:max_chars]


def _clean(text: str) -> str:
    text = _CONTROL.sub("", nfc(text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()
