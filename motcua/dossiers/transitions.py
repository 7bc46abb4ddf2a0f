"""The dossier state machine (DOMAIN §3): which action is allowed from which status.

Pure: no I/O. `check(status, action)` raises TransitionNotAllowed; services call it after the
permission check and before writing anything.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.dossiers.enums import Action
from motcua.dossiers.enums import DossierStatus as S

OPEN_AFTER_RECEIPT = frozenset({S.RECEIVED, S.IN_PROGRESS})

# action -> (allowed from, resulting status; None = back to the status before the pause/same)
TABLE: dict[str, tuple[frozenset[str], str | None]] = {
    Action.RECEIVE: (frozenset({S.SUBMITTED}), S.RECEIVED),
    Action.REFUSE: (frozenset({S.SUBMITTED}), S.REFUSED),
    Action.REQUEST_SUPPLEMENT: (
        frozenset({S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS}),
        S.SUPPLEMENT_REQUESTED,
    ),
    Action.SUPPLEMENT: (frozenset({S.SUPPLEMENT_REQUESTED}), None),
    Action.FORWARD: (OPEN_AFTER_RECEIPT, S.IN_PROGRESS),
    Action.APPROVE: (OPEN_AFTER_RECEIPT, S.IN_PROGRESS),
    Action.REQUEST_PAYMENT: (OPEN_AFTER_RECEIPT, S.AWAITING_PAYMENT),
    Action.CONFIRM_PAYMENT: (frozenset({S.AWAITING_PAYMENT}), None),
    Action.COMPLETE: (OPEN_AFTER_RECEIPT, S.RESULT_READY),
    Action.DELIVER: (frozenset({S.RESULT_READY}), S.DELIVERED),
    Action.EXTEND: (
        frozenset({S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
        None,
    ),
    Action.STOP: (
        frozenset({S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
        S.STOPPED,
    ),
    Action.WITHDRAW: (
        frozenset(
            {S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}
        ),
        S.WITHDRAWN,
    ),
}


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


def allowed(status: str, action: str) -> bool:
    entry = TABLE.get(action)
    return entry is not None and status in entry[0]


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TABLE.items() if status in sources]


def check(status: str, action: str) -> None:
    if not allowed(status, action):
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the dossier is “%(status)s”.")
            % {"action": Action(action).label, "status": S(status).label},
            extra={"status": status},
        )
