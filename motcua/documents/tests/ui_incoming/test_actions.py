"""The actions on an incoming document's page: each posts, calls its service, and redirects
with a message in Vietnamese; a refused value is shown beside its field, nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.documents.enums import IncomingState
from motcua.documents.models import IncomingDocument
from motcua.documents.tests.ui_incoming.conftest import assigned, paper, text

pytestmark = pytest.mark.django_db


def act(document: IncomingDocument, action: str) -> str:
    return reverse("documents:incoming_action", args=[document.pk, action])


def detail(document: IncomingDocument) -> str:
    return reverse("documents:incoming_detail", args=[document.pk])


def in_days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def test_the_leader_assigns_and_sees_it_done(client: Any, office: Any) -> None:
    document = paper(office)
    client.force_login(office.leader)
    # when
    response = client.post(
        act(document, "assign"),
        {
            "assign-lead_unit": office.unit.pk,
            "assign-lead_official": office.specialist.pk,
            "assign-co_units": [office.unit2.pk],
            "assign-deadline": in_days(5),
            "assign-instructions": "Tham mưu văn bản trả lời",
        },
    )
    # then: post/redirect/get, with the message
    assert response.status_code == 302 and response["Location"] == detail(document)
    document.refresh_from_db()
    assert document.state == IncomingState.ASSIGNED
    assert (document.lead_unit, document.lead_official) == (office.unit, office.specialist)
    assert list(document.co_units.all()) == [office.unit2]
    page = text(client.get(response["Location"]))
    assert "Đã phân công cho Phòng Văn xã 0." in page
    assert "Thay đổi phân công" in page  # assigning again changes it


def test_a_lead_official_outside_the_lead_unit_is_refused_beside_the_field(
    client: Any, office: Any
) -> None:
    document = paper(office)
    client.force_login(office.leader)
    response = client.post(
        act(document, "assign"),
        {"assign-lead_unit": office.unit.pk, "assign-lead_official": office.specialist2.pk},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="action-assign" data-action="assign" open' in body
    assert 'id="id_assign-lead_official_error">Cán bộ chủ trì phải thuộc đơn vị chủ trì.' in body
    document.refresh_from_db()
    assert document.state == IncomingState.REGISTERED and document.lead_unit is None


def test_a_deadline_in_the_past_is_refused(client: Any, office: Any) -> None:
    document = paper(office)
    client.force_login(office.leader)
    response = client.post(
        act(document, "assign"),
        {"assign-lead_unit": office.unit.pk, "assign-deadline": in_days(-1)},
    )
    assert response.status_code == 422
    assert "Hạn xử lý không được ở quá khứ." in text(response)
    assert IncomingDocument.objects.get(pk=document.pk).state == IncomingState.REGISTERED


def test_the_specialist_notes_progress_and_finishes(client: Any, office: Any) -> None:
    document = assigned(office, lead_official=office.specialist)
    client.force_login(office.specialist)
    # a note with a percentage starts the processing
    response = client.post(
        act(document, "note"), {"note-text": "Đã xin ý kiến", "note-percent": 60}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.progress) == (IncomingState.IN_PROGRESS, 60)
    assert "Đã lưu ghi nhận tiến độ." in text(client.get(detail(document)))
    # an empty note is refused, in Vietnamese, beside the field
    response = client.post(act(document, "note"), {"note-text": "  ", "note-percent": 101})
    assert response.status_code == 422
    assert "Trường này là bắt buộc." in text(response)
    assert document.notes.count() == 1
    # finish
    response = client.post(act(document, "finish"), {"finish-note": "Đã trả lời bằng công văn"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.progress) == (IncomingState.DONE, 100)
    assert "Văn bản đã được hoàn thành xử lý." in text(client.get(detail(document)))
    # finishing again (a second tab, a double click) says why, and changes nothing
    response = client.post(act(document, "finish"), {}, follow=True)
    assert "Không thể thực hiện việc này ở trạng thái hiện tại của văn bản." in text(response)


def test_a_co_unit_notes_but_does_not_finish(client: Any, office: Any) -> None:
    document = assigned(office, unit=office.unit2, co_units=[office.unit])
    client.force_login(office.specialist)
    body = client.get(detail(document)).content.decode()
    assert 'id="action-note"' in body and 'id="action-finish"' not in body
    assert client.post(act(document, "finish"), {}).status_code == 403
    assert client.post(act(document, "note"), {"note-text": "Phối hợp xong"}).status_code == 302


def test_the_clerk_returns_a_misaddressed_document_with_a_reason(client: Any, office: Any) -> None:
    document = paper(office)
    client.force_login(office.clerk)
    response = client.post(act(document, "return"), {"return-reason": ""})
    assert response.status_code == 422
    assert "Trường này là bắt buộc." in text(response)
    response = client.post(act(document, "return"), {"return-reason": "Gửi nhầm cơ quan"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.returned_reason) == ("returned", "Gửi nhầm cơ quan")
    page = text(client.get(detail(document)))
    assert "Văn bản đã được trả lại nơi gửi." in page
    assert "Lý do trả lại Gửi nhầm cơ quan" in page


def test_an_unknown_action_is_not_found(client: Any, office: Any) -> None:
    document = paper(office)
    client.force_login(office.leader)
    assert client.post(act(document, "delete"), {}).status_code == 404
    assert client.get(act(document, "assign")).status_code == 405


@pytest.mark.urls("motcua.documents.tests.ui_incoming.urls_with_outgoing")
def test_the_reply_button_opens_the_draft_with_response_for(client: Any, office: Any) -> None:
    document = assigned(office, lead_official=office.specialist)
    client.force_login(office.specialist)
    body = client.get(detail(document)).content.decode()
    assert f'href="/office/documents/outgoing/new/?response_for={document.pk}"' in body
    client.force_login(office.viewer)
    assert 'id="reply-link"' not in client.get(detail(document)).content.decode()
