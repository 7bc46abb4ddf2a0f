"""The incoming documents' list: each queue shows the right documents to the right person, with
its count; filters; pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.documents import selectors
from motcua.documents.enums import DocumentType, IncomingState, Urgency
from motcua.documents.tests.ui_incoming.conftest import (
    assigned,
    ids,
    paper,
    received,
    tab_count,
    tabs,
    text,
)

pytestmark = pytest.mark.django_db

LIST = reverse("documents:incoming_list")


def test_anonymous_goes_to_login_and_a_citizen_is_refused(client: Any, office: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    from motcua.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(LIST).status_code == 403


def test_clerk_lands_on_the_documents_to_register(client: Any, office: Any) -> None:
    # given: one arrived by e-mail (to register) and one registered from paper (to assign)
    waiting = received(office)
    registered = paper(office)
    client.force_login(office.clerk)
    # when
    response = client.get(LIST)
    # then
    assert response.status_code == 200
    assert 'data-queue="to_register"' in response.content.decode()
    assert ids(response) == [waiting.pk]
    assert "to_assign" not in tabs(response)
    assert tab_count(response, "to_register") == 1
    assert tab_count(response, "all") == 2
    assert ids(client.get(LIST, {"queue": "all"})) == [registered.pk, waiting.pk]
    assert "Chờ vào sổ" in text(response)


def test_leader_lands_on_the_documents_to_assign(client: Any, office: Any) -> None:
    received(office)
    registered = paper(office)
    assigned(office)
    client.force_login(office.leader)
    response = client.get(LIST)
    assert 'data-queue="to_assign"' in response.content.decode()
    assert ids(response) == [registered.pk]
    assert "to_register" not in tabs(response)
    assert tab_count(response, "to_assign") == 1
    assert tab_count(response, "all") == 3


def test_specialist_sees_what_their_unit_leads_or_helps_with(client: Any, office: Any) -> None:
    # given: one led by the specialist's unit, one by the other unit with theirs helping,
    # one by the other unit alone, one naming the specialist as lead official elsewhere
    led = assigned(office, unit=office.unit)
    helping = assigned(office, unit=office.unit2, co_units=[office.unit])
    assigned(office, unit=office.unit2)
    mine = assigned(office, unit=office.unit2, lead_official=office.specialist2)
    # when
    client.force_login(office.specialist)
    response = client.get(LIST)
    # then
    assert 'data-queue="to_process"' in response.content.decode()
    assert sorted(ids(response)) == sorted([led.pk, helping.pk])
    assert tabs(response) == ["to_process", "overdue", "all"]
    # … and the whole register holds only what they may see
    assert sorted(ids(client.get(LIST, {"queue": "all"}))) == sorted([led.pk, helping.pk])
    client.force_login(office.specialist2)
    assert mine.pk in ids(client.get(LIST, {"queue": "to_process"}))


def test_overdue_holds_open_documents_past_their_deadline(
    client: Any, office: Any, time_machine: Any
) -> None:
    # given: two assigned on 1 March with deadlines 3 and 20 March; one finished
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    late = assigned(office, deadline=dt.date(2027, 3, 3))
    assigned(office, deadline=dt.date(2027, 3, 20))
    done = assigned(office, deadline=dt.date(2027, 3, 3))
    from motcua.documents.services import incoming as svc

    svc.incoming_finish(actor=office.specialist, document=done)
    # when: on 10 March
    time_machine.move_to(dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(office.leader)
    response = client.get(LIST, {"queue": "overdue"})
    # then
    assert ids(response) == [late.pk]
    assert tab_count(response, "overdue") == 1
    assert "Quá hạn" in text(response)


def test_another_agencys_clerk_sees_none_of_them(client: Any, office: Any) -> None:
    received(office)
    paper(office)
    client.force_login(office.outsider_clerk)
    for queue in ("to_register", "all"):
        response = client.get(LIST, {"queue": queue})
        assert ids(response) == []
        assert tab_count(response, queue) == 0


def test_report_viewer_has_the_register_and_overdue_only(client: Any, office: Any) -> None:
    document = paper(office)
    client.force_login(office.viewer)
    response = client.get(LIST)
    assert tabs(response) == ["overdue", "all"]
    assert ids(response) == [document.pk]
    assert 'id="register-paper"' not in response.content.decode()


def test_filters_narrow_every_queue_and_its_count(client: Any, office: Any) -> None:
    budget = paper(office)
    invitation = paper(
        office,
        code_number="7",
        code_notation="GM-UBND",
        document_type=DocumentType.GIAY_MOI,
        subject="Mời dự họp giao ban",
        urgency=Urgency.URGENT,
    )
    client.force_login(office.clerk)
    assert ids(client.get(LIST, {"queue": "all", "q": "07/GM-UBND"})) == [invitation.pk]
    assert ids(client.get(LIST, {"queue": "all", "q": "dự toán"})) == [budget.pk]
    assert ids(client.get(LIST, {"queue": "all", "q": str(budget.arrival_number)})) == [budget.pk]
    assert ids(client.get(LIST, {"queue": "all", "type": DocumentType.GIAY_MOI})) == [invitation.pk]
    assert ids(client.get(LIST, {"queue": "all", "urgency": Urgency.URGENT})) == [invitation.pk]
    response = client.get(LIST, {"queue": "all", "state": IncomingState.REGISTERED, "q": "họp"})
    assert ids(response) == [invitation.pk]
    assert tab_count(response, "all") == 1
    tomorrow = (timezone.localdate(budget.arrival_date) + dt.timedelta(days=1)).isoformat()
    assert ids(client.get(LIST, {"queue": "all", "date_from": tomorrow})) == []
    assert len(ids(client.get(LIST, {"queue": "all", "date_to": tomorrow}))) == 2
    # a value that is not in the list is an error beside the filter, not a crash
    response = client.get(LIST, {"queue": "all", "type": "nonsense"})
    assert response.status_code == 200 and len(ids(response)) == 2
    assert "field-error" in response.content.decode()


def test_pages_newest_arrival_first(client: Any, office: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    documents = [paper(office, code_number=str(n)) for n in range(1, 6)]
    client.force_login(office.leader)
    first = client.get(LIST, {"queue": "all"})
    third = client.get(LIST, {"queue": "all", "page": 3})
    assert ids(first) == [documents[4].pk, documents[3].pk]
    assert ids(third) == [documents[0].pk]
    assert "Trang 1/3" in text(first)


def test_the_register_tab_downloads_the_statutory_registers_with_its_filters(
    client: Any, office: Any
) -> None:
    paper(office)
    client.force_login(office.clerk)
    response = client.get(LIST, {"queue": "all", "q": "dự toán", "urgency": "normal"})
    body = response.content.decode()
    links = re.findall(r'<a href="([^"]+)" download>', body)
    assert len(links) == 4
    xlsx = next(link for link in links if "/registers/incoming.xlsx" in link)
    assert "urgency=normal" in xlsx and "q=d%E1%BB%B1+to%C3%A1n" in xlsx
    download = client.get(xlsx.replace("&amp;", "&"))
    assert download.status_code == 200
    assert "spreadsheetml" in download["Content-Type"]
    # the queues that ask to act have none
    assert 'id="register-downloads"' not in client.get(LIST).content.decode()
