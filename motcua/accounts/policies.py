"""Who may see and act on what: officials are scoped to their organisation (and, for leaders
and administrators, to the organisations below it); provincial administrators see everything."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.enums import ROLES_WITH_SUBTREE, AccountKind, Role
from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Organisation


def is_provincial_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (
            user.is_superuser
            or (user.kind == AccountKind.OFFICIAL and user.has_role(Role.PROVINCIAL_ADMIN))
        )
    )


def organisations_in_scope(user: Any) -> QuerySet[Organisation]:
    """The organisations whose data `user` may see."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if is_provincial_admin(user):
        return Organisation.objects.all()
    if user.kind != AccountKind.OFFICIAL or user.organisation_id is None:
        return Organisation.objects.none()
    org = user.organisation
    if user.role_set() & ROLES_WITH_SUBTREE:
        return Organisation.objects.filter(path__startswith=org.path)
    return Organisation.objects.filter(pk=org.pk)


def can_act_in(user: Any, organisation: Organisation | None, *roles: str) -> bool:
    """True when `user` holds one of `roles` (any role if none given) over `organisation`."""
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    if is_provincial_admin(user):
        return True
    if user.kind != AccountKind.OFFICIAL or user.organisation_id is None:
        return False
    if roles and not user.has_role(*roles):
        return False
    if organisation.pk == user.organisation_id:
        return True
    own_path = user.organisation.path
    return bool(user.role_set() & ROLES_WITH_SUBTREE) and organisation.path.startswith(own_path)


def ensure_can_act_in(user: Any, organisation: Organisation | None, *roles: str) -> None:
    if not can_act_in(user, organisation, *roles):
        raise PermissionDenied(_("You do not have permission to act for this organisation."))


def can_administer(user: Any, organisation: Organisation | None = None) -> bool:
    if is_provincial_admin(user):
        return True
    if organisation is None:
        return False
    return can_act_in(user, organisation, Role.UNIT_ADMIN)


def ensure_can_administer(user: Any, organisation: Organisation | None = None) -> None:
    if not can_administer(user, organisation):
        raise PermissionDenied(_("Only an administrator may do this."))


def scope_filter(user: Any, field: str = "organisation") -> Q:
    """A Q object restricting a queryset to `user`'s organisations through `field`."""
    if is_provincial_admin(user):
        return Q()
    return Q(**{f"{field}__in": organisations_in_scope(user)})
