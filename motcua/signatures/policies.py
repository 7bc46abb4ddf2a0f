"""Who may do what with signed documents (services call the ensure_* functions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts import policies as account_policies
from motcua.accounts.enums import Role
from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Organisation
from motcua.signatures.enums import DocumentKind
from motcua.signatures.models import SignedDocument

PREPARING_ROLES = (Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.COUNTER_OFFICER)


def can_create(
    actor: Any,
    organisation: Organisation,
    *,
    kind: str = "",
    signer: Any = None,
    parent: SignedDocument | None = None,
) -> bool:
    """Officials who prepare the organisation's papers; for an official document (and its
    separate attachments) the designated signer and the issuing organisation's clerks, whom
    the documents app has already checked (motcua.documents.policies)."""
    if kind == DocumentKind.OFFICIAL or (
        kind == DocumentKind.ATTACHMENT and parent is not None and _is_official(parent)
    ):
        designated = signer is not None and _is_person(actor, signer)
        return designated or _clerk_within(actor, organisation)
    return account_policies.can_act_in(actor, organisation, *PREPARING_ROLES)


def can_lead(actor: Any, organisation: Organisation) -> bool:
    """A leader of `organisation` (or of a unit above it)."""
    return _holds_role_over(actor, organisation, Role.LEADER)


def can_sign_personal(actor: Any, document: SignedDocument) -> bool:
    """A leader of the issuing organisation (or above it); the designated signer if one is
    named. Signing is personal: a provincial administrator may not sign for a leader.

    An official document is signed by its designated signer only, whatever their role (the
    documents app names them: a deputy signs "KT.", a head of office "TL.")."""
    if document.kind == DocumentKind.OFFICIAL:
        return document.signer is not None and _is_person(actor, document.signer)
    if document.signer_id is not None and document.signer_id != getattr(actor, "pk", None):
        return False
    return can_lead(actor, document.organisation)


def can_sign_organisation(actor: Any, document: SignedDocument) -> bool:
    """A clerk (văn thư) of the issuing organisation, or of the organisation above it whose
    seal it issues under (a commune's service centre uses the commune's), applies the
    organisation's signature. For an official document (and its attachments) also a clerk of
    one of the issuing organisation's units (the office of a people's committee keeps its
    register and seal), as motcua.documents.policies.can_clerk says."""
    if _is_official(document) and _clerk_within(actor, document.organisation):
        return True
    if _holds_role_over(actor, document.organisation, Role.CLERK):
        return True
    own = getattr(actor, "organisation", None)
    if own is None or not _holds_role_over(actor, own, Role.CLERK):
        return False
    return bool(document.organisation.path.startswith(own.path))


def can_release(actor: Any, document: SignedDocument) -> bool:
    if _holds_role_over(actor, document.organisation, Role.CLERK, Role.COUNTER_OFFICER):
        return True
    dossier = document.dossier
    return dossier is not None and _holds_role_over(
        actor, dossier.receiving_unit, Role.CLERK, Role.COUNTER_OFFICER
    )


def can_revoke(actor: Any, document: SignedDocument) -> bool:
    return _holds_role_over(actor, document.organisation, Role.LEADER, Role.CLERK)


def can_view_result(user: Any, dossier: Any) -> bool:
    """The applicant (the account that owns the dossier) and officials of the units that
    handle it (and, for leaders, the units above them)."""
    from motcua.dossiers.selectors import can_view

    if not getattr(user, "is_authenticated", False):
        return False
    if dossier.applicant.user_id is not None and dossier.applicant.user_id == user.pk:
        return True
    return can_view(user, dossier)


def _holds_role_over(actor: Any, organisation: Organisation, *roles: str) -> bool:
    """Like accounts.policies.can_act_in, without the provincial administrator's blanket
    permission: signing needs the role itself."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_official", False):
        return False
    if actor.organisation_id is None or not actor.has_role(*roles):
        return False
    return account_policies.can_act_in(actor, organisation, *roles)


def _is_official(document: SignedDocument) -> bool:
    """An official document of the documents app, or a separate attachment of one."""
    if document.kind == DocumentKind.OFFICIAL:
        return True
    parent = document.parent if document.kind == DocumentKind.ATTACHMENT else None
    return parent is not None and parent.kind == DocumentKind.OFFICIAL


def _is_person(actor: Any, person: Any) -> bool:
    """`actor` is the official `person` (signing is personal: no one signs for another)."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_official", False)
        and actor.pk == getattr(person, "pk", None)
    )


def _clerk_within(actor: Any, organisation: Organisation) -> bool:
    """A clerk working in `organisation` or one of its units (not a provincial administrator:
    signing for an organisation needs the role itself)."""
    if not _is_person(actor, actor) or actor.organisation_id is None:
        return False
    if not actor.has_role(Role.CLERK):
        return False
    return bool(actor.organisation.path.startswith(organisation.path))


def _ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def ensure_can_create(
    actor: Any,
    organisation: Organisation,
    *,
    kind: str = "",
    signer: Any = None,
    parent: SignedDocument | None = None,
) -> None:
    _ensure(
        can_create(actor, organisation, kind=kind, signer=signer, parent=parent),
        _("You may not prepare documents for this organisation."),
    )


def ensure_can_sign_personal(actor: Any, document: SignedDocument) -> None:
    _ensure(
        can_sign_personal(actor, document),
        _(
            "Only a leader of the issuing organisation (the designated signer) may sign this "
            "document."
        ),
    )


def ensure_can_sign_organisation(actor: Any, document: SignedDocument) -> None:
    _ensure(
        can_sign_organisation(actor, document),
        _("Only a clerk of the issuing organisation may apply the organisation's signature."),
    )


def ensure_can_release(actor: Any, document: SignedDocument) -> None:
    _ensure(can_release(actor, document), _("You may not release this document."))


def ensure_can_revoke(actor: Any, document: SignedDocument) -> None:
    _ensure(can_revoke(actor, document), _("You may not revoke or replace this document."))
