"""The font of signature stamps: the bundled Liberation Serif, rescaled to 1000 units per em.

pyHanko 0.38 writes a CID font's /W widths in the font's own units, while PDF reads them as
thousandths of an em: with Liberation Serif's 2048 units per em every glyph would be twice as
wide as drawn (DOMAIN §10). A copy rescaled with fontTools' `scale_upem` is kept under
``var/cache/fonts/`` (named after the source's digest, so a new font version gets a new copy).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from django.conf import settings

FONT_DIR = Path(__file__).resolve().parents[1] / "core" / "fonts"
REGULAR = "LiberationSerif-Regular.ttf"
BOLD = "LiberationSerif-Bold.ttf"
ITALIC = "LiberationSerif-Italic.ttf"
TARGET_UPEM = 1000

_lock = threading.Lock()
_memo: dict[str, Path] = {}


def cache_dir() -> Path:
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return var_dir / "cache" / "fonts"


def stamp_font_path(name: str = REGULAR) -> Path:
    """Path of the 1000-units-per-em copy of bundled font `name`, made on first use."""
    source = FONT_DIR / name
    with _lock:
        cached = _memo.get(name)
        if cached is not None and cached.exists():
            return cached
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        target = cache_dir() / f"{source.stem}-upem{TARGET_UPEM}-{digest}.ttf"
        if not target.exists():
            _rescale(source, target)
        _memo[name] = target
        return target


def _rescale(source: Path, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    target.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(source))
    if font["head"].unitsPerEm != TARGET_UPEM:
        scale_upem(font, TARGET_UPEM)
    # Another process may write the same file at the same time: write aside, then rename.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    font.save(str(tmp))
    tmp.replace(target)


_metrics: dict[str, tuple[dict[int, str], dict[str, tuple[int, int]]]] = {}


def text_width_pt(text: str, size: float, name: str = REGULAR) -> float:
    """Advance width of `text` set in bundled font `name` at `size` points (no kerning)."""
    metrics = _metrics.get(name)
    if metrics is None:
        from fontTools.ttLib import TTFont

        font = TTFont(str(stamp_font_path(name)), lazy=True)
        metrics = (font.getBestCmap(), dict(font["hmtx"].metrics))
        _metrics[name] = metrics
    cmap, hmtx = metrics
    units = 0
    for ch in text:
        glyph = cmap.get(ord(ch), ".notdef")
        units += hmtx.get(glyph, hmtx[".notdef"])[0]
    return units / TARGET_UPEM * size


def wrap_text(text: str, size: float, max_width: float, name: str = REGULAR) -> list[str]:
    """Greedy word wrap of one paragraph to lines no wider than `max_width` points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width_pt(candidate, size, name) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]
