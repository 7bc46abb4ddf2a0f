"""The shell every dossier state change goes through: the inputs, the time and trusted-caller
parameters, the lock of the dossier's own row, the policy and transition checks, the event and
audit record, the applicant's notification, the lifecycle state read from and applied to a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendar import deadlines as dl
from motcua.calendar.selectors import calendar_for
from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed
from motcua.dossiers import lifecycle, policies, transitions
from motcua.dossiers.enums import (
    ApplicantKind,
    DossierStatus,
)
from motcua.dossiers.models import Dossier, DossierEvent, StepRecord
from motcua.organisations.models import Organisation

S = DossierStatus
# Who acts: a signed-in user, or nobody (an anonymous request: refused by every rule).
Actor = User | AnonymousUser


OFFICIAL_ROLES = policies.OFFICIAL_ROLES


PUBLIC_KINDS = policies.PUBLIC_KINDS


@dataclass
class ApplicantInput:
    full_name: str
    id_number: str
    kind: str = ApplicantKind.INDIVIDUAL
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class ComponentInput:
    name: str = ""
    paper_code: str = ""
    file: UploadedFile | None = None
    paper_original_seen: bool = False
    is_original: bool = False
    digitised: bool = False
    reused: bool = False


@dataclass
class RepresentativeInput:
    full_name: str
    id_number: str = ""
    authorisation: str = ""


@dataclass
class _Ctx:
    actor: Actor
    at: dt.datetime
    explicit: bool
    notify: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _context(actor: Actor, at: dt.datetime | None, *, trusted: bool, notify: bool) -> _Ctx:
    """The event's time and whether the applicant is told: now and yes, unless the caller
    passes an explicit time `at` or `notify=False`, which the policy allows to trusted callers
    (`trusted=True`: code running inside the system says so) and provincial administrators."""
    if at is not None:
        policies.ensure_can_record_at(actor, at, trusted=trusted)
    if not notify:
        policies.ensure_can_mute(actor, trusted=trusted)
    return _Ctx(actor, at if at is not None else timezone.now(), at is not None, notify=notify)


def _begin(
    dossier: Dossier,
    actor: Actor,
    action: str,
    *,
    at: dt.datetime | None,
    trusted: bool,
    notify: bool,
    method: str = "",
) -> tuple[Dossier, _Ctx]:
    """The first half of every state change: the time (explicit or now), the dossier's own row
    locked, the one permission rule (policies.ensure_can_<action>), the transition table. The
    service then computes the new state with `lifecycle`, saves it and calls `_record`."""
    ctx = _context(actor, at, trusted=trusted, notify=notify)
    dossier = _lock(dossier)
    policies.ensure_can(action, actor, dossier, explicit=ctx.explicit, method=method)
    transitions.check(dossier.status, action)
    return dossier, ctx


def _lock(dossier: Dossier) -> Dossier:
    """The dossier, its own row locked until commit. The procedure version and the units are
    read in the same query but not locked (`of=("self",)`): every other dossier of the unit
    shares those rows, and an action on a sibling dossier must not wait for this one."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "receiving_unit", "processing_unit", "current_unit")
        .get(pk=dossier.pk)
    )


def _user(actor: Actor) -> User | None:
    """The signed-in user acting, or None (recorded as nobody)."""
    return actor if isinstance(actor, User) else None


def _actor_name(actor: Actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor)[:255]
    return ""


def _event(
    dossier: Dossier,
    action: str,
    ctx: _Ctx,
    *,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_unit: Organisation | None = None,
    to_unit: Organisation | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        actor=_user(ctx.actor),
        actor_name=_actor_name(ctx.actor),
        at=ctx.at,
        explicit_time=ctx.explicit,
        from_status=from_status,
        to_status=dossier.status,
        from_unit=from_unit,
        to_unit=to_unit,
        note=note,
        data=data or {},
    )
    audit_record(
        action=f"dossier_{action}",
        obj=dossier,
        actor=ctx.actor,
        changes={"status": [from_status or None, dossier.status], **(data or {})},
        note=(note + (f" [explicit time {ctx.at.isoformat()}]" if ctx.explicit else "")).strip(),
    )
    return event


def _notify(dossier: Dossier, kind: str, event: DossierEvent | None, ctx: _Ctx) -> None:
    """The applicant's messages about `event`, fixed now and sent after commit (not when the
    caller muted them: `notify=False`)."""
    from motcua.dossiers.notify import dossier_notify

    if ctx.notify:
        dossier_notify(dossier=dossier, event=event, kind=kind)


def _label(label: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _calendar(dossier: Dossier) -> dl.WorkCalendar:
    return calendar_for(dossier.receiving_unit)


def _open_step_of(dossier: Dossier) -> StepRecord | None:
    step = dossier.current_step
    return step if step is not None and step.ended_at is None else None


def _state(dossier: Dossier) -> lifecycle.DossierState:
    """The dossier's lifecycle state (with its open step's due time)."""
    step = _open_step_of(dossier)
    return lifecycle.state_of(dossier, step_due_at=step.due_at if step is not None else None)


def _apply(dossier: Dossier, state: lifecycle.DossierState) -> None:
    """Copy a lifecycle state onto the dossier (saved by the caller) and its open step (saved
    here when its due time moved)."""
    for name in lifecycle.FIELDS:
        setattr(dossier, name, getattr(state, name))
    step = _open_step_of(dossier)
    if step is not None and state.step_due_at is not None and state.step_due_at != step.due_at:
        step.due_at = state.step_due_at
        step.save(update_fields=["due_at"])


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


def _require_reason(reason: str, field_name: str = "reason") -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(_("A reason is required."), fields={field_name: _("required")})
    return reason.strip()
