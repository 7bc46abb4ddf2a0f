"""An outgoing document on a phone (360 px), end to end in the browser: a specialist drafts a
decision (directory search with htmx, a typed recipient, the Word draft), sends it for review;
the reviewer returns it with a reason; the specialist reads the reason at the top of the page,
uploads version 2 and sends it again; the reviewer approves it; the signer signs it ("Ký số",
then the confirmation); the clerk gives it its number, applies the organisation's signature and
issues it; the recipients' delivery shows on its page, the signed PDF downloads.

The signatures use a development PKI made for the test (EC keys: fast). Screenshots:
artifacts/e2e/test-drafted-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from motcua.documents.enums import Channel, DeliveryStatus, OutgoingState
from motcua.documents.models import Agency, OutgoingDocument
from motcua.documents.tests.factories import World, world
from motcua.documents.tests.ui_outgoing import conftest as outgoing_conftest
from tests.e2e.conftest import PHONE, login
from tests.e2e.helpers import file_payload

pytestmark = pytest.mark.browser

S = OutgoingState
# The outgoing pages' tests' development PKI (a fixture).
signing_credentials = outgoing_conftest.signing_credentials
SUBJECT = "Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh"
DOCX = b"PK\x03\x04 word draft"


@pytest.fixture(autouse=True)
def _outgoing_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = outgoing_conftest.URLCONF


@pytest.fixture
def w(db: Any, signing_credentials: Any) -> World:
    """The documents tests' world, with certificates for its signer and its agency and one
    agency of the exchange directory."""
    w = world()
    Agency.objects.create(
        organ_id="000.00.00.G02", name="Bộ Nội vụ", channel=Channel.AXIS, email="bnv@example.vn"
    )
    signing_credentials(w)
    return w


def state_of(page: Any) -> str:
    return str(page.locator("#document").get_attribute("data-state"))


def confirm_step(page: Any, step: str) -> None:
    """Press a step's button on the document's page, then confirm on its page."""
    page.click(f"#actions a[data-action='{step}']")
    page.wait_for_load_state()
    assert page.locator("#confirm").get_attribute("data-action") == step
    page.click("#confirm-yes")
    page.wait_for_load_state()


def test_drafted_returned_approved_signed_and_issued_on_a_phone(
    new_page: Any, w: World, shot: Any
) -> None:
    # 1. The specialist drafts the decision on a phone.
    drafter = new_page(viewport=PHONE)
    login(drafter, w.drafter.username)
    drafter.goto("/office/documents/outgoing/")
    drafter.click("#outgoing-new")
    drafter.wait_for_load_state()
    drafter.select_option("#id_document_type", "quyet_dinh")
    drafter.fill("#id_subject", SUBJECT)
    drafter.fill("#id_content", "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.")
    drafter.select_option("#id_signer", str(w.signer.pk))
    drafter.check(f"input[name=reviewers][value='{w.reviewer.pk}']")
    # the directory narrows as the specialist types (htmx); Enter does not send the form
    options = drafter.locator("#recipient-options")
    assert options.get_by_text("Bộ Nội vụ").count() == 1
    drafter.fill("#id_recipient_search", "Thử nghiệm")
    drafter.press("#id_recipient_search", "Enter")
    options.get_by_text("Bộ Nội vụ").wait_for(state="detached")
    assert drafter.url.endswith("/outgoing/new/")
    drafter.check(f"input[name=recipients][value='o:{w.other.pk}']")
    drafter.fill("#id_other_recipients", "Báo Cà Mau")
    drafter.set_input_files(
        "#id_file", file_payload("du-thao.docx", DOCX, "application/octet-stream")
    )
    shot(drafter, "drafter-form")
    drafter.click("#draft-save")
    drafter.wait_for_load_state()
    assert state_of(drafter) == S.DRAFT
    document = OutgoingDocument.objects.get(subject=SUBJECT)
    assert {r.name for r in document.recipients.all()} == {w.other.name, "Báo Cà Mau"}
    drafter.click("#actions [data-action='submit']")
    drafter.wait_for_load_state()
    assert state_of(drafter) == S.IN_REVIEW
    shot(drafter, "drafter-sent")

    # 2. The reviewer finds it in their queue and returns it with a reason.
    reviewer = new_page(viewport=PHONE)
    login(reviewer, w.reviewer.username)
    reviewer.goto("/office/documents/outgoing/")
    assert reviewer.locator("#queue").get_attribute("data-queue") == "to_review"
    reviewer.click(f"tr[data-id='{document.pk}'] a.out-subject-link")
    reviewer.wait_for_load_state()
    reviewer.click("#action-return summary")
    reviewer.fill("#id_return-reason", "Thiếu căn cứ pháp lý ở phần mở đầu.")
    shot(reviewer, "reviewer-return")
    reviewer.click("#action-return button[type=submit]")
    reviewer.wait_for_load_state()
    assert state_of(reviewer) == S.RETURNED

    # 3. The specialist reads why at the top, uploads version 2 and sends it again.
    drafter.goto(f"/office/documents/outgoing/{document.pk}/")
    assert "Thiếu căn cứ pháp lý" in drafter.locator("#returned").inner_text()
    shot(drafter, "drafter-returned")
    drafter.click("#actions [data-action='edit']")
    drafter.wait_for_load_state()
    drafter.set_input_files(
        "#id_file", file_payload("du-thao-2.docx", DOCX + b" v2", "application/octet-stream")
    )
    drafter.fill("#id_version_note", "Bổ sung căn cứ pháp lý")
    drafter.click("#draft-save")
    drafter.wait_for_load_state()
    assert drafter.locator("#versions tr[data-version='2']").count() == 1
    drafter.click("#actions [data-action='submit']")
    drafter.wait_for_load_state()
    assert state_of(drafter) == S.IN_REVIEW

    # 4. The reviewer approves it: it waits for the signer.
    reviewer.goto(f"/office/documents/outgoing/{document.pk}/")
    reviewer.click("#action-approve summary")
    reviewer.click("#action-approve button[type=submit]")
    reviewer.wait_for_load_state()
    assert state_of(reviewer) == S.TO_SIGN
    shot(reviewer, "reviewer-approved")

    # 5. The signer signs ("Ký số", then the confirmation).
    signer = new_page(viewport=PHONE)
    login(signer, w.signer.username)
    signer.goto("/office/documents/outgoing/")
    assert signer.locator("#queue").get_attribute("data-queue") == "to_sign"
    signer.click(f"tr[data-id='{document.pk}'] a.out-subject-link")
    signer.wait_for_load_state()
    confirm_step(signer, "sign")
    assert state_of(signer) == S.SIGNED
    assert signer.locator("#signed [data-role='verify-link']").count() == 1
    shot(signer, "signer-signed")

    # 6. The clerk numbers it, applies the organisation's signature and issues it.
    clerk = new_page(viewport=PHONE)
    login(clerk, w.clerk.username)
    clerk.goto("/office/documents/outgoing/")
    assert clerk.locator("#queue").get_attribute("data-queue") == "to_number"
    clerk.click(f"tr[data-id='{document.pk}'] a.out-subject-link")
    clerk.wait_for_load_state()
    confirm_step(clerk, "number")
    assert state_of(clerk) == S.NUMBERED
    assert clerk.locator("#number").inner_text() == "01/QĐ-UBND"
    confirm_step(clerk, "seal")
    assert state_of(clerk) == S.SEALED
    confirm_step(clerk, "issue")
    assert state_of(clerk) == S.ISSUED
    rows = clerk.locator("#recipient-table tbody tr")
    assert rows.count() == 2
    ours = clerk.locator(f"#recipient-table tr[data-recipient='{w.other.name}']")
    assert ours.get_attribute("data-status") == DeliveryStatus.ACCEPTED
    paper = clerk.locator("#recipient-table tr[data-recipient='Báo Cà Mau']")
    assert paper.get_attribute("data-status") == DeliveryStatus.SENT
    shot(clerk, "clerk-issued")
    with clerk.expect_download() as download:
        clerk.click("#signed [data-role='signed-download']")
    assert download.value.suggested_filename == "01-QD-UBND.pdf"
    # its public verification page says both signatures are valid
    clerk.goto(str(clerk.locator("#signed [data-role='verify-link']").get_attribute("href")))
    shot(clerk, "verification")
    # the register view lists it with its delivery
    clerk.goto("/office/documents/outgoing/?queue=issued")
    assert clerk.locator(f"tr[data-id='{document.pk}']").count() == 1
    shot(clerk, "clerk-register")
