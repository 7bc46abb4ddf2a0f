"""The dossier lifecycle through the services, with statutory deadlines (DOMAIN §3–§4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.audit_models import AuditRecord
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import services, transitions
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Applicant, Dossier, DossierComponent, DossierEvent
from motcua.dossiers.services import ApplicantInput, ComponentInput
from motcua.dossiers.tests.conftest import vn

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def intake(w, at: dt.datetime, channel: int = 1, **kw) -> Dossier:
    return services.dossier_create(
        actor=w.counter if channel != 2 else w.citizen,
        procedure_code="9.000001",
        channel=channel,
        receiving_unit=w.desk,
        applicant=ApplicantInput(
            full_name="Nguyễn Thị Hồng Đào", id_number="096188000123", email="dao@example.com"
        ),
        components=kw.pop(
            "components", [ComponentInput(paper_code="GT1", paper_original_seen=True)]
        ),
        at=at,
        trusted=True,
        **kw,
    )


def test_counter_intake_is_received_at_once_with_due_time_across_tet(world):
    # given a counter intake on Wed 3 Feb 2027, the day before the Tết holidays (4–10 Feb)
    # when
    d = intake(world, vn(2027, 2, 3, 10, 0))
    # then: 5 working days skip Tết: Thu 11, Fri 12, Mon 15, Tue 16, Wed 17 at 10:00
    assert d.status == S.RECEIVED
    assert d.code == "000.00.15.H12-270203-0001"
    assert d.received_at == vn(2027, 2, 3, 10, 0)
    assert d.due_at == vn(2027, 2, 17, 10, 0)
    assert d.appointment_at == d.due_at
    assert d.current_unit == world.dept  # moved to the processing agency at once
    assert list(d.events.values_list("action", flat=True)) == ["submit", "receive"]
    assert AuditRecord.objects.filter(action="dossier_receive", object_id=str(d.pk)).exists()


def test_online_submission_waits_then_receipt_after_hours_starts_next_morning(world):
    d = intake(world, vn(2027, 3, 1, 17, 30), channel=2)
    assert d.status == S.SUBMITTED and d.due_at is None and d.owner == world.citizen
    d = services.dossier_receive(
        dossier=d, actor=world.counter, at=vn(2027, 3, 1, 17, 45), trusted=True
    )
    assert d.clock_started_at == vn(2027, 3, 2, 7, 0)
    assert d.due_at == vn(2027, 3, 8, 17, 0)  # 5 whole working days from Tue 07:00: Mon 17:00


def test_full_path_with_supplement_pause_and_handover_results(world):
    d = intake(world, vn(2027, 3, 1, 9, 0))  # Mon; due Mon 8 Mar 09:00
    assert d.due_at == vn(2027, 3, 8, 9, 0)
    # the specialist asks for everything missing at once on Tue 10:00
    d = services.dossier_request_supplement(
        dossier=d,
        actor=world.specialist,
        missing=["Bản sao CCCD", "Ảnh 4x6"],
        at=vn(2027, 3, 2, 10, 0),
        trusted=True,
    )
    assert d.status == S.SUPPLEMENT_REQUESTED and d.paused_since == vn(2027, 3, 2, 10, 0)
    assert d.supplement_count == 1
    # the applicant answers on Thu 10:00: two working days paused, added to the due time
    d = services.dossier_supplement(
        dossier=d,
        actor=world.counter,
        components=[ComponentInput(name="Bản sao CCCD", file=SimpleUploadedFile("cccd.pdf", PDF))],
        at=vn(2027, 3, 4, 10, 0),
        trusted=True,
    )
    assert d.status == S.RECEIVED
    assert d.paused_minutes == 16 * 60 and d.paused_since is None
    assert d.due_at == vn(2027, 3, 10, 9, 0)
    assert d.components.filter(kind="supplement").count() == 1
    # forward, approve, complete, deliver
    d = services.dossier_forward(
        dossier=d, actor=world.specialist, at=vn(2027, 3, 5, 9, 0), trusted=True
    )
    assert d.status == S.IN_PROGRESS
    d = services.dossier_approve(
        dossier=d, actor=world.leader, at=vn(2027, 3, 5, 14, 0), trusted=True
    )
    d = services.dossier_complete(
        dossier=d, actor=world.leader, result_number="12/GP", at=vn(2027, 3, 8, 8, 0), trusted=True
    )
    assert d.status == S.RESULT_READY and d.ended_at == vn(2027, 3, 8, 8, 0)
    d = services.dossier_deliver(
        dossier=d, actor=world.counter, method="desk", at=vn(2027, 3, 8, 9, 0), trusted=True
    )
    assert d.status == S.DELIVERED and d.delivered_at == vn(2027, 3, 8, 9, 0)
    steps = list(d.steps.order_by("order"))
    assert [s.result for s in steps if s.ended_at] and all(s.ended_at for s in steps)
    assert {s.organisation for s in steps} >= {world.desk, world.dept}
    actions = list(d.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "receive",
        "request_supplement",
        "supplement",
        "forward",
        "approve",
        "complete",
        "deliver",
    ]


def test_extension_keeps_the_statutory_due_time(world):
    d = intake(world, vn(2027, 3, 1, 9, 0))
    d = services.dossier_extend(
        dossier=d,
        actor=world.leader,
        reason="Cần xác minh thêm",
        new_appointment_at=vn(2027, 3, 12, 9, 0),
        at=vn(2027, 3, 5, 9, 0),
        trusted=True,
    )
    assert d.appointment_at == vn(2027, 3, 12, 9, 0)
    assert d.due_at == vn(2027, 3, 8, 9, 0)
    assert d.extension_count == 1
    with pytest.raises(ValidationFailed):
        services.dossier_extend(
            dossier=d, actor=world.leader, reason="x", new_appointment_at=vn(2027, 3, 2, 9, 0)
        )


def test_payment_pauses_the_clock(world):
    d = intake(world, vn(2027, 3, 1, 9, 0))
    d = services.dossier_request_payment(
        dossier=d, actor=world.specialist, amount=50000, at=vn(2027, 3, 1, 13, 30), trusted=True
    )
    assert d.status == S.AWAITING_PAYMENT
    d = services.dossier_confirm_payment(
        dossier=d, actor=world.counter, online=True, at=vn(2027, 3, 2, 13, 30), trusted=True
    )
    assert d.status == S.RECEIVED and d.fee_paid_online
    assert d.due_at == vn(2027, 3, 9, 9, 0)  # one working day paused


@pytest.mark.parametrize(
    ("call", "kwargs", "status", "reason"),
    [
        ("dossier_refuse", {"reason": " Sai thẩm quyền "}, S.REFUSED, "Sai thẩm quyền"),
        ("dossier_stop", {"reason": "Theo đề nghị"}, S.STOPPED, "Theo đề nghị"),
        ("dossier_withdraw", {"reason": "Nộp nhầm"}, S.WITHDRAWN, "Nộp nhầm"),
        ("dossier_withdraw", {}, S.WITHDRAWN, ""),
    ],
)
def test_end_statuses_record_reason_and_end_time(world, call, kwargs, status, reason):
    # given an online dossier (received first for a stop)
    d = intake(world, vn(2027, 3, 1, 9, 0), channel=2)
    actor = {
        "dossier_refuse": world.counter,
        "dossier_stop": world.leader,
        "dossier_withdraw": world.citizen,
    }[call]
    if call == "dossier_stop":
        d = services.dossier_receive(
            dossier=d, actor=world.counter, at=vn(2027, 3, 1, 10, 0), trusted=True
        )
    # when it ends
    d = getattr(services, call)(
        dossier=d, actor=actor, at=vn(2027, 3, 2, 9, 0), trusted=True, **kwargs
    )
    # then the exact status, the reason and the end time are recorded, on the row and its event
    d.refresh_from_db()
    assert d.status == status
    assert d.end_reason == reason
    assert d.ended_at == vn(2027, 3, 2, 9, 0)
    event = d.events.get(action=call.removeprefix("dossier_"))
    assert event.to_status == status and event.at == vn(2027, 3, 2, 9, 0)


ACTION_CALLS = {
    "receive": lambda w, d: services.dossier_receive(dossier=d, actor=w.counter),
    "refuse": lambda w, d: services.dossier_refuse(dossier=d, actor=w.counter, reason="x"),
    "request_supplement": lambda w, d: services.dossier_request_supplement(
        dossier=d, actor=w.admin, missing=["x"]
    ),
    "supplement": lambda w, d: services.dossier_supplement(dossier=d, actor=w.counter, note="x"),
    "forward": lambda w, d: services.dossier_forward(dossier=d, actor=w.admin),
    "approve": lambda w, d: services.dossier_approve(dossier=d, actor=w.admin),
    "request_payment": lambda w, d: services.dossier_request_payment(dossier=d, actor=w.admin),
    "confirm_payment": lambda w, d: services.dossier_confirm_payment(dossier=d, actor=w.admin),
    "complete": lambda w, d: services.dossier_complete(dossier=d, actor=w.admin, result_number="1"),
    "deliver": lambda w, d: services.dossier_deliver(dossier=d, actor=w.admin),
    "extend": lambda w, d: services.dossier_extend(
        dossier=d, actor=w.admin, reason="x", new_appointment_at=vn(2030, 1, 1, 9, 0)
    ),
    "stop": lambda w, d: services.dossier_stop(dossier=d, actor=w.admin, reason="x"),
    "withdraw": lambda w, d: services.dossier_withdraw(dossier=d, actor=w.admin),
}


FORBIDDEN = [
    (status, action)
    for status in S.values
    for action in ACTION_CALLS
    if not transitions.allowed(status, action)
]


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_every_forbidden_transition_fails_and_changes_nothing(world, status, action):
    d = intake(world, vn(2027, 3, 1, 9, 0))
    Dossier.objects.filter(pk=d.pk).update(status=status)
    d.refresh_from_db()
    events_before = d.events.count()
    with pytest.raises(transitions.TransitionNotAllowed) as err:
        ACTION_CALLS[action](world, d)
    assert err.value.http_status == 409 and err.value.extra["status"] == status
    d.refresh_from_db()
    assert d.status == status and d.events.count() == events_before


@pytest.mark.parametrize("who", ["outsider", "citizen", "specialist"])
def test_unauthorised_actor_cannot_receive(world, who):
    d = intake(world, vn(2027, 3, 1, 9, 0), channel=2)
    with pytest.raises(PermissionDenied):
        services.dossier_receive(dossier=d, actor=getattr(world, who))
    d.refresh_from_db()
    assert d.status == S.SUBMITTED


def test_outsider_cannot_approve_and_specialist_is_not_a_leader(world):
    d = intake(world, vn(2027, 3, 1, 9, 0))
    for actor in (world.outsider, world.specialist):
        with pytest.raises(PermissionDenied):
            services.dossier_approve(dossier=d, actor=actor)


def test_daily_sequence_per_unit(world):
    codes = [intake(world, vn(2027, 3, 1, 9, i)).code for i in range(3)]
    assert codes == [f"000.00.15.H12-270301-000{i}" for i in (1, 2, 3)]
    assert intake(world, vn(2027, 3, 2, 9, 0)).code == "000.00.15.H12-270302-0001"


def test_rejected_upload_saves_nothing(world):
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(ValidationFailed) as err:
        intake(world, vn(2027, 3, 1, 9, 0), components=[ComponentInput(name="Đơn", file=bad)])
    assert err.value.code == "file_type_not_allowed"
    assert "components.0.file" in err.value.fields
    assert not Dossier.objects.exists() and not Applicant.objects.exists()
    assert not DossierComponent.objects.exists() and not DossierEvent.objects.exists()


def test_too_large_upload_is_refused(world, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    with pytest.raises(ValidationFailed) as err:
        intake(world, vn(2027, 3, 1, 9, 0), components=[ComponentInput(name="Đơn", file=big)])
    assert err.value.code == "file_too_large"
    assert not Dossier.objects.exists()


def test_returning_applicant_is_reused_by_id_number(world):
    a = intake(world, vn(2027, 3, 1, 9, 0)).applicant
    b = intake(world, vn(2027, 3, 1, 10, 0)).applicant
    assert a.pk == b.pk


def test_explicit_time_is_only_for_provincial_admins_through_the_api(world):
    from motcua.core.audit import audit_context

    for interface in ("api", "web", "cli", "system"):
        with audit_context(interface=interface), pytest.raises(PermissionDenied):
            services.dossier_create(
                actor=world.counter,
                procedure_code="9.000001",
                channel=1,
                receiving_unit=world.desk,
                applicant=ApplicantInput(full_name="Lê Văn Cũ", id_number="001"),
                at=vn(2026, 11, 2, 9, 0),
            )
    with audit_context(actor=world.admin, interface="api"):
        d = services.dossier_create(
            actor=world.admin,
            procedure_code="9.000001",
            channel=1,
            receiving_unit=world.desk,
            applicant=ApplicantInput(full_name="Lê Văn Cũ", id_number="001"),
            at=vn(2026, 11, 2, 9, 0),  # in the past (explicit times in the future are refused)
        )
    assert d.received_at == vn(2026, 11, 2, 9, 0)
    assert d.events.filter(explicit_time=True).count() == 2
    assert AuditRecord.objects.filter(
        action="dossier_receive", note__contains="explicit time"
    ).exists()


def test_notifications_are_sent_after_commit_and_recorded(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    from motcua.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        d = intake(world, vn(2027, 3, 1, 9, 0))
    assert len(mailoutbox) == 1 and d.code in mailoutbox[0].subject
    note = Notification.objects.get(dossier=d, kind="received")
    assert note.state == "sent" and note.attempts == 1


def test_failed_send_is_retried_and_never_undoes_the_transition(
    world, django_capture_on_commit_callbacks, settings
):
    from motcua.notifications.models import Notification
    from motcua.notifications.services import notification_send

    settings.EMAIL_BACKEND = "motcua.notifications.tests.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        d = intake(world, vn(2027, 3, 1, 9, 0))
    d.refresh_from_db()
    assert d.status == S.RECEIVED
    note = Notification.objects.get(dossier=d, kind="received")
    assert note.state == "retrying" and note.attempts == 1 and "SMTP down" in note.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    note = notification_send(notification_id=note.pk)
    assert note.state == "sent" and note.attempts == 2
