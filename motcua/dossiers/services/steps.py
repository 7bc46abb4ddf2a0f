"""The internal process (DOMAIN §2): steps opened and closed, where a dossier stands, and the
actions that move it on (forward, approve).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.enums import Role
from motcua.core.errors import ValidationFailed
from motcua.dossiers import lifecycle, transitions
from motcua.dossiers.enums import (
    Action,
)
from motcua.dossiers.models import Dossier, StepRecord
from motcua.dossiers.services.shell import (
    Actor,
    _begin,
    _calendar,
    _Ctx,
    _event,
    _label,
    _save,
    _state,
    _user,
)
from motcua.organisations.models import Organisation
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.services import process_steps_for


def processing_unit_for(version: ProcedureVersion, receiving_unit: Organisation) -> Organisation:
    implementing = list(version.implementing_organisations.all())
    if receiving_unit in implementing:
        return receiving_unit
    served = list(receiving_unit.desk_serves.all())
    for org in served:
        if org in implementing:
            return org
    if len(implementing) == 1:
        return implementing[0]
    if served:
        return served[0]
    return receiving_unit


def _step_unit(dossier: Dossier, spec: Any) -> Organisation:
    if getattr(spec, "organisation", None) is not None:
        unit: Organisation = spec.organisation
        return unit
    if spec.role == Role.COUNTER_OFFICER:
        return dossier.receiving_unit
    return dossier.processing_unit


def _process(dossier: Dossier) -> list[Any]:
    """The internal process, computed once per dossier object (one service call)."""
    specs: list[Any] | None = getattr(dossier, "_process_specs", None)
    if specs is None:
        prefetch_related_objects([dossier.procedure_version], "time_limits", "process_steps")
        specs = list(process_steps_for(dossier.procedure_version, dossier.case))
        dossier._process_specs = specs  # type: ignore[attr-defined]
    return specs


def _open_step(
    dossier: Dossier,
    index: int,
    ctx: _Ctx,
    unit: Organisation | None = None,
    order: int | None = None,
) -> StepRecord | None:
    specs = _process(dossier)
    if index >= len(specs):
        return None
    spec = specs[index]
    minutes = round(float(spec.budget_hours) * 60)
    start = ctx.at
    due = lifecycle.step_due(_calendar(dossier), start, minutes)
    with translation.override(settings.LANGUAGE_CODE):  # stored once, in the official language
        name = str(spec.name)
    step = StepRecord.objects.create(
        dossier=dossier,
        order=order or index + 1,
        name=name,
        organisation=unit or _step_unit(dossier, spec),
        role=str(spec.role),
        budget_minutes=minutes,
        started_at=start,
        due_at=due,
    )
    dossier.current_step = step
    dossier.current_unit = step.organisation
    return step


def _step_result(step: StepRecord, ended: dt.datetime) -> str:
    """lifecycle.step_result of `step` (kept for the history generator, which calls it)."""
    return lifecycle.step_result(step.due_at, ended)


def _close_step(dossier: Dossier, ctx: _Ctx, note: str = "") -> StepRecord | None:
    step = dossier.current_step
    if step is None or step.ended_at is not None:
        return None
    step.ended_at = ctx.at
    step.handled_by = _user(ctx.actor)
    step.result = _step_result(step, ctx.at)
    step.note = note
    step.save(update_fields=["ended_at", "handled_by", "result", "note"])
    return step


def _current_index(dossier: Dossier) -> int:
    """0-based index of the process step the dossier is at."""
    return (dossier.current_step.order - 1) if dossier.current_step else 0


def dossier_position(dossier: Dossier) -> transitions.StepPosition:
    """Where `dossier` stands in its internal process (what approve, forward and complete
    depend on). Reads the process definition and the current step (a read, no write)."""
    specs = _process(dossier)
    step = dossier.current_step
    return transitions.position_in(
        [str(spec.role) for spec in specs],
        _current_index(dossier),
        current_role=step.role if step is not None else None,
        current_open=step is not None and step.ended_at is None,
    )


def _is_return_step(specs: list[Any], index: int) -> bool:
    """The last step at the desk, which opens only once the result is ready (complete)."""
    return transitions.is_return_step([str(spec.role) for spec in specs], index)


def _open_step_outside_process(
    dossier: Dossier,
    ctx: _Ctx,
    unit: Organisation,
    *,
    order: int,
    name: str,
    role: str,
    due_at: dt.datetime,
    budget_minutes: int = 0,
) -> StepRecord:
    """A step the process definition does not give (`_open_step` opens those): the dossier is
    now at it, at `unit`."""
    step = StepRecord.objects.create(
        dossier=dossier,
        order=order,
        name=name,
        organisation=unit,
        role=role,
        budget_minutes=budget_minutes,
        started_at=ctx.at,
        due_at=due_at,
    )
    dossier.current_step = step
    dossier.current_unit = unit
    return step


def _advance(
    dossier: Dossier,
    ctx: _Ctx,
    action: str,
    *,
    note: str,
    to_unit: Organisation | None = None,
) -> Dossier:
    """Close the current step and open the next working step (at `to_unit` when given). With
    no next working step: forwarded to another organisation, an extra step opens there; else
    (approved at the last working step) the dossier stays at the closed step with the
    processing unit until the result is issued (complete), which opens the return step."""
    before = dossier.status
    from_unit = dossier.current_unit
    index = _current_index(dossier)
    specs = _process(dossier)
    handed_over = dossier.current_step
    _close_step(dossier, ctx, note)
    following = index + 1
    if (
        action == Action.FORWARD
        and to_unit is not None
        and handed_over is not None
        and handed_over.role == transitions.APPROVING_ROLE
    ):
        # An approval step handed over to another organisation: the same step, there (its
        # leader approves, or sends it on or back); the step's due time does not move.
        _open_step_outside_process(
            dossier,
            ctx,
            to_unit,
            order=handed_over.order,
            name=handed_over.name,
            role=handed_over.role,
            due_at=handed_over.due_at,
            budget_minutes=handed_over.budget_minutes,
        )
    elif following < len(specs) and not _is_return_step(specs, following):
        _open_step(dossier, following, ctx, unit=to_unit)
    elif to_unit is not None:
        # Past the defined process: forwarded to another agency at the last working step. Such
        # steps are numbered after the process's own (the return step opens after them).
        _open_step_outside_process(
            dossier,
            ctx,
            to_unit,
            order=max(index + 2, len(specs) + 1),
            name=_label(Action(action).label),
            role=Role.SPECIALIST,
            due_at=dossier.due_at or ctx.at,
        )
    dossier.status = lifecycle.advance(_state(dossier), action).status
    _save(dossier, "status", "current_step", "current_unit")
    _event(
        dossier,
        action,
        ctx,
        from_status=before,
        note=note,
        from_unit=from_unit,
        to_unit=dossier.current_unit,
    )
    return dossier


@transaction.atomic
def dossier_forward(
    *,
    dossier: Dossier,
    actor: Actor,
    to_unit: Organisation | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """Hand the dossier on to the next working step of its internal process (at `to_unit` when
    given), or to another organisation after the last working step. Never past an approval
    step that has not been approved, and never once approved (then the result is issued). At
    an approval step its leader may hand that same step to another organisation (a dossier
    sent to the wrong agency goes back, or on, without skipping the approval). With an
    explicit time (the migration of a previous system's history) the step rules are not
    applied: that history happened under that system's process."""
    dossier, ctx = _begin(dossier, actor, Action.FORWARD, at=at, trusted=trusted, notify=notify)
    explicit = ctx.explicit
    if to_unit is not None and to_unit.pk == dossier.current_unit_id:
        to_unit = None  # "forward to the unit it is at" is forwarding to the next step
    if not explicit:
        position = dossier_position(dossier)
        transitions.check_step(
            dossier.status, Action.FORWARD, position, other_unit=to_unit is not None
        )
    if to_unit is not None and not to_unit.is_active_on(timezone.localdate()):
        raise ValidationFailed(
            _("%(unit)s no longer exists.") % {"unit": to_unit.name},
            fields={"to_unit": _("inactive")},
        )
    return _advance(dossier, ctx, Action.FORWARD, note=note, to_unit=to_unit)


@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier,
    actor: Actor,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """The leader's approval, once per approval step of the internal process."""
    dossier, ctx = _begin(dossier, actor, Action.APPROVE, at=at, trusted=trusted, notify=notify)
    explicit = ctx.explicit
    if not explicit:
        transitions.check_step(dossier.status, Action.APPROVE, dossier_position(dossier))
    return _advance(dossier, ctx, Action.APPROVE, note=note)
