"""Document files (hồ sơ công việc) on a phone (360 px), end to end: the clerk opens a file
from the documents home, finds and adds a decision and an incoming plan, sees what closing
fixes, closes the file, and finds it named on the incoming document's page; then every files
page at 1280 px. Screenshots: artifacts/e2e/documents-files-*.png.
"""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace
from typing import Any

import pytest

from motcua.documents.enums import FileState
from motcua.documents.models import DocumentFile
from motcua.documents.tests.registers.factories import (
    YEAR,
    make_file,
    make_incoming,
    make_outgoing,
    make_world,
    vn,
)
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, login

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db: Any) -> SimpleNamespace:
    # The live server's tests flush the tables after each test: put the default retention
    # periods (a data migration) back first.
    from django.apps import apps

    migration = importlib.import_module("motcua.documents.migrations.0003_registers_files")
    migration.seed_retention(apps, None)
    return make_world()


class Shots:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, page: Any, name: str) -> None:
        self.n += 1
        path = ARTIFACTS / f"documents-files-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def assert_fits(page: Any, width: int = PHONE["width"]) -> None:
    """Nothing wider than the screen (no sideways scrolling of the page)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll} px wide"


def go(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def test_open_fill_and_close_a_file_on_a_phone(
    new_page: Any, office: SimpleNamespace, live_server: Any
) -> None:
    shot = Shots()
    decision = make_outgoing(office, number=5, issued=dt.date(YEAR, 3, 5))
    plan = make_incoming(
        office,
        arrival_number=12,
        arrived=vn(YEAR, 3, 9, 8, 0),
        subject="Kế hoạch triển khai công tác phổ biến, giáo dục pháp luật năm 2026",
    )

    # the clerk opens a file from the documents home
    clerk = new_page(viewport=PHONE)
    login(clerk, office.clerk.username)
    clerk.goto("/office/documents/")
    assert "Hồ sơ đang mở: 0" in clerk.inner_text("#files-home")
    go(clerk, "#home-file-new")
    clerk.fill("#id_file_catalog", str(YEAR))
    clerk.fill("#id_file_notation", "01.HCTP")
    assert clerk.inner_text("#file-code-preview").endswith("000.00.08.H12.2026.01.HCTP")
    clerk.fill("#id_title", "Hồ sơ về phổ biến, giáo dục pháp luật năm 2026")
    clerk.select_option("#id_keeper", str(office.specialist.pk))
    shot(clerk, "phone-form")
    assert_fits(clerk)
    go(clerk, "#file-submit")
    assert "Đã mở hồ sơ 000.00.08.H12.2026.01.HCTP" in clerk.inner_text(".messages")
    assert clerk.inner_text("#file-retention") == "Theo loại văn bản"
    shot(clerk, "phone-opened")
    assert_fits(clerk)

    # finds the decision by its number and notation, then adds the plan from the latest ones
    clerk.fill("#add-q", "05/QĐ-STP")
    clerk.locator(f"#add-results li[data-kind='incoming'][data-id='{plan.pk}']").wait_for(
        state="detached"
    )
    shot(clerk, "phone-search")
    go(clerk, f"#add-results li[data-kind='outgoing'][data-id='{decision.pk}'] button")
    assert "Văn bản 05/QĐ-STP đã vào hồ sơ, là văn bản thứ 1." in clerk.inner_text(".messages")
    clerk.fill("#add-q", "")
    clerk.locator(f"#add-results li[data-kind='incoming'][data-id='{plan.pk}']").wait_for()
    go(clerk, f"#add-results li[data-kind='incoming'][data-id='{plan.pk}'] button")
    rows = clerk.locator("#entries tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-id") == str(decision.pk)
    assert rows.nth(1).get_attribute("data-id") == str(plan.pk)
    assert "Vĩnh viễn" in clerk.inner_text("#close-retention")
    assert clerk.inner_text("#close-start") == "05/03/2026"
    assert clerk.inner_text("#close-end") == "06/03/2026"
    shot(clerk, "phone-two-documents")
    assert_fits(clerk)

    # closes it
    go(clerk, "#close-submit")
    assert "Đã kết thúc hồ sơ; thời hạn bảo quản: Vĩnh viễn." in clerk.inner_text(".messages")
    assert clerk.inner_text("#file-state") == "Đã kết thúc"
    assert clerk.inner_text("#file-dates") == "05/03/2026 – 06/03/2026"
    assert clerk.locator("#close-submit").count() == 0
    shot(clerk, "phone-closed")
    assert_fits(clerk)
    document_file = DocumentFile.objects.get()
    assert document_file.state == FileState.CLOSED and document_file.retention_permanent

    # the incoming document's page names its file
    go(clerk, f"#entries tr[data-kind='incoming'][data-id='{plan.pk}'] a.doc-link")
    panel = clerk.inner_text("#file-panel")
    assert "000.00.08.H12.2026.01.HCTP" in panel
    assert clerk.inner_text("#file-panel-ordinal") == "2"
    clerk.locator("#file-panel").scroll_into_view_if_needed()
    shot(clerk, "phone-incoming-panel")
    assert_fits(clerk)

    # the list shows it closed
    clerk.goto("/office/documents/files/")
    assert "Đã kết thúc" in clerk.inner_text(f"tr[data-id='{document_file.pk}']")
    shot(clerk, "phone-list")
    assert_fits(clerk)


def test_every_files_page_reads_at_1280(
    new_page: Any, office: SimpleNamespace, live_server: Any
) -> None:
    shot = Shots()
    shot.n = 20
    open_file = make_file(office, title="Hồ sơ cải cách hành chính năm 2026")
    make_file(
        office,
        file_notation="02.VP",
        title="Hồ sơ thi đua, khen thưởng năm 2025",
        file_catalog=YEAR - 1,
        state=FileState.CLOSED,
        retention_years=10,
    )
    decision = make_outgoing(office, number=5)
    make_outgoing(office, number=6, subject="Về việc kiện toàn tổ cải cách hành chính")
    plan = make_incoming(office, arrival_number=3)
    from motcua.documents.services.files import document_file_add

    document_file_add(actor=office.clerk, document_file=open_file, document=decision)

    clerk = new_page(viewport=DESKTOP)
    login(clerk, office.clerk.username)
    for url, name in (
        ("/office/documents/", "home"),
        ("/office/documents/files/", "list"),
        ("/office/documents/files/new/", "form"),
        (f"/office/documents/files/{open_file.pk}/", "file"),
        (f"/office/documents/incoming/{plan.pk}/", "incoming-panel"),
        (f"/office/documents/outgoing/{decision.pk}/", "outgoing-panel"),
    ):
        clerk.goto(url)
        assert clerk.locator("main").count() == 1
        shot(clerk, f"desktop-{name}")
        assert_fits(clerk, DESKTOP["width"])

    # the form's errors, in Vietnamese, beside the fields
    clerk.goto("/office/documents/files/new/")
    clerk.check("input[name=retention][value=years]")
    go(clerk, "#file-submit")
    assert "Đã xảy ra lỗi" in clerk.inner_text("#error-summary")
    assert "Hãy ghi số năm bảo quản hồ sơ" in clerk.inner_text("#id_retention_years_error")
    shot(clerk, "desktop-form-errors")

    # putting the incoming plan in the open file from its page
    clerk.goto(f"/office/documents/incoming/{plan.pk}/")
    clerk.select_option("#id_file-document_file", str(open_file.pk))
    go(clerk, "#file-put button[type=submit]")
    assert "là văn bản thứ 2" in clerk.inner_text(".messages")
    shot(clerk, "desktop-incoming-put")
    plan.refresh_from_db()
    assert plan.document_file == open_file
