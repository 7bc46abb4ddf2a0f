"""Which action may follow which state: outgoing and incoming documents (pure; no I/O)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.documents.enums import IncomingAction as IA
from motcua.documents.enums import IncomingState as IS
from motcua.documents.enums import OutgoingAction as OA
from motcua.documents.enums import OutgoingState as OS

_EDITABLE: dict[str, str | None] = {
    OA.EDIT: None,
    OA.ADD_VERSION: None,
    OA.COMMENT: None,
    OA.SUBMIT: OS.IN_REVIEW,
}

# state → {action: target (None: the state does not change)}
OUTGOING: dict[str, dict[str, str | None]] = {
    OS.DRAFT: dict(_EDITABLE),
    OS.RETURNED: dict(_EDITABLE),
    OS.IN_REVIEW: {OA.COMMENT: None, OA.RETURN: OS.RETURNED, OA.APPROVE: OS.TO_SIGN},
    OS.TO_SIGN: {OA.COMMENT: None, OA.RETURN: OS.RETURNED, OA.SIGN: OS.SIGNED},
    OS.SIGNED: {OA.NUMBER: OS.NUMBERED},
    OS.NUMBERED: {OA.SEAL: OS.SEALED},
    OS.SEALED: {OA.ISSUE: OS.ISSUED},
    OS.ISSUED: {OA.REVOKE: OS.REVOKED, OA.REPLACE: OS.REPLACED, OA.UPDATE: None},
    OS.REVOKED: {},
    OS.REPLACED: {},
}

_OPEN: dict[str, str | None] = {
    IA.NOTE: IS.IN_PROGRESS,
    IA.FINISH: IS.DONE,
    IA.REPLY: None,
    IA.REMIND: None,
}

INCOMING: dict[str, dict[str, str | None]] = {
    IS.RECEIVED: {IA.REGISTER: IS.REGISTERED, IA.RETURN: IS.RETURNED, IA.REVOKE: IS.REVOKED},
    IS.REGISTERED: {
        IA.ASSIGN: IS.ASSIGNED,
        IA.RETURN: IS.RETURNED,
        IA.REVOKE: IS.REVOKED,
        IA.FINISH: IS.DONE,  # filed for information: nothing to process
        IA.REPLY: None,
    },
    IS.ASSIGNED: {IA.ASSIGN: IS.ASSIGNED, IA.REVOKE: IS.REVOKED, IA.RETURN: IS.RETURNED, **_OPEN},
    IS.IN_PROGRESS: {IA.ASSIGN: IS.IN_PROGRESS, IA.REVOKE: IS.REVOKED, **_OPEN},
    IS.DONE: {IA.NOTE: None, IA.REPLY: None},
    IS.RETURNED: {},
    IS.REVOKED: {},
}


def _check(table: dict[str, dict[str, str | None]], state: str, action: str) -> str:
    allowed = table.get(state, {})
    if action not in allowed:
        raise Conflict(
            _("This cannot be done to the document in its present state."),
            code="invalid_transition",
            extra={"state": state, "action": action},
        )
    target = allowed[action]
    return state if target is None else target


def outgoing_check(state: str, action: str, *, has_reviewers: bool = True) -> str:
    """The state after `action`, or Conflict. A draft without reviewers goes to the signer."""
    target = _check(OUTGOING, state, action)
    if action == OA.SUBMIT and not has_reviewers:
        return OS.TO_SIGN
    return target


def incoming_check(state: str, action: str) -> str:
    return _check(INCOMING, state, action)


def outgoing_allowed(state: str) -> frozenset[str]:
    return frozenset(OUTGOING.get(state, {}))


def incoming_allowed(state: str) -> frozenset[str]:
    return frozenset(INCOMING.get(state, {}))
