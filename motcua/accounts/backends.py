from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from motcua.accounts.models import User


class EmailOrPhoneBackend(ModelBackend):
    """Log in with a username, an e-mail address or a telephone number."""

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
        login = username.strip()
        candidates = list(
            User.objects.filter(
                Q(username=login) | Q(email__iexact=login) | (Q(phone=login) & ~Q(phone=""))
            )[:2]
        )
        if len(candidates) != 1:
            User().set_password(password)  # same cost whether or not the account exists
            return None
        user = candidates[0]
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
