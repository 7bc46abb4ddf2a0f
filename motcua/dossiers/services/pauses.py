"""Clock pauses and the appointment: a supplement request and its answer, fees requested and
paid (DOMAIN §4), an extension (form 04).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.dossiers import lifecycle
from motcua.dossiers.enums import (
    Action,
    ComponentKind,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.intake import _add_components, _check_components
from motcua.dossiers.services.shell import (
    Actor,
    ComponentInput,
    _apply,
    _begin,
    _calendar,
    _Ctx,
    _event,
    _notify,
    _require_reason,
    _save,
    _state,
)

# What `_pause` and `_resume` change, for the services' update_fields.
PAUSE_FIELDS = ("status", "status_before_pause", "paused_since")
RESUME_FIELDS = (*PAUSE_FIELDS, "paused_minutes", "due_at", "appointment_at")


def _pause(dossier: Dossier, action: str, ctx: _Ctx) -> None:
    _apply(dossier, lifecycle.pause(_state(dossier), action, at=ctx.at))


def _resume(dossier: Dossier, action: str, ctx: _Ctx) -> int:
    """Resume the clock and go back to the status before the pause (lifecycle.resume): the
    paused working time is added to the due times (DOMAIN §4). Returns the minutes."""
    state, minutes = lifecycle.resume(_state(dossier), action, at=ctx.at, cal=_calendar(dossier))
    _apply(dossier, state)
    return minutes


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: Actor,
    missing: list[str],
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(
        dossier, actor, Action.REQUEST_SUPPLEMENT, at=at, trusted=trusted, notify=notify
    )
    missing = [m.strip() for m in missing if m and m.strip()]
    if not missing:
        raise ValidationFailed(
            _("List everything that is missing, all at once."), fields={"missing": _("required")}
        )
    before = dossier.status
    _pause(dossier, Action.REQUEST_SUPPLEMENT, ctx)
    dossier.supplement_count += 1
    _save(dossier, *PAUSE_FIELDS, "supplement_count")
    event = _event(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        ctx,
        from_status=before,
        note=note,
        data={"missing": missing, "request_number": dossier.supplement_count},
    )
    _notify(dossier, "supplement_requested", event, ctx)
    return dossier


@transaction.atomic
def dossier_supplement(
    *,
    dossier: Dossier,
    actor: Actor,
    components: Sequence[ComponentInput] = (),
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """The applicant's answer: resumes the clock, extends the due time by the paused time."""
    dossier, ctx = _begin(dossier, actor, Action.SUPPLEMENT, at=at, trusted=trusted, notify=notify)
    if not components and not note.strip():
        raise ValidationFailed(
            _("Attach the missing papers or describe what you are supplying."),
            fields={"components": _("required")},
        )
    checked = _check_components(components)
    before = dossier.status
    minutes = _resume(dossier, Action.SUPPLEMENT, ctx)
    _save(dossier, *RESUME_FIELDS)
    event = _event(
        dossier,
        Action.SUPPLEMENT,
        ctx,
        from_status=before,
        note=note,
        data={
            "paused_minutes": minutes,
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        },
    )
    _add_components(dossier, components, checked, kind=ComponentKind.SUPPLEMENT, event=event)
    return dossier


@transaction.atomic
def dossier_request_payment(
    *,
    dossier: Dossier,
    actor: Actor,
    amount: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(
        dossier, actor, Action.REQUEST_PAYMENT, at=at, trusted=trusted, notify=notify
    )
    if amount is not None:
        if amount < 0:
            raise ValidationFailed(
                _("The amount cannot be negative."), fields={"amount": str(amount)}
            )
        dossier.fee_amount = amount
    before = dossier.status
    _pause(dossier, Action.REQUEST_PAYMENT, ctx)
    _save(dossier, *PAUSE_FIELDS, "fee_amount")
    event = _event(
        dossier,
        Action.REQUEST_PAYMENT,
        ctx,
        from_status=before,
        note=note,
        data={"amount": dossier.fee_amount},
    )
    _notify(dossier, "payment_requested", event, ctx)
    return dossier


@transaction.atomic
def dossier_confirm_payment(
    *,
    dossier: Dossier,
    actor: Actor,
    online: bool = False,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(
        dossier, actor, Action.CONFIRM_PAYMENT, at=at, trusted=trusted, notify=notify
    )
    when = ctx.at
    before = dossier.status
    minutes = _resume(dossier, Action.CONFIRM_PAYMENT, ctx)
    dossier.fee_paid_at = when
    dossier.fee_paid_online = online
    _save(dossier, *RESUME_FIELDS, "fee_paid_at", "fee_paid_online")
    _event(
        dossier,
        Action.CONFIRM_PAYMENT,
        ctx,
        from_status=before,
        note=note,
        data={"paused_minutes": minutes, "online": online},
    )
    return dossier


@transaction.atomic
def dossier_extend(
    *,
    dossier: Dossier,
    actor: Actor,
    reason: str,
    new_appointment_at: dt.datetime,
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """Apology and new appointment (form 04); the statutory due time stays on record."""
    dossier, ctx = _begin(dossier, actor, Action.EXTEND, at=at, trusted=trusted, notify=notify)
    reason = _require_reason(reason)
    if new_appointment_at is None or timezone.is_naive(new_appointment_at):
        raise ValidationFailed(
            _("Give the new appointment time with its UTC offset."),
            fields={"new_appointment_at": _("required")},
        )
    current = dossier.appointment_at or dossier.due_at
    if current is not None and new_appointment_at <= current:
        raise ValidationFailed(
            _("The new appointment must be later than the current one (%(current)s).")
            % {"current": timezone.localtime(current).strftime("%d/%m/%Y %H:%M")},
            fields={"new_appointment_at": _("not later than the current appointment")},
        )
    old = dossier.appointment_at
    _apply(dossier, lifecycle.extend(_state(dossier), new_appointment_at=new_appointment_at))
    dossier.extension_count += 1
    _save(dossier, "appointment_at", "extension_count")
    event = _event(
        dossier,
        Action.EXTEND,
        ctx,
        from_status=dossier.status,
        note=reason,
        data={
            "reason": reason,
            "old_appointment_at": old.isoformat() if old else None,
            "new_appointment_at": new_appointment_at.isoformat(),
        },
    )
    _notify(dossier, "extended", event, ctx)
    return dossier
