"""The receiving desk corrects a typo in a filed dossier's applicant details, on a phone and on a
desktop: the form is folded on the dossier page, the correction shows on the timeline."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput
from tests.e2e.conftest import DESKTOP, PHONE, login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_counter_officer_corrects_the_applicants_phone(
    new_page: Any, shot: Any, world: Any, viewport: dict[str, int]
) -> None:
    # given: a dossier received at the counter with a wrong phone number
    dossier = services.dossier_create(
        actor=world.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=world.desk,
        applicant=ApplicantInput(
            full_name="Nguyễn Thị Hồng Đào", id_number="096188000123", phone="0912000999"
        ),
        components=[ComponentInput(paper_code="GT1", paper_original_seen=True)],
    )
    page = new_page(viewport=viewport)
    login(page, "counter")
    page.goto(f"/office/dossiers/{dossier.code}/")
    # when: the officer opens the correction, fixes the phone and gives a reason
    page.click("#applicant-correction summary")
    page.fill("#id_correct-phone", "0912000111")
    page.fill("#id_correct-reason", "Ghi sai số điện thoại")
    shot(page, "form")
    page.click("#applicant-correction button[type=submit]")
    page.wait_for_load_state()
    # then: the page says so, and the timeline shows the correction and its reason
    assert page.locator('[data-event="correct_applicant"]').count() == 1
    assert "Ghi sai số điện thoại" in page.locator("#timeline").inner_text()
    assert Dossier.objects.get(pk=dossier.pk).applicant.phone == "0912000111"
    shot(page, "done")
