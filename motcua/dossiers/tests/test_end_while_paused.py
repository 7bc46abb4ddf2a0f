"""A dossier stopped or withdrawn while its clock is paused (supplement, fees): the pause is
closed first, as supplement and confirm_payment do, so the end is classified against the due
time after the pause (DOMAIN §4), in the dossier and in the reports."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.enums import StepResult
from motcua.dossiers.models import Dossier
from motcua.dossiers.rules import classify
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn
from motcua.reporting.models import DossierFact, Outcome

pytestmark = pytest.mark.django_db


def intake(w) -> Dossier:
    # Mon 1 Mar 2027 09:00, 5 working days: due Mon 8 Mar 09:00
    return services.dossier_create(
        actor=w.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Nguyễn Thị Hồng Đào", id_number="096188000123"),
        at=vn(2027, 3, 1, 9, 0),
        trusted=True,
    )


def test_withdrawn_while_waiting_for_a_supplement_is_not_late(world):
    # given a supplement requested on Tue 2 Mar 10:00 (1 working hour used)
    d = services.dossier_request_supplement(
        dossier=intake(world),
        actor=world.specialist,
        missing=["Ảnh 4x6"],
        at=vn(2027, 3, 2, 10),
        trusted=True,
    )
    assert d.due_at == vn(2027, 3, 8, 9, 0)
    # when the applicant withdraws on Thu 11 Mar 10:00, still paused (7 working days later)
    d = services.dossier_withdraw(
        dossier=d,
        actor=world.counter,
        reason="Không bổ sung được",
        at=vn(2027, 3, 11, 10),
        trusted=True,
    )
    # then the paused working time is added to the due time, as a supplement would have
    assert d.status == S.WITHDRAWN and d.paused_since is None and d.status_before_pause == ""
    assert d.paused_minutes == 7 * 8 * 60
    assert d.due_at == vn(2027, 3, 17, 9, 0)
    assert d.appointment_at == d.due_at
    assert classify(d.ended_at, d.due_at) == StepResult.EARLY
    event = d.events.get(action="withdraw")
    assert event.data == {"paused_minutes": 7 * 8 * 60}
    # and the reports count it as early, not late
    d.refresh_from_db()
    assert d.due_at == vn(2027, 3, 17, 9, 0)
    assert DossierFact.objects.get(pk=d.pk).outcome == Outcome.EARLY
    # the open step's due time moved too, so the control slip does not call it late
    step = d.steps.order_by("-order").first()
    assert step is not None and step.result != StepResult.LATE


def test_stopped_while_waiting_for_fees_is_classified_after_the_pause(world):
    # given fees requested on Fri 5 Mar 09:00 (due Mon 8 Mar 09:00)
    d = services.dossier_request_payment(
        dossier=intake(world),
        actor=world.specialist,
        amount=50000,
        at=vn(2027, 3, 5, 9),
        trusted=True,
    )
    # when the leader stops it on Tue 9 Mar 09:00 (two working days paused)
    d = services.dossier_stop(
        dossier=d, actor=world.leader, reason="Không nộp phí", at=vn(2027, 3, 9, 9), trusted=True
    )
    # then: due Wed 10 Mar 09:00, stopped on Tue 9 → early (it was "late" before the fix)
    assert d.paused_minutes == 16 * 60
    assert d.due_at == vn(2027, 3, 10, 9, 0)
    assert classify(d.ended_at, d.due_at) == StepResult.EARLY
    assert DossierFact.objects.get(pk=d.pk).outcome == Outcome.EARLY


def test_ending_without_a_pause_changes_no_due_time(world):
    d = services.dossier_stop(
        dossier=intake(world),
        actor=world.leader,
        reason="Theo đề nghị",
        at=vn(2027, 3, 9, 9),
        trusted=True,
    )
    assert d.due_at == vn(2027, 3, 8, 9, 0) and d.paused_minutes == 0
    assert DossierFact.objects.get(pk=d.pk).outcome == Outcome.LATE
    assert d.events.get(action="stop").data == {}
