"""The signed document's state machine: which action is allowed from which state. Pure.

draft ──sign_personal──▶ person_signed ──sign_organisation──▶ org_signed ──release──▶ released
  └────────sign_organisation (separate attachments only)───────▲
org_signed / released ──revoke──▶ revoked      org_signed / released ──replace──▶ replaced

Results, receipts, forms and official documents (kind "official", the documents app's outgoing
documents: the person's then the organisation's signature) follow the main table; separate
attachments the attachment table.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.signatures.enums import DocumentAction as A
from motcua.signatures.enums import DocumentKind
from motcua.signatures.enums import DocumentState as S

ISSUED = frozenset({S.ORG_SIGNED, S.RELEASED})

TABLE: dict[str, tuple[frozenset[str], str]] = {
    A.SIGN_PERSONAL: (frozenset({S.DRAFT}), S.PERSON_SIGNED),
    A.SIGN_ORGANISATION: (frozenset({S.PERSON_SIGNED}), S.ORG_SIGNED),
    A.RELEASE: (frozenset({S.ORG_SIGNED}), S.RELEASED),
    A.REVOKE: (ISSUED, S.REVOKED),
    A.REPLACE: (ISSUED, S.REPLACED),
}

# A separate attachment carries the organisation's signature only (Decree 30/2020).
ATTACHMENT_TABLE: dict[str, tuple[frozenset[str], str]] = {
    **TABLE,
    A.SIGN_PERSONAL: (frozenset(), S.PERSON_SIGNED),
    A.SIGN_ORGANISATION: (frozenset({S.DRAFT}), S.ORG_SIGNED),
}


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


def _table(kind: str) -> dict[str, tuple[frozenset[str], str]]:
    return ATTACHMENT_TABLE if kind == DocumentKind.ATTACHMENT else TABLE


def allowed(kind: str, state: str, action: str) -> bool:
    entry = _table(kind).get(action)
    return entry is not None and state in entry[0]


def target(kind: str, action: str) -> str:
    return _table(kind)[action][1]


def check(kind: str, state: str, action: str) -> str:
    """The state after `action`, or TransitionNotAllowed."""
    if not allowed(kind, state, action):
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the document is “%(state)s”.")
            % {"action": A(action).label, "state": S(state).label},
            fields={"state": state},
        )
    return target(kind, action)
