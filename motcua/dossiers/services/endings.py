"""The end of processing: refused, result issued (complete), delivered, stopped, withdrawn."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.dossiers import lifecycle, transitions
from motcua.dossiers.enums import (
    Action,
    ComponentKind,
    DeliveryMethod,
)
from motcua.dossiers.models import Dossier, DossierEvent
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
from motcua.dossiers.services.steps import (
    _close_step,
    _current_index,
    _is_return_step,
    _open_step,
    _process,
    dossier_position,
)

# What `_end` may change, for the services' update_fields.
END_FIELDS = (
    "status",
    "status_before_pause",
    "ended_at",
    "paused_since",
    "paused_minutes",
    "due_at",
    "appointment_at",
)


def _end(dossier: Dossier, action: str, ctx: _Ctx) -> int:
    """End processing (lifecycle.end). A dossier paused for a supplement or fees has its pause
    closed first, as supplement and confirm_payment do (the paused working time is added to
    the due time), so the end is classified against the due time after pauses. Returns the
    paused minutes."""
    state, minutes = lifecycle.end(_state(dossier), action, at=ctx.at, cal=_calendar(dossier))
    _apply(dossier, state)
    _close_step(dossier, ctx)
    return minutes


def _end_with_reason(dossier: Dossier, action: str, ctx: _Ctx, reason: str) -> DossierEvent:
    """Refuse, stop, withdraw: end processing, keep the reason, record the event (with the
    paused minutes closed by the end, if any)."""
    before = dossier.status
    minutes = _end(dossier, action, ctx)
    dossier.end_reason = reason
    _save(dossier, *END_FIELDS, "end_reason")
    return _event(
        dossier,
        action,
        ctx,
        from_status=before,
        note=reason,
        data={"paused_minutes": minutes} if minutes else None,
    )


@transaction.atomic
def dossier_refuse(
    *,
    dossier: Dossier,
    actor: Actor,
    reason: str,
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(dossier, actor, Action.REFUSE, at=at, trusted=trusted, notify=notify)
    event = _end_with_reason(dossier, Action.REFUSE, ctx, _require_reason(reason))
    _notify(dossier, "refused", event, ctx)
    return dossier


@transaction.atomic
def dossier_complete(
    *,
    dossier: Dossier,
    actor: Actor,
    result_number: str = "",
    result_file: UploadedFile | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """Issue the result. Only at the last working step of the internal process, once the
    leader's approval is given (if the process has an approval step), and only by an official
    holding the role the process assigns to that step."""
    dossier, ctx = _begin(dossier, actor, Action.COMPLETE, at=at, trusted=trusted, notify=notify)
    explicit = ctx.explicit
    if not explicit:
        transitions.check_step(dossier.status, Action.COMPLETE, dossier_position(dossier))
    version = dossier.procedure_version
    if version.has_document_result and not result_number.strip():
        raise ValidationFailed(
            _("Enter the number of the result document."), fields={"result_number": _("required")}
        )
    checked = _check_components([ComponentInput(file=result_file)]) if result_file else []
    before = dossier.status
    index = _current_index(dossier)
    _end(dossier, Action.COMPLETE, ctx)
    dossier.result_number = result_number.strip()
    # The return step (at the desk), if the process has one, opens now (unless the dossier is
    # at it already: a process without working steps between receipt and return).
    specs = _process(dossier)
    last = len(specs) - 1
    if _is_return_step(specs, last) and index != last:
        _open_step(dossier, last, ctx, order=max(last, index + 1) + 1)
    _save(dossier, *END_FIELDS, "result_number", "current_step", "current_unit")
    event = _event(
        dossier,
        Action.COMPLETE,
        ctx,
        from_status=before,
        note=note,
        data={"result_number": dossier.result_number},
    )
    if result_file is not None:
        _add_components(
            dossier,
            [ComponentInput(name=_("Result"), file=result_file)],
            checked,
            kind=ComponentKind.RESULT,
            event=event,
        )
    _notify(dossier, "result_ready", event, ctx)
    return dossier


@transaction.atomic
def dossier_deliver(
    *,
    dossier: Dossier,
    actor: Actor,
    method: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    if method is None:  # the applicant takes it online; an official hands it over at the desk
        owner = getattr(actor, "is_authenticated", False) and dossier.owner_id == actor.pk
        method = DeliveryMethod.ONLINE if owner else DeliveryMethod.DESK
    if method not in DeliveryMethod.values:
        raise ValidationFailed(_("Unknown delivery method."), fields={"method": method})
    dossier, ctx = _begin(
        dossier, actor, Action.DELIVER, at=at, trusted=trusted, notify=notify, method=method
    )
    when = ctx.at
    before = dossier.status
    _close_step(dossier, ctx, note)
    dossier.status = lifecycle.deliver(_state(dossier), at=when).status
    dossier.delivered_at = when
    dossier.delivery_method = method
    _save(dossier, "status", "delivered_at", "delivery_method")
    _event(dossier, Action.DELIVER, ctx, from_status=before, note=note, data={"method": method})
    return dossier


@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier,
    actor: Actor,
    reason: str,
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(dossier, actor, Action.STOP, at=at, trusted=trusted, notify=notify)
    event = _end_with_reason(dossier, Action.STOP, ctx, _require_reason(reason))
    _notify(dossier, "stopped", event, ctx)
    return dossier


@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: Actor,
    reason: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(dossier, actor, Action.WITHDRAW, at=at, trusted=trusted, notify=notify)
    _end_with_reason(dossier, Action.WITHDRAW, ctx, reason.strip())
    return dossier
