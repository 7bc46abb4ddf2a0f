"""QR codes as inline SVG (vector, so they print sharp at any resolution and need no image files).

Used by the printed forms (the receipt links to the public tracking page) and by any page that
wants a scannable link. Pure: no database, no Django.
"""

from __future__ import annotations

import segno


def qr_svg(
    data: str,
    *,
    size_mm: float = 24.0,
    border: int = 2,
    error: str = "m",
    title: str = "",
    css_class: str = "qr",
) -> str:
    """An ``<svg>`` element encoding `data`, `size_mm` wide and high (quiet zone included).

    `border` is the quiet zone in modules (ISO 18004 asks for 4; 2 is what phone readers need
    on a white paper margin). `error` is the error-correction level: "l", "m", "q" or "h".
    """
    if not data:
        raise ValueError("qr_svg() needs something to encode")
    if size_mm <= 0:
        raise ValueError("size_mm must be positive")
    code = segno.make(data, error=error, micro=False)
    width, _height = code.symbol_size(scale=1, border=border)
    scale = round(size_mm / width, 4)
    return str(
        code.svg_inline(
            scale=scale,
            border=border,
            unit="mm",
            title=title or None,
            svgclass=css_class,
            lineclass=None,
        )
    )


def qr_matrix(data: str, *, error: str = "m") -> list[list[bool]]:
    """The modules of the QR code of `data` (True = dark), without quiet zone: for tests."""
    code = segno.make(data, error=error, micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix]
