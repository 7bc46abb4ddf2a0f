"""Demo images for visible signatures (Decree 30/2020 Annex I; DOMAIN §8): a blue handwritten-
looking signature for an official, a red round seal for an organisation. PNG, transparent
background, 300 dpi.

Real deployments upload the scanned signature and seal of each signer (SigningCredential.image);
these stand-ins are for the demo officials and organisations only. Pure: Pillow, no database.
"""

from __future__ import annotations

import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont

from motcua.core.text import nfc
from motcua.signatures.fonts import BOLD, FONT_DIR, ITALIC

DPI = 300
SIGNATURE_BLUE = (20, 48, 170, 255)
SEAL_RED = (206, 17, 38, 255)


def mm_to_px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


@functools.lru_cache(maxsize=64)
def signature_png(full_name: str, *, width_mm: float = 45.0, height_mm: float = 18.0) -> bytes:
    """A blue signature-like image: the given name in italics over a flourish.

    Deterministic for a name (the same official always gets the same image), so cached.
    """
    name = nfc(full_name.strip()) or "?"
    width, height = mm_to_px(width_mm), mm_to_px(height_mm)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    # Signatures usually show the given name (the last word of a Vietnamese name).
    word = name.split()[-1]
    size = int(height * 0.55)
    font = _font(ITALIC, size)
    while size > 12 and draw.textlength(word, font=font) > width * 0.7:
        size -= 4
        font = _font(ITALIC, size)
    text_w = draw.textlength(word, font=font)
    x0 = (width - text_w) / 2
    y0 = height * 0.12
    draw.text((x0, y0), word, font=font, fill=SIGNATURE_BLUE)
    # A flourish under the name, shaped by the name so each official's looks different.
    seed = sum(ord(ch) for ch in name)
    amplitude = height * (0.06 + (seed % 5) * 0.01)
    baseline = y0 + size * 1.05
    points = []
    for step in range(41):
        t = step / 40
        x = width * 0.12 + t * width * 0.78
        y = baseline + amplitude * math.sin(t * math.pi * (2 + seed % 3)) - t * height * 0.08
        points.append((x, y))
    draw.line(points, fill=SIGNATURE_BLUE, width=max(3, height // 60), joint="curve")
    return _png(image)


@functools.lru_cache(maxsize=64)
def ink_only(png: bytes, *, margin_px: int = 2) -> bytes:
    """`png` cropped to its ink (the pixels that are not transparent, or not white on an opaque
    image), keeping a hair of margin: the signature is then laid out by what shows, so that
    the seal covers the left third of the visible signature (Decree 30), not of a picture
    with wide blank margins. An image with no ink is returned as it is."""
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            box = rgba.getchannel("A").getbbox()
        else:
            grey = img.convert("L").point(lambda v: 255 if v < 250 else 0)
            rgba, box = img.convert("RGBA"), grey.getbbox()
        if box is None:
            return png
        x0, y0, x1, y1 = box
        box = (
            max(0, x0 - margin_px),
            max(0, y0 - margin_px),
            min(rgba.width, x1 + margin_px),
            min(rgba.height, y1 + margin_px),
        )
        if box == (0, 0, rgba.width, rgba.height):
            return png
        return _png(rgba.crop(box))


def seal_png(organisation: str, *, diameter_mm: float = 36.0, place: str = "") -> bytes:
    """A red round seal: the organisation's name around the ring, a star in the middle, the
    place (province) at the bottom when given."""
    name = nfc(organisation.strip()).upper()
    size = mm_to_px(diameter_mm)
    scale = 2  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = big / 2
    ring = max(4, big // 70)
    outer = centre - ring
    inner = outer - big * 0.17
    draw.ellipse(
        (centre - outer, centre - outer, centre + outer, centre + outer),
        outline=SEAL_RED,
        width=ring,
    )
    draw.ellipse(
        (centre - inner, centre - inner, centre + inner, centre + inner),
        outline=SEAL_RED,
        width=max(2, ring // 2),
    )
    _star(draw, centre, centre, inner * 0.42, SEAL_RED)
    text_radius = (outer + inner) / 2
    _arc_text(image, name, centre, text_radius, font_px=int(big * 0.068), span_deg=250)
    if place:
        label = nfc(place.strip()).upper()
        font = _font(BOLD, int(big * 0.06))
        text_w = draw.textlength(label, font=font)
        draw.text(
            (centre - text_w / 2, centre + inner * 0.55),
            label,
            font=font,
            fill=SEAL_RED,
        )
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return _png(image)


def _star(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float, fill: tuple[int, ...]
) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _arc_text(
    image: Image.Image, text: str, centre: float, radius: float, *, font_px: int, span_deg: float
) -> None:
    """Write `text` clockwise along the top of a circle, centred on the top, each letter
    upright to the circle (the way seal engravers do it)."""
    font = _font(BOLD, font_px)
    measure = ImageDraw.Draw(image)
    widths = [measure.textlength(ch, font=font) for ch in text]
    gap = font_px * 0.08
    total = sum(widths) + gap * (len(text) - 1)
    max_arc = radius * math.radians(span_deg)
    if total > max_arc:  # long names: squeeze the font until the name fits the ring
        font = _font(BOLD, max(8, int(font_px * max_arc / total)))
        widths = [measure.textlength(ch, font=font) for ch in text]
        gap = font.size * 0.08
        total = sum(widths) + gap * (len(text) - 1)
    angle = -math.pi / 2 - (total / radius) / 2  # start left of the top
    box = int(font.size * 2)
    for ch, width in zip(text, widths, strict=True):
        half = (width / 2) / radius
        angle += half
        if ch.strip():
            glyph = Image.new("RGBA", (box, box), (255, 255, 255, 0))
            ImageDraw.Draw(glyph).text(
                (box / 2, box / 2), ch, font=font, fill=SEAL_RED, anchor="mm"
            )
            glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
            x = centre + radius * math.cos(angle) - box / 2
            y = centre + radius * math.sin(angle) - box / 2
            image.alpha_composite(glyph, (round(x), round(y)))
        angle += half + gap / radius
