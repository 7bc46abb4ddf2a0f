"""Who sees which figures: the organisations whose dossiers a user's reports may include.

Provincial administrators see the whole province. Leaders, unit administrators and report
viewers see their organisation and everything below it; other officials see what
`accounts.policies.organisations_in_scope` gives them (their own organisation). Citizens and
anonymous users see no report.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts import policies as account_policies
from motcua.accounts.enums import AccountKind, Role
from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Organisation

SUBTREE_ROLES = frozenset({Role.LEADER, Role.UNIT_ADMIN, Role.REPORT_VIEWER})


def can_view_reports(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if account_policies.is_provincial_admin(user):
        return True
    return bool(user.kind == AccountKind.OFFICIAL and user.organisation_id is not None)


def ensure_can_view_reports(user: Any) -> None:
    if not can_view_reports(user):
        raise PermissionDenied(_("Only officials may see reports."))


def report_scope_ids(user: Any) -> list[int] | None:
    """Ids of the organisations whose dossiers `user` may count; None means all of them."""
    ensure_can_view_reports(user)
    if account_policies.is_provincial_admin(user):
        return None
    if user.role_set() & SUBTREE_ROLES:
        path = user.organisation.path
        return list(Organisation.objects.filter(path__startswith=path).values_list("pk", flat=True))
    return list(account_policies.organisations_in_scope(user).values_list("pk", flat=True))


def can_view_unit(user: Any, unit: Organisation) -> bool:
    scope = report_scope_ids(user)
    return scope is None or unit.pk in scope


def unit_ids_for(user: Any, unit: Organisation | None) -> list[int] | None:
    """The organisations a report over `unit` (None: the user's whole scope) counts.

    A unit includes its subtree; the result never leaves the user's scope.
    """
    scope = report_scope_ids(user)
    if unit is None:
        return scope
    if scope is not None and unit.pk not in scope:
        raise PermissionDenied(
            _("%(unit)s is outside the organisations you may report on.") % {"unit": unit.name},
            fields={"unit": _("outside your scope")},
        )
    subtree_qs = Organisation.objects.filter(path__startswith=unit.path)
    if scope is None:
        if not Organisation.objects.exclude(path__startswith=unit.path).exists():
            return None  # the root of the only tree: everything, without a filter
        return list(subtree_qs.values_list("pk", flat=True))
    subtree = list(subtree_qs.values_list("pk", flat=True))
    allowed = set(scope)
    return [pk for pk in subtree if pk in allowed]
