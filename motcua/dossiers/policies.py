"""Which actions a user may take on a dossier now: the services' checks, mirrored.

For offering actions only (the back office's buttons, the API's `allowed_actions`): every
service checks again (STYLE: "Interfaces may call policies to hide a button, never instead of
the service's check"). When a service's check changes, change the matching line here; each
entry names the service whose check it mirrors.

Two entry points read the same rules:

- `actions_for(user, dossier)` from a Dossier instance (the back office's dossier page);
- `actions_for_summary(user, values)` from the flat values the API's hot read fetches
  (`selectors.SUMMARY_FIELDS`). It costs no query when the answer follows from the status, the
  owner, the requester's roles (cached with an API token) and their own organisation; what it
  cannot know from the values (the path of a unit outside the requester's own organisation, the
  dossier's position in its internal process) it reads only when it decides the answer, and not
  at all when the values carry it (`receiving_unit__path`, `current_unit__path`,
  `current_step__role`, `current_step__ended_at`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from motcua.accounts import policies
from motcua.accounts.enums import Role
from motcua.dossiers import transitions
from motcua.dossiers.enums import Action, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.organisations.models import Organisation

OFFICIAL_ROLES = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)


class _Unit:
    """What `accounts.policies.can_act_in` reads of an organisation (pk, path), the path
    read from the database only if asked for (a requester outside the unit with a subtree
    role)."""

    def __init__(self, pk: int, path: str | None = None) -> None:
        self.pk = pk
        self._path = path

    @property
    def path(self) -> str:
        if self._path is None:
            self._path = (
                Organisation.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
            )
        return self._path


@dataclass
class _Facts:
    status: str
    owner_id: int | None
    receiving_unit: Any  # an Organisation, or a _Unit
    current_unit: Any
    read_position: Callable[[], transitions.StepPosition]
    # (role, open) of the current step when known without reading: enough for approve and
    # forward (to another organisation), not for complete (is there a later working step?).
    current_step: tuple[str, bool] | None = None
    _position: transitions.StepPosition | None = None
    # can_act_in answers already given for this user: (which unit, roles) -> bool
    _can: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict)

    def can(self, user: Any, which: str, roles: tuple[str, ...]) -> bool:
        """`can_act_in(user, <receiving_unit|current_unit>, *roles)`, each asked once."""
        key = (which, roles)
        answer = self._can.get(key)
        if answer is None:
            # no role at all over that unit (the usual case for most units): no role will do
            answer = (not roles or self.can(user, which, ())) and _can_act(
                user, getattr(self, which), *roles
            )
            self._can[key] = answer
        return answer

    @property
    def position(self) -> transitions.StepPosition:
        if self._position is None:
            self._position = self.read_position()
        return self._position

    def position_for(self, action: str) -> transitions.StepPosition:
        if self._position is None and self.current_step is not None and action != Action.COMPLETE:
            role, is_open = self.current_step
            return transitions.StepPosition(role=role, open=is_open, has_next=True)
        return self.position


def _can_act(user: Any, unit: Any, *roles: str) -> bool:
    return policies.can_act_in(user, cast(Organisation | None, unit), *roles)


def _desk(*roles: str) -> Callable[[Any, _Facts], bool]:
    """An official of the receiving unit (services: `_ensure(actor, receiving_unit, ...)`)."""
    return lambda user, f: f.can(user, "receiving_unit", roles)


def _processing(*roles: str) -> Callable[[Any, _Facts], bool]:
    """An official of the unit the dossier is at now, or the desk's counter officer while it
    waits for acceptance (services: `_ensure_processing`)."""

    def check(user: Any, f: _Facts) -> bool:
        if f.can(user, "current_unit", roles):
            return True
        return f.status == DossierStatus.SUBMITTED and f.can(
            user, "receiving_unit", (Role.COUNTER_OFFICER,)
        )

    return check


def _desk_or_processing(*roles: str) -> Callable[[Any, _Facts], bool]:
    """The receiving unit's officials, else as `_processing` (dossier_confirm_payment)."""
    desk, processing = _desk(*roles), _processing(*roles)
    return lambda user, f: desk(user, f) or processing(user, f)


def _at_step(action: str, *roles: str) -> Callable[[Any, _Facts], bool]:
    """As `_processing(*roles)`, where the dossier's position in its internal process allows
    `action` (transitions.step_allowed; forward: to the next step or another organisation)."""
    processing = _processing(*roles)

    def check(user: Any, f: _Facts) -> bool:
        return processing(user, f) and transitions.step_allowed(
            action, f.position_for(action), other_unit=True
        )

    return check


def _forward(user: Any, f: _Facts) -> bool:
    """dossier_forward: as `_at_step`; an approval step is handed to another organisation only
    by a leader of the unit it is at."""
    if not _at_step(Action.FORWARD, *OFFICIAL_ROLES)(user, f):
        return False
    position = f.position_for(Action.FORWARD)
    return not (position.open and position.approval) or f.can(
        user, "current_unit", (transitions.APPROVING_ROLE,)
    )


def _complete(user: Any, f: _Facts) -> bool:
    """dossier_complete: an official of the current unit, at the last working step once
    approved, holding the role the process gives that step."""
    return (
        _processing(*OFFICIAL_ROLES)(user, f)
        and transitions.step_allowed(Action.COMPLETE, f.position)
        and _can_act(user, f.current_unit, f.position.role)
    )


OFFICIAL_CHECKS: dict[str, Callable[[Any, _Facts], bool]] = {
    Action.RECEIVE: _desk(Role.COUNTER_OFFICER),  # dossier_receive
    Action.REFUSE: _desk(Role.COUNTER_OFFICER),  # dossier_refuse
    Action.REQUEST_SUPPLEMENT: _processing(*OFFICIAL_ROLES),  # dossier_request_supplement
    Action.SUPPLEMENT: _desk(Role.COUNTER_OFFICER),  # dossier_supplement, for the applicant
    Action.FORWARD: _forward,  # dossier_forward
    Action.APPROVE: _at_step(Action.APPROVE, transitions.APPROVING_ROLE),  # dossier_approve
    Action.REQUEST_PAYMENT: _processing(*OFFICIAL_ROLES),  # dossier_request_payment
    Action.CONFIRM_PAYMENT: _desk_or_processing(*OFFICIAL_ROLES),  # dossier_confirm_payment
    Action.COMPLETE: _complete,  # dossier_complete
    Action.DELIVER: _desk(Role.COUNTER_OFFICER, Role.CLERK),  # dossier_deliver at desk/by post
    Action.EXTEND: _processing(Role.SPECIALIST, Role.LEADER),  # dossier_extend
    Action.STOP: _processing(Role.LEADER),  # dossier_stop
    Action.WITHDRAW: _desk(Role.COUNTER_OFFICER),  # dossier_withdraw, for the applicant
}

# What the applicant may do on their own dossier (the owner): withdraw it (dossier_withdraw),
# answer a supplement request (dossier_supplement), take the result online (dossier_deliver
# with method "online").
OWNER_ACTIONS = frozenset({Action.WITHDRAW, Action.SUPPLEMENT, Action.DELIVER})


def _actions(user: Any, f: _Facts) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    owner = f.owner_id is not None and f.owner_id == user.pk
    official = bool(getattr(user, "is_official", False) or getattr(user, "is_superuser", False))
    # every official action needs some role over the receiving or the current unit
    official = official and (f.can(user, "receiving_unit", ()) or f.can(user, "current_unit", ()))
    out = []
    for action in transitions.allowed_actions(f.status):
        as_owner = owner and action in OWNER_ACTIONS
        if as_owner or (
            official and action in OFFICIAL_CHECKS and OFFICIAL_CHECKS[action](user, f)
        ):
            out.append(action)
    return out


def actions_for(user: Any, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, in the transition table's order."""
    from motcua.dossiers.services import dossier_position

    return _actions(
        user,
        _Facts(
            status=dossier.status,
            owner_id=dossier.owner_id,
            receiving_unit=dossier.receiving_unit,
            current_unit=dossier.current_unit,
            read_position=lambda: dossier_position(dossier),
        ),
    )


def _summary_position(values: Mapping[str, Any]) -> transitions.StepPosition:
    from motcua.dossiers.services import dossier_position

    dossier = Dossier.objects.select_related("procedure_version", "case", "current_step").get(
        pk=values["id"]
    )
    return dossier_position(dossier)


def actions_for_summary(user: Any, values: Mapping[str, Any]) -> list[str]:
    """`actions_for` from the API's summary values of a dossier (see the module's docstring)."""
    current_step = None
    if values.get("current_step__role") is not None and "current_step__ended_at" in values:
        current_step = (values["current_step__role"], values.get("current_step__ended_at") is None)
    return _actions(
        user,
        _Facts(
            status=values["status"],
            owner_id=values["owner_id"],
            receiving_unit=_Unit(values["receiving_unit_id"], values.get("receiving_unit__path")),
            current_unit=_Unit(values["current_unit_id"], values.get("current_unit__path")),
            read_position=lambda: _summary_position(values),
            current_step=current_step,
        ),
    )


# --- correcting a filed dossier's applicant details (applicants.dossier_correct_applicant) ----

# Once processing has ended (DOMAIN §3: result ready or delivered, refused, withdrawn, stopped)
# what was issued to the applicant stands: its applicant details are no longer corrected.
APPLICANT_FINAL_STATUSES = frozenset(
    {
        DossierStatus.RESULT_READY,
        DossierStatus.DELIVERED,
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
    }
)


def can_correct_applicant(user: Any, dossier: Dossier) -> bool:
    """A counter officer of the receiving unit (the desk that saw the papers), while the
    dossier has not ended."""
    return dossier.status not in APPLICANT_FINAL_STATUSES and policies.can_act_in(
        user, dossier.receiving_unit, Role.COUNTER_OFFICER
    )


def ensure_can_correct_applicant(user: Any, dossier: Dossier) -> None:
    from django.utils.translation import gettext as _

    from motcua.core.errors import Conflict, PermissionDenied

    if not policies.can_act_in(user, dossier.receiving_unit, Role.COUNTER_OFFICER):
        raise PermissionDenied(
            _("Only a counter officer of the receiving unit may correct the applicant's details.")
        )
    if dossier.status in APPLICANT_FINAL_STATUSES:
        raise Conflict(
            _(
                "Processing of this dossier has ended: its applicant's details can no longer "
                "be corrected."
            ),
            code="dossier_ended",
        )
