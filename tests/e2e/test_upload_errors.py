"""A failed upload shows the error and keeps the rest of the form, with and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.drafts import draft_set_applicant, draft_start
from tests.e2e.conftest import PHONE, login
from tests.e2e.helpers import PDF, file_payload, household_business

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_wrong_type_and_too_large(
    new_page: Any, shot: Any, world: Any, settings: Any, javascript: bool
) -> None:
    # given: a draft whose first paper is uploaded
    settings.MOTCUA_UPLOAD_MAX_BYTES = 2048
    version = household_business(world)
    draft = draft_start(user=world.citizen, procedure_code=version.procedure.code)
    draft_set_applicant(
        draft=draft,
        user=world.citizen,
        data={
            "kind": "individual",
            "full_name": "Ngô Văn Tư",
            "id_number": "096111222333",
            "phone": "0912111222",
        },
    )
    page = new_page(viewport=PHONE, javascript=javascript)
    login(page, "citizen")
    page.goto(f"/my/drafts/{draft.pk}/papers/")

    def send(form: Any) -> None:
        """With JavaScript a chosen file is uploaded at once; without it, "Upload" sends it."""
        if not javascript:
            form.locator("form.upload button[type=submit]").click()

    first, second = page.locator("#papers > li").nth(0), page.locator("#papers > li").nth(1)
    first.locator("input[type=file]").set_input_files(
        file_payload("don.pdf", PDF, "application/pdf")
    )
    send(first)
    page.locator("#papers > li").nth(0).locator(".staged .filename").wait_for()

    # when: a text file named .pdf for the second paper
    second.locator("input[type=file]").set_input_files(
        file_payload("ghi-chu.pdf", b"plain text", "application/pdf")
    )
    send(second)
    summary = page.locator("#error-summary")
    summary.wait_for()
    # then
    assert "không thuộc loại tệp được chấp nhận" in summary.inner_text()
    assert (
        page.locator("#papers > li").nth(0).locator(".staged .filename").inner_text() == "don.pdf"
    )
    assert page.locator("#papers > li").nth(1).locator(".field-error").count() == 1
    if javascript:
        assert page.evaluate("document.activeElement.id") == "error-summary"
    shot(page, "wrong-type")

    # when: a PDF larger than the limit
    page.locator("#papers > li").nth(1).locator("input[type=file]").set_input_files(
        file_payload("lon.pdf", PDF + b"0" * 4096, "application/pdf")
    )
    send(page.locator("#papers > li").nth(1))
    page.locator("#error-summary:has-text('dung lượng tệp tối đa')").wait_for()
    # then
    assert (
        page.locator("#papers > li").nth(0).locator(".staged .filename").inner_text() == "don.pdf"
    )
    shot(page, "too-large")
    # the error summary links to the field
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.type") == "file"
