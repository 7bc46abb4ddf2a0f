"""Intake: who the applicant is, the papers, a new dossier (counter, post, online), receipt."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import validators
from motcua.core.errors import ValidationFailed
from motcua.dossiers import lifecycle, policies
from motcua.dossiers.codes import dossier_code_next
from motcua.dossiers.enums import (
    Action,
    ApplicantKind,
    Channel,
    ComponentKind,
)
from motcua.dossiers.models import Applicant, Dossier, DossierComponent, DossierEvent
from motcua.dossiers.services.shell import (
    PUBLIC_KINDS,
    Actor,
    ApplicantInput,
    ComponentInput,
    RepresentativeInput,
    S,
    _apply,
    _begin,
    _calendar,
    _context,
    _Ctx,
    _event,
    _notify,
    _save,
    _state,
    _user,
)
from motcua.dossiers.services.steps import _close_step, _open_step, processing_unit_for
from motcua.dossiers.uploads import CheckedFile, check_upload
from motcua.organisations.models import Organisation
from motcua.procedures.enums import OnlineLevel
from motcua.procedures.models import ProcedureCase, ProcedureVersion
from motcua.procedures.selectors import procedure_current_version


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
    """The dossier's own applicant row: a snapshot of the details as filed, never updated by a
    later filing (`applicants.applicant_snapshot_create`; `submitter` is None for an official's
    intake)."""
    from motcua.dossiers.applicants import applicant_snapshot_create

    _check_applicant(data)
    return applicant_snapshot_create(data=data, submitter=submitter)


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
    actor: Actor,
    procedure_code: str,
    channel: int,
    receiving_unit: Organisation,
    applicant: ApplicantInput,
    case_code: str | None = None,
    components: Sequence[ComponentInput] = (),
    representative: RepresentativeInput | None = None,
    sub_channel: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """Counter and postal intake by an official are received at once; online ones are submitted.
    Who may file on which channel at which unit: policies.ensure_can_create."""
    ctx = _context(actor, at, trusted=trusted, notify=notify)
    when, explicit = ctx.at, ctx.explicit
    if channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel: use 1 (counter), 2 (online) or 3 (post)."),
            fields={"channel": str(channel)},
        )
    version = procedure_current_version(procedure_code)
    case = _resolve_case(version, case_code)
    _check_receiving_unit(version, receiving_unit)
    user = _user(actor)
    is_official = bool(user is not None and (user.is_official or user.is_superuser))
    policies.ensure_can_create(actor, channel, receiving_unit, explicit=explicit)
    if channel == Channel.ONLINE and version.online_level == OnlineLevel.INFORMATION:
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
        processing_unit=processing_unit_for(version, receiving_unit),
        current_unit=receiving_unit,
        channel=channel,
        sub_channel=sub_channel,
        status=S.SUBMITTED,
        applicant=person,
        owner=owner,
        submitted_at=when,
        created_by=user,
    )
    fee = version.fee_for(channel, case)
    dossier.fee_amount = int(fee.amount) if fee is not None else 0
    if representative is not None:
        dossier.representative_name = representative.full_name
        dossier.representative_id_number = representative.id_number
        dossier.representative_authorisation = representative.authorisation
    dossier.save()
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
        _notify(dossier, "submitted", event, ctx)
    return dossier


def _receive(dossier: Dossier, ctx: _Ctx, note: str) -> Dossier:
    before = dossier.status
    version = dossier.procedure_version
    limit = version.time_limit_for(dossier.channel, dossier.case)
    state = lifecycle.receive(
        _state(dossier),
        at=ctx.at,
        cal=_calendar(dossier),
        cutoff=version.cutoff,
        limit=(limit.amount, limit.unit) if limit is not None else None,
    )
    _apply(dossier, state)
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
    _notify(dossier, "received", event, ctx)
    return dossier


@transaction.atomic
def dossier_receive(
    *,
    dossier: Dossier,
    actor: Actor,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    dossier, ctx = _begin(dossier, actor, Action.RECEIVE, at=at, trusted=trusted, notify=notify)
    return _receive(dossier, ctx, note)
