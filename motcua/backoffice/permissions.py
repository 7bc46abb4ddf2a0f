"""Which dossier actions to offer an official, and which signing actions.

Only for hiding buttons. Every service checks again (STYLE: "Interfaces may call policies to hide
a button, never instead of the service's check"). The dossier actions are decided by
`motcua.dossiers.policies` (shared with the API's `allowed_actions`), which mirrors the services'
permission checks, the transition table and the dossier's position in its internal process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from motcua.dossiers import policies as dossier_policies
from motcua.dossiers.enums import Action, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.organisations.models import Organisation
from motcua.signatures import policies as signature_policies
from motcua.signatures import transitions as signature_transitions
from motcua.signatures.enums import DocumentAction, DocumentKind, DocumentState
from motcua.signatures.models import SignedDocument


def actions_for(user: Any, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, in the transition table's order: an
    approval only at an approval step not yet approved, forwarding only from a working step
    (to the next step or another organisation), the result only at the last working step once
    approved and by the role the process gives that step (motcua.dossiers.policies)."""
    return dossier_policies.actions_for(user, dossier)


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
        and (action != DocumentAction.RELEASE or _release_completes(user, document))
    ]


def _release_completes(user: Any, document: SignedDocument) -> bool:
    """result_release: only with or after the dossier's completion (it completes a dossier
    still in processing when `user` may complete it)."""
    dossier = document.dossier
    if dossier is None or dossier.status in (DossierStatus.RESULT_READY, DossierStatus.DELIVERED):
        return True
    return Action.COMPLETE in actions_for(user, dossier)
