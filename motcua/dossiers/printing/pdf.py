"""HTML → PDF with WeasyPrint and the bundled Liberation Serif 2.x (DOMAIN §8, §10).

The fonts are declared with @font-face under a family name of our own and served by a URL
fetcher that knows nothing but those four files: fontconfig can never substitute an installed
font, and a template cannot make the renderer read a file or reach the network.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from motcua.core.text import nfc
from motcua.dossiers.printing.layout import FormSpec

FONT_DIR = Path(__file__).resolve().parents[2] / "core" / "fonts"
# The PDF names the embedded subsets "LiberationSerif-MotCua[-Bold][-Italic]".
FONT_FAMILY = "LiberationSerif MotCua"
FONT_FILES: dict[tuple[str, str], str] = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}

# WeasyPrint logs every layout step, fontTools every subset table, at INFO: hundreds of lines per
# form under the project's INFO root logger. Quieten them unless settings.LOGGING says otherwise.
for _noisy in ("weasyprint.progress", "fontTools"):
    if logging.getLogger(_noisy).level == logging.NOTSET:
        logging.getLogger(_noisy).setLevel(logging.WARNING)


def base_context(spec: FormSpec, *, code: str) -> dict[str, Any]:
    """What templates/forms/base.html needs besides the form's own content."""
    return {
        "form": spec,
        "page": spec.page,
        "doc_title": f"{spec.title} - {code}",
        "font_family": FONT_FAMILY,
        "fonts": [
            {"weight": weight, "style": style, "url": (FONT_DIR / name).as_uri()}
            for (weight, style), name in FONT_FILES.items()
        ],
    }


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to HTML, NFC-normalise it, and lay it out as PDF."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = nfc(render_to_string(template, context))
    document = HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=bundled_fonts_fetcher()
    )
    pdf = document.write_pdf(font_config=FontConfiguration())
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf


def bundled_fonts_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the bundled fonts and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = {(FONT_DIR / name).as_uri(): FONT_DIR / name for name in FONT_FILES.values()}

    def fetch(url: str, headers: Any = None) -> Any:
        path = allowed.get(url.split("?", 1)[0])
        if path is None:
            raise ValueError(f"printed forms load only the bundled fonts, not {url}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})

    # WeasyPrint calls fetcher(url) -> fetcher.fetch(url); replacing fetch on an instance keeps
    # the rest of URLFetcher (error handling flags) as it is.
    fetcher = URLFetcher(allowed_protocols=("file",))
    fetcher.fetch = fetch
    return fetcher
