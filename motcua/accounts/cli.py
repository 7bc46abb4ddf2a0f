"""Who a management command acts as (import_dossiers, generate_history)."""

from __future__ import annotations

from django.core.management.base import CommandError

from motcua.accounts.enums import Role
from motcua.accounts.models import User


def resolve_actor(username: str | None) -> User:
    """The account the actions are recorded under: --actor, else the first superuser or
    provincial administrator."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        return user
    user = (
        User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        or User.objects.filter(role_assignments__role=Role.PROVINCIAL_ADMIN, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise CommandError("No superuser or provincial administrator: pass --actor USERNAME.")
    return user
