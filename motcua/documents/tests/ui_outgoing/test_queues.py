"""The outgoing queues: who sees which documents in which queue, the counts for the home
tiles, the filters and pages, and nothing of another agency."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.documents import selectors_outgoing as selectors
from motcua.documents.enums import Confidentiality, DocumentType, OutgoingState
from motcua.documents.models import OutgoingDocument
from motcua.documents.tests.ui_outgoing.conftest import at_state, ids, text_of

pytestmark = pytest.mark.django_db

S = OutgoingState
LIST = "documents:outgoing_list"


def queue(client: Any, key: str, **params: Any) -> Any:
    response = client.get(reverse(LIST), {"queue": key, **params})
    assert response.status_code == 200
    assert f'data-queue="{key}"' in response.content.decode()
    return response


@pytest.fixture
def docs(w: Any) -> dict[str, OutgoingDocument]:
    return {
        "draft": at_state(w, S.DRAFT),
        "returned": at_state(w, S.RETURNED),
        "review": at_state(w, S.IN_REVIEW, reviewers=[w.reviewer]),
        "sign": at_state(w, S.TO_SIGN),
        "signed": at_state(w, S.SIGNED),
        "numbered": at_state(w, S.NUMBERED),
        "sealed": at_state(w, S.SEALED),
        "issued": at_state(w, S.ISSUED, issued_date=dt.date(2026, 3, 2)),
    }


def test_each_queue_shows_the_documents_waiting_there(client, w, docs):
    d = {k: v.pk for k, v in docs.items()}
    client.force_login(w.drafter)
    assert sorted(ids(queue(client, "drafts"))) == sorted([d["draft"], d["returned"]])
    assert ids(queue(client, "to_review")) == []
    client.force_login(w.reviewer)
    assert ids(queue(client, "to_review")) == [d["review"]]
    client.force_login(w.signer)
    assert ids(queue(client, "to_sign")) == [d["sign"]]
    assert ids(queue(client, "to_review")) == []
    client.force_login(w.clerk)
    assert ids(queue(client, "to_number")) == [d["signed"]]
    assert ids(queue(client, "to_seal")) == [d["numbered"]]
    assert ids(queue(client, "to_send")) == [d["sealed"]]
    assert ids(queue(client, "issued")) == [d["issued"]]
    assert sorted(ids(queue(client, "all"))) == sorted(d.values())


def test_the_counts_for_the_home_tiles(w, docs):
    assert selectors.outgoing_queue_counts(w.clerk) == {
        "drafts": 0,
        "to_review": 0,
        "to_sign": 0,
        "to_number": 1,
        "to_seal": 1,
        "to_send": 1,
    }
    assert selectors.outgoing_queue_counts(w.reviewer)["to_review"] == 1
    assert selectors.outgoing_queue_counts(w.drafter)["drafts"] == 2
    assert set(selectors.outgoing_queue_counts(w.outsider_clerk).values()) == {0}


def test_the_list_opens_on_the_first_queue_with_work(client, w, docs):
    client.force_login(w.clerk)
    response = client.get(reverse(LIST))
    assert 'data-queue="to_number"' in response.content.decode()
    assert re.search(r'id="tab-to_send" data-count="1"', response.content.decode())
    # a clerk has no drafting tab of their own... but the drafting roles include clerks
    client.force_login(w.signer)
    assert 'data-queue="to_sign"' in client.get(reverse(LIST)).content.decode()


def test_a_report_viewer_sees_the_issued_register_and_no_work(client, w, docs):
    client.force_login(w.viewer)
    response = client.get(reverse(LIST))
    page = response.content.decode()
    tabs = re.findall(r'id="tab-([a-z_]+)"', page)
    assert tabs == ["issued", "all"]
    assert 'id="outgoing-new"' not in page
    assert ids(queue(client, "issued")) == [docs["issued"].pk]


def test_an_official_of_another_agency_sees_nothing(client, w, docs):
    client.force_login(w.outsider_clerk)
    for key in ("to_number", "to_seal", "to_send", "issued", "all"):
        assert ids(queue(client, key)) == []


def test_a_secret_document_is_listed_only_for_those_it_names_and_the_keepers(client, w):
    secret = at_state(
        w, S.ISSUED, confidentiality=Confidentiality.SECRET, drafter=w.reviewer, signer=w.leader
    )
    client.force_login(w.specialist)  # of the drafting unit, but not named on it
    assert ids(queue(client, "all")) == []
    client.force_login(w.clerk)
    response = queue(client, "issued")
    assert ids(response) == [secret.pk]
    assert "Mật" in text_of(response)


def test_the_register_view_sums_up_the_delivery(client, w):
    from motcua.documents.enums import Channel, DeliveryStatus

    issued = at_state(w, S.ISSUED)
    issued.recipients.update(status=DeliveryStatus.SENT)
    issued.recipients.create(name="Sở A", channel=Channel.AXIS, status=DeliveryStatus.ACCEPTED)
    issued.recipients.create(name="Sở B", channel=Channel.AXIS, status=DeliveryStatus.FAILED)
    client.force_login(w.clerk)
    text = text_of(queue(client, "issued"))
    assert "1 trên 3 nơi nhận đã nhận" in text
    assert "Đã vào sổ: 1" in text and "Gửi không thành công: 1" in text and "Đã gửi: 1" in text


def test_filters_text_type_state_and_dates(client, w):
    first = at_state(
        w, S.ISSUED, subject="Kế hoạch phòng chống lụt bão", issued_date=dt.date(2026, 1, 5)
    )
    second = at_state(
        w,
        S.ISSUED,
        subject="Giấy mời họp giao ban",
        document_type=DocumentType.GIAY_MOI,
        issued_date=dt.date(2026, 2, 10),
    )
    revoked = at_state(w, S.REVOKED, subject="Quyết định cũ", issued_date=dt.date(2026, 2, 11))
    client.force_login(w.clerk)
    assert ids(queue(client, "issued", q="lụt bão")) == [first.pk]
    assert ids(queue(client, "issued", q=second.number_notation)) == [second.pk]
    assert ids(queue(client, "issued", document_type=DocumentType.GIAY_MOI)) == [second.pk]
    assert ids(queue(client, "issued", state=S.REVOKED)) == [revoked.pk]
    assert ids(queue(client, "issued", date_from="2026-02-01", date_to="2026-02-10")) == [second.pk]
    # nothing matches: the page says so in Vietnamese
    response = queue(client, "issued", q="không có gì như thế")
    assert "Không có văn bản nào trong mục này khớp với bộ lọc." in text_of(response)
    # a date that is not one is shown beside its field and left out of the filter
    response = queue(client, "issued", date_from="31/02/2026")
    assert len(ids(response)) == 3
    assert "Nhập một ngày hợp lệ." in text_of(response)


def test_pages_of_25(client, w):
    for i in range(selectors.PAGE_SIZE + 1):
        at_state(w, S.SIGNED, subject=f"Văn bản số {i}")
    client.force_login(w.clerk)
    first = ids(queue(client, "to_number"))
    second = ids(queue(client, "to_number", page=2))
    assert len(first) == selectors.PAGE_SIZE and len(second) == 1
    assert not set(first) & set(second)
    assert "Trang 1/2" in text_of(queue(client, "to_number"))


def test_the_most_urgent_work_comes_first(client, w):
    from motcua.documents.enums import Urgency

    plain = at_state(w, S.SIGNED)
    express = at_state(w, S.SIGNED, urgency=Urgency.EXPRESS)
    client.force_login(w.clerk)
    assert ids(queue(client, "to_number")) == [express.pk, plain.pk]
