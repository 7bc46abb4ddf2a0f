"""Searching the official documents and reading the share exchanged electronically, on a phone
(360 px): the clerk types "quyet dinh 05" without diacritics in the documents home's search box,
finds "Quyết định 05/QĐ-UBND" (and nothing of another agency), opens it; then opens the metric
from the home, and a figure's drill-down lists as many documents as the figure says. The same
pages at 1280 px for the screenshots. Screenshots: artifacts/e2e/documents-search-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from motcua.accounts.enums import Role
from motcua.documents.enums import Channel, DocumentType, SignatureVerdict, Source
from motcua.documents.tests.search import helpers as h
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, login

pytestmark = pytest.mark.browser


class Shots:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, page: Any, name: str) -> None:
        self.n += 1
        path = ARTIFACTS / f"documents-search-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def assert_fits(page: Any) -> None:
    """Nothing wider than the phone's screen (no sideways scrolling of the page)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


@pytest.fixture
def office(transactional_db: Any) -> dict[str, Any]:
    today = dt.date.today()
    a = h.agency("Ủy ban nhân dân huyện Thới Bình")
    b = h.agency("Sở Tài nguyên và Môi trường")
    clerk = h.official(a, Role.CLERK)
    specialist = h.official(a, Role.SPECIALIST)
    decision = dict(
        code_number="5",
        code_notation="QĐ-UBND",
        document_type=DocumentType.QUYET_DINH,
        subject="Quyết định phê duyệt kế hoạch phòng chống hạn mặn mùa khô",
        sender_name="Ủy ban nhân dân tỉnh Cà Mau",
        source=Source.EDXML,
        channel=Channel.AXIS,
        signature_verdict=SignatureVerdict.VALID,
        arrival_date=h.at(today),
    )
    mine = h.incoming(a, **decision)
    theirs = h.incoming(b, **decision)
    h.incoming(a, subject="Giấy mời họp giao ban", arrival_date=h.at(today))  # on paper
    h.issued(
        a,
        specialist,
        today,
        code_number=12,
        code_notation="KH-UBND",
        document_type=DocumentType.KE_HOACH,
        subject="Kế hoạch phòng chống hạn mặn năm nay",
    )
    h.issued(
        a,
        specialist,
        today,
        channels=(Channel.PAPER,),
        code_number=13,
        code_notation="TB-UBND",
        document_type=DocumentType.THONG_BAO,
        subject="Thông báo lịch tiếp công dân",
    )
    return {"clerk": clerk, "mine": mine, "theirs": theirs}


def test_search_without_diacritics_and_the_metric_on_a_phone(
    new_page: Any, office: dict[str, Any]
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    shot = Shots()
    page = new_page(viewport=PHONE)
    login(page, office["clerk"].username)

    # the documents home: the search box
    page.goto("/office/documents/")
    page.fill("#home-q", "quyet dinh 05")
    shot(page, "phone-home")
    page.click("#home-search button[type=submit]")
    page.wait_for_load_state()

    # the result: the clerk's agency's decision only, the words marked
    results = page.locator(".search-result")
    assert results.count() == 1
    result = results.first
    assert result.get_attribute("data-id") == str(office["mine"].pk)
    assert "05/QĐ-UBND" in result.inner_text()
    assert page.locator(".search-result mark").first.inner_text() == "Quyết"
    assert "Tìm thấy 1 văn bản" in page.inner_text("#results-title")
    shot(page, "phone-results")
    assert_fits(page)

    # a search as you type (htmx): two words find the incoming decision and the outgoing plan
    page.fill("#search-q", "han man")
    expect(page.locator(".search-result")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=han(\+|%20)man"))
    shot(page, "phone-results-typed")
    assert_fits(page)

    # too short: said in Vietnamese
    page.fill("#search-q", "a")
    page.wait_for_selector("#search-problem")
    assert "quá ngắn" in page.inner_text("#search-problem")

    # open the decision
    page.goto("/office/documents/search/?q=quyet+dinh+05")
    page.click(".search-result .doc-link")
    page.wait_for_load_state()
    assert page.url.endswith(f"/incoming/{office['mine'].pk}/")

    # the metric, from the home
    page.goto("/office/documents/")
    page.click("#home-metric")
    page.wait_for_load_state()
    assert "Tỷ lệ văn bản trao đổi điện tử" in page.inner_text("h1")
    assert "Cách tính tỷ lệ" in page.inner_text("#metric-definition")
    shot(page, "phone-metric")
    assert_fits(page)
    numerator = page.locator('#metric-table a[data-figure="numerator"]').first
    value = int(numerator.inner_text())
    assert value == 2  # the decision received over the axis, the plan sent over it
    numerator.click()
    page.wait_for_load_state()
    assert page.locator("#drill-total").get_attribute("data-count") == str(value)
    assert page.locator("tr[data-id]").count() == value
    shot(page, "phone-drill-down")
    assert_fits(page)


def test_the_same_pages_at_1280(new_page: Any, office: dict[str, Any]) -> None:
    shot = Shots()
    shot.n = 10
    page = new_page(viewport=DESKTOP)
    login(page, office["clerk"].username)
    page.goto("/office/documents/")
    shot(page, "desktop-home")
    page.goto("/office/documents/search/?q=han+man")
    assert page.locator(".search-result").count() == 2
    shot(page, "desktop-results")
    page.goto("/office/documents/search/")
    shot(page, "desktop-empty")
    page.goto("/office/documents/metric/")
    shot(page, "desktop-metric")
    page.click('#metric-table a[data-figure="denominator"]')
    page.wait_for_load_state()
    assert re.fullmatch(r"\d+", page.locator("#drill-total").get_attribute("data-count") or "")
    shot(page, "desktop-drill-down")
