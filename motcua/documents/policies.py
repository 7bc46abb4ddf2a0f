"""Who may see and do what with official documents, registers and document files: the one
place for these rules.

An official belongs to an agency when their unit is the agency or one of its sub-units (a
specialist of a department drafts for the department; its clerk numbers and sends). Services
call `ensure_can_*`; interfaces call `can_*` to show or hide an action; selectors filter with
`outgoing_scope` / `incoming_scope` (no joins: a document is never listed twice). Secret
documents are seen only by the people they name and
by the agency's clerks and leaders.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.policies import can_act_in, is_provincial_admin, organisations_in_scope
from motcua.core.errors import PermissionDenied
from motcua.documents.enums import Confidentiality, IncomingState
from motcua.documents.models import DocumentFile, IncomingDocument, OutgoingDocument
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

DRAFTING_ROLES = (Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.UNIT_ADMIN)
PROCESSING_ROLES = (Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.UNIT_ADMIN)
SECRET_KEEPER_ROLES = (Role.CLERK, Role.LEADER)


def _official(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == AccountKind.OFFICIAL
        and user.organisation_id is not None
    )


def _path_ids(organisation: Organisation) -> list[int]:
    return [int(p) for p in organisation.path.strip("/").split("/") if p]


def agency_of(unit: Organisation) -> Organisation:
    """The agency a unit belongs to for official documents: the unit itself, or for an internal
    division (phòng, ban) the nearest unit above it that is not a division. Departments and
    communes are agencies of their own, although the organisation tree puts them under the
    provincial committee: they issue and receive their own documents."""
    if unit.kind != OrganisationKind.DIVISION:
        return unit
    above = list(
        Organisation.objects.filter(pk__in=_path_ids(unit)[:-1])
        .exclude(kind=OrganisationKind.DIVISION)
        .order_by("-path")[:1]
    )
    return above[0] if above else unit


def agency_units(agency: Organisation) -> list[int]:
    """The ids of an agency and of its internal divisions (through divisions only)."""
    ids = [agency.pk]
    frontier = [agency.pk]
    while frontier:
        frontier = list(
            Organisation.objects.filter(
                parent_id__in=frontier, kind=OrganisationKind.DIVISION
            ).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def within(unit: Organisation, organisation: Organisation) -> bool:
    """`unit` is `organisation` or one of its divisions, through divisions only."""
    if not unit.path.startswith(organisation.path):
        return False
    if unit.pk == organisation.pk:
        return True
    below = _path_ids(unit)[len(_path_ids(organisation)) :]
    kinds = set(Organisation.objects.filter(pk__in=below).values_list("kind", flat=True))
    return kinds == {OrganisationKind.DIVISION}


def member_of(user: Any, organisation: Organisation | None, *roles: str) -> bool:
    """`user` works in `organisation` or one of its divisions and holds one of `roles`."""
    if organisation is None or not _official(user):
        return False
    if roles and not user.has_role(*roles):
        return False
    return within(user.organisation, organisation)


def user_agency(user: Any) -> Organisation | None:
    """The agency an official works for (None for anyone else)."""
    return agency_of(user.organisation) if _official(user) else None


def _acts_for(user: Any, organisation: Organisation | None, *roles: str) -> bool:
    return is_provincial_admin(user) or member_of(user, organisation, *roles)


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message, code="forbidden")


# --- visibility --------------------------------------------------------------------------------


def _agencies_of(user: Any) -> Any:
    """The agencies whose documents `user` works on: their own agency and its divisions, and
    (for leaders and administrators) the units below their own."""
    own = organisations_in_scope(user).values("pk")
    agency = agency_of(user.organisation)
    return Q(pk__in=own) | Q(pk__in=agency_units(agency))


def outgoing_scope(user: Any) -> Q:
    """The outgoing documents `user` may see."""
    if is_provincial_admin(user):
        return Q()
    if not _official(user):
        return Q(pk__in=[])
    reviewing = OutgoingDocument.reviewers.through.objects.filter(user_id=user.pk).values(
        "outgoingdocument_id"
    )
    involved = Q(drafter=user) | Q(signer=user) | Q(pk__in=reviewing)
    units = organisations_in_scope(user).values("pk")
    in_scope = Q(organisation__in=units) | Q(drafting_unit__in=units)
    agencies = Organisation.objects.filter(_agencies_of(user)).values("pk")
    keeper = Q(organisation__in=agencies) if user.has_role(*SECRET_KEEPER_ROLES) else Q(pk__in=[])
    if user.has_role(Role.CLERK):
        # The agency's clerks number and send everything it issues.
        in_scope |= Q(organisation__in=agencies)
    return (Q(confidentiality=Confidentiality.NORMAL) & in_scope) | involved | keeper


def incoming_scope(user: Any) -> Q:
    """The incoming documents `user` may see: their agency's (clerks and leaders), and those
    assigned to their unit (lead or co-unit) or to them."""
    if is_provincial_admin(user):
        return Q()
    if not _official(user):
        return Q(pk__in=[])
    units = organisations_in_scope(user).values("pk")
    co = IncomingDocument.co_units.through.objects.filter(organisation_id__in=units).values(
        "incomingdocument_id"
    )
    assigned = Q(lead_official=user) | Q(lead_unit__in=units) | Q(pk__in=co)
    agencies = Organisation.objects.filter(_agencies_of(user)).values("pk")
    registry = Q(organisation__in=units)
    if user.has_role(*SECRET_KEEPER_ROLES):
        registry |= Q(organisation__in=agencies)
        return registry | assigned
    return (Q(confidentiality=Confidentiality.NORMAL) & registry) | assigned


def can_view_outgoing(user: Any, document: OutgoingDocument) -> bool:
    return OutgoingDocument.objects.filter(outgoing_scope(user), pk=document.pk).exists()


def can_view_incoming(user: Any, document: IncomingDocument) -> bool:
    return IncomingDocument.objects.filter(incoming_scope(user), pk=document.pk).exists()


def ensure_can_view_outgoing(user: Any, document: OutgoingDocument) -> None:
    if not can_view_outgoing(user, document):
        raise _deny(_("You cannot see this document."))


def ensure_can_view_incoming(user: Any, document: IncomingDocument) -> None:
    if not can_view_incoming(user, document):
        raise _deny(_("You cannot see this document."))


# --- outgoing ------------------------------------------------------------------------------------


def can_draft(user: Any, organisation: Organisation | None) -> bool:
    return _acts_for(user, organisation, *DRAFTING_ROLES)


def ensure_can_draft(user: Any, organisation: Organisation | None) -> None:
    if not can_draft(user, organisation):
        raise _deny(_("Only an official of the agency may draft its documents."))


def can_edit_draft(user: Any, document: OutgoingDocument) -> bool:
    """The drafter, or an official of the drafting unit."""
    return bool(
        is_provincial_admin(user)
        or (_official(user) and document.drafter_id == user.pk)
        or member_of(user, document.drafting_unit, *DRAFTING_ROLES)
    )


def ensure_can_edit_draft(user: Any, document: OutgoingDocument) -> None:
    if not can_edit_draft(user, document):
        raise _deny(_("Only the drafter or the drafting unit may change this draft."))


def _is_reviewer(user: Any, document: OutgoingDocument) -> bool:
    return _official(user) and document.reviewers.filter(pk=user.pk).exists()


def can_review(user: Any, document: OutgoingDocument) -> bool:
    return _is_reviewer(user, document)


def ensure_can_review(user: Any, document: OutgoingDocument) -> None:
    if not can_review(user, document):
        raise _deny(_("Only a reviewer named on the draft may approve or return it."))


def can_comment(user: Any, document: OutgoingDocument) -> bool:
    return (
        can_edit_draft(user, document)
        or _is_reviewer(user, document)
        or (_official(user) and document.signer_id == user.pk)
    )


def ensure_can_comment(user: Any, document: OutgoingDocument) -> None:
    if not can_comment(user, document):
        raise _deny(_("Only the drafter, the reviewers and the signer may comment."))


def can_sign(user: Any, document: OutgoingDocument) -> bool:
    return _official(user) and document.signer_id == user.pk


def ensure_can_sign(user: Any, document: OutgoingDocument) -> None:
    if not can_sign(user, document):
        raise _deny(_("Only the designated signer may sign this document."))


def can_return_to_drafter(user: Any, document: OutgoingDocument) -> bool:
    return _is_reviewer(user, document) or can_sign(user, document)


def ensure_can_return_to_drafter(user: Any, document: OutgoingDocument) -> None:
    if not can_return_to_drafter(user, document):
        raise _deny(_("Only a reviewer or the signer may return the draft."))


def can_clerk(user: Any, organisation: Organisation | None) -> bool:
    """Number, sign for the organisation, send, register: the agency's clerks."""
    return _acts_for(user, organisation, Role.CLERK)


def ensure_can_clerk(user: Any, organisation: Organisation | None) -> None:
    if not can_clerk(user, organisation):
        raise _deny(_("Only a clerk of the agency may do this."))


def can_revoke(user: Any, document: OutgoingDocument) -> bool:
    """A revocation, update or replacement is drafted by the issuing agency's officials."""
    return can_draft(user, document.organisation)


# --- incoming ------------------------------------------------------------------------------------


def can_register(user: Any, organisation: Organisation | None) -> bool:
    return can_clerk(user, organisation)


def ensure_can_register(user: Any, organisation: Organisation | None) -> None:
    if not can_register(user, organisation):
        raise _deny(_("Only a clerk of the receiving agency may register its documents."))


def can_assign(user: Any, document: IncomingDocument) -> bool:
    return _acts_for(user, document.organisation, Role.LEADER)


def ensure_can_assign(user: Any, document: IncomingDocument) -> None:
    if not can_assign(user, document):
        raise _deny(_("Only a leader of the receiving agency may assign this document."))


def _in_unit(user: Any, unit: Organisation | None) -> bool:
    return member_of(user, unit, *PROCESSING_ROLES)


def can_process(user: Any, document: IncomingDocument) -> bool:
    """Progress notes: the lead official, the lead unit and the co-units, and the leaders."""
    if document.state in (IncomingState.RECEIVED, IncomingState.RETURNED, IncomingState.REVOKED):
        return False
    if _official(user) and document.lead_official_id == user.pk:
        return True
    if _in_unit(user, document.lead_unit) or can_assign(user, document):
        return True
    return any(_in_unit(user, unit) for unit in document.co_units.all())


def ensure_can_process(user: Any, document: IncomingDocument) -> None:
    if not can_process(user, document):
        raise _deny(_("Only the units this document was assigned to may process it."))


def can_finish(user: Any, document: IncomingDocument) -> bool:
    """Finish (and reply): the lead official or lead unit, the leaders; not the co-units."""
    if _official(user) and document.lead_official_id == user.pk:
        return True
    return _in_unit(user, document.lead_unit) or can_assign(user, document)


def ensure_can_finish(user: Any, document: IncomingDocument) -> None:
    if not can_finish(user, document):
        raise _deny(_("Only the lead unit or a leader may finish this document."))


def can_return_incoming(user: Any, document: IncomingDocument) -> bool:
    return can_register(user, document.organisation) or can_assign(user, document)


def ensure_can_return_incoming(user: Any, document: IncomingDocument) -> None:
    if not can_return_incoming(user, document):
        raise _deny(_("Only the clerk or a leader of the receiving agency may return it."))


# --- registers and document files ---------------------------------------------------------------


def _of_agency(user: Any, organisation: Organisation | None, *roles: str) -> bool:
    """An official of the agency or of a unit under it (documents.policies), or one acting
    over it from above (accounts.policies: leaders and administrators of a parent)."""
    return member_of(user, organisation, *roles) or can_act_in(user, organisation, *roles)


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
    return can_clerk(user, organisation) or can_act_in(user, organisation, Role.CLERK)


# Who may keep a file: any official who works on documents (a report viewer only reads).
FILE_KEEPER_ROLES = tuple(role for role in Role.values if role != Role.REPORT_VIEWER)


def _may_keep(user: Any, organisation: Organisation | None) -> bool:
    return bool(
        _official(user) and user.has_role(*FILE_KEEPER_ROLES) and _of_agency(user, organisation)
    )


def can_create_document_file(user: Any, organisation: Organisation | None, keeper: Any) -> bool:
    """A clerk of the agency, for any keeper; an official of the agency (not a report viewer),
    for a file they keep themselves. The keeper must work in the agency."""
    if keeper is not None and not member_of(keeper, organisation):
        return False
    if _clerk_of(user, organisation):
        return True
    return bool(keeper is not None and keeper.pk == user.pk and _may_keep(user, organisation))


def ensure_can_create_document_file(
    user: Any, organisation: Organisation | None, keeper: Any
) -> None:
    if not can_create_document_file(user, organisation, keeper):
        raise PermissionDenied(
            _("Only a clerk of the agency, or its official keeping the file, may open a file.")
        )


def can_manage_document_file(user: Any, document_file: DocumentFile) -> bool:
    """Add, remove, close: a clerk of the file's agency, or its keeper (while they work there,
    not as a report viewer)."""
    organisation = document_file.organisation
    if _clerk_of(user, organisation):
        return True
    return bool(document_file.keeper_id == user.pk and _may_keep(user, organisation))


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


# --- the exchange ------------------------------------------------------------------------------


def can_deliver_package(user: Any, organisation: Organisation | None) -> bool:
    """A clerk of the agency (or a provincial administrator), or a machine client (an account
    of kind "system") of the agency, of an agency above it, or of none (a province-wide
    integration, such as the provincial platform's gateway)."""
    if can_register(user, organisation):
        return True
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    if user.kind != AccountKind.SYSTEM or not user.is_active:
        return False
    own = getattr(user, "organisation", None)
    return own is None or organisation.path.startswith(own.path)


def ensure_can_deliver_package(user: Any, organisation: Organisation | None) -> None:
    if not can_deliver_package(user, organisation):
        raise PermissionDenied(
            _("Only a clerk or a machine client of the receiving agency may deliver packages."),
            code="forbidden",
        )
