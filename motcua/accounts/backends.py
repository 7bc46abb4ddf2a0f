from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from motcua.accounts.models import User


def normalise_login(login: str) -> str:
    """A typed login name as the lookup uses it: NFKC-normalised (as Django's login forms do,
    so full-width or mathematical letters are the plain ones) and stripped."""
    return unicodedata.normalize("NFKC", login).strip()


def user_for_login(login: str) -> User | None:
    """The one account whose username, e-mail address (any case) or telephone number is
    `login` (see `normalise_login`); None when none or several match. One query."""
    login = normalise_login(login)
    if not login:
        return None
    candidates = list(
        User.objects.filter(
            Q(username=login) | Q(email__iexact=login) | (Q(phone=login) & ~Q(phone=""))
        )[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


class EmailOrPhoneBackend(ModelBackend):
    """Log in with a username, an e-mail address or a telephone number (`user_for_login`)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            User().set_password(password)  # same cost whether or not the account exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        # Provincial administrators administer every model of the platform.
        if (
            getattr(user_obj, "is_active", False)
            and getattr(user_obj, "is_staff", False)
            and isinstance(user_obj, User)
            and user_obj.is_official
            and user_obj.has_role("provincial_admin")
        ):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if (
            getattr(user_obj, "is_active", False)
            and isinstance(user_obj, User)
            and user_obj.is_staff
            and user_obj.has_role("provincial_admin")
        ):
            return True
        return super().has_module_perms(user_obj, app_label)
