"""Who may change the catalogue: a provincial administrator, or a unit administrator whose
scope covers every implementing organisation of the procedure (a procedure shared by all
communes is therefore the province's to change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.policies import can_administer, is_provincial_admin
from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Organisation


def can_edit_procedure(actor: Any, organisations: Iterable[Organisation]) -> bool:
    if is_provincial_admin(actor):
        return True
    orgs = list(organisations)
    return bool(orgs) and all(can_administer(actor, org) for org in orgs)


def ensure_can_edit_procedure(actor: Any, organisations: Iterable[Organisation]) -> None:
    if not can_edit_procedure(actor, organisations):
        raise PermissionDenied(
            _(
                "Only a provincial administrator, or an administrator of every implementing "
                "unit, may change this procedure."
            )
        )
