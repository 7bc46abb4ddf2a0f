"""PAdES signatures with visible appearances per Decree 30/2020 (DOMAIN §8, §10). No database.

Every signature is an incremental update, so the person's signature stays valid when the
organisation signs after it. Layout (Decree 30/2020, Annex I):

- the person: their signature image (blue PNG) between the position and the name, in a box
  found from the document (a named destination ``motcua-sign-person`` in documents we render;
  else the line holding the signer's name; else the lower right of the last page);
- the organisation: its red seal, actual size, over the left third of the person's image
  (a stamp annotation in the same revision as the signature, so it is covered by it), and the
  signature's widget, top right of page 1, with the organisation's name and the signing time
  (ISO 8601, Vietnam time) in 10 pt inside a red frame;
- a separate attachment: the organisation's signature alone, top right of page 1, with the
  main document's number and notation and the time;
- an official document numbered at the organisation's signature (Decree 30/2020: the system
  gives electronic documents their number and date): more widgets of the organisation's field,
  over the "Số:" line and the place and date line, each an opaque box with the line as issued
  (`fill_in_widgets`). They are part of the signature, so the person's signature stays valid.

Stamp text is set in Liberation Serif rescaled to 1000 units per em (`fonts`) and NFC-
normalised. Before the first signature `verification_qr_add` prints a QR code linking to the
document's public verification page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils import generic, layout, misc
from pyhanko.pdf_utils.content import PdfResources, RawContent
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

from motcua.core.text import nfc
from motcua.signatures import fonts
from motcua.signatures.backends import SignerBackend

logger = logging.getLogger(__name__)

# fontTools warns about every font table it cannot subset (Liberation's FFTM): harmless.
if logging.getLogger("fontTools.subset").level == logging.NOTSET:
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

MM = 72 / 25.4
STAMP_FONT_PT = 10  # Decree 30/2020: the organisation's signature information, size 10
STAMP_LEADING_PT = 12
STAMP_PADDING_PT = 3
STAMP_RED = (0.81, 0.07, 0.15)
STAMP_MAX_WIDTH_MM = 80
CORNER_OFFSET_MM = 2
PERSON_BOX_MM = (45.0, 18.0)  # width, height of the signature image's box
PERSON_ANCHOR = "motcua-sign-person"  # top left of the space between the title and the name
NAME_ANCHOR = "motcua-sign-name"  # top of the signer's name line (the space's bottom)
SEAL_CLEARANCE_MM = 1.5  # between the seal and the title above it, the name below it
DEFAULT_SEAL_MM = 36.0
QR_SIZE_MM = 15
QR_OFFSET_MM = 5
# Where the system writes an official document's number and date (documents we render mark the
# cells holding those lines; in other files the lines are found by their text).
NUMBER_ANCHOR = "motcua-number"
DATE_ANCHOR = "motcua-date"
NUMBER_FILL_IN = "number"
DATE_FILL_IN = "date"
LINE_GAP_EM = 1.5  # runs of text on one baseline further apart than this are separate lines


class PdfInputError(ValueError):
    """The bytes are not a PDF that can be signed (unreadable, encrypted, ...). Its message is
    for the user (translated)."""


# What pyHanko raises on a valid PDF it cannot handle (a structure it does not expect).
PDF_FAILURES: tuple[type[Exception], ...] = (
    misc.PdfError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
)


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in PDF points, origin at the lower left of the page."""

    page: int  # 0-based
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x0), round(self.y0), round(self.x1), round(self.y1))


def iso_time(moment: dt.datetime) -> str:
    """ISO 8601 in Vietnam time to the second, e.g. ``2026-03-12T10:20:30+07:00``."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def signing_time_now() -> dt.datetime:
    return timezone.localtime(timezone.now()).replace(microsecond=0)


# --- reading ------------------------------------------------------------------------------------


def reader_for(pdf: bytes) -> PdfFileReader:
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise PdfInputError(_("The file is not a PDF document."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
    except Exception as exc:  # pyHanko raises a variety of errors on broken files
        raise PdfInputError(_("The PDF file is damaged and cannot be read.")) from exc
    if reader.encrypted:
        raise PdfInputError(
            _("The PDF file is password-protected (encrypted): save it without a password.")
        )
    return reader


def page_rect(reader: PdfFileReader, page: int) -> tuple[float, float, float, float]:
    """The visible area of page `page` (crop box, else media box)."""
    obj, _resources = reader.find_page_for_modification(page)
    page_obj = obj.get_object()
    box = page_obj.get("/CropBox") or _inherited(page_obj, "/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inherited(page_obj: Any, key: str) -> Any:
    node = page_obj
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return generic.ArrayObject([0, 0, 595.28, 841.89])


def page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


# --- where the signatures go --------------------------------------------------------------------


def person_box(pdf: bytes, *, signer_name: str = "") -> Box:
    """The box for the person's signature image (see the module docstring for the order)."""
    reader = reader_for(pdf)
    width, height = PERSON_BOX_MM[0] * MM, PERSON_BOX_MM[1] * MM
    anchor = _named_destination(pdf, PERSON_ANCHOR)
    if anchor is not None:
        page, left, top = anchor
        name = _named_destination(pdf, NAME_ANCHOR)
        if name is not None and name[0] == page and name[2] < top - height:
            return image_box_in(Box(page, left, name[2], left + width, top))
        return Box(page, left, top - height, left + width, top)
    if signer_name:
        found = _find_line(pdf, nfc(signer_name))
        if found is not None:
            page, centre_x, baseline, size = found
            bottom = baseline + size * 1.1
            return Box(page, centre_x - width / 2, bottom, centre_x + width / 2, bottom + height)
    last = page_count(reader) - 1
    x0, y0, x1, _y1 = page_rect(reader, last)
    centre = x0 + (x1 - x0) * 0.7
    bottom = y0 + 45 * MM
    return Box(last, centre - width / 2, bottom, centre + width / 2, bottom + height)


def sign_space_mm(seal_mm: float = DEFAULT_SEAL_MM) -> float:
    """The height a document reserves between the signer's title and name: the seal at its
    actual size with a clearance above and below (Decree 30/2020: the seal covers the left
    third of the signer's image, never the title or the name), at least the image's box."""
    return max(PERSON_BOX_MM[1], seal_mm + 2 * SEAL_CLEARANCE_MM)


def image_box_in(space: Box) -> Box:
    """The signer's image box (PERSON_BOX_MM), centred in `space`, the free space between the
    title and the name: `seal_box` centres the seal on the image's height, so the seal stays
    inside the space whenever the space is as tall as the seal (`sign_space_mm`)."""
    width, height = PERSON_BOX_MM[0] * MM, PERSON_BOX_MM[1] * MM
    centre_x = (space.x0 + space.x1) / 2
    centre_y = (space.y0 + space.y1) / 2
    return Box(
        space.page,
        centre_x - width / 2,
        centre_y - height / 2,
        centre_x + width / 2,
        centre_y + height / 2,
    )


def seal_box(signature: Box, diameter_mm: float) -> Box:
    """The seal, actual size, over the left third of the signature image (Decree 30/2020)."""
    diameter = diameter_mm * MM
    right = signature.x0 + signature.width / 3
    centre_y = (signature.y0 + signature.y1) / 2
    half = diameter / 2
    return Box(signature.page, right - diameter, centre_y - half, right, centre_y + half)


def corner_text_lines(lines: Sequence[str]) -> list[str]:
    """The stamp's lines, NFC, wrapped to the widest the corner box may be."""
    limit = STAMP_MAX_WIDTH_MM * MM - 2 * STAMP_PADDING_PT
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(fonts.wrap_text(nfc(line), STAMP_FONT_PT, limit))
    return wrapped


def corner_box(pdf: bytes, lines: Sequence[str]) -> Box:
    """Top right of page 1, reaching into the top and right margins, sized to `lines`."""
    reader = reader_for(pdf)
    _x0, _y0, x1, y1 = page_rect(reader, 0)
    widest = max((fonts.text_width_pt(line, STAMP_FONT_PT) for line in lines), default=0)
    width = widest + 2 * STAMP_PADDING_PT + 2
    height = STAMP_LEADING_PT * len(lines) + 2 * STAMP_PADDING_PT
    right = x1 - CORNER_OFFSET_MM * MM
    top = y1 - CORNER_OFFSET_MM * MM
    return Box(0, right - width, top - height, right, top)


def fit_image(box: Box, png: bytes) -> Box:
    """The part of `box` the image fills when scaled to fit, centred (keeps its aspect)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        ratio = img.width / img.height
    if box.width / box.height > ratio:
        width = box.height * ratio
        x0 = box.x0 + (box.width - width) / 2
        return Box(box.page, x0, box.y0, x0 + width, box.y1)
    height = box.width / ratio
    y0 = box.y0 + (box.height - height) / 2
    return Box(box.page, box.x0, y0, box.x1, y0 + height)


def _named_destination(pdf: bytes, name: str) -> tuple[int, float, float] | None:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        dest = reader.named_destinations.get(name)
        if dest is None:
            return None
        page = reader.get_destination_page_number(dest)
        left, top = dest.get("/Left"), dest.get("/Top")
        if page is None or left is None or top is None:
            return None
        return page, float(left), float(top)
    except Exception:  # a missing or odd destination tree only means "no anchor"
        return None


def _find_line(pdf: bytes, needle: str) -> tuple[int, float, float, float] | None:
    """(page, centre x, baseline y, font size) of the last line containing `needle`,
    searching from the last page backwards."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    target = needle.casefold()
    for index in range(len(reader.pages) - 1, -1, -1):
        runs: list[tuple[float, float, float, str]] = []

        def visit(
            text: str,
            cm: Any,
            tm: Any,
            _font: Any,
            size: float,
            runs: list[tuple[float, float, float, str]] = runs,
        ) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3]) or 1
            runs.append((round(y, 1), x, size * scale, text))

        reader.pages[index].extract_text(visitor_text=visit)
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for y, x, size, text in runs:
            lines.setdefault(y, []).append((x, size, text))
        for y in sorted(lines):  # lowest line first: the name is below the position
            parts = sorted(lines[y])
            joined = nfc("".join(text for _x, _s, text in parts))
            if target in joined.casefold():
                size = max(s for _x, s, _t in parts)
                start = parts[0][0]
                end = start + fonts.text_width_pt(joined.strip(), size, fonts.BOLD)
                return index, (start + end) / 2, y, size
    return None


@dataclass(frozen=True)
class TextLine:
    """A run of text on one baseline (the cells of a row are separate lines), in PDF points."""

    page: int
    x0: float
    x1: float
    baseline: float
    size: float
    text: str


def page_lines(pdf: bytes, page: int) -> list[TextLine]:
    """The lines of text of page `page`, top down, left to right. A line's right end is
    estimated with Liberation Serif's widths (exact for documents we render)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    runs: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
        text = nfc(text.replace("\n", ""))
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1
        runs.append((round(y, 1), x, size * scale, text))

    reader.pages[page].extract_text(visitor_text=visit)
    lines: list[TextLine] = []
    for y in sorted({run[0] for run in runs}, reverse=True):
        current: TextLine | None = None
        for _y, x, size, text in sorted(r for r in runs if r[0] == y):
            end = x + fonts.text_width_pt(text, size)
            if current is not None and x - current.x1 <= LINE_GAP_EM * max(size, current.size):
                space = " " if x - current.x1 > 0.15 * size else ""
                current = dataclasses.replace(
                    current,
                    x1=max(current.x1, end),
                    size=max(current.size, size),
                    text=current.text + space + text,
                )
                continue
            if current is not None:
                lines.append(current)
            current = TextLine(page, x, end, y, size, text)
        if current is not None:
            lines.append(current)
    return lines


@dataclass(frozen=True)
class FillIn:
    """A line the organisation's signature writes over: `kind` says which (NUMBER_FILL_IN,
    DATE_FILL_IN), `text` is the line as issued ("Số: 05/QĐ-UBND")."""

    kind: str
    text: str


@dataclass(frozen=True)
class _LineRule:
    anchor: str
    start: re.Pattern[str]  # the first part of the line
    # The whole line, best first (its parts may be far apart: the blanks left for the system).
    whole: tuple[re.Pattern[str], ...]
    font: str


_LINE_RULES: dict[str, _LineRule] = {
    NUMBER_FILL_IN: _LineRule(
        NUMBER_ANCHOR,
        re.compile(r"^\s*số\s*:"),
        (re.compile(r"^\s*số\s*:.*/\s*\w"),),
        fonts.REGULAR,
    ),
    DATE_FILL_IN: _LineRule(
        DATE_ANCHOR,
        re.compile(r"\bngày\b"),
        (
            re.compile(r"ngày[\W\d_]*tháng[\W\d_]*năm\W*\d{4}"),
            re.compile(r"ngày[\W\d_]*tháng[\W\d_]*năm"),
        ),
        fonts.ITALIC,
    ),
}
_MAX_PARTS = 6  # a blank line written with gaps: "Cà Mau, ngày" … "tháng" … "năm 2026"


def fill_in_line(pdf: bytes, kind: str) -> TextLine | None:
    """The line `kind` of the document: in documents we render, the first line below the named
    destination that marks it; else the first such line of page 1, top down. None when there is
    none, or the text cannot be read (the caller then prints the line elsewhere)."""
    rule = _LINE_RULES[kind]
    try:
        return _fill_in_line(pdf, rule)
    except Exception:  # a page whose text pypdf cannot read: no line found, nothing breaks
        logger.info("no %s line found in the document", kind, exc_info=True)
        return None


def _fill_in_line(pdf: bytes, rule: _LineRule) -> TextLine | None:
    anchor = _named_destination(pdf, rule.anchor)
    if anchor is not None:
        page, left, top = anchor
        below = [
            line
            for line in page_lines(pdf, page)
            if line.baseline < top and line.x1 > left and top - line.baseline < 4 * line.size
        ]
        found = _line_matching(below, rule)
        if found is not None:
            return found
    return _line_matching(page_lines(pdf, 0), rule)


def _line_matching(lines: list[TextLine], rule: _LineRule) -> TextLine | None:
    """The first line starting like `rule`, joined with the parts after it on its baseline up
    to where the line ends; only its first part when its end cannot be told (the parts after
    it may be another cell's)."""
    for index, line in enumerate(lines):
        if not rule.start.search(line.text.casefold()):
            continue
        candidates = [line]
        for following in lines[index + 1 : index + _MAX_PARTS]:
            if following.baseline != line.baseline:
                break
            last = candidates[-1]
            candidates.append(
                dataclasses.replace(last, x1=following.x1, text=f"{last.text} {following.text}")
            )
        for whole in rule.whole:
            for candidate in candidates:
                if whole.search(candidate.text.casefold()):
                    return candidate
        return line
    return None


def fill_in_widgets(pdf: bytes, fill_ins: Sequence[FillIn]) -> tuple[list[Widget], list[str]]:
    """A widget over each line of `fill_ins` found in the document, showing its text in the
    line's size (the date in italics), centred where the line was, on white so the blank line
    under it does not show; and the texts of those not found (the caller prints them in the
    information box instead)."""
    widgets: list[Widget] = []
    unplaced: list[str] = []
    for fill_in in fill_ins:
        line = fill_in_line(pdf, fill_in.kind)
        if line is None:
            unplaced.append(fill_in.text)
            continue
        font = _LINE_RULES[fill_in.kind].font
        text = nfc(fill_in.text)
        size = max(1, round(line.size))  # pyHanko's text layout wants whole points
        pad = 0.2 * size
        width = max(line.x1 - line.x0, fonts.text_width_pt(text, size, font)) + 2 * pad
        centre = (line.x0 + line.x1) / 2
        box = Box(
            line.page,
            centre - width / 2,
            line.baseline - 0.3 * size,
            centre + width / 2,
            line.baseline + 1.05 * size,
        )
        widgets.append(Widget(box, line_style(text, size=size, font=font, baseline=0.3 * size)))
    return widgets, unplaced


def line_style(text: str, *, size: int, font: str, baseline: float) -> TextStampStyle:
    """Black text, centred, its baseline `baseline` points above the box's bottom (whole
    points), on an opaque white background, no frame."""
    accumulator = GlyphAccumulatorFactory(
        str(fonts.stamp_font_path(font)), font_size=size, bcp47_lang_code="vi"
    )
    return TextStampStyle(
        stamp_text=nfc(text).replace("%", "%%"),
        text_box_style=TextBoxStyle(
            font=accumulator,
            font_size=size,
            leading=size,
            text_color=(0, 0, 0),
            box_layout_rule=_TIGHT,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(left=0, right=0, top=0, bottom=round(baseline)),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
        border_width=0,
        background=RawContent(b"1 1 1 rg 0 0 1 1 re f", box=layout.BoxConstraints(1, 1)),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL,
        ),
    )


# --- appearances --------------------------------------------------------------------------------


def _pil(png: bytes) -> Any:
    from PIL import Image

    img = Image.open(io.BytesIO(png))
    img.load()
    return img.convert("RGBA")


def image_style(png: bytes) -> StaticStampStyle:
    """An appearance that is just the image, scaled to the box, no border."""
    return StaticStampStyle(
        background=PdfImage(_pil(png)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )


# A text box exactly the size of its text (pyHanko's default adds 10 pt all round).
_TIGHT = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MID,
    margins=layout.Margins.uniform(0),
)


def text_style(lines: Sequence[str]) -> TextStampStyle:
    """Black 10 pt text in a red frame (the organisation's signature information)."""
    font = GlyphAccumulatorFactory(
        str(fonts.stamp_font_path()), font_size=STAMP_FONT_PT, bcp47_lang_code="vi"
    )
    text = "\n".join(nfc(line) for line in lines).replace("%", "%%")
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=font,
            font_size=STAMP_FONT_PT,
            leading=STAMP_LEADING_PT,
            text_color=(0, 0, 0),
            box_layout_rule=_TIGHT,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(STAMP_PADDING_PT),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
        border_width=1,
        border_color=STAMP_RED,
        background=None,
    )


def _widget_draw(
    writer: BasePdfFileWriter,
    field_ref: generic.IndirectObject,
    widget: Widget,
    annot: generic.DictionaryObject,
) -> generic.IndirectObject:
    """Place widget annotation `annot` of the field at `field_ref` and draw `widget` in it;
    returns the reference of the page it is on."""
    x0, y0, x1, y1 = widget.box.as_tuple()
    page_ref, _resources = writer.find_page_for_modification(widget.box.page)
    annot[pdf_name("/Rect")] = generic.ArrayObject(generic.FloatObject(v) for v in (x0, y0, x1, y1))
    annot[pdf_name("/P")] = page_ref
    annot[pdf_name("/Parent")] = field_ref
    stamp = widget.style.create_stamp(
        writer, layout.BoxConstraints(width=x1 - x0, height=y1 - y0), {}
    )
    if stamp is not None:
        stamp.apply_appearance(annot)
    return page_ref


def _field_with_widgets(
    writer: BasePdfFileWriter, field_name: str, widgets: Sequence[Widget]
) -> None:
    """An empty signature field with one widget annotation per `widgets` (Decree 30 shows the
    organisation's signature in two places: the seal over the person's signature and the
    information box on page 1). pyHanko's diff analysis accepts every widget of a new
    signature field, so earlier signatures stay unmodified."""
    first = widgets[0]
    page_ref, _resources = writer.find_page_for_modification(first.box.page)
    created, field_ref = fields.prepare_sig_field(
        field_name,
        writer.root,
        update_writer=writer,
        existing_fields_only=False,
        box=first.box.as_tuple(),
        include_on_page=page_ref,
        combine_annotation=False,
    )
    if not created:
        raise PdfInputError(f"the document already has a signature field named {field_name}")
    fields.ensure_sig_flags(writer=writer, lock_sig_flags=False)
    kids = field_ref.get_object()["/Kids"]
    _widget_draw(writer, field_ref, first, kids[0].get_object())
    for widget in widgets[1:]:
        annot = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/F"): generic.NumberObject(4 | 128),  # Print, Locked
            }
        )
        page_ref = _widget_draw(writer, field_ref, widget, annot)
        annot_ref = writer.add_object(annot)
        kids.append(annot_ref)
        writer.register_annotation(page_ref, annot_ref)


# --- signing ------------------------------------------------------------------------------------


class _KeepAppearance:
    """Wraps pyHanko's CMS-writer coroutine to drop its appearance step: the widgets of a
    multi-widget field are drawn beforehand (pyHanko only draws fields with one widget)."""

    def __init__(self, coroutine: Any) -> None:
        self._coroutine = coroutine

    def send(self, value: Any) -> Any:
        from pyhanko.sign.signers.cms_embedder import SigObjSetup

        if isinstance(value, SigObjSetup):
            value = dataclasses.replace(value, appearance_setup=None)
        return self._coroutine.send(value)

    def __next__(self) -> Any:
        return next(self._coroutine)

    def __iter__(self) -> Any:
        return self


class _PinnedTimeSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is the one the caller chose, so the time printed in the
    appearance is exactly the one in the signature (pyHanko otherwise reads the clock)."""

    def __init__(
        self, *args: Any, signing_time: dt.datetime, keep_appearance: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time
        self._keep_appearance = keep_appearance

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        if self._keep_appearance:
            session.cms_writer = _KeepAppearance(session.cms_writer)
        return session


@dataclass(frozen=True)
class Widget:
    box: Box
    style: BaseStampStyle


@dataclass(frozen=True)
class Appearance:
    """Where a signature shows and how: one widget, or several (all in the same field)."""

    widgets: tuple[Widget, ...]


def person_appearance(box: Box, image_png: bytes) -> Appearance:
    return Appearance((Widget(fit_image(box, image_png), image_style(image_png)),))


def organisation_appearance(
    pdf: bytes,
    *,
    lines: Sequence[str],
    seal_png: bytes | None = None,
    seal: Box | None = None,
    extra: Sequence[Widget] = (),
) -> Appearance:
    """The information box top right of page 1, and the seal when given (not for separate
    attachments, which carry no image), and `extra` widgets (`fill_in_widgets`)."""
    wrapped = corner_text_lines(lines)
    widgets = [Widget(corner_box(pdf, wrapped), text_style(wrapped))]
    if seal_png is not None and seal is not None:
        widgets.append(Widget(seal, image_style(seal_png)))
    widgets.extend(extra)
    return Appearance(tuple(widgets))


def pdf_sign(
    pdf: bytes,
    *,
    backend: SignerBackend,
    field_name: str,
    appearance: Appearance | None,
    signing_time: dt.datetime,
    timestamper: TimeStamper | None = None,
    reason: str = "",
    location: str = "",
    signer_name: str = "",
) -> bytes:
    """Add one PAdES signature to `pdf` as an incremental update; returns the new file.

    Raises PdfInputError when pyHanko cannot handle the file (nothing is half-written: the
    caller keeps the document as it was)."""
    reader_for(pdf)  # refuse what is not a PDF before touching it
    try:
        return _pdf_sign(
            pdf,
            backend=backend,
            field_name=field_name,
            appearance=appearance,
            signing_time=signing_time,
            timestamper=timestamper,
            reason=reason,
            location=location,
            signer_name=signer_name,
        )
    except PdfInputError:
        raise
    except PDF_FAILURES as exc:
        logger.warning("pyHanko could not sign the file", exc_info=True)
        raise PdfInputError(_("This PDF file has a structure that cannot be signed.")) from exc


def _pdf_sign(
    pdf: bytes,
    *,
    backend: SignerBackend,
    field_name: str,
    appearance: Appearance | None,
    signing_time: dt.datetime,
    timestamper: TimeStamper | None,
    reason: str,
    location: str,
    signer_name: str,
) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    widgets = appearance.widgets if appearance is not None else ()
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=nfc(reason) or None,
        location=nfc(location) or None,
        name=nfc(signer_name) or None,
    )
    if len(widgets) > 1:
        _field_with_widgets(writer, field_name, widgets)
        pdf_signer = _PinnedTimeSigner(
            meta,
            signer=backend.signer(),
            timestamper=timestamper,
            signing_time=signing_time,
            keep_appearance=True,
        )
        out = pdf_signer.sign_pdf(writer, existing_fields_only=True)
        return bytes(out.getbuffer())
    widget = widgets[0] if widgets else None
    field_spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=widget.box.page if widget is not None else 0,
        box=widget.box.as_tuple() if widget is not None else None,
    )
    pdf_signer = _PinnedTimeSigner(
        meta,
        signer=backend.signer(),
        timestamper=timestamper,
        stamp_style=widget.style if widget is not None else None,
        new_field_spec=field_spec,
        signing_time=signing_time,
    )
    out = pdf_signer.sign_pdf(writer)
    return bytes(out.getbuffer())


# --- the verification QR code -------------------------------------------------------------------


class _QrStamp(BaseStamp):
    def __init__(self, writer: BasePdfFileWriter, style: Any, url: str, caption: str) -> None:
        width = round(QR_SIZE_MM * MM)
        super().__init__(writer, style, box=layout.BoxConstraints(width=width, height=width))
        self.url = url
        self.caption = caption

    def _render_inner_content(self) -> list[bytes]:
        from motcua.core.qr import qr_matrix

        matrix = qr_matrix(self.url, error="m")
        quiet = 2
        modules = len(matrix) + 2 * quiet
        unit = self.box.width / modules
        ops = [b"q 1 1 1 rg 0 0 %g %g re f 0 0 0 rg" % (self.box.width, self.box.height)]
        for r, row in enumerate(matrix):
            y = self.box.height - (r + quiet + 1) * unit
            for c, dark in enumerate(row):
                if dark:
                    ops.append(b"%.3f %.3f %.3f %.3f re" % ((c + quiet) * unit, y, unit, unit))
        ops.append(b"f Q")
        return [b" ".join(ops)]


def verification_qr_add(pdf: bytes, *, url: str, caption: str) -> bytes:
    """Print a QR code of `url` at the lower left of page 1, with `caption` beside it, and make
    it a link. Only before the first signature: it changes the page's content. Raises
    PdfInputError when pyHanko cannot handle the file."""
    reader = reader_for(pdf)
    try:
        return _verification_qr_add(reader, pdf, url=url, caption=caption)
    except PdfInputError:
        raise
    except PDF_FAILURES as exc:
        logger.warning("pyHanko could not add the QR code", exc_info=True)
        raise PdfInputError(_("This PDF file has a structure that cannot be signed.")) from exc


def _verification_qr_add(reader: PdfFileReader, pdf: bytes, *, url: str, caption: str) -> bytes:
    x0, y0, _x1, _y1 = page_rect(reader, 0)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _ensure_contents(writer, 0)
    style = StaticStampStyle(border_width=0)
    stamp = _QrStamp(writer, style, url, caption)
    left, bottom = x0 + QR_OFFSET_MM * MM, y0 + QR_OFFSET_MM * MM
    stamp.apply(0, round(left), round(bottom))
    if caption:
        _caption_add(writer, caption, left + QR_SIZE_MM * MM + 2 * MM, bottom)
    size = round(QR_SIZE_MM * MM)
    page_ref, _resources = writer.find_page_for_modification(0)
    link = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Link"),
            pdf_name("/Rect"): generic.ArrayObject(
                generic.FloatObject(v) for v in (left, bottom, left + size, bottom + size)
            ),
            pdf_name("/Border"): generic.ArrayObject(generic.NumberObject(0) for _ in range(3)),
            pdf_name("/A"): generic.DictionaryObject(
                {
                    pdf_name("/S"): pdf_name("/URI"),
                    pdf_name("/URI"): generic.TextStringObject(url),
                }
            ),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(link))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _ensure_contents(writer: BasePdfFileWriter, page: int) -> None:
    """A page may have no /Contents (a blank page); pyHanko needs one to add to."""
    page_ref, _resources = writer.find_page_for_modification(page)
    page_obj = page_ref.get_object()
    if "/Contents" not in page_obj:
        page_obj[pdf_name("/Contents")] = writer.add_object(generic.StreamObject(stream_data=b""))
        writer.update_container(page_obj)


def _caption_add(writer: BasePdfFileWriter, caption: str, x: float, y: float) -> None:
    """The caption as a form XObject with its own resources, under a name no page uses (the
    page's own fonts may be named like the ones pyHanko gives ours: /F1)."""
    font = GlyphAccumulatorFactory(str(fonts.stamp_font_path()), font_size=6)
    resources = PdfResources()
    box = TextBox(
        TextBoxStyle(font=font, font_size=6, leading=8, box_layout_rule=_TIGHT),
        writer=writer,
        resources=resources,
    )
    box.content = "\n".join(nfc(caption).splitlines())
    body = box.render()
    form = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(
                generic.FloatObject(v) for v in (0, 0, box.box.width, box.box.height)
            ),
            pdf_name("/Resources"): resources.as_pdf_object(),
        },
        stream_data=body,
    )
    name = "/MotCuaCaption" + uuid.uuid4().hex
    paint = generic.StreamObject(stream_data=b"q 1 0 0 1 %g %g cm %s Do Q" % (x, y, name.encode()))
    page_resources = generic.DictionaryObject(
        {pdf_name("/XObject"): generic.DictionaryObject({pdf_name(name): writer.add_object(form)})}
    )
    writer.add_stream_to_page(0, writer.add_object(paint), page_resources)
