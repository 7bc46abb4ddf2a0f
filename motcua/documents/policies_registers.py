"""Who may read the registers and keep document files (hồ sơ công việc).

Kept beside `documents.policies` (which they build on) until they are folded into it: the
registers are read by the agency's officials, each line filtered by `outgoing_scope` /
`incoming_scope`; a file is kept by the agency's clerks and by the official named its keeper.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.policies import can_act_in, is_provincial_admin
from motcua.core.errors import PermissionDenied
from motcua.documents import policies
from motcua.documents.models import DocumentFile
from motcua.organisations.models import Organisation


def _official(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == AccountKind.OFFICIAL
        and user.organisation_id is not None
    )


def _of_agency(user: Any, organisation: Organisation | None, *roles: str) -> bool:
    """An official of the agency or of a unit under it (documents.policies), or one acting
    over it from above (accounts.policies: leaders and administrators of a parent)."""
    return policies.member_of(user, organisation, *roles) or can_act_in(user, organisation, *roles)


# --- registers ------------------------------------------------------------------------------------


def can_view_registers(user: Any, organisation: Organisation | None) -> bool:
    """The agency's registers: any of its officials (each sees the lines their scope lets
    through). All agencies at once: the provincial administrators."""
    if organisation is None:
        return is_provincial_admin(user)
    return is_provincial_admin(user) or _of_agency(user, organisation)


def ensure_can_view_registers(user: Any, organisation: Organisation | None) -> None:
    if not can_view_registers(user, organisation):
        raise PermissionDenied(_("You cannot read the registers of this agency."))


# --- document files -------------------------------------------------------------------------------


def _clerk_of(user: Any, organisation: Organisation | None) -> bool:
    return policies.can_clerk(user, organisation) or can_act_in(user, organisation, Role.CLERK)


def can_create_document_file(user: Any, organisation: Organisation | None, keeper: Any) -> bool:
    """A clerk of the agency, for any keeper; an official of the agency, for a file they keep
    themselves. The keeper must work in the agency."""
    if keeper is not None and not policies.member_of(keeper, organisation):
        return False
    if _clerk_of(user, organisation):
        return True
    return bool(
        _official(user)
        and keeper is not None
        and keeper.pk == user.pk
        and _of_agency(user, organisation)
    )


def ensure_can_create_document_file(
    user: Any, organisation: Organisation | None, keeper: Any
) -> None:
    if not can_create_document_file(user, organisation, keeper):
        raise PermissionDenied(
            _("Only a clerk of the agency, or its official keeping the file, may open a file.")
        )


def can_manage_document_file(user: Any, document_file: DocumentFile) -> bool:
    """Add, remove, close: a clerk of the file's agency, or its keeper (while they work there)."""
    organisation = document_file.organisation
    if _clerk_of(user, organisation):
        return True
    return bool(
        _official(user) and document_file.keeper_id == user.pk and _of_agency(user, organisation)
    )


def ensure_can_manage_document_file(user: Any, document_file: DocumentFile) -> None:
    if not can_manage_document_file(user, document_file):
        raise PermissionDenied(
            _("Only a clerk of the agency or the file's keeper may change this file.")
        )


def can_view_document_file(user: Any, document_file: DocumentFile) -> bool:
    """Its keeper and clerks, and the agency's leaders."""
    return can_manage_document_file(user, document_file) or _of_agency(
        user, document_file.organisation, Role.LEADER
    )


def ensure_can_view_document_file(user: Any, document_file: DocumentFile) -> None:
    if not can_view_document_file(user, document_file):
        raise PermissionDenied(_("You cannot see this file."))
