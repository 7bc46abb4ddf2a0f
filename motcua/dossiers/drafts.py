"""Online submission drafts: the wizard's answers, kept between its pages, handed to
`dossier_create` once (`draft_submit`, atomic, idempotent on the draft's one-time token).

The portal's wizard calls these; retention of open drafts nobody finishes is
`motcua.dossiers.retention`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.citizens import PHONE_RE, PUBLIC_KINDS, normalise_phone, profile_for
from motcua.accounts.enums import AccountKind
from motcua.accounts.models import User
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers.draft_models import Draft, DraftFile, DraftStatus
from motcua.dossiers.enums import ApplicantKind, Channel
from motcua.dossiers.models import Dossier
from motcua.dossiers.uploads import check_upload
from motcua.organisations.models import Organisation
from motcua.procedures.enums import OnlineLevel, ProcedureStatus
from motcua.procedures.models import ProcedureCase, ProcedureVersion, RequiredPaper
from motcua.procedures.selectors import procedure_get_by_code

log = logging.getLogger(__name__)

ONLINE_LEVELS = (OnlineLevel.PARTIAL, OnlineLevel.FULL)


def _ensure_public_user(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to submit a dossier online."))
    if user.kind not in PUBLIC_KINDS:
        raise PermissionDenied(
            _("Online submission is for citizen and business accounts.")
            + " "
            + _("Officials use the workspace.")
        )


def online_version(procedure_code: str) -> ProcedureVersion:
    """The current version of a procedure that may be submitted online, else NotFound/refusal."""
    procedure = procedure_get_by_code(procedure_code)
    version = procedure.current_version
    if version is None or version.status != ProcedureStatus.ACTIVE:
        raise NotFound(_("This procedure is not in force."))
    if version.online_level not in ONLINE_LEVELS:
        raise ValidationFailed(
            _("This procedure cannot be submitted online; see where to submit it on its page."),
            code="not_online",
        )
    return version


def applicant_prefill(user: User) -> dict[str, str]:
    profile = profile_for(user)
    return {
        "kind": ApplicantKind.ORGANISATION
        if user.kind == AccountKind.BUSINESS
        else ApplicantKind.INDIVIDUAL,
        "full_name": user.full_name,
        "id_number": user.id_number,
        "phone": user.phone,
        "email": user.email,
        "address": profile.address,
    }


def _receiving_units(version: ProcedureVersion) -> list[Organisation]:
    today = timezone.localdate()
    return [u for u in version.receiving_organisations.all() if u.is_active_on(today)]


def draft_cases(version: ProcedureVersion) -> list[ProcedureCase]:
    return list(version.cases.all().order_by("order", "id"))


@transaction.atomic
def draft_start(*, user: Any, procedure_code: str) -> Draft:
    """The open draft of `user` for this procedure, or a new one prefilled from the profile."""
    _ensure_public_user(user)
    version = online_version(procedure_code)
    existing = (
        Draft.objects.filter(user=user, procedure=version.procedure, status=DraftStatus.OPEN)
        .order_by("-updated_at")
        .first()
    )
    if existing is not None:
        return existing
    draft = Draft(user=user, procedure=version.procedure, applicant=applicant_prefill(user))
    cases = draft_cases(version)
    if len(cases) == 1:
        draft.case_code = cases[0].code
    units = _receiving_units(version)
    if len(units) == 1:
        draft.receiving_unit = units[0]
    draft.save()
    return draft


def draft_get(*, draft_id: Any, user: Any, for_update: bool = False) -> Draft:
    qs = Draft.objects.select_related("procedure", "procedure__current_version", "receiving_unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    user_id = getattr(user, "pk", None)
    draft = qs.filter(pk=draft_id, user_id=user_id).first() if user_id is not None else None
    if draft is None:
        raise NotFound(_("There is no such draft in your account."))
    return draft


def _ensure_open(draft: Draft) -> None:
    if draft.status != DraftStatus.OPEN:
        raise Conflict(_("This draft has already been submitted."), code="draft_submitted")


def draft_version(draft: Draft) -> ProcedureVersion:
    version = draft.procedure.current_version
    if version is None:
        raise NotFound(_("This procedure is not in force."))
    return version


def draft_case(draft: Draft) -> ProcedureCase | None:
    if not draft.case_code:
        return None
    return draft_version(draft).cases.filter(code=draft.case_code).first()


def draft_papers(draft: Draft) -> list[RequiredPaper]:
    case = draft_case(draft)
    return list(case.papers.all().order_by("order", "id")) if case is not None else []


@transaction.atomic
def draft_set_case(*, draft: Draft, user: Any, case_code: str, unit_code: str) -> Draft:
    draft = draft_get(draft_id=draft.pk, user=user, for_update=True)
    _ensure_open(draft)
    version = draft_version(draft)
    errors: dict[str, str] = {}
    has_cases = version.cases.exists()
    case = version.cases.filter(code=case_code).first() if case_code else None
    if case is None and has_cases:
        errors["case"] = _("Choose the case that fits you.")
    units = {u.agency_code: u for u in _receiving_units(version)}
    unit = units.get(unit_code)
    if unit is None:
        errors["receiving_unit"] = _("Choose where to submit the dossier.")
    if errors or unit is None:
        raise ValidationFailed(_("Some answers are missing."), fields=errors)
    new_code = case.code if case is not None else ""
    if new_code != draft.case_code:
        # Papers staged for another case do not belong to this one.
        _files_delete(list(draft.files.all()))
    draft.case_code = new_code
    draft.receiving_unit = unit
    draft.save(update_fields=["case_code", "receiving_unit", "updated_at"])
    return draft


APPLICANT_FIELDS = ("kind", "full_name", "id_number", "phone", "email", "address")


def applicant_errors(data: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.get("kind") not in ApplicantKind.values:
        errors["kind"] = _("Choose individual or organisation.")
    if not str(data.get("full_name") or "").strip():
        errors["full_name"] = _("Enter the full name.")
    if not str(data.get("id_number") or "").strip():
        errors["id_number"] = _("Enter the ID number.")
    email = str(data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = _("Enter an e-mail address like name@example.com.")
    phone = normalise_phone(str(data.get("phone") or ""))
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Enter a telephone number like 0912345678.")
    if not email and not phone:
        errors["phone"] = _(
            "Give a telephone number or an e-mail address so the desk can reach you."
        )
    return errors


@transaction.atomic
def draft_set_applicant(*, draft: Draft, user: Any, data: Mapping[str, Any]) -> Draft:
    draft = draft_get(draft_id=draft.pk, user=user, for_update=True)
    _ensure_open(draft)
    errors = applicant_errors(data)
    if errors:
        raise ValidationFailed(_("Some details are missing or wrong."), fields=errors)
    draft.applicant = {name: str(data.get(name) or "").strip() for name in APPLICANT_FIELDS}
    draft.applicant["phone"] = normalise_phone(draft.applicant["phone"])
    draft.save(update_fields=["applicant", "updated_at"])
    return draft


def _files_delete(files: list[DraftFile]) -> None:
    names = [f.file.name for f in files if f.file]
    storage = DraftFile._meta.get_field("file").storage
    DraftFile.objects.filter(pk__in=[f.pk for f in files]).delete()

    def remove() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError as exc:  # pragma: no cover - a missing file is no harm
                log.warning("could not delete staged file %s: %s", name, exc)

    transaction.on_commit(remove)


@transaction.atomic
def draft_attach(*, draft: Draft, user: Any, paper_id: int, upload: UploadedFile) -> DraftFile:
    """Stages a file for one paper (replacing an earlier one); type and size checked first."""
    draft = draft_get(draft_id=draft.pk, user=user, for_update=True)
    _ensure_open(draft)
    papers = {p.pk: p for p in draft_papers(draft)}
    paper = papers.get(int(paper_id))
    field = f"paper-{paper_id}"
    if paper is None:
        raise ValidationFailed(
            _("This paper is not part of the dossier."), fields={field: _("unknown paper")}
        )
    info = check_upload(upload, field=field)
    _files_delete(list(draft.files.filter(paper=paper)))
    row = DraftFile(
        draft=draft,
        paper=paper,
        original_filename=(upload.name or "file")[:255],
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
    )
    row.file.save(f"{paper.pk}-{info.sha256[:16]}.{info.extension}", upload, save=False)
    row.save()
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return row


@transaction.atomic
def draft_detach(*, draft: Draft, user: Any, file_id: int) -> None:
    draft = draft_get(draft_id=draft.pk, user=user, for_update=True)
    _ensure_open(draft)
    _files_delete(list(draft.files.filter(pk=file_id)))


@transaction.atomic
def draft_discard(*, draft: Draft, user: Any) -> None:
    draft = draft_get(draft_id=draft.pk, user=user, for_update=True)
    _ensure_open(draft)
    _files_delete(list(draft.files.all()))
    draft.delete()


def draft_problems(draft: Draft) -> dict[str, str]:
    """What still stops the draft from being submitted: step -> message."""
    problems: dict[str, str] = {}
    needs_case = draft_version(draft).cases.exists()
    if (needs_case and draft_case(draft) is None) or draft.receiving_unit_id is None:
        problems["case"] = _("Choose the case and where to submit.")
    if applicant_errors(draft.applicant or {}):
        problems["applicant"] = _("Complete the applicant's details.")
    staged = set(draft.files.values_list("paper_id", flat=True))
    missing = [p.name for p in draft_papers(draft) if p.required and p.pk not in staged]
    if missing:
        problems["papers"] = _(
            "These papers are not uploaded yet: %(papers)s. Choose each file and press “Upload”."
        ) % {"papers": "; ".join(missing)}
    return problems


def draft_submit(*, draft_id: Any, user: Any, token: str) -> Dossier:
    """Hands the draft to `dossier_create`, once. A retry (double click, resent request) with the
    same token finds the draft consumed and returns the same dossier."""
    with transaction.atomic():
        draft = draft_get(draft_id=draft_id, user=user, for_update=True)
        if draft.status == DraftStatus.SUBMITTED:
            if draft.dossier_id is None:
                raise NotFound(_("The dossier of this draft no longer exists."))
            return Dossier.objects.get(pk=draft.dossier_id)
        if not hmac.compare_digest(str(token or ""), draft.submit_token):
            raise Conflict(
                _("This page is out of date. Check your answers again, then submit."),
                code="stale_submit_token",
            )
        problems = draft_problems(draft)
        if problems:
            raise ValidationFailed(
                _("The dossier is not complete yet."), fields=problems, code="draft_incomplete"
            )
        files = list(draft.files.select_related("paper"))
        handles = []
        try:
            components = []
            for staged in files:
                handle = staged.file.open("rb")
                handles.append(handle)
                upload = UploadedFile(
                    file=handle,
                    name=staged.original_filename,
                    content_type=staged.content_type,
                    size=staged.size,
                )
                components.append(
                    dossier_services.ComponentInput(
                        name=staged.paper.name, paper_code=staged.paper.code, file=upload
                    )
                )
            applicant = draft.applicant
            if draft.receiving_unit is None:  # pragma: no cover - draft_problems checked it
                raise ValidationFailed(_("Choose where to submit the dossier."))
            dossier = dossier_services.dossier_create(
                actor=user,
                procedure_code=draft.procedure.code,
                channel=Channel.ONLINE,
                receiving_unit=draft.receiving_unit,
                applicant=dossier_services.ApplicantInput(
                    **{k: str(applicant.get(k) or "") for k in APPLICANT_FIELDS}
                ),
                case_code=draft.case_code or None,
                components=components,
                sub_channel="portal",
            )
        finally:
            for handle in handles:
                handle.close()
        draft.status = DraftStatus.SUBMITTED
        draft.dossier = dossier
        draft.submitted_at = timezone.now()
        draft.save(update_fields=["status", "dossier", "submitted_at", "updated_at"])
        _files_delete(files)  # the dossier keeps its own copies
        return dossier
