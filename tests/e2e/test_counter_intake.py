"""Counter intake in the browser: Enter in the ID-number field finds a returning applicant
(with JavaScript) instead of submitting the half-filled dossier; without JavaScript the
"Find a returning applicant" button does the same."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.enums import ApplicantKind
from motcua.dossiers.models import Applicant, Dossier
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser

DAO = "Nguyễn Thị Hồng Đào"
ID_NUMBER = "096188000123"
NEW = "/office/dossiers/new/?procedure=9.000001"


@pytest.fixture
def returning(world: Any) -> Applicant:
    return Applicant.objects.create(
        kind=ApplicantKind.INDIVIDUAL,
        full_name=DAO,
        id_number=ID_NUMBER,
        phone="0912000111",
        address="Phường An Xuyên, Cà Mau",
    )


def test_enter_in_the_id_number_field_finds_the_returning_applicant(
    new_page: Any, shot: Any, world: Any, returning: Applicant
) -> None:
    # given: the intake form of a procedure, nothing else filled in
    page = new_page()
    login(page, "counter")
    page.goto(NEW)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    field = page.locator("#id_applicant_id_number")

    # when: the officer types the ID number and presses Enter
    field.fill(ID_NUMBER)
    field.press("Enter")
    page.locator("#lookup-found").wait_for()

    # then: the applicant's details are filled in, nothing was submitted, no error is shown
    assert page.input_value("#id_applicant_full_name") == DAO
    assert page.input_value("#id_applicant_phone") == "0912000111"
    assert page.url.endswith(NEW)
    assert all(url.endswith("/office/dossiers/new/applicant/") for url in posts), posts
    assert page.locator(".field-error").count() == 0
    assert page.evaluate("document.activeElement.id") == "id_applicant_id_number"
    assert not Dossier.objects.exists()
    shot(page, "enter-found")

    # when: Enter again with an unknown number
    field.fill("096199999999")
    field.press("Enter")
    page.locator("#lookup-new").wait_for()
    # then
    assert page.locator(".field-error").count() == 0


def test_without_javascript_the_find_button_looks_the_applicant_up(
    new_page: Any, world: Any, returning: Applicant
) -> None:
    page = new_page(javascript=False)
    login(page, "counter")
    page.goto(NEW)

    page.fill("#id_applicant_id_number", ID_NUMBER)
    page.click("button[name=_lookup]")
    page.wait_for_load_state()

    assert page.locator("#lookup-found").count() == 1
    assert page.input_value("#id_applicant_full_name") == DAO
    assert not Dossier.objects.exists()
