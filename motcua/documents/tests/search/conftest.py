from __future__ import annotations

import pytest


def pdf_of(*pages: str) -> bytes:
    """A text PDF with one page per argument, in the bundled Liberation Serif."""
    from weasyprint import HTML

    from motcua.dossiers.printing.pdf import FONT_DIR

    font = (FONT_DIR / "LiberationSerif-Regular.ttf").as_uri()
    body = '<div class="page"></div>'.join(f"<p>{text}</p>" for text in pages)
    html = f"""<html><head><style>
      @font-face {{ font-family: LS; src: url("{font}"); }}
      body {{ font-family: LS; font-size: 13pt; }}
      .page {{ break-after: page; }}
    </style></head><body>{body}</body></html>"""
    return bytes(HTML(string=html).write_pdf())


@pytest.fixture(scope="session")
def text_pdf() -> bytes:
    return pdf_of(
        "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
        "Về việc đẩy mạnh xuất khẩu tôm sú sang thị trường châu Âu năm 2025.",
    )
