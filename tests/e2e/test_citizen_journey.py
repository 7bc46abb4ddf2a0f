"""A citizen's whole journey through the portal, with the officials' workspace in between."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Rating
from tests.e2e.conftest import PHONE, login
from tests.e2e.helpers import PDF, PNG, file_payload, household_business

pytestmark = pytest.mark.browser


def track(page: Any, code: str, status: str, shot: Any, name: str) -> None:
    """The public tracking page (the receipt's QR target) shows `status`."""
    page.goto(f"/tracking/{code}")
    panel = page.locator("#tracking-status")
    assert panel.get_attribute("data-status") == status
    assert page.locator("#tracking-applicant").inner_text() == "Hoàng T. M."
    shot(page, f"tracking-{name}")


def office_action(
    page: Any,
    code: str,
    action: str,
    fill: dict[str, str] | None = None,
    files: dict[str, Any] | None = None,
) -> None:
    """Open the action's panel on the workspace's dossier page and submit it."""
    page.goto(f"/office/dossiers/{code}/")
    panel = page.locator(f"#action-{action}")
    panel.locator("summary").click()
    for name, value in (fill or {}).items():
        panel.locator(f"[name='{action}-{name}']").fill(value)
    for name, value in (files or {}).items():
        panel.locator(f"[name='{action}-{name}']").set_input_files(value)
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_citizen_registers_submits_and_rates(new_page: Any, shot: Any, world: Any) -> None:
    household_business(world)
    citizen = new_page(viewport=PHONE)

    # 1. Register, verify the e-mail with the 6-digit code.
    citizen.goto("/register/")
    citizen.fill("#id_full_name", "Hoàng Thị Mai")
    citizen.fill("#id_id_number", "096190004321")
    citizen.fill("#id_email", "mai@example.com")
    citizen.fill("#id_address", "Phường Tân Thành, Cà Mau")
    citizen.fill("#id_password", "Ca-Mau-2027!")
    citizen.fill("#id_password2", "Ca-Mau-2027!")
    shot(citizen, "register")
    citizen.click("#register-form button[type=submit]")
    citizen.wait_for_url("**/register/verify/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    citizen.fill("#id_code", code)
    citizen.click("#verify-form button[type=submit]")
    citizen.wait_for_url("**/my/dossiers/")
    shot(citizen, "registered")

    # 2. Find the procedure by typing without diacritics.
    citizen.goto("/")
    citizen.fill("#home-q", "dang ky ho kinh doanh")
    citizen.press("#home-q", "Enter")
    citizen.wait_for_url("**/procedures/?q=*")
    first = citizen.locator("#results .result-title").first
    assert first.inner_text() == "Đăng ký hộ kinh doanh"
    shot(citizen, "search")
    first.click()
    citizen.click("#submit-online")
    citizen.click("#start-now")

    # 3. The applicant's details come from the account.
    citizen.wait_for_url("**/applicant/")
    assert citizen.input_value("#id_full_name") == "Hoàng Thị Mai"
    assert citizen.input_value("#id_id_number") == "096190004321"
    citizen.fill("#id_phone", "0913000111")
    citizen.click("#applicant-form button[type=submit]")

    # 4. Two papers, each in its own form, uploaded (with a progress bar) as soon as the file
    # is chosen: no "Upload" press needed with JavaScript.
    citizen.wait_for_url("**/papers/")
    for index, (name, content, mime) in enumerate(
        [("giay-de-nghi.pdf", PDF, "application/pdf"), ("cccd.png", PNG, "image/png")]
    ):
        paper = citizen.locator("#papers > li").nth(index)
        paper.locator("input[type=file]").set_input_files(file_payload(name, content, mime))
        citizen.locator("#papers > li").nth(index).locator(".staged .filename").wait_for()
    shot(citizen, "papers")
    citizen.click("#papers-continue")
    citizen.wait_for_url("**/check/")
    shot(citizen, "check")
    citizen.click("#submit-dossier")
    citizen.wait_for_url("**/submitted/")
    code = citizen.locator("#dossier-code").inner_text().strip()
    assert citizen.locator(".qr-box svg").count() == 1
    shot(citizen, "confirmation")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == "submitted" and dossier.components.count() == 2

    public = new_page()
    track(public, code, "submitted", shot, "submitted")

    # 5. The counter officer receives it in the workspace.
    counter = new_page()
    login(counter, "counter")
    office_action(counter, code, "receive")
    shot(counter, "office-received")
    track(public, code, "received", shot, "received")
    assert public.locator("#tracking-appointment").count() == 1

    # 6. The specialist asks for a supplement.
    specialist = new_page()
    login(specialist, "spec")
    office_action(
        specialist, code, "request_supplement", fill={"missing": "Bản sao CCCD có chứng thực"}
    )
    track(public, code, "supplement_requested", shot, "supplement-requested")

    # 7. The citizen uploads the missing paper from the dossier page.
    citizen.goto(f"/my/dossiers/{code}/")
    assert "Bản sao CCCD có chứng thực" in citizen.locator("#missing-list").inner_text()
    citizen.locator("#supplement-form input[type=file]").set_input_files(
        file_payload("cccd-chung-thuc.pdf", PDF, "application/pdf")
    )
    shot(citizen, "supplement")
    citizen.click("#supplement-form button[type=submit]")
    citizen.locator("#dossier-status[data-status='received']").wait_for()
    track(public, code, "received", shot, "supplemented")

    # 8. The specialist forwards, the leader approves and issues the result.
    office_action(specialist, code, "forward")
    leader = new_page()
    login(leader, "lead")
    office_action(leader, code, "approve")
    track(public, code, "in_progress", shot, "approved")
    office_action(
        leader,
        code,
        "complete",
        fill={"result_number": "15/GCN-HKD"},
        files={"result_file": file_payload("giay-chung-nhan.pdf", PDF, "application/pdf")},
    )
    shot(leader, "office-result-ready")
    track(public, code, "result_ready", shot, "result-ready")

    # 9. The citizen receives the result online and downloads it.
    citizen.goto(f"/my/dossiers/{code}/")
    citizen.click("#receive-online")
    citizen.locator("#dossier-status[data-status='delivered']").wait_for()
    assert (
        citizen.locator("#signed-result-link").get_attribute("href")
        == f"/api/v1/dossiers/{code}/result"
    )
    with citizen.expect_download() as download:
        citizen.locator("a.result-file").first.click()
    assert download.value.suggested_filename == "giay-chung-nhan.pdf"
    with open(download.value.path(), "rb") as fh:
        assert fh.read() == PDF
    shot(citizen, "delivered")
    track(public, code, "delivered", shot, "delivered")

    # 10. The citizen rates the service, with the 9-criteria sheet.
    citizen.click("#rate-link")
    citizen.check("#id_level_0")
    citizen.locator("details.sheet summary").click()
    for fieldset in citizen.locator("details.sheet fieldset").all():
        fieldset.locator("input[value='2']").check()
    shot(citizen, "rating")
    citizen.click("#send-rating")
    citizen.locator("#rating-given").wait_for()
    shot(citizen, "rated")
    rating = Rating.objects.get(dossier__code=code)
    assert (rating.level, rating.total, rating.band) == ("very_satisfied", 18, "excellent")
