"""An incoming paper document on a phone (360 px), end to end: the clerk registers it (scan +
metadata), the leader assigns it to a unit and a specialist, the specialist notes progress and
finishes it; each through the pages and the navigation. Screenshots:
artifacts/e2e/documents-incoming-*.png.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from motcua.documents.enums import IncomingState
from motcua.documents.models import IncomingDocument
from motcua.documents.tests.factories import World
from motcua.documents.tests.factories import world as documents_world
from motcua.documents.tests.ui_incoming.conftest import PDF
from tests.e2e.conftest import ARTIFACTS, PHONE, login
from tests.e2e.helpers import file_payload

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db: Any) -> World:
    return documents_world()


class Shots:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, page: Any, name: str) -> None:
        self.n += 1
        path = ARTIFACTS / f"documents-incoming-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def open_menu_entry(page: Any, entry: str) -> None:
    """On a phone the menu folds behind its button."""
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.click(entry)
    page.wait_for_load_state()


def assert_fits(page: Any) -> None:
    """Nothing wider than the phone's screen (no sideways scrolling of the page)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_register_assign_note_and_finish_on_a_phone(
    new_page: Any, office: World, live_server: Any
) -> None:
    shot = Shots()
    deadline = timezone.localdate() + dt.timedelta(days=7)

    # the clerk registers the paper document: scan and metadata
    clerk = new_page(viewport=PHONE)
    login(clerk, office.clerk.username)
    open_menu_entry(clerk, "#nav-incoming")
    clerk.click("#register-paper")
    clerk.wait_for_load_state()
    clerk.set_input_files("#id_scans", file_payload("cong-van-123.pdf", PDF, "application/pdf"))
    clerk.fill("#id_sender_name", "Sở Tài chính tỉnh Cà Mau")
    clerk.fill("#id_code_number", "123")
    clerk.fill("#id_code_notation", "STC-NS")
    clerk.fill("#id_issued_date", "2026-01-05")
    clerk.fill("#id_subject", "Về việc hướng dẫn lập dự toán ngân sách năm 2027")
    clerk.select_option("#id_urgency", "urgent")
    shot(clerk, "clerk-paper-form")
    assert_fits(clerk)
    clerk.click("#paper-submit")
    clerk.wait_for_load_state()
    assert "Đã vào sổ với số đến 1." in clerk.inner_text(".messages")
    assert clerk.inner_text("#arrival-number").startswith("1")
    shot(clerk, "clerk-registered")
    assert_fits(clerk)
    document = IncomingDocument.objects.get()
    assert document.state == IncomingState.REGISTERED

    # the leader finds it waiting, and assigns it
    leader = new_page(viewport=PHONE)
    login(leader, office.leader.username)
    assert leader.get_attribute("#nav-incoming", "data-count") == "1"
    open_menu_entry(leader, "#nav-incoming")
    assert leader.get_attribute("#queue", "data-queue") == "to_assign"
    shot(leader, "leader-queue")
    assert_fits(leader)
    leader.click(f"tr[data-id='{document.pk}'] a.doc-link")
    leader.wait_for_load_state()
    leader.click("#action-assign summary")
    leader.select_option("#id_assign-lead_unit", str(office.unit.pk))
    leader.select_option("#id_assign-lead_official", str(office.specialist.pk))
    leader.fill("#id_assign-deadline", deadline.isoformat())
    leader.fill("#id_assign-instructions", "Tham mưu văn bản trả lời")
    shot(leader, "leader-assign-form")
    assert_fits(leader)
    leader.click("#action-assign button[type=submit]")
    leader.wait_for_load_state()
    assert "Đã phân công cho" in leader.inner_text(".messages")
    assert leader.inner_text("#lead-official") == office.specialist.full_name
    shot(leader, "leader-assigned")

    # the specialist notes progress, then finishes
    specialist = new_page(viewport=PHONE)
    login(specialist, office.specialist.username)
    open_menu_entry(specialist, "#nav-incoming")
    assert specialist.get_attribute("#queue", "data-queue") == "to_process"
    specialist.click(f"tr[data-id='{document.pk}'] a.doc-link")
    specialist.wait_for_load_state()
    specialist.click("#action-note summary")
    specialist.fill("#id_note-text", "Đã tổng hợp ý kiến các phòng")
    specialist.fill("#id_note-percent", "60")
    specialist.click("#action-note button[type=submit]")
    specialist.wait_for_load_state()
    assert "Đã lưu ghi nhận tiến độ." in specialist.inner_text(".messages")
    assert specialist.inner_text("#progress .progress-text") == "60%"
    shot(specialist, "specialist-note")
    specialist.click("#action-finish summary")
    specialist.fill("#id_finish-note", "Đã trả lời bằng công văn")
    specialist.click("#action-finish button[type=submit]")
    specialist.wait_for_load_state()
    assert "Văn bản đã được hoàn thành xử lý." in specialist.inner_text(".messages")
    assert specialist.inner_text("#document-state") == "Đã hoàn thành"
    timeline = specialist.inner_text("#timeline")
    for step in ("Vào sổ văn bản đến", "Phân công xử lý", "Ghi nhận tiến độ", "Hoàn thành xử lý"):
        assert step in timeline
    shot(specialist, "specialist-finished")
    assert_fits(specialist)

    document.refresh_from_db()
    assert (document.state, document.progress) == (IncomingState.DONE, 100)
    assert document.lead_official == office.specialist and document.deadline == deadline


def _documents(office: World) -> dict[str, IncomingDocument]:
    """One document in each state the pages show, made through the services."""
    from motcua.documents.enums import Channel, SignatureVerdict, Source
    from motcua.documents.services import incoming as svc
    from motcua.documents.services.incoming import IncomingFields
    from motcua.documents.services.outgoing import FileInput

    def fields(n: str, subject: str) -> IncomingFields:
        return IncomingFields(
            sender_name="Sở Tài nguyên và Môi trường tỉnh Cà Mau",
            code_number=n,
            code_notation="STNMT-QLĐĐ",
            issued_date=timezone.localdate() - dt.timedelta(days=3),
            subject=subject,
            signer_name="Nguyễn Văn Tâm",
            signer_position="Phó Giám đốc",
        )

    scan = [FileInput("cong-van.pdf", PDF, "application/pdf")]
    mailed = svc.incoming_create_received(
        organisation=office.agency,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        fields=fields("88", "Về việc rà soát hiện trạng sử dụng đất công trên địa bàn tỉnh"),
        files=[*scan, FileInput("phu-luc.xlsx", b"PK\x03\x04", "application/octet-stream")],
        sender_email="vanthu@stnmt.camau.gov.vn",
    )
    IncomingDocument.objects.filter(pk=mailed.pk).update(
        signature_verdict=SignatureVerdict.INDETERMINATE
    )
    mailed.files.filter(is_main=True).update(
        signature_verdict=SignatureVerdict.INDETERMINATE,
        signature_report={
            "verdict": "indeterminate",
            "reason": "Không kiểm tra được tình trạng thu hồi của chứng thư số.",
            "signatures": [
                {
                    "role": "person",
                    "signer_name": "Nguyễn Văn Tâm",
                    "organisation": "Sở Tài nguyên và Môi trường",
                    "signed_at": "2026-01-05T09:12:00+07:00",
                    "verdict": "indeterminate",
                    "reason": "Không kiểm tra được tình trạng thu hồi của chứng thư số.",
                    "problems": [],
                },
                {
                    "role": "organisation",
                    "signer_name": "",
                    "organisation": "Sở Tài nguyên và Môi trường",
                    "signed_at": "2026-01-05T09:30:00+07:00",
                    "verdict": "valid",
                    "reason": "Chữ ký số hợp lệ.",
                    "problems": [],
                },
            ],
        },
    )
    registered = svc.incoming_register_paper(
        actor=office.clerk,
        organisation=office.agency,
        fields=fields("90", "Về việc tổ chức hội nghị triển khai Luật Đất đai năm 2024"),
        files=scan,
    )
    working = svc.incoming_register_paper(
        actor=office.clerk,
        organisation=office.agency,
        fields=fields("91", "Về việc báo cáo kết quả thực hiện kế hoạch sử dụng đất năm 2026"),
        files=scan,
    )
    working = svc.incoming_assign(
        actor=office.leader,
        document=working,
        lead_unit=office.unit,
        lead_official=office.specialist,
        deadline=timezone.localdate() + dt.timedelta(days=5),
        instructions="Phòng Văn xã chủ trì, tổng hợp số liệu, tham mưu báo cáo trước ngày 20.",
    )
    working = svc.incoming_note(
        actor=office.specialist, document=working, text="Đã gửi phiếu lấy số liệu", percent=30
    )
    return {"mailed": mailed, "registered": registered, "working": working}


def test_each_page_reads_on_a_phone_and_a_desktop(
    new_page: Any, office: World, live_server: Any
) -> None:
    documents = _documents(office)
    page_of = {
        office.clerk.username: [
            "/office/documents/",
            "/office/documents/incoming/",
            f"/office/documents/incoming/{documents['mailed'].pk}/",
            f"/office/documents/incoming/{documents['mailed'].pk}/register/",
            "/office/documents/incoming/paper/",
        ],
        office.leader.username: [
            "/office/documents/incoming/?queue=all",
            f"/office/documents/incoming/{documents['registered'].pk}/",
        ],
        office.specialist.username: [
            "/office/documents/incoming/",
            f"/office/documents/incoming/{documents['working'].pk}/",
        ],
    }
    n = 0
    for username, urls in page_of.items():
        page = new_page(viewport=PHONE)
        login(page, username)
        for url in urls:
            for name, viewport in (("360", PHONE), ("1280", {"width": 1280, "height": 900})):
                page.set_viewport_size(viewport)
                page.goto(url)
                for panel in page.locator("details.action").all()[:1]:
                    panel.locator("summary").click()  # the first action, open
                if name == "360":
                    assert_fits(page)
                n += 1
                slug = url.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
                path = ARTIFACTS / f"documents-pages-{n:02d}-{name}-{slug}.png"
                page.screenshot(path=str(path), full_page=True)
    # typing in the search box narrows the list as one types (htmx), and the address follows
    page = new_page()
    login(page, office.leader.username)
    page.goto("/office/documents/incoming/?queue=all")
    assert page.locator("#queue tbody tr").count() == 3
    page.fill("#id_q", "hội nghị")
    from playwright.sync_api import expect

    expect(page.locator("#queue tbody tr")).to_have_count(1)
    assert page.get_attribute("#queue tbody tr", "data-id") == str(documents["registered"].pk)
    assert "q=" in page.url
    # the paper form refused, on a phone: the errors read in Vietnamese, at the top and beside
    page = new_page(viewport=PHONE)
    login(page, office.clerk.username)
    page.goto("/office/documents/incoming/paper/")
    page.click("#paper-submit")
    page.wait_for_load_state()
    summary = page.inner_text("#error-summary")
    assert "Đã xảy ra lỗi" in summary and "Trích yếu: Trường này là bắt buộc." in summary
    assert_fits(page)
    page.screenshot(path=str(ARTIFACTS / "documents-pages-99-360-paper-errors.png"), full_page=True)
