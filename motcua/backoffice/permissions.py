"""Which dossier actions to offer an official: the services' permission checks, mirrored.

Only for hiding buttons. Every service checks again (STYLE: "Interfaces may call policies to hide
a button, never instead of the service's check"); when a service's check changes, change the
matching line here. Each entry names the service whose check it mirrors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from motcua.accounts import policies
from motcua.accounts.enums import Role
from motcua.dossiers import transitions
from motcua.dossiers.enums import Action, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.organisations.models import Organisation
from motcua.signatures import policies as signature_policies
from motcua.signatures import transitions as signature_transitions
from motcua.signatures.enums import DocumentAction, DocumentKind, DocumentState
from motcua.signatures.models import SignedDocument

OFFICIAL_ROLES = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)


def _desk(*roles: str) -> Callable[[Any, Dossier], bool]:
    """An official of the receiving unit (services: `_ensure(actor, receiving_unit, ...)`)."""

    def check(user: Any, dossier: Dossier) -> bool:
        return policies.can_act_in(user, dossier.receiving_unit, *roles)

    return check


def _processing(*roles: str) -> Callable[[Any, Dossier], bool]:
    """An official of the unit the dossier is at now, or the desk's counter officer while it
    waits for acceptance (services: `_ensure_processing`)."""

    def check(user: Any, dossier: Dossier) -> bool:
        if policies.can_act_in(user, dossier.current_unit, *roles):
            return True
        return dossier.status == DossierStatus.SUBMITTED and policies.can_act_in(
            user, dossier.receiving_unit, Role.COUNTER_OFFICER
        )

    return check


def _desk_or_processing(*roles: str) -> Callable[[Any, Dossier], bool]:
    """The receiving unit's officials, else as `_processing` (dossier_confirm_payment)."""
    desk, processing = _desk(*roles), _processing(*roles)
    return lambda user, dossier: desk(user, dossier) or processing(user, dossier)


CHECKS: dict[str, Callable[[Any, Dossier], bool]] = {
    Action.RECEIVE: _desk(Role.COUNTER_OFFICER),  # dossier_receive
    Action.REFUSE: _desk(Role.COUNTER_OFFICER),  # dossier_refuse
    Action.REQUEST_SUPPLEMENT: _processing(*OFFICIAL_ROLES),  # dossier_request_supplement
    Action.SUPPLEMENT: _desk(Role.COUNTER_OFFICER),  # dossier_supplement, on the applicant's behalf
    Action.FORWARD: _processing(*OFFICIAL_ROLES),  # dossier_forward
    Action.APPROVE: _processing(Role.LEADER),  # dossier_approve
    Action.REQUEST_PAYMENT: _processing(*OFFICIAL_ROLES),  # dossier_request_payment
    Action.CONFIRM_PAYMENT: _desk_or_processing(*OFFICIAL_ROLES),  # dossier_confirm_payment
    Action.COMPLETE: _processing(Role.SPECIALIST, Role.LEADER, Role.CLERK),  # dossier_complete
    Action.DELIVER: _desk(Role.COUNTER_OFFICER, Role.CLERK),  # dossier_deliver at desk/by post
    Action.EXTEND: _processing(Role.SPECIALIST, Role.LEADER),  # dossier_extend
    Action.STOP: _processing(Role.LEADER),  # dossier_stop
    Action.WITHDRAW: _desk(Role.COUNTER_OFFICER),  # dossier_withdraw, on the applicant's behalf
}


def actions_for(user: Any, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, in the transition table's order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        action
        for action in transitions.allowed_actions(dossier.status)
        if action in CHECKS and CHECKS[action](user, dossier)
    ]


# --- signed documents (motcua.signatures) --------------------------------------------------------
# Mirrors motcua.signatures.services / policies, for hiding buttons only: every service checks
# permission and the document's state again.

LIVE_DOCUMENT_STATES = frozenset(
    {
        DocumentState.DRAFT,
        DocumentState.PERSON_SIGNED,
        DocumentState.ORG_SIGNED,
        DocumentState.RELEASED,
    }
)
SIGNED_DOCUMENT_CHECKS: dict[str, Callable[[Any, SignedDocument], bool]] = {
    DocumentAction.SIGN_PERSONAL: signature_policies.can_sign_personal,  # document_sign_personal
    DocumentAction.SIGN_ORGANISATION: signature_policies.can_sign_organisation,  # …_organisation
    DocumentAction.RELEASE: signature_policies.can_release,  # result_release
}


def result_stage(dossier: Dossier) -> bool:
    """The result may be prepared: the dossier's result is ready, or the leader approved it and
    it waits at the processing unit for the result to be issued (as the "my tasks" queue)."""
    if dossier.status == DossierStatus.RESULT_READY:
        return True
    step = dossier.current_step
    return (
        dossier.status == DossierStatus.IN_PROGRESS
        and step is not None
        and step.ended_at is not None
    )


def receipt_stage(dossier: Dossier) -> bool:
    """The receipt (form 01) applies: the dossier was received (as the printed form 01)."""
    return dossier.received_at is not None and dossier.status not in (
        DossierStatus.SUBMITTED,
        DossierStatus.REFUSED,
    )


def signed_document_issuer(dossier: Dossier, kind: str) -> Organisation:
    """Who issues a dossier's document (signed_document_create's default)."""
    if kind == DocumentKind.RESULT:
        return dossier.processing_unit
    return dossier.receiving_unit


def can_create_signed_document(
    user: Any, dossier: Dossier, kind: str, existing: Iterable[SignedDocument] = ()
) -> bool:
    """Offer to prepare the result or the receipt when it applies now, none of that kind is in
    progress or issued, and `user` may prepare documents for its issuer (signed_document_create)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if kind == DocumentKind.RESULT:
        applies = result_stage(dossier)
    elif kind == DocumentKind.RECEIPT:
        applies = receipt_stage(dossier)
    else:
        return False
    if not applies or any(d.kind == kind and d.state in LIVE_DOCUMENT_STATES for d in existing):
        return False
    return signature_policies.can_create(user, signed_document_issuer(dossier, kind))


def signed_document_actions_for(user: Any, document: SignedDocument) -> list[str]:
    """The signing actions `user` may take on `document` now, in the flow's order. Release is
    offered for results only: a receipt is issued once the organisation has signed it."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        action
        for action, check in SIGNED_DOCUMENT_CHECKS.items()
        if not (action == DocumentAction.RELEASE and document.kind != DocumentKind.RESULT)
        and signature_transitions.allowed(document.kind, document.state, action)
        and check(user, document)
    ]
