"""Which dossier actions to offer an official: the services' permission checks, mirrored.

Only for hiding buttons. Every service checks again (STYLE: "Interfaces may call policies to hide
a button, never instead of the service's check"); when a service's check changes, change the
matching line here. Each entry names the service whose check it mirrors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from motcua.accounts import policies
from motcua.accounts.enums import Role
from motcua.dossiers import transitions
from motcua.dossiers.enums import Action, DossierStatus
from motcua.dossiers.models import Dossier

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
