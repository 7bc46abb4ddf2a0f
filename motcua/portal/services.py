"""The portal's writes: citizen accounts and their verification, profiles, OpenID Connect
identities, and submission drafts.

Dossiers themselves are only ever created and changed by `motcua.dossiers.services`; a draft is
handed to `dossier_create` once, atomically (`draft_submit`).

The account functions write the accounts app's User table. They live here because the portal is
the only place citizens register; they are candidates to move into `motcua.accounts.services`
unchanged (see the report of issue 4).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.enums import AccountKind
from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers.enums import ApplicantKind, Channel
from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.uploads import check_upload
from motcua.organisations.models import Organisation
from motcua.portal import selectors, senders
from motcua.portal.models import (
    ContactChannel,
    Draft,
    DraftFile,
    DraftStatus,
    Profile,
    VerificationCode,
)
from motcua.procedures.enums import OnlineLevel, ProcedureStatus
from motcua.procedures.models import ProcedureCase, ProcedureVersion, RequiredPaper
from motcua.procedures.selectors import procedure_get_by_code

log = logging.getLogger(__name__)

CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_INTERVAL = dt.timedelta(seconds=60)
PUBLIC_KINDS = (AccountKind.CITIZEN, AccountKind.BUSINESS)
ONLINE_LEVELS = (OnlineLevel.PARTIAL, OnlineLevel.FULL)
PHONE_RE = re.compile(r"^\+?[0-9]{9,15}$")


# --- accounts ---------------------------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s.\-()]", "", phone or "")


def _check_contact(email: str, phone: str, *, exclude: User | None = None) -> dict[str, str]:
    """Field errors for a malformed or taken e-mail address / phone number."""
    errors: dict[str, str] = {}
    others = User.objects.all() if exclude is None else User.objects.exclude(pk=exclude.pk)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = _("Enter an e-mail address like name@example.com.")
        else:
            if others.filter(email__iexact=email).exists():
                errors["email"] = _("An account with this e-mail address already exists.")
    if phone:
        if not PHONE_RE.match(phone):
            errors["phone"] = _("Enter a telephone number like 0912345678.")
        elif others.filter(phone=phone).exists():
            errors["phone"] = _("An account with this telephone number already exists.")
    return errors


def _abandoned_registrations(cutoff: dt.datetime) -> QuerySet[User]:
    """Public accounts registered before `cutoff` that never verified a contact nor logged in."""
    return User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        date_joined__lt=cutoff,
        kind__in=PUBLIC_KINDS,
        portal_profile__email_verified_at__isnull=True,
        portal_profile__phone_verified_at__isnull=True,
    )


def _release_abandoned(email: str, phone: str) -> None:
    """Registrations never verified, older than a code's life, free their e-mail/phone again:
    nobody can block an address by registering it without being able to read it.
    (The daily `abandoned_registrations_purge` removes the others.)"""
    cutoff = timezone.now() - CODE_TTL
    contact = Q()
    if email:
        contact |= Q(email__iexact=email)
    if phone:
        contact |= Q(phone=phone)
    if not contact:
        return
    _abandoned_registrations(cutoff).filter(contact).delete()


@dataclass
class Registration:
    kind: str
    full_name: str
    id_number: str
    email: str
    phone: str
    password: str
    verify_by: str = ContactChannel.EMAIL
    address: str = ""


@transaction.atomic
def citizen_register(*, data: Registration) -> User:
    """An inactive citizen or business account; a code goes to the chosen contact.

    The account becomes active when the code is confirmed (`verification_confirm`)."""
    kind = data.kind
    email = data.email.strip()
    phone = normalise_phone(data.phone)
    errors: dict[str, str] = {}
    if kind not in PUBLIC_KINDS:
        errors["kind"] = _("Choose individual or organisation.")
    if not data.full_name.strip():
        errors["full_name"] = _("Enter the full name.")
    if not data.id_number.strip():
        errors["id_number"] = _("Enter the ID number.")
    if data.verify_by == ContactChannel.EMAIL and not email:
        errors["email"] = _("Enter the e-mail address the code should be sent to.")
    if data.verify_by == ContactChannel.SMS and not phone:
        errors["phone"] = _("Enter the telephone number the code should be sent to.")
    if data.verify_by not in ContactChannel.values:
        errors["verify_by"] = _("Choose how to receive the code.")
    _release_abandoned(email, phone)
    errors.update({k: v for k, v in _check_contact(email, phone).items() if k not in errors})
    user = User(
        username=f"c-{secrets.token_hex(8)}",
        kind=kind,
        full_name=data.full_name.strip(),
        id_number=data.id_number.strip(),
        email=email,
        phone=phone,
        is_active=False,
    )
    try:
        validate_password(data.password, user)
    except DjangoValidationError as exc:
        errors["password"] = " ".join(str(m) for m in exc.messages)
    if errors:
        raise ValidationFailed(_("Some details are missing or wrong."), fields=errors)
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration took the e-mail or phone
        raise ValidationFailed(
            _("An account with this e-mail address or telephone number already exists."),
            fields={"email": _("taken")},
        ) from exc
    Profile.objects.create(user=user, address=data.address.strip())
    audit_record(action="citizen_register", obj=user, actor=None, changes={"kind": kind})
    verification_send(user=user, channel=data.verify_by)
    return user


def _code_hash(user_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"verify:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def verification_send(*, user: User, channel: str) -> VerificationCode:
    """A new 6-digit code to the user's e-mail or phone (the previous one stops working)."""
    if channel not in ContactChannel.values:
        raise ValidationFailed(_("Choose how to receive the code."), fields={"channel": channel})
    recipient = user.email if channel == ContactChannel.EMAIL else user.phone
    if not recipient:
        raise ValidationFailed(
            _("The account has no address for this channel."), fields={"channel": _("no address")}
        )
    now = timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one sender at a time
    last = VerificationCode.objects.filter(user=user).order_by("-created_at").first()
    if last is not None and now - last.created_at < CODE_RESEND_INTERVAL:
        raise Conflict(
            _("A code was sent less than a minute ago. Wait a moment before asking again."),
            code="code_sent_recently",
        )
    VerificationCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{secrets.randbelow(10**6):06d}"
    row = VerificationCode.objects.create(
        user=user,
        channel=channel,
        recipient=recipient,
        code_hash=_code_hash(user.pk, code),
        expires_at=now + CODE_TTL,
    )
    minutes = int(CODE_TTL.total_seconds() // 60)
    transaction.on_commit(
        lambda: senders.send_code(channel=channel, recipient=recipient, code=code, minutes=minutes)
    )
    return row


def verification_confirm(*, user: User, code: str) -> User:
    """Checks the code; on success the account is active and the contact verified."""
    code = (code or "").strip().replace(" ", "")
    now = timezone.now()
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None:
            ok, reason = False, "expired"
        elif row.attempts >= CODE_MAX_ATTEMPTS:
            ok, reason = False, "attempts"
        else:
            row.attempts += 1
            ok = hmac.compare_digest(row.code_hash, _code_hash(user.pk, code))
            reason = "" if ok else "wrong"
            if ok:
                row.used_at = now
            row.save(update_fields=["attempts", "used_at"])
            if ok:
                _mark_verified(user, row.channel, now)
    if ok:
        return user
    messages = {
        "expired": _("The code has expired or was replaced. Ask for a new code."),
        "attempts": _("Too many wrong codes. Ask for a new code."),
        "wrong": _("The code is not right. Check it and try again."),
    }
    raise ValidationFailed(messages[reason], fields={"code": messages[reason]})


def _mark_verified(user: User, channel: str, now: dt.datetime) -> None:
    profile = profile_for(user)
    if channel == ContactChannel.EMAIL:
        profile.email_verified_at = now
    else:
        profile.phone_verified_at = now
    profile.save(update_fields=["email_verified_at", "phone_verified_at", "updated_at"])
    if not user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        audit_record(action="citizen_verify", obj=user, actor=user, changes={"channel": channel})


def profile_for(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    full_name: str,
    id_number: str,
    email: str,
    phone: str,
    address: str,
) -> User:
    """The applicant data that prefills submissions. A changed e-mail or phone is unverified."""
    if user.kind not in PUBLIC_KINDS:
        raise PermissionDenied(_("Only citizen and business accounts have a profile here."))
    user = User.objects.select_for_update().get(pk=user.pk)
    email = email.strip()
    phone = normalise_phone(phone)
    errors = _check_contact(email, phone, exclude=user)
    if not full_name.strip():
        errors["full_name"] = _("Enter the full name.")
    if not email and not phone:
        errors["email"] = _("Keep at least an e-mail address or a telephone number.")
    if errors:
        raise ValidationFailed(_("Some details are missing or wrong."), fields=errors)
    profile = profile_for(user)
    if email.lower() != user.email.lower():
        profile.email_verified_at = None
    if phone != user.phone:
        profile.phone_verified_at = None
    if id_number.strip() != user.id_number:
        profile.id_number_verified_at = None
    before = {"email": user.email, "phone": user.phone, "id_number": user.id_number}
    user.full_name, user.id_number, user.email, user.phone = (
        full_name.strip(),
        id_number.strip(),
        email,
        phone,
    )
    user.save(update_fields=["full_name", "id_number", "email", "phone"])
    profile.address = address.strip()
    profile.save()
    audit_record(
        action="citizen_profile_update",
        obj=user,
        actor=user,
        changes={k: [v, getattr(user, k)] for k, v in before.items() if v != getattr(user, k)},
    )
    return user


# --- OpenID Connect ----------------------------------------------------------------------------

DEFAULT_CLAIM_MAP = {
    "id_number": "id_number",
    "full_name": "name",
    "email": "email",
    "phone": "phone_number",
}


@transaction.atomic
def oidc_user_for_claims(*, issuer: str, claims: Mapping[str, Any]) -> User:
    """The citizen account for validated ID-token claims: the one linked to (issuer, sub), else
    the single citizen account with the same ID number when that account may be trusted with it
    (now linked), else a new one.

    An ID number typed in at registration proves nothing: linking on it alone would hand the
    real person's identity to whoever registered it with a password. So an account is linked by
    ID number only if its ID number did not come from self-registration (no portal profile, or
    verified), or if the provider vouches for an e-mail address the account has verified.
    The identity provider is authoritative for the name and ID number (VNeID is the national
    identity); e-mail and phone are taken only when no other account uses them.
    """
    sub = str(claims.get("sub") or "")
    if not sub:
        raise ValidationFailed(_("The identity provider did not say who you are."))
    claim_map = {**DEFAULT_CLAIM_MAP, **getattr(settings, "MOTCUA_OIDC_CLAIM_MAP", {})}

    def claim(name: str) -> str:
        value = claims.get(claim_map[name]) if claim_map.get(name) else None
        return str(value).strip() if value not in (None, "") else ""

    id_number, full_name = claim("id_number"), claim("full_name")
    email, phone = claim("email"), normalise_phone(claim("phone"))
    profile = (
        Profile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(oidc_issuer=issuer, oidc_subject=sub)
        .first()
    )
    user = profile.user if profile is not None else None
    if user is None and id_number:
        matches = list(
            User.objects.select_for_update().filter(id_number=id_number, kind=AccountKind.CITIZEN)[
                :2
            ]
        )
        if len(matches) > 1:
            raise Conflict(
                _("Several accounts have this ID number. Contact the one-stop desk to merge them."),
                code="ambiguous_identity",
            )
        user = matches[0] if matches and _may_link(matches[0], claims, email) else None
    if user is not None and user.kind not in PUBLIC_KINDS:
        raise PermissionDenied(_("Officials log in with their workspace account."))
    created = user is None
    if user is None:
        user = User(username=f"c-{secrets.token_hex(8)}", kind=AccountKind.CITIZEN, is_active=True)
        user.set_unusable_password()
    if full_name:
        user.full_name = full_name
    if id_number:
        user.id_number = id_number
    if (
        email
        and not user.email
        and not _check_contact(email, "", exclude=user if user.pk else None)
    ):
        user.email = email
    if (
        phone
        and not user.phone
        and not _check_contact("", phone, exclude=user if user.pk else None)
    ):
        user.phone = phone
    if not user.is_active and not created:
        user.is_active = True  # the provider verified the person: a pending registration is done
    user.save()
    profile = profile_for(user)
    changed = (profile.oidc_issuer, profile.oidc_subject) != (issuer, sub)
    profile.oidc_issuer, profile.oidc_subject = issuer, sub
    if id_number:
        profile.id_number_verified_at = profile.id_number_verified_at or timezone.now()
    if claims.get("email_verified") and user.email and user.email.lower() == email.lower():
        profile.email_verified_at = profile.email_verified_at or timezone.now()
    profile.save()
    if created or changed:
        audit_record(
            action="citizen_oidc_link",
            obj=user,
            actor=user,
            changes={"issuer": issuer, "created": created},
        )
    return user


def _may_link(user: User, claims: Mapping[str, Any], email: str) -> bool:
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.id_number_verified_at is not None:
        return True  # created outside the portal (desk, import) or verified before
    return bool(
        claims.get("email_verified")
        and email
        and profile.email_verified_at is not None
        and user.email.lower() == email.lower()
    )


# --- drafts ------------------------------------------------------------------------------------


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
        problems["papers"] = _("Upload: %(papers)s.") % {"papers": "; ".join(missing)}
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


# --- retention: what the portal removes once it is of no use -----------------------------------
#
# Run daily by `manage.py purge_drafts`. Nothing here touches a dossier: a submitted draft keeps
# its row (it links the dossier and makes a retried submit find it), and its staged files are
# already deleted by `draft_submit` once the dossier holds its own copies.

PURGE_BATCH_SIZE = 500
DRAFTS_DIR = "portal/drafts"  # `draft_file_upload_to`: portal/drafts/<draft id>/<file>
# A staged file is written before the row that names it commits: a file younger than this with
# no row may still be on its way in, and is left for the next run.
ORPHAN_MIN_AGE = dt.timedelta(hours=1)


@dataclass
class PurgeResult:
    """What a purge removed (or, in a dry run, would remove).

    `drafts`, `files` and `bytes` count the open drafts deleted from the database and their staged
    files. Files are deleted from storage only after the deleting transaction commits, so
    `orphan_*` and `storage_errors` are filled in then (when called outside a transaction, as
    the management command does, before the function returns)."""

    cutoff: dt.datetime
    dry_run: bool = False
    drafts: int = 0
    files: int = 0
    bytes: int = 0
    batches: int = 0
    # Staged files no draft row names any more, in the folders of deleted or submitted drafts:
    # left behind when deleting them failed or the process stopped before it could.
    orphan_files: int = 0
    orphan_bytes: int = 0
    # Bytes actually deleted from storage (both kinds), and the files that could not be deleted
    # (logged; the next run finds them as orphans).
    freed_bytes: int = 0
    storage_errors: int = 0


def _draft_storage() -> Any:
    return DraftFile._meta.get_field("file").storage


def _draft_dir(draft_id: Any) -> str:
    return f"{DRAFTS_DIR}/{draft_id}"


def _storage_delete(storage: Any, name: str, size: int, result: PurgeResult) -> bool:
    try:
        storage.delete(name)
    except Exception:  # any back-end's error: log it and go on with the other files
        log.warning("could not delete staged file %s", name, exc_info=True)
        result.storage_errors += 1
        return False
    result.freed_bytes += size
    return True


def _remove_empty_dir(storage: Any, path: str) -> None:
    """A local folder left empty (object stores have no folders: nothing to do there)."""
    try:
        folders, files = storage.listdir(path)
    except (OSError, NotImplementedError):
        return
    if folders or files:
        return
    try:
        storage.delete(path)  # FileSystemStorage removes an empty directory
    except Exception:  # not worth a warning: an empty folder costs nothing but an inode
        log.debug("could not remove folder %s", path, exc_info=True)


def drafts_purge(
    *,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
) -> PurgeResult:
    """Deletes open drafts not updated since the start of the day `older_than` ago (default
    `MOTCUA_DRAFT_RETENTION_DAYS`, 30 days), with their staged files, and the staged files left
    behind in the folders of deleted or submitted drafts.

    `batch_size` drafts per transaction, each batch with one audit record. A draft being edited
    right now is locked by the wizard and skipped (SKIP LOCKED); the age is checked again under
    the lock. Files leave storage only after the batch commits, one failure does not stop the
    others. Submitted drafts are never deleted.
    """
    older_than = selectors.draft_retention() if older_than is None else older_than
    now = timezone.now() if now is None else now
    cutoff = selectors.draft_purge_cutoff(now=now, older_than=older_than)
    result = PurgeResult(cutoff=cutoff, dry_run=dry_run)
    stale = Draft.objects.filter(status=DraftStatus.OPEN, updated_at__lt=cutoff)
    if dry_run:
        result.drafts = stale.count()
        staged = DraftFile.objects.filter(draft__in=stale).aggregate(
            n=Count("pk"), size=Sum("size")
        )
        result.files, result.bytes = staged["n"], staged["size"] or 0
        _sweep_orphans(result, now=now, delete=False)
        return result
    storage = _draft_storage()
    while True:
        with transaction.atomic():
            ids = list(
                stale.select_for_update(skip_locked=True)
                .order_by("updated_at", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            staged_files = list(
                DraftFile.objects.filter(draft_id__in=ids).values_list("file", "size")
            )
            staged_files = [(name, s) for name, s in staged_files if name]
            size = sum(s for _name, s in staged_files)
            Draft.objects.filter(pk__in=ids).delete()  # their DraftFile rows go with them
            audit_record(
                action="portal_drafts_purge",
                object_type="portal.draft",
                changes={
                    "cutoff": cutoff,
                    "older_than_days": older_than.days,
                    "drafts": len(ids),
                    "files": len(staged_files),
                    "bytes": size,
                    "ids": sorted(str(pk) for pk in ids),
                },
                note=f"{len(ids)} open draft(s) not updated since {cutoff:%Y-%m-%d}",
            )
            transaction.on_commit(
                functools.partial(_purged_files_delete, storage, staged_files, ids, result)
            )
        result.drafts += len(ids)
        result.files += len(staged_files)
        result.bytes += size
        result.batches += 1
        if len(ids) < batch_size:
            break
    # After the batches' files, so that the folders they empty are not counted as orphans; and
    # after commit, so that a rolled-back purge cannot have removed a file its rows still name.
    transaction.on_commit(functools.partial(_sweep_orphans, result, now=now, delete=True))
    return result


def _purged_files_delete(
    storage: Any, staged_files: list[tuple[str, int]], draft_ids: list[Any], result: PurgeResult
) -> None:
    for name, size in staged_files:
        _storage_delete(storage, name, size, result)
    for draft_id in draft_ids:
        _remove_empty_dir(storage, _draft_dir(draft_id))


def _sweep_orphans(result: PurgeResult, *, now: dt.datetime, delete: bool) -> None:
    """Staged files in the folder of a draft that is no longer open (deleted, purged, submitted)
    and that no row names: `draft_submit`, `draft_discard` and the purge delete them after
    commit, and a failed deletion or a process stopped in between leaves them behind. Empty
    folders of such drafts are removed too. Folders of open drafts are left alone (their
    replaced files go when the draft is submitted or purged)."""
    storage = _draft_storage()
    try:
        folders, _files = storage.listdir(DRAFTS_DIR)
    except (OSError, NotImplementedError):
        return  # nothing staged yet
    young = now - ORPHAN_MIN_AGE
    for start in range(0, len(folders), PURGE_BATCH_SIZE):
        by_id: dict[str, str] = {}
        for folder in folders[start : start + PURGE_BATCH_SIZE]:
            try:
                by_id[str(uuid.UUID(folder))] = folder
            except ValueError:
                continue  # not a draft's folder
        open_ids = {
            str(pk)
            for pk in Draft.objects.filter(pk__in=list(by_id), status=DraftStatus.OPEN).values_list(
                "pk", flat=True
            )
        }
        named = set(
            DraftFile.objects.filter(draft_id__in=list(by_id)).values_list("file", flat=True)
        )
        for draft_id, folder in by_id.items():
            if draft_id in open_ids:
                continue
            path = f"{DRAFTS_DIR}/{folder}"
            try:
                _sub, files = storage.listdir(path)
            except OSError:
                continue  # removed meanwhile
            for filename in files:
                name = f"{path}/{filename}"
                try:
                    if name in named or storage.get_modified_time(name) >= young:
                        continue
                    size = storage.size(name)
                except OSError:
                    continue  # removed meanwhile
                if delete and not _storage_delete(storage, name, size, result):
                    continue
                result.orphan_files += 1
                result.orphan_bytes += size
            if delete:
                _remove_empty_dir(storage, path)


def verification_codes_purge(
    *,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
) -> int:
    """Deletes verification codes that expired before the start of the day `older_than` ago
    (used and replaced codes expire too); returns how many. Only an unexpired code can be
    confirmed, and the resend interval looks at the last minute, so none of these is read again.
    """
    cutoff = _retention_cutoff(older_than, now)
    expired = VerificationCode.objects.filter(expires_at__lt=cutoff)
    if dry_run:
        return expired.count()

    def delete(ids: list[Any]) -> None:
        VerificationCode.objects.filter(pk__in=ids).delete()
        audit_record(
            action="portal_verification_codes_purge",
            object_type="portal.verificationcode",
            changes={"cutoff": cutoff, "codes": len(ids)},
            note=f"{len(ids)} verification code(s) expired before {cutoff:%Y-%m-%d}",
        )

    return _delete_in_batches(
        lambda: list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size]),
        delete,
        batch_size,
    )


def abandoned_registrations_purge(
    *,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
) -> int:
    """Deletes portal registrations never verified: inactive, never logged in, no verified
    contact, registered before the start of the day `older_than` ago and no code asked for since,
    owning no dossier; returns how many. Such an account cannot log in; the person registers
    again. (A new registration with the same e-mail or phone frees them sooner:
    `_release_abandoned`.) Each account's deletion is in the audit trail (User is recorded on
    delete) beside one record per batch."""
    cutoff = _retention_cutoff(older_than, now)
    abandoned = (
        _abandoned_registrations(cutoff)
        .filter(portal_profile__isnull=False)  # registered on the portal, not made elsewhere
        .exclude(
            Exists(VerificationCode.objects.filter(user=OuterRef("pk"), created_at__gte=cutoff))
        )
        .exclude(Exists(Dossier.objects.filter(owner=OuterRef("pk"))))
        .exclude(Exists(Applicant.objects.filter(user=OuterRef("pk"))))
    )
    if dry_run:
        return abandoned.count()

    def delete(ids: list[Any]) -> None:
        User.objects.filter(pk__in=ids).delete()  # profile and codes go with them
        audit_record(
            action="portal_registrations_purge",
            object_type="accounts.user",
            changes={"cutoff": cutoff, "accounts": len(ids), "ids": ids},
            note=f"{len(ids)} registration(s) never verified, made before {cutoff:%Y-%m-%d}",
        )

    return _delete_in_batches(
        lambda: list(
            abandoned.select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        ),
        delete,
        batch_size,
    )


def _retention_cutoff(older_than: dt.timedelta | None, now: dt.datetime | None) -> dt.datetime:
    """Rows last touched before this are old enough to purge (default: the draft retention)."""
    return selectors.draft_purge_cutoff(
        now=timezone.now() if now is None else now,
        older_than=selectors.draft_retention() if older_than is None else older_than,
    )


def _delete_in_batches(
    next_ids: Callable[[], list[Any]], delete: Callable[[list[Any]], None], batch_size: int
) -> int:
    """`delete(next_ids())` in one transaction per batch until a batch comes back short (the
    ids are read, locked where the query says so, and deleted in the same transaction);
    returns how many were deleted."""
    total = 0
    while True:
        with transaction.atomic():
            ids = next_ids()
            if ids:
                delete(ids)
        total += len(ids)
        if len(ids) < batch_size:
            return total
