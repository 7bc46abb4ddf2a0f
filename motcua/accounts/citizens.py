"""Citizen and business accounts: registration with a verification code, the profile that
prefills submissions, and the link to an OpenID Connect identity (VNeID).

The portal is where citizens register, but the rules are the accounts app's: the portal's pages
(and anything else) call these functions. Retention of what they leave behind (expired codes,
registrations never verified) is `motcua.accounts.retention`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import senders
from motcua.accounts.enums import AccountKind, ContactChannel
from motcua.accounts.models import Profile, User, VerificationCode
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed

CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_INTERVAL = dt.timedelta(seconds=60)
PUBLIC_KINDS = (AccountKind.CITIZEN, AccountKind.BUSINESS)
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


def abandoned_registrations(cutoff: dt.datetime) -> QuerySet[User]:
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
    abandoned_registrations(cutoff).filter(contact).delete()


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
