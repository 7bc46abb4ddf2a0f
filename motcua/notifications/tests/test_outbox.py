"""The outbox: every message is fixed inside the transaction of the event it describes and says
what happened; one row per event and channel; sent once, after commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.notify import dossier_notify
from motcua.dossiers.tests.conftest import vn
from motcua.dossiers.tests.test_lifecycle import intake
from motcua.notifications.models import Notification

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.camau.gov.vn"


@pytest.fixture(autouse=True)
def _public_base_url(settings):  # type: ignore[no-untyped-def]
    settings.MOTCUA_PUBLIC_BASE_URL = BASE + "/"


def _received(w: Any, channel: int = 1) -> Dossier:
    d = intake(w, vn(2027, 3, 1, 9, 0), channel=channel)
    if channel == 2:
        d = services.dossier_receive(
            dossier=d, actor=w.counter, at=vn(2027, 3, 1, 9, 30), trusted=True
        )
    return d


def _result_ready(w: Any) -> Dossier:
    d = _received(w, channel=2)
    d = services.dossier_forward(
        dossier=d, actor=w.specialist, at=vn(2027, 3, 2, 9, 0), trusted=True
    )
    d = services.dossier_approve(dossier=d, actor=w.leader, at=vn(2027, 3, 2, 14, 0), trusted=True)
    return services.dossier_complete(
        dossier=d, actor=w.leader, result_number="12/GP", at=vn(2027, 3, 3, 8, 0), trusted=True
    )


# kind -> (what the official does, what the message must say)
SCENARIOS: dict[str, tuple[Callable[[Any], Dossier], list[str]]] = {
    "submitted": (
        lambda w: intake(w, vn(2027, 3, 1, 9, 0), channel=2),
        ["đang chờ tiếp nhận", f"{BASE}/my/dossiers/"],
    ),
    "received": (
        lambda w: intake(w, vn(2027, 3, 1, 9, 0)),
        ["Ngày hẹn trả: 08/03/2027 09:00", f"{BASE}/tracking/"],
    ),
    "refused": (
        lambda w: services.dossier_refuse(
            dossier=intake(w, vn(2027, 3, 1, 9, 0), channel=2),
            actor=w.counter,
            reason="Sai thẩm quyền giải quyết",
        ),
        ["không được tiếp nhận", "Lý do: Sai thẩm quyền giải quyết"],
    ),
    "supplement_requested": (
        lambda w: services.dossier_request_supplement(
            dossier=_received(w), actor=w.specialist, missing=["Bản sao CCCD", "Ảnh 4x6"]
        ),
        ["- Bản sao CCCD\n- Ảnh 4x6"],
    ),
    "payment_requested": (
        lambda w: services.dossier_request_payment(
            dossier=_received(w), actor=w.specialist, amount=50000
        ),
        ["nộp phí", "Số tiền: 50.000 VND"],
    ),
    "extended": (
        lambda w: services.dossier_extend(
            dossier=_received(w),
            actor=w.leader,
            reason="Cần xác minh thêm",
            new_appointment_at=vn(2027, 3, 12, 15, 30),
        ),
        ["Lý do: Cần xác minh thêm", "12/03/2027 15:30"],
    ),
    "result_ready": (_result_ready, [f"Xem và tải kết quả tại: {BASE}/my/dossiers/", "/#result"]),
    "stopped": (
        lambda w: services.dossier_stop(
            dossier=_received(w), actor=w.leader, reason="Theo đề nghị của người nộp"
        ),
        ["đã bị dừng", "Lý do: Theo đề nghị của người nộp"],
    ),
}


@pytest.mark.parametrize("kind", SCENARIOS)
def test_every_kind_is_sent_once_and_says_what_happened(
    world, kind, django_capture_on_commit_callbacks, mailoutbox
):
    # given / when: the official's action, committed
    action, expected = SCENARIOS[kind]
    with django_capture_on_commit_callbacks(execute=True):
        d = action(world)
    # then: one message of this kind, sent, to the applicant, about this dossier's event
    note = Notification.objects.get(dossier=d, kind=kind)
    assert note.state == "sent" and note.attempts == 1
    assert note.event is not None and note.event.dossier_id == d.pk
    mails = [m for m in mailoutbox if m.subject == note.subject]
    assert len(mails) == 1
    mail = mails[0]
    assert mail.to == ["dao@example.com"] and d.code in mail.subject
    assert mail.body == note.body
    for text in expected:
        assert text in mail.body, mail.body
    # every link is absolute
    links = [w for w in mail.body.split() if "/" in w and "." in w and "://" not in w]
    assert not [w for w in links if w.startswith("/")], links


def test_supplement_request_then_quick_extension_keeps_the_missing_papers(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    # given a received dossier
    d = _received(world)
    mailoutbox.clear()
    # when the supplement request and an extension commit before the first message is sent
    with django_capture_on_commit_callbacks(execute=True):
        d = services.dossier_request_supplement(
            dossier=d, actor=world.specialist, missing=["Bản sao CCCD", "Sổ hộ khẩu"]
        )
        services.dossier_extend(
            dossier=d,
            actor=world.leader,
            reason="Chờ xác minh",
            new_appointment_at=vn(2027, 3, 19, 9, 0),
        )
    # then the supplement e-mail lists the missing papers, the extension its reason
    by_kind = {n.kind: n for n in Notification.objects.filter(dossier=d)}
    supplement = by_kind["supplement_requested"]
    assert supplement.event.action == "request_supplement"
    assert "- Bản sao CCCD\n- Sổ hộ khẩu" in supplement.body
    assert "Chờ xác minh" not in supplement.body
    assert "Lý do: Chờ xác minh" in by_kind["extended"].body
    assert "19/03/2027 09:00" in by_kind["extended"].body
    bodies = [m.body for m in mailoutbox]
    assert supplement.body in bodies and by_kind["extended"].body in bodies


def test_message_is_fixed_when_the_event_is_recorded_not_when_sent(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    # given an extension whose message is queued but not yet sent
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        d = services.dossier_extend(
            dossier=_received(world),
            actor=world.leader,
            reason="Chờ xác minh",
            new_appointment_at=vn(2027, 3, 12, 9, 0),
        )
    # when the appointment moves again before the first message goes out
    Dossier.objects.filter(pk=d.pk).update(appointment_at=vn(2027, 4, 1, 9, 0))
    for callback in callbacks:
        callback()
    # then the message still says the appointment of its own event
    note = Notification.objects.get(dossier=d, kind="extended")
    assert "12/03/2027 09:00" in note.body and "01/04/2027" not in note.body
    assert note.state == "sent"


def test_one_row_per_event_channel_and_recipient(world, django_capture_on_commit_callbacks):
    # given a received dossier and its message
    with django_capture_on_commit_callbacks(execute=True):
        d = _received(world)
    event = d.events.get(action="receive")
    # when the same event is notified again (a retried caller, a second hook)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_notify(dossier=d, event=event, kind="received")
    # then there is still one message
    assert Notification.objects.filter(event=event).count() == 1


def test_unique_constraint_refuses_a_second_row_for_one_event(world):
    from django.db import IntegrityError, transaction

    d = _received(world)
    note = Notification.objects.get(dossier=d, kind="received")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            dossier=d,
            event=note.event,
            kind="received",
            channel=note.channel,
            recipient=note.recipient,
            subject="x",
            body="x",
        )


def test_no_address_no_message(world, django_capture_on_commit_callbacks, mailoutbox):
    from motcua.dossiers.services import ApplicantInput

    with django_capture_on_commit_callbacks(execute=True):
        d = services.dossier_create(
            actor=world.counter,
            procedure_code="9.000001",
            channel=1,
            receiving_unit=world.desk,
            applicant=ApplicantInput(full_name="Trần Văn Ba", id_number="096188000999"),
        )
    assert not Notification.objects.filter(dossier=d).exists() and not mailoutbox
