"""The dossier state machine (DOMAIN §3): which action is allowed from which status, and where
in the internal process (DOMAIN §2) the step actions approve, forward and complete may happen.

Pure: no I/O. `check(status, action)` and `check_step(status, action, position)` raise
TransitionNotAllowed; services call them after the permission check and before writing anything.
`target(status, action)` is the status the action leads to, read from the table's second column
(the pure lifecycle, `dossiers/lifecycle.py`, takes every new status from it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.accounts.enums import Role
from motcua.core.errors import Conflict
from motcua.dossiers.enums import Action
from motcua.dossiers.enums import DossierStatus as S

OPEN_AFTER_RECEIPT = frozenset({S.RECEIVED, S.IN_PROGRESS})

# Targets that depend on the dossier: the status it had before its clock was paused (a
# supplement, a payment), or the status it is in (an extension changes the appointment only).
BEFORE_PAUSE = "(status before the pause)"
SAME = "(same status)"

# action -> (allowed from, resulting status: a status, BEFORE_PAUSE or SAME)
TABLE: dict[str, tuple[frozenset[str], str]] = {
    Action.RECEIVE: (frozenset({S.SUBMITTED}), S.RECEIVED),
    Action.REFUSE: (frozenset({S.SUBMITTED}), S.REFUSED),
    Action.REQUEST_SUPPLEMENT: (
        frozenset({S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS}),
        S.SUPPLEMENT_REQUESTED,
    ),
    Action.SUPPLEMENT: (frozenset({S.SUPPLEMENT_REQUESTED}), BEFORE_PAUSE),
    Action.FORWARD: (OPEN_AFTER_RECEIPT, S.IN_PROGRESS),
    Action.APPROVE: (OPEN_AFTER_RECEIPT, S.IN_PROGRESS),
    Action.REQUEST_PAYMENT: (OPEN_AFTER_RECEIPT, S.AWAITING_PAYMENT),
    Action.CONFIRM_PAYMENT: (frozenset({S.AWAITING_PAYMENT}), BEFORE_PAUSE),
    Action.COMPLETE: (OPEN_AFTER_RECEIPT, S.RESULT_READY),
    Action.DELIVER: (frozenset({S.RESULT_READY}), S.DELIVERED),
    Action.EXTEND: (
        frozenset({S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
        SAME,
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
    # a timeline event: the signed electronic result can be downloaded; the status stays
    Action.RELEASE_RESULT: (frozenset(S), SAME),
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


def target(status: str, action: str, *, before_pause: str = "") -> str:
    """The status `action` leads to from `status` (checked: TransitionNotAllowed when the
    table does not allow it). BEFORE_PAUSE resolves to `before_pause` (the status recorded when
    the clock was paused; "in processing" when none was recorded), SAME to `status`."""
    check(status, action)
    to = TABLE[action][1]
    if to == BEFORE_PAUSE:
        return before_pause or S.IN_PROGRESS
    if to == SAME:
        return status
    return to


# --- the internal process (DOMAIN §2: receive → appraisal → leader approval → signing → return)

# The role whose step is an approval step: approve happens there, and only there.
APPROVING_ROLE = Role.LEADER
STEP_ACTIONS = frozenset({Action.APPROVE, Action.FORWARD, Action.COMPLETE})


@dataclass(frozen=True)
class StepPosition:
    """Where an open dossier stands in its internal process.

    role: the role the process assigns to the current step ("" when there is none);
    open: the current step is still being worked on (an approved step stays current, closed,
          until the result is issued);
    has_next: a later working step follows (the final return to the applicant does not count).
    """

    role: str
    open: bool
    has_next: bool

    @property
    def approval(self) -> bool:
        return self.role == APPROVING_ROLE


def is_return_step(roles: Sequence[str], index: int) -> bool:
    """The last step at the desk, which opens only once the result is ready (complete)."""
    return index == len(roles) - 1 and index > 0 and roles[index] == Role.COUNTER_OFFICER


def position_in(
    roles: Sequence[str], index: int, *, current_role: str | None, current_open: bool
) -> StepPosition:
    """The position at 0-based step `index` of a process whose steps have `roles`; the current
    step's own role (as recorded when it opened) wins over the definition's."""
    if current_role is None:
        current_role = roles[index] if index < len(roles) else ""
    following = index + 1
    has_next = following < len(roles) and not is_return_step(roles, following)
    return StepPosition(role=current_role, open=current_open, has_next=has_next)


def step_allowed(action: str, position: StepPosition, *, other_unit: bool = False) -> bool:
    """Approve: at an approval step not yet approved. Forward: from an open working step that
    is not an approval step, to the next step; or (`other_unit`) from any open step to another
    organisation (from an approval step that hands the same approval over to that organisation:
    a dossier sent to the wrong agency, or to another agency for its opinion, goes back without
    skipping the approval). Complete: at the last working step, once its approval (if it is an
    approval step) is given; earlier approval steps cannot be passed without approve, so every
    approval has been given then."""
    if action == Action.APPROVE:
        return position.open and position.approval
    if action == Action.FORWARD:
        return position.open and (other_unit or (not position.approval and position.has_next))
    if action == Action.COMPLETE:
        return not position.has_next and not (position.open and position.approval)
    return True


def check_step(
    status: str, action: str, position: StepPosition, *, other_unit: bool = False
) -> None:
    if step_allowed(action, position, other_unit=other_unit):
        return
    if action == Action.APPROVE:
        message = (
            _("This step has already been approved: the result can now be issued.")
            if position.approval
            else _("The dossier is not at an approval step of its internal process.")
        )
    elif action == Action.FORWARD:
        if position.open and position.approval:
            message = _("The leader must approve this step before the dossier moves on.")
        elif not position.open:
            message = _("The dossier has been approved: issue the result (complete).")
        else:
            message = _(
                "This is the last step of the internal process: choose another organisation "
                "to forward the dossier to, or issue the result."
            )
    elif position.open and position.approval:
        message = _("The leader must approve the dossier before the result is issued.")
    else:
        message = _(
            "The internal process is not finished: the dossier must pass its remaining steps, "
            "including the leader's approval, before the result is issued."
        )
    raise TransitionNotAllowed(message, extra={"status": status})
