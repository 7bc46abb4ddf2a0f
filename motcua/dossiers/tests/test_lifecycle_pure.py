"""The pure lifecycle (dossiers/lifecycle.py): no database; and the transition table's target
column is what decides every new status (a scrambled target fails here and in the services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from motcua.calendar.deadlines import WorkCalendar
from motcua.dossiers import lifecycle, services, transitions
from motcua.dossiers.enums import Action, StepResult
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn

CAL = WorkCalendar()  # Mon–Fri, 07:00–11:30 and 13:30–17:00


def received() -> lifecycle.DossierState:
    return lifecycle.receive(
        lifecycle.DossierState(status=S.SUBMITTED),
        at=vn(2027, 3, 1, 9, 0),  # Monday
        cal=CAL,
        limit=(5, "working_days"),
    )


def test_receive_starts_the_clock_and_sets_the_due_time():
    state = received()
    assert state.status == S.RECEIVED
    assert state.clock_started_at == vn(2027, 3, 1, 9, 0)
    assert state.due_at == state.appointment_at == vn(2027, 3, 8, 9, 0)


def test_receive_after_the_cutoff_starts_the_next_working_day():
    state = lifecycle.receive(
        lifecycle.DossierState(status=S.SUBMITTED),
        at=vn(2027, 3, 5, 16, 0),  # Friday after a 15:00 cut-off
        cal=CAL,
        cutoff=dt.time(15, 0),
        limit=None,
    )
    assert state.clock_started_at == vn(2027, 3, 8, 7, 0) and state.due_at is None


def test_pause_and_resume_add_the_paused_working_time_to_every_due_time():
    # given a received dossier with an open step due Wed 14:00
    state = replace(received(), step_due_at=vn(2027, 3, 3, 14, 0))
    # when the specialist asks for a supplement on Tue 10:00, answered on Thu 10:00
    paused = lifecycle.pause(state, Action.REQUEST_SUPPLEMENT, at=vn(2027, 3, 2, 10, 0))
    resumed, minutes = lifecycle.resume(
        paused, Action.SUPPLEMENT, at=vn(2027, 3, 4, 10, 0), cal=CAL
    )
    # then
    assert paused.status == S.SUPPLEMENT_REQUESTED and paused.status_before_pause == S.RECEIVED
    assert minutes == 16 * 60
    assert resumed.status == S.RECEIVED and resumed.status_before_pause == ""
    assert resumed.paused_since is None and resumed.paused_minutes == 16 * 60
    assert resumed.due_at == resumed.appointment_at == vn(2027, 3, 10, 9, 0)
    assert resumed.step_due_at == vn(2027, 3, 5, 14, 0)
    assert state.status == S.RECEIVED  # the input is never changed


def test_end_while_paused_closes_the_pause_first():
    paused = lifecycle.pause(received(), Action.REQUEST_PAYMENT, at=vn(2027, 3, 2, 10, 0))
    ended, minutes = lifecycle.end(paused, Action.STOP, at=vn(2027, 3, 3, 10, 0), cal=CAL)
    assert ended.status == S.STOPPED and ended.ended_at == vn(2027, 3, 3, 10, 0)
    assert minutes == 8 * 60 and ended.paused_since is None and ended.status_before_pause == ""
    assert ended.due_at == vn(2027, 3, 9, 9, 0)


def test_extend_keeps_the_status_and_the_statutory_due_time():
    state = lifecycle.extend(received(), new_appointment_at=vn(2027, 3, 12, 9, 0))
    assert state.status == S.RECEIVED
    assert state.due_at == vn(2027, 3, 8, 9, 0)
    assert state.appointment_at == vn(2027, 3, 12, 9, 0)


def test_advance_and_deliver_and_step_results():
    state = lifecycle.advance(received(), Action.FORWARD)
    assert state.status == S.IN_PROGRESS
    done, _ = lifecycle.end(state, Action.COMPLETE, at=vn(2027, 3, 5, 9, 0), cal=CAL)
    assert done.status == S.RESULT_READY
    assert lifecycle.deliver(done, at=vn(2027, 3, 5, 10, 0)).status == S.DELIVERED
    assert lifecycle.classify(done.ended_at, done.due_at) == StepResult.EARLY
    due = vn(2027, 3, 5, 9, 0)
    assert lifecycle.step_result(due, vn(2027, 3, 5, 9, 1)) == StepResult.LATE
    assert lifecycle.step_result(due, vn(2027, 3, 5, 8, 0)) == StepResult.ON_TIME
    assert lifecycle.step_due(CAL, vn(2027, 3, 5, 16, 0), 120) == vn(2027, 3, 8, 8, 0)


def test_an_action_the_table_refuses_is_refused():
    with pytest.raises(transitions.TransitionNotAllowed):
        lifecycle.end(received(), Action.REFUSE, at=vn(2027, 3, 2, 9, 0), cal=CAL)


# --- mutation checks: the target column is read ----------------------------------------------


def _scramble(monkeypatch: pytest.MonkeyPatch, action: str, target: str) -> None:
    sources, _ = transitions.TABLE[action]
    monkeypatch.setitem(transitions.TABLE, action, (sources, target))


@pytest.mark.parametrize(
    ("action", "wrong", "run"),
    [
        (
            Action.REQUEST_SUPPLEMENT,
            S.AWAITING_PAYMENT,
            lambda s: lifecycle.pause(s, Action.REQUEST_SUPPLEMENT, at=vn(2027, 3, 2, 9, 0)),
        ),
        (
            Action.STOP,
            S.WITHDRAWN,
            lambda s: lifecycle.end(s, Action.STOP, at=vn(2027, 3, 2, 9, 0), cal=CAL)[0],
        ),
        (Action.FORWARD, S.RESULT_READY, lambda s: lifecycle.advance(s, Action.FORWARD)),
        (
            Action.EXTEND,
            S.STOPPED,
            lambda s: lifecycle.extend(s, new_appointment_at=vn(2027, 3, 12, 9, 0)),
        ),
    ],
)
def test_a_scrambled_target_changes_the_lifecycle(monkeypatch, action, wrong, run):
    right = run(received()).status
    _scramble(monkeypatch, action, wrong)
    assert run(received()).status == wrong != right


def test_a_scrambled_resume_target_changes_the_lifecycle(monkeypatch):
    paused = lifecycle.pause(received(), Action.REQUEST_SUPPLEMENT, at=vn(2027, 3, 2, 9, 0))
    _scramble(monkeypatch, Action.SUPPLEMENT, S.DELIVERED)
    state, _ = lifecycle.resume(paused, Action.SUPPLEMENT, at=vn(2027, 3, 3, 9, 0), cal=CAL)
    assert state.status == S.DELIVERED


@pytest.mark.django_db
def test_a_scrambled_target_changes_what_the_service_saves(world, monkeypatch):
    # given the table says a leader's stop leads to "withdrawn"
    _scramble(monkeypatch, Action.STOP, S.WITHDRAWN)
    d = services.dossier_create(
        actor=world.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=world.desk,
        applicant=ApplicantInput(full_name="Lê Văn Tám", id_number="096188000999"),
    )
    # when
    d = services.dossier_stop(dossier=d, actor=world.leader, reason="Hồ sơ giả mạo")
    # then the service saved what the table says: the column is read, not decorative
    d.refresh_from_db()
    assert d.status == S.WITHDRAWN
    assert d.events.get(action=Action.STOP).to_status == S.WITHDRAWN
