from __future__ import annotations

import copy
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.models import ApiToken, RoleAssignment, User
from motcua.core.audit import audit_record
from motcua.core.errors import NotFound, ValidationFailed
from motcua.organisations.models import Organisation


@transaction.atomic
def official_create(
    *,
    username: str,
    full_name: str,
    organisation: Organisation,
    roles: list[str],
    password: str | None = None,
    email: str = "",
    position: str = "",
) -> User:
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}, fields={"roles": unknown}
        )
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            _("The user name “%(username)s” is taken.") % {"username": username},
            fields={"username": _("taken")},
        )
    user = User(
        username=username,
        full_name=full_name,
        organisation=organisation,
        kind=AccountKind.OFFICIAL,
        email=email,
        position=position,
        is_staff=Role.PROVINCIAL_ADMIN in roles or Role.UNIT_ADMIN in roles,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    official_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def official_set_roles(*, user: User, roles: list[str]) -> None:
    wanted = set(roles)
    RoleAssignment.objects.filter(user=user).exclude(role__in=wanted).delete()
    have = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    for role in sorted(wanted - have):
        RoleAssignment.objects.create(user=user, role=role)
    user._role_cache = None


@transaction.atomic
def api_token_create(*, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the key, which is shown once and never stored."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(
            _("No user named “%(username)s”.") % {"username": username},
            fields={"username": _("unknown")},
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token_id: int, actor: Any = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such API token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="api_token_revoke", obj=token, actor=actor)
    return token


# Authenticated API tokens, per process: key hash -> (monotonic time of the check, user).
# A hit skips the database for MOTCUA_API_TOKEN_CACHE_SECONDS; any save or delete of a token,
# user, role assignment or organisation in this process empties it, now and again when the
# change commits (signals, see AccountsConfig.ready; the second time drops what another thread
# read before the commit), so only a change made by another process can take up to that long
# to be seen here.
_token_cache: dict[str, tuple[float, User]] = {}
_token_cache_lock = threading.Lock()
TOKEN_CACHE_MAX_ENTRIES = 10_000


def api_token_cache_clear() -> None:
    """Forget every cached token."""
    with _token_cache_lock:
        _token_cache.clear()


def api_token_cache_on_change(*args: Any, **kwargs: Any) -> None:
    """Signal receiver: forget every cached token now and when the change commits."""
    api_token_cache_clear()
    transaction.on_commit(api_token_cache_clear, using=kwargs.get("using"))


def api_token_authenticate(key: str) -> User | None:
    if not key:
        return None
    key_hash = ApiToken.hash_key(key)
    ttl = float(getattr(settings, "MOTCUA_API_TOKEN_CACHE_SECONDS", 0))
    if ttl > 0:
        hit = _token_cache.get(key_hash)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return copy.copy(hit[1])  # each request gets its own instance
    checked_at = time.monotonic()
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        # Touch at most every five minutes; a plain UPDATE, not an audited change.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    if ttl > 0:
        user.role_set()  # loaded once, kept with the cached user
        with _token_cache_lock:
            if len(_token_cache) >= TOKEN_CACHE_MAX_ENTRIES:
                _token_cache.clear()
            _token_cache[key_hash] = (checked_at, copy.copy(user))
    return user
