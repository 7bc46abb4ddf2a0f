"""Decree 30/2020 (Annex I; DOMAIN §8): the organisation's seal, at its actual size, covers about
the left third of the signer's image, and never the signer's title (position) or name."""

from __future__ import annotations

import io

import pytest

from motcua.signatures import fonts, services, signing
from motcua.signatures.enums import DocumentKind
from motcua.signatures.signing import MM, Box
from motcua.signatures.tests.conftest import LEADER_NAME, LEADER_POSITION


def _overlap(a: Box, b: Box) -> float:
    """The area two rectangles share (0 when apart or only touching)."""
    if a.page != b.page:
        return 0.0
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, width) * max(0.0, height)


def _assert_decree_30(image: Box, seal: Box, title: Box, name: Box, diameter_mm: float) -> None:
    assert seal.width == pytest.approx(diameter_mm * MM)  # actual size
    assert seal.height == pytest.approx(diameter_mm * MM)
    # over the left third of the image: its right edge at a third of the image's width, the
    # rest of it to the left of the image, across the image's height
    assert seal.x1 == pytest.approx(image.x0 + image.width / 3)
    assert seal.x0 < image.x0
    assert seal.y0 < image.y0 and seal.y1 > image.y1
    assert _overlap(seal, image) == pytest.approx(image.width / 3 * image.height)
    # never over the title or the name
    assert _overlap(seal, title) == 0, (seal, title)
    assert _overlap(seal, name) == 0, (seal, name)


@pytest.mark.parametrize("diameter_mm", [30.0, 35.0, 36.0, 42.0])
def test_layout_rectangles_keep_the_seal_off_the_title_and_the_name(diameter_mm):
    # given: the space a document reserves between the title and the name, for this seal
    space_h = signing.sign_space_mm(diameter_mm) * MM
    space = Box(0, 350, 200, 350 + signing.PERSON_BOX_MM[0] * MM, 200 + space_h)
    centre = (space.x0 + space.x1) / 2
    title = Box(0, centre - 80, space.y1, centre + 80, space.y1 + 16)  # "PHÓ CHỦ TỊCH"
    name = Box(0, centre - 80, space.y0 - 16, centre + 80, space.y0)  # the signer's name
    # when
    image = signing.image_box_in(space)
    seal = signing.seal_box(image, diameter_mm)
    # then
    _assert_decree_30(image, seal, title, name, diameter_mm)


def _line(pdf: bytes, text: str) -> Box:
    """The rectangle of the line holding `text` (from the baseline's descent to its ascent)."""
    found = signing._find_line(pdf, text)
    assert found is not None, text
    page, centre, baseline, size = found
    width = fonts.text_width_pt(text.upper(), size, fonts.BOLD)
    return Box(
        page, centre - width / 2, baseline - 0.22 * size, centre + width / 2, baseline + size
    )


@pytest.mark.django_db
def test_signed_result_places_the_seal_per_decree_30(world):
    # given: a result rendered from the template for the ward (its seal: 36 mm by default)
    w = world
    document = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="3/GCN"
    )
    # when: the leader signs, the clerk applies the organisation's signature
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    # then: the rectangles drawn in the PDF keep to the rule
    with document.file.open("rb") as fh:
        data = fh.read()
    page, x0, y0, x1, y1 = document.person_box
    image = Box(int(page), x0, y0, x1, y1)
    diameter = services.credential_for_organisation(document.organisation).image_width_mm
    seal = signing.seal_box(image, diameter)
    _assert_decree_30(image, seal, _line(data, LEADER_POSITION), _line(data, LEADER_NAME), diameter)


def test_the_signature_is_laid_out_by_its_ink_not_its_blank_margins():
    # given: a signature picture whose ink fills only its middle fifth
    from PIL import Image, ImageDraw

    from motcua.signatures import images

    picture = Image.new("RGBA", (500, 100), (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((200, 40, 300, 60), fill=(0, 0, 255, 255))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    # when
    trimmed = images.ink_only(out.getvalue())
    # then: what is laid out (and what the seal's "left third" is measured on) is the ink
    with Image.open(io.BytesIO(trimmed)) as img:
        assert img.size == (105, 25)  # the ink and a 2-pixel margin
    box = signing.fit_image(Box(0, 0, 0, 300, 60), trimmed)
    seal = signing.seal_box(box, 20)
    covered = (seal.x1 - box.x0) / box.width
    assert abs(covered - 1 / 3) < 0.01
    # a picture that is all ink, or has none, stays as it is
    blank = io.BytesIO()
    Image.new("RGBA", (50, 20), (0, 0, 0, 0)).save(blank, format="PNG")
    assert images.ink_only(blank.getvalue()) == blank.getvalue()
