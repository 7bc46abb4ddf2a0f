"""Every change to a dossier goes through here (DOMAIN §3, §4).

Each service locks the dossier, checks permission, checks the transition table, writes, records
a timeline event and an audit record, and defers side effects (notifications) to on_commit.
Every service takes an optional explicit event time `at` (migration of dossiers already open in
a previous system); only provincial administrators may pass one from the web or the API.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts import policies
from motcua.accounts.enums import AccountKind, Role
from motcua.calendar import deadlines as dl
from motcua.calendar.selectors import calendar_for
from motcua.core import validators
from motcua.core.audit import audit_record, current_interface
from motcua.core.audit_models import Interface
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import transitions
from motcua.dossiers.codes import dossier_code_next
from motcua.dossiers.enums import (
    PAUSED_STATUSES,
    Action,
    ApplicantKind,
    Channel,
    ComponentKind,
    DeliveryMethod,
    DossierStatus,
    StepResult,
)
from motcua.dossiers.models import Applicant, Dossier, DossierComponent, DossierEvent, StepRecord
from motcua.dossiers.rules import classify
from motcua.dossiers.uploads import CheckedFile, check_upload
from motcua.organisations.models import Organisation
from motcua.procedures.enums import OnlineLevel
from motcua.procedures.models import ProcedureCase, ProcedureVersion
from motcua.procedures.selectors import procedure_current_version
from motcua.procedures.services import process_steps_for

S = DossierStatus
OFFICIAL_ROLES = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)
PUBLIC_KINDS = (AccountKind.CITIZEN, AccountKind.BUSINESS)
# An explicit event time records what already happened: a little clock skew is tolerated.
FUTURE_TOLERANCE = dt.timedelta(seconds=60)


# --- inputs -----------------------------------------------------------------------------------


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
    actor: Any
    at: dt.datetime
    explicit: bool
    extra: dict[str, Any] = field(default_factory=dict)


# --- helpers ----------------------------------------------------------------------------------


def _resolve_time(actor: Any, at: dt.datetime | None) -> tuple[dt.datetime, bool]:
    """The event time: now, or the explicit `at` (web and API: provincial administrators only).
    An explicit time from a person (web, API, administration, command line) may not be later
    than now; only code running inside the system (simulations, tests) may set any time."""
    if at is None:
        return timezone.now(), False
    if timezone.is_naive(at):
        raise ValidationFailed(
            _("The event time must include its UTC offset."), fields={"at": _("no UTC offset")}
        )
    interface = current_interface()
    if interface in (Interface.API, Interface.WEB) and not policies.is_provincial_admin(actor):
        raise PermissionDenied(
            _("Only a provincial administrator may record an action at an explicit time."),
            fields={"at": _("not allowed")},
        )
    if interface != Interface.SYSTEM and at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationFailed(
            _(
                "The event time %(at)s is in the future: an explicit time records what has "
                "already happened."
            )
            % {"at": timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S")},
            fields={"at": _("in the future")},
        )
    return at, True


def _lock(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update()
        .select_related("procedure_version", "receiving_unit", "processing_unit", "current_unit")
        .get(pk=dossier.pk)
    )


def _is_owner(actor: Any, dossier: Dossier) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and dossier.owner_id is not None
        and dossier.owner_id == actor.pk
    )


def _ensure(actor: Any, unit: Organisation | None, *roles: str) -> None:
    policies.ensure_can_act_in(actor, unit, *roles)


def _actor_name(actor: Any) -> str:
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
        actor=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
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


def _notify(dossier: Dossier, kind: str, event: DossierEvent | None) -> None:
    """The applicant's messages about `event`, fixed now and sent after commit."""
    from motcua.dossiers.notify import dossier_notify

    dossier_notify(dossier=dossier, event=event, kind=kind)


def _label(label: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _calendar(dossier: Dossier) -> dl.WorkCalendar:
    return calendar_for(dossier.receiving_unit)


def _processing_unit(version: ProcedureVersion, receiving_unit: Organisation) -> Organisation:
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
    due = (
        dl.extend_due(_calendar(dossier), start, dt.timedelta(minutes=minutes))
        if minutes
        else start
    )
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
    """A step's budget is in working hours, so lateness is by the minute; early is by date."""
    if ended > step.due_at:
        return StepResult.LATE
    return classify(ended, step.due_at)


def _close_step(dossier: Dossier, ctx: _Ctx, note: str = "") -> StepRecord | None:
    step = dossier.current_step
    if step is None or step.ended_at is not None:
        return None
    step.ended_at = ctx.at
    step.handled_by = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
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


def _pause(dossier: Dossier, ctx: _Ctx) -> None:
    dossier.status_before_pause = dossier.status
    if dossier.clock_started_at is not None:
        dossier.paused_since = ctx.at


def _close_pause(dossier: Dossier, ctx: _Ctx) -> int:
    """End the pause (supplement, fees) at ctx.at: the paused working time is added to the due
    time, the appointment and the open step's due time (DOMAIN §4). Returns the minutes."""
    minutes = 0
    if dossier.paused_since is not None and dossier.due_at is not None:
        cal = _calendar(dossier)
        paused = dl.working_time_between(
            cal, dossier.paused_since, max(ctx.at, dossier.paused_since)
        )
        minutes = int(paused.total_seconds() // 60)
        dossier.due_at = dl.extend_due(cal, dossier.due_at, paused)
        if dossier.appointment_at is not None:
            dossier.appointment_at = dl.extend_due(cal, dossier.appointment_at, paused)
        step = dossier.current_step
        if step is not None and step.ended_at is None:
            step.due_at = dl.extend_due(cal, step.due_at, paused)
            step.save(update_fields=["due_at"])
        dossier.paused_minutes += minutes
    dossier.paused_since = None
    return minutes


def _resume(dossier: Dossier, ctx: _Ctx) -> int:
    """Resume the clock and go back to the status before the pause. Returns minutes."""
    minutes = _close_pause(dossier, ctx)
    dossier.status = dossier.status_before_pause or S.IN_PROGRESS
    dossier.status_before_pause = ""
    return minutes


def _set_due_times(dossier: Dossier, received_at: dt.datetime) -> None:
    version = dossier.procedure_version
    limit = version.time_limit_for(dossier.channel, dossier.case)
    cal = _calendar(dossier)
    start = dl.clock_start(cal, received_at, version.cutoff)
    dossier.clock_started_at = start
    if limit is None:
        dossier.due_at = None
        dossier.appointment_at = None
        return
    dossier.due_at = dl.due_at(cal, start, limit.amount, limit.unit)
    dossier.appointment_at = dossier.due_at


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


# --- intake -----------------------------------------------------------------------------------


def _check_applicant(data: ApplicantInput) -> None:
    if not data.full_name.strip() or not data.id_number.strip():
        raise ValidationFailed(
            _("The applicant's full name and ID number are required."),
            fields={
                k: _("required")
                for k, v in (
                    ("applicant.full_name", data.full_name),
                    ("applicant.id_number", data.id_number),
                )
                if not v.strip()
            },
        )
    if data.kind not in ApplicantKind.values:
        raise ValidationFailed(_("Unknown applicant kind."), fields={"applicant.kind": data.kind})
    # The last line before the database: lengths and control characters (the API and the forms
    # check the formats; an import may carry a previous system's numbers as they were).
    errors = validators.errors_of(
        {
            f"applicant.{name}": partial(
                validators.clean_text,
                getattr(data, name),
                max_length=validators.max_length_of(Applicant, name),
            )
            for name in ("full_name", "id_number", "phone", "email", "address")
        }
    )
    if errors:
        raise ValidationFailed(_("Some fields are missing or invalid."), fields=errors)


def _find_or_create_applicant(data: ApplicantInput, submitter: Any) -> Applicant:
    """The applicant row a submission writes to. An ID number typed in proves nothing, so
    each row belongs to one source and a submission only ever changes a row of its own:

    - an online submission by citizen account U: the row linked to U with this ID number
      (created if none); other rows with the same ID number are neither read nor changed;
    - an intake by an official (counter, post, import): the most recent row with this ID
      number linked to no account (created if none).

    Several rows may share an ID number (Applicant.id_number is not unique)."""
    _check_applicant(data)
    id_number = data.id_number.strip()
    rows = Applicant.objects.filter(id_number=id_number)
    rows = rows.filter(user=submitter) if submitter is not None else rows.filter(user__isnull=True)
    applicant = rows.order_by("-updated_at", "-pk").first()
    if applicant is None:
        applicant = Applicant(id_number=id_number, user=submitter)
    applicant.kind = data.kind
    applicant.full_name = data.full_name.strip()
    for attr in ("phone", "email", "address"):
        value = getattr(data, attr).strip()
        if value:
            setattr(applicant, attr, value)
    applicant.save()
    return applicant


def verified_account_for(id_number: str) -> Any:
    """The one active citizen or business account whose ID number is `id_number` and has been
    verified (by the identity provider: the portal profile's `id_number_verified_at`), else
    None. A dossier received at the counter or by post is shown in that account only."""
    id_number = id_number.strip()
    if not id_number:
        return None
    matches = list(
        get_user_model()
        .objects.filter(
            id_number=id_number,
            kind__in=PUBLIC_KINDS,
            is_active=True,
            portal_profile__id_number_verified_at__isnull=False,
        )
        .order_by("pk")[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _resolve_case(version: ProcedureVersion, case_code: str | None) -> ProcedureCase | None:
    if not case_code:
        return version.default_case()
    case = next((c for c in version.cases.all() if c.code == case_code), None)
    if case is None:
        raise ValidationFailed(
            _("This procedure has no case “%(case)s”.") % {"case": case_code},
            fields={"case_code": _("unknown case")},
        )
    return case


def _check_receiving_unit(version: ProcedureVersion, unit: Organisation) -> None:
    allowed = list(version.receiving_organisations.all())
    if allowed and unit not in allowed:
        raise ValidationFailed(
            _("%(unit)s does not receive dossiers for this procedure.") % {"unit": unit.name},
            fields={"receiving_unit": _("not a receiving unit of this procedure")},
        )
    if not unit.is_active_on(timezone.localdate()):
        raise ValidationFailed(
            _("%(unit)s no longer exists.") % {"unit": unit.name},
            fields={"receiving_unit": _("inactive")},
        )


def _check_components(components: Sequence[ComponentInput]) -> list[CheckedFile | None]:
    """Check every file before anything is written (a bad one aborts the whole request)."""
    checked: list[CheckedFile | None] = []
    for index, comp in enumerate(components):
        if comp.file is not None:
            checked.append(check_upload(comp.file, field=f"components.{index}.file"))
        else:
            checked.append(None)
    return checked


def _add_components(
    dossier: Dossier,
    components: Sequence[ComponentInput],
    checked: list[CheckedFile | None],
    *,
    kind: str,
    event: DossierEvent | None = None,
) -> list[DossierComponent]:
    papers = {}
    if dossier.case_id:
        papers = {p.code: p for p in dossier.case.papers.all() if p.code}  # type: ignore[union-attr]
    created: list[DossierComponent] = []
    for comp, info in zip(components, checked, strict=True):
        paper = papers.get(comp.paper_code) if comp.paper_code else None
        if paper is None and comp.name and dossier.case_id:
            paper = next((p for p in dossier.case.papers.all() if p.name == comp.name), None)  # type: ignore[union-attr]
        name = comp.name or (paper.name if paper else "") or (comp.file.name if comp.file else "")
        row = DossierComponent(
            dossier=dossier,
            kind=kind,
            required_paper=paper,
            name=name or _("Paper"),
            paper_original_seen=comp.paper_original_seen,
            is_original=comp.is_original,
            digitised=comp.digitised or comp.file is not None,
            reused=comp.reused,
            event=event,
        )
        if comp.file is not None and info is not None:
            row.original_filename = (comp.file.name or "")[:255]
            row.content_type = info.content_type
            row.size = info.size
            row.sha256 = info.sha256
            row.file.save(
                f"{len(created) + 1:02d}-{info.sha256[:12]}.{info.extension}", comp.file, save=False
            )
        row.save()
        created.append(row)
    return created


@transaction.atomic
def dossier_create(
    *,
    actor: Any,
    procedure_code: str,
    channel: int,
    receiving_unit: Organisation,
    applicant: ApplicantInput,
    case_code: str | None = None,
    components: Sequence[ComponentInput] = (),
    representative: RepresentativeInput | None = None,
    sub_channel: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Counter and postal intake by an official are received at once; online ones are submitted."""
    when, explicit = _resolve_time(actor, at)
    if channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel: use 1 (counter), 2 (online) or 3 (post)."),
            fields={"channel": str(channel)},
        )
    version = procedure_current_version(procedure_code)
    case = _resolve_case(version, case_code)
    _check_receiving_unit(version, receiving_unit)
    is_official = bool(
        getattr(actor, "is_authenticated", False) and (actor.is_official or actor.is_superuser)
    )
    if channel != Channel.ONLINE:
        _ensure(actor, receiving_unit, Role.COUNTER_OFFICER)
    else:
        if not getattr(actor, "is_authenticated", False):
            raise PermissionDenied(_("Log in to submit a dossier online."))
        if version.online_level == OnlineLevel.INFORMATION:
            raise ValidationFailed(
                _(
                    "This procedure is not offered online (information only): submit it at "
                    "the one-stop desk or by post."
                ),
                code="not_online",
                fields={"channel": _("not offered online for this procedure")},
            )
    checked = _check_components(components)  # before anything is written
    if is_official:
        # Counter, post or import: the desk's own applicant row; the dossier shows in a citizen
        # account only if that account's ID number was verified to be this one.
        person = _find_or_create_applicant(applicant, None)
        owner = verified_account_for(person.id_number)
    else:
        person = _find_or_create_applicant(applicant, actor)
        owner = actor
    day = timezone.localtime(when).date()
    dossier = Dossier(
        code=f"~{uuid.uuid4().hex}",  # provisional: the real code is allocated last
        procedure_version=version,
        case=case,
        receiving_unit=receiving_unit,
        processing_unit=_processing_unit(version, receiving_unit),
        current_unit=receiving_unit,
        channel=channel,
        sub_channel=sub_channel,
        status=S.SUBMITTED,
        applicant=person,
        owner=owner,
        submitted_at=when,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    fee = version.fee_for(channel, case)
    dossier.fee_amount = int(fee.amount) if fee is not None else 0
    if representative is not None:
        dossier.representative_name = representative.full_name
        dossier.representative_id_number = representative.id_number
        dossier.representative_authorisation = representative.authorisation
    dossier.save()
    ctx = _Ctx(actor, when, explicit)
    papers = _add_components(dossier, components, checked, kind=ComponentKind.SUBMISSION)
    # The daily number is taken as late as possible: its row stays locked until commit.
    dossier.code = dossier_code_next(receiving_unit, day)
    _save(dossier, "code")
    event = _event(dossier, Action.SUBMIT, ctx, from_status="", data={"channel": channel})
    if papers:
        DossierComponent.objects.filter(pk__in=[p.pk for p in papers]).update(event=event)
    if channel != Channel.ONLINE:
        dossier = _receive(dossier, ctx, note="")
    else:
        _notify(dossier, "submitted", event)
    return dossier


def _receive(dossier: Dossier, ctx: _Ctx, note: str) -> Dossier:
    before = dossier.status
    dossier.status = S.RECEIVED
    dossier.received_at = ctx.at
    _set_due_times(dossier, ctx.at)
    step = _open_step(dossier, 0, ctx)
    if step is not None:
        _close_step(dossier, ctx)
        _open_step(dossier, 1, ctx)
    _save(
        dossier,
        "status",
        "received_at",
        "clock_started_at",
        "due_at",
        "appointment_at",
        "current_step",
        "current_unit",
    )
    event = _event(
        dossier,
        Action.RECEIVE,
        ctx,
        from_status=before,
        note=note,
        data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
        to_unit=dossier.current_unit,
    )
    _notify(dossier, "received", event)
    return dossier


@transaction.atomic
def dossier_receive(
    *, dossier: Dossier, actor: Any, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure(actor, dossier.receiving_unit, Role.COUNTER_OFFICER)
    transitions.check(dossier.status, Action.RECEIVE)
    return _receive(dossier, _Ctx(actor, when, explicit), note)


def _require_reason(reason: str, field_name: str = "reason") -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(_("A reason is required."), fields={field_name: _("required")})
    return reason.strip()


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


def _end(dossier: Dossier, status: str, ctx: _Ctx) -> int:
    """End processing. A dossier paused for a supplement or fees has its pause closed first,
    as supplement and confirm_payment do (the paused working time is added to the due time),
    so the end is classified against the due time after pauses. Returns the paused minutes."""
    minutes = _close_pause(dossier, ctx) if dossier.paused_since is not None else 0
    dossier.status_before_pause = ""
    dossier.status = status
    dossier.ended_at = ctx.at
    dossier.paused_since = None
    _close_step(dossier, ctx)
    return minutes


@transaction.atomic
def dossier_refuse(
    *, dossier: Dossier, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure(actor, dossier.receiving_unit, Role.COUNTER_OFFICER)
    transitions.check(dossier.status, Action.REFUSE)
    reason = _require_reason(reason)
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    _end(dossier, S.REFUSED, ctx)
    dossier.end_reason = reason
    _save(dossier, *END_FIELDS, "end_reason")
    event = _event(dossier, Action.REFUSE, ctx, from_status=before, note=reason)
    _notify(dossier, "refused", event)
    return dossier


def _ensure_processing(actor: Any, dossier: Dossier, *roles: str) -> None:
    """An official of the unit the dossier is at now (or of the desk while it is at reception)."""
    if policies.can_act_in(actor, dossier.current_unit, *roles):
        return
    if dossier.status == S.SUBMITTED and policies.can_act_in(
        actor, dossier.receiving_unit, Role.COUNTER_OFFICER
    ):
        return
    raise PermissionDenied(_("You do not have permission to act on this dossier now."))


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: Any,
    missing: list[str],
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, *OFFICIAL_ROLES)
    transitions.check(dossier.status, Action.REQUEST_SUPPLEMENT)
    missing = [m.strip() for m in missing if m and m.strip()]
    if not missing:
        raise ValidationFailed(
            _("List everything that is missing, all at once."), fields={"missing": _("required")}
        )
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    _pause(dossier, ctx)
    dossier.status = S.SUPPLEMENT_REQUESTED
    dossier.supplement_count += 1
    _save(dossier, "status", "status_before_pause", "paused_since", "supplement_count")
    event = _event(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        ctx,
        from_status=before,
        note=note,
        data={"missing": missing, "request_number": dossier.supplement_count},
    )
    _notify(dossier, "supplement_requested", event)
    return dossier


@transaction.atomic
def dossier_supplement(
    *,
    dossier: Dossier,
    actor: Any,
    components: Sequence[ComponentInput] = (),
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant's answer: resumes the clock, extends the due time by the paused time."""
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    if not _is_owner(actor, dossier):
        _ensure(actor, dossier.receiving_unit, Role.COUNTER_OFFICER)
    transitions.check(dossier.status, Action.SUPPLEMENT)
    if not components and not note.strip():
        raise ValidationFailed(
            _("Attach the missing papers or describe what you are supplying."),
            fields={"components": _("required")},
        )
    checked = _check_components(components)
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    minutes = _resume(dossier, ctx)
    _save(
        dossier,
        "status",
        "status_before_pause",
        "paused_since",
        "paused_minutes",
        "due_at",
        "appointment_at",
    )
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
    dossier.status = S.IN_PROGRESS
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
    actor: Any,
    to_unit: Organisation | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the dossier on to the next working step of its internal process (at `to_unit` when
    given), or to another organisation after the last working step. Never past an approval
    step that has not been approved, and never once approved (then the result is issued). At
    an approval step its leader may hand that same step to another organisation (a dossier
    sent to the wrong agency goes back, or on, without skipping the approval). With an
    explicit time (the migration of a previous system's history) the step rules are not
    applied: that history happened under that system's process."""
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, *OFFICIAL_ROLES)
    transitions.check(dossier.status, Action.FORWARD)
    if to_unit is not None and to_unit.pk == dossier.current_unit_id:
        to_unit = None  # "forward to the unit it is at" is forwarding to the next step
    if not explicit:
        position = dossier_position(dossier)
        transitions.check_step(
            dossier.status, Action.FORWARD, position, other_unit=to_unit is not None
        )
        if position.open and position.approval:
            # handing the approval over to another organisation is the leader's decision
            _ensure_processing(actor, dossier, transitions.APPROVING_ROLE)
    if to_unit is not None and not to_unit.is_active_on(timezone.localdate()):
        raise ValidationFailed(
            _("%(unit)s no longer exists.") % {"unit": to_unit.name},
            fields={"to_unit": _("inactive")},
        )
    return _advance(
        dossier, _Ctx(actor, when, explicit), Action.FORWARD, note=note, to_unit=to_unit
    )


@transaction.atomic
def dossier_approve(
    *, dossier: Dossier, actor: Any, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The leader's approval, once per approval step of the internal process."""
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, transitions.APPROVING_ROLE)
    transitions.check(dossier.status, Action.APPROVE)
    if not explicit:
        transitions.check_step(dossier.status, Action.APPROVE, dossier_position(dossier))
    return _advance(dossier, _Ctx(actor, when, explicit), Action.APPROVE, note=note)


@transaction.atomic
def dossier_request_payment(
    *,
    dossier: Dossier,
    actor: Any,
    amount: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, *OFFICIAL_ROLES)
    transitions.check(dossier.status, Action.REQUEST_PAYMENT)
    if amount is not None:
        if amount < 0:
            raise ValidationFailed(
                _("The amount cannot be negative."), fields={"amount": str(amount)}
            )
        dossier.fee_amount = amount
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    _pause(dossier, ctx)
    dossier.status = S.AWAITING_PAYMENT
    _save(dossier, "status", "status_before_pause", "paused_since", "fee_amount")
    event = _event(
        dossier,
        Action.REQUEST_PAYMENT,
        ctx,
        from_status=before,
        note=note,
        data={"amount": dossier.fee_amount},
    )
    _notify(dossier, "payment_requested", event)
    return dossier


@transaction.atomic
def dossier_confirm_payment(
    *,
    dossier: Dossier,
    actor: Any,
    online: bool = False,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    if not policies.can_act_in(actor, dossier.receiving_unit, *OFFICIAL_ROLES):
        _ensure_processing(actor, dossier, *OFFICIAL_ROLES)
    transitions.check(dossier.status, Action.CONFIRM_PAYMENT)
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    minutes = _resume(dossier, ctx)
    dossier.fee_paid_at = when
    dossier.fee_paid_online = online
    _save(
        dossier,
        "status",
        "status_before_pause",
        "paused_since",
        "paused_minutes",
        "due_at",
        "appointment_at",
        "fee_paid_at",
        "fee_paid_online",
    )
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
def dossier_complete(
    *,
    dossier: Dossier,
    actor: Any,
    result_number: str = "",
    result_file: UploadedFile | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Issue the result. Only at the last working step of the internal process, once the
    leader's approval is given (if the process has an approval step), and only by an official
    holding the role the process assigns to that step."""
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, *OFFICIAL_ROLES)
    transitions.check(dossier.status, Action.COMPLETE)
    position = dossier_position(dossier)
    if not explicit:
        transitions.check_step(dossier.status, Action.COMPLETE, position)
    if not explicit and not policies.can_act_in(actor, dossier.current_unit, position.role):
        raise PermissionDenied(
            _("At this step of the internal process the result is issued by: %(role)s.")
            % {"role": _role_label(position.role)}
        )
    version = dossier.procedure_version
    if version.has_document_result and not result_number.strip():
        raise ValidationFailed(
            _("Enter the number of the result document."), fields={"result_number": _("required")}
        )
    checked = _check_components([ComponentInput(file=result_file)]) if result_file else []
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    index = _current_index(dossier)
    _end(dossier, S.RESULT_READY, ctx)
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
    _notify(dossier, "result_ready", event)
    return dossier


@transaction.atomic
def dossier_deliver(
    *,
    dossier: Dossier,
    actor: Any,
    method: str = DeliveryMethod.DESK,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    if method not in DeliveryMethod.values:
        raise ValidationFailed(_("Unknown delivery method."), fields={"method": method})
    if not (method == DeliveryMethod.ONLINE and _is_owner(actor, dossier)):
        _ensure(actor, dossier.receiving_unit, Role.COUNTER_OFFICER, Role.CLERK)
    transitions.check(dossier.status, Action.DELIVER)
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    _close_step(dossier, ctx, note)
    dossier.status = S.DELIVERED
    dossier.delivered_at = when
    dossier.delivery_method = method
    _save(dossier, "status", "delivered_at", "delivery_method")
    _event(dossier, Action.DELIVER, ctx, from_status=before, note=note, data={"method": method})
    return dossier


@transaction.atomic
def dossier_extend(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    new_appointment_at: dt.datetime,
    at: dt.datetime | None = None,
) -> Dossier:
    """Apology and new appointment (form 04); the statutory due time stays on record."""
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, Role.SPECIALIST, Role.LEADER)
    transitions.check(dossier.status, Action.EXTEND)
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
    ctx = _Ctx(actor, when, explicit)
    old = dossier.appointment_at
    dossier.appointment_at = new_appointment_at
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
    _notify(dossier, "extended", event)
    return dossier


@transaction.atomic
def dossier_stop(
    *, dossier: Dossier, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    _ensure_processing(actor, dossier, Role.LEADER)
    transitions.check(dossier.status, Action.STOP)
    reason = _require_reason(reason)
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    minutes = _end(dossier, S.STOPPED, ctx)
    dossier.end_reason = reason
    _save(dossier, *END_FIELDS, "end_reason")
    event = _event(
        dossier,
        Action.STOP,
        ctx,
        from_status=before,
        note=reason,
        data={"paused_minutes": minutes} if minutes else None,
    )
    _notify(dossier, "stopped", event)
    return dossier


@transaction.atomic
def dossier_withdraw(
    *, dossier: Dossier, actor: Any, reason: str = "", at: dt.datetime | None = None
) -> Dossier:
    when, explicit = _resolve_time(actor, at)
    dossier = _lock(dossier)
    if not _is_owner(actor, dossier):
        _ensure(actor, dossier.receiving_unit, Role.COUNTER_OFFICER)
    transitions.check(dossier.status, Action.WITHDRAW)
    ctx = _Ctx(actor, when, explicit)
    before = dossier.status
    minutes = _end(dossier, S.WITHDRAWN, ctx)
    dossier.end_reason = reason.strip()
    _save(dossier, *END_FIELDS, "end_reason")
    _event(
        dossier,
        Action.WITHDRAW,
        ctx,
        from_status=before,
        note=reason,
        data={"paused_minutes": minutes} if minutes else None,
    )
    return dossier


@transaction.atomic
def dossier_result_released(*, dossier_id: int, actor: Any, document_code: str) -> Dossier:
    """Called by motcua.signatures.services.result_release: the signed electronic result can
    now be downloaded by the applicant. A timeline event; the status does not change."""
    dossier = _lock(Dossier(pk=dossier_id))
    ctx = _Ctx(actor, timezone.now(), False)
    _event(
        dossier,
        "release_result",
        ctx,
        from_status=dossier.status,
        data={"signed_document": document_code},
    )
    return dossier


__all__ = [
    "PAUSED_STATUSES",
    "ApplicantInput",
    "ComponentInput",
    "RepresentativeInput",
    "classify",
    "dossier_approve",
    "dossier_complete",
    "dossier_confirm_payment",
    "dossier_create",
    "dossier_deliver",
    "dossier_extend",
    "dossier_forward",
    "dossier_receive",
    "dossier_refuse",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_result_released",
    "dossier_stop",
    "dossier_supplement",
    "dossier_withdraw",
]
