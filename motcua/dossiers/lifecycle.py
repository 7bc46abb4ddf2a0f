"""The dossier lifecycle as pure functions (DOMAIN §3–§4): no ORM, no I/O, no clock.

Every function takes the dossier's plain state (`DossierState`, frozen) and what it needs to
know (the time of the event `at`, the working calendar `cal` of the receiving unit, a time
limit) and returns the new state; nothing is read or written. The new status always comes from
the transition table (`transitions.target`), which also refuses an action the table does not
allow from the current status (TransitionNotAllowed). The services (dossiers/services.py) load
the state from the dossier row, call these and save what changed; the history generator calls
the same functions for its simulated dossiers.

The functions (their names are stable: other modules call them):

- `state_of(obj) -> DossierState`: the state read from any object with the fields' names (a
  Dossier, a simulated dossier); `step_due_at` is passed separately (the open step's due time).
- `receive(state, *, at, cal, cutoff=None, limit=None) -> DossierState`: received at `at`;
  starts the clock (`clock_started_at`, after the cut-off time of day: next working day) and
  sets the statutory due time and the appointment from `limit` = (amount, unit), or none.
- `pause(state, action, *, at) -> DossierState`: request_supplement / request_payment; the
  status before the pause is kept, the clock stops at `at` if it was running.
- `resume(state, action, *, at, cal) -> tuple[DossierState, int]`: supplement /
  confirm_payment; back to the status before the pause; the paused working time is added to the
  due time, the appointment and the open step's due time. Returns the paused working minutes.
- `close_pause(state, *, at, cal) -> tuple[DossierState, int]`: the part of `resume` that ends
  the pause (status unchanged); no pause open → the state unchanged and 0.
- `end(state, action, *, at, cal) -> tuple[DossierState, int]`: refuse / complete / stop /
  withdraw; a pause still open is closed first (so the end is classified against the due time
  after pauses); `ended_at` = `at`. Returns the paused working minutes closed then.
- `deliver(state, *, at) -> DossierState`: the result handed over (`at` is recorded by the
  caller as `delivered_at`; the state keeps only the status).
- `extend(state, *, new_appointment_at) -> DossierState`: a new appointment (form 04); the
  statutory due time stays; the status is the table's (the same).
- `advance(state, action) -> DossierState`: forward / approve (the dossier moves on in its
  internal process); the status is the table's (in processing).
- `step_due(cal, start, budget_minutes) -> datetime`: the due time of a step opened at `start`
  with a budget in working minutes (0: due at once).
- `step_result(due, ended) -> str`: a step's result (StepResult): late by the minute, early or
  on time by calendar date.
- `classify(ended, due) -> str`: a dossier's result (StepResult) by calendar date in Vietnam
  time (rules.classify).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

from motcua.calendar import deadlines as dl
from motcua.dossiers import transitions
from motcua.dossiers.enums import Action, StepResult
from motcua.dossiers.rules import classify

__all__ = [
    "FIELDS",
    "DossierState",
    "advance",
    "classify",
    "close_pause",
    "deliver",
    "end",
    "extend",
    "pause",
    "receive",
    "resume",
    "state_of",
    "step_due",
    "step_result",
]


@dataclass(frozen=True)
class DossierState:
    """What the lifecycle reads and changes of a dossier. `step_due_at` is the due time of the
    dossier's open step (None when no step is open): a pause moves it with the due time."""

    status: str
    status_before_pause: str = ""
    received_at: dt.datetime | None = None
    clock_started_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    appointment_at: dt.datetime | None = None
    paused_since: dt.datetime | None = None
    paused_minutes: int = 0
    ended_at: dt.datetime | None = None
    step_due_at: dt.datetime | None = None


# The dossier fields the state mirrors (all but step_due_at, which lives on the step).
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DossierState) if f.name != "step_due_at")


def state_of(obj: Any, *, step_due_at: dt.datetime | None = None) -> DossierState:
    """The state read from `obj`'s attributes of the same names (no query is made)."""
    return DossierState(**{name: getattr(obj, name) for name in FIELDS}, step_due_at=step_due_at)


def receive(
    state: DossierState,
    *,
    at: dt.datetime,
    cal: dl.WorkCalendar,
    cutoff: dt.time | None = None,
    limit: tuple[int, str] | None = None,
) -> DossierState:
    status = transitions.target(state.status, Action.RECEIVE)
    start = dl.clock_start(cal, at, cutoff)
    due = dl.due_at(cal, start, limit[0], limit[1]) if limit is not None else None
    return replace(
        state,
        status=status,
        received_at=at,
        clock_started_at=start,
        due_at=due,
        appointment_at=due,
    )


def pause(state: DossierState, action: str, *, at: dt.datetime) -> DossierState:
    status = transitions.target(state.status, action)
    return replace(
        state,
        status=status,
        status_before_pause=state.status,
        paused_since=at if state.clock_started_at is not None else state.paused_since,
    )


def close_pause(
    state: DossierState, *, at: dt.datetime, cal: dl.WorkCalendar
) -> tuple[DossierState, int]:
    if state.paused_since is None:
        return state, 0
    if state.due_at is None:
        return replace(state, paused_since=None), 0
    paused = dl.working_time_between(cal, state.paused_since, max(at, state.paused_since))
    minutes = int(paused.total_seconds() // 60)
    return (
        replace(
            state,
            due_at=dl.extend_due(cal, state.due_at, paused),
            appointment_at=(
                dl.extend_due(cal, state.appointment_at, paused)
                if state.appointment_at is not None
                else None
            ),
            step_due_at=(
                dl.extend_due(cal, state.step_due_at, paused)
                if state.step_due_at is not None
                else None
            ),
            paused_minutes=state.paused_minutes + minutes,
            paused_since=None,
        ),
        minutes,
    )


def resume(
    state: DossierState, action: str, *, at: dt.datetime, cal: dl.WorkCalendar
) -> tuple[DossierState, int]:
    status = transitions.target(state.status, action, before_pause=state.status_before_pause)
    closed, minutes = close_pause(state, at=at, cal=cal)
    return replace(closed, status=status, status_before_pause=""), minutes


def end(
    state: DossierState, action: str, *, at: dt.datetime, cal: dl.WorkCalendar
) -> tuple[DossierState, int]:
    status = transitions.target(state.status, action)
    closed, minutes = close_pause(state, at=at, cal=cal)
    return (
        replace(closed, status=status, status_before_pause="", ended_at=at, paused_since=None),
        minutes,
    )


def deliver(state: DossierState, *, at: dt.datetime) -> DossierState:
    del at  # recorded by the caller (delivered_at); kept for a uniform signature
    return replace(state, status=transitions.target(state.status, Action.DELIVER))


def extend(state: DossierState, *, new_appointment_at: dt.datetime) -> DossierState:
    status = transitions.target(state.status, Action.EXTEND)
    return replace(state, status=status, appointment_at=new_appointment_at)


def advance(state: DossierState, action: str) -> DossierState:
    return replace(state, status=transitions.target(state.status, action))


def step_due(cal: dl.WorkCalendar, start: dt.datetime, budget_minutes: int) -> dt.datetime:
    if not budget_minutes:
        return start
    return dl.extend_due(cal, start, dt.timedelta(minutes=budget_minutes))


def step_result(due: dt.datetime, ended: dt.datetime) -> str:
    """A step's budget is in working hours, so lateness is by the minute; early is by date."""
    if ended > due:
        return StepResult.LATE
    return classify(ended, due)
