"""Who may do what to a dossier: each rule once (STYLE: policies).

`RULES` maps every action to one predicate over the user and the dossier's facts. The services
call `ensure_can_<action>(actor, dossier, …)` (PermissionDenied when the rule says no); the
interfaces call `can_<action>(actor, dossier, …)` to offer or hide an action, or `actions_for`
/ `actions_for_summary` for the list of them (the transition table and the internal process
decide the rest). There is no second copy of a rule to keep in step.

Besides the dossier actions: `ensure_can_create` (who may file a dossier, on which channel, at
which unit) and `ensure_can_record_at` / `ensure_can_mute` (an explicit event time and muted
notifications: trusted callers and provincial administrators only).

Two entry points list the actions from the same rules:

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

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import policies
from motcua.accounts.enums import AccountKind, Role
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import transitions
from motcua.dossiers.enums import Action, Channel, DeliveryMethod, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.organisations.models import Organisation

OFFICIAL_ROLES = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)
PUBLIC_KINDS = (AccountKind.CITIZEN, AccountKind.BUSINESS)
# An explicit event time records what already happened: a little clock skew is tolerated.
FUTURE_TOLERANCE = dt.timedelta(seconds=60)


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
    # what the request asks for: an explicit time (the migration of a previous system's
    # history: the step rules of this system are not applied), the delivery method
    explicit: bool = False
    method: str = ""
    # the unit that processes it (read by release_result only; the summary does not carry it)
    processing_unit: Any = None
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


# --- the rules: one predicate per action ---------------------------------------------------------


def _is_owner(user: Any, f: _Facts) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and f.owner_id is not None
        and f.owner_id == user.pk
    )


def _desk(*roles: str) -> Callable[[Any, _Facts], bool]:
    """An official of the receiving unit holding one of `roles`."""
    return lambda user, f: f.can(user, "receiving_unit", roles)


def _processing(*roles: str) -> Callable[[Any, _Facts], bool]:
    """An official of the unit the dossier is at now holding one of `roles`, or the desk's
    counter officer while it waits for acceptance."""

    def check(user: Any, f: _Facts) -> bool:
        if f.can(user, "current_unit", roles):
            return True
        return f.status == DossierStatus.SUBMITTED and f.can(
            user, "receiving_unit", (Role.COUNTER_OFFICER,)
        )

    return check


def _owner_or(rule: Callable[[Any, _Facts], bool]) -> Callable[[Any, _Facts], bool]:
    """The applicant themselves (the dossier's owner), or as `rule`."""
    return lambda user, f: _is_owner(user, f) or rule(user, f)


def _confirm_payment(user: Any, f: _Facts) -> bool:
    """The receiving unit's officials, or the processing unit's."""
    return _desk(*OFFICIAL_ROLES)(user, f) or _processing(*OFFICIAL_ROLES)(user, f)


def _forward(user: Any, f: _Facts) -> bool:
    """An official of the unit the dossier is at; an approval step not yet approved is handed
    to another organisation only by a leader there (with an explicit time the step rules of
    this system do not apply)."""
    if not _processing(*OFFICIAL_ROLES)(user, f):
        return False
    if f.explicit:
        return True
    position = f.position_for(Action.FORWARD)
    return not (position.open and position.approval) or f.can(
        user, "current_unit", (transitions.APPROVING_ROLE,)
    )


def _complete_role(user: Any, f: _Facts) -> bool:
    """The role the internal process gives the step where the result is issued (explicit
    time: any). Where the process does not allow issuing it yet, the transition check says
    so (409), not this rule."""
    if f.explicit or not transitions.step_allowed(Action.COMPLETE, f.position):
        return True
    return _can_act(user, f.current_unit, f.position.role)


def _complete(user: Any, f: _Facts) -> bool:
    """An official of the current unit holding the role the process gives that step."""
    return _processing(*OFFICIAL_ROLES)(user, f) and _complete_role(user, f)


def _deliver(user: Any, f: _Facts) -> bool:
    """The desk's counter officers and clerks; the applicant takes the result online."""
    if _is_owner(user, f) and f.method in ("", DeliveryMethod.ONLINE):
        return True
    return _desk(Role.COUNTER_OFFICER, Role.CLERK)(user, f)


def _release_result(user: Any, f: _Facts) -> bool:
    """An official of the receiving, the processing or the current unit (the signatures app
    releases a signed result after its own check of who may release that document)."""
    return (
        f.can(user, "receiving_unit", ())
        or f.can(user, "current_unit", ())
        or (f.processing_unit is not None and f.can(user, "processing_unit", ()))
    )


RULES: dict[str, Callable[[Any, _Facts], bool]] = {
    Action.RECEIVE: _desk(Role.COUNTER_OFFICER),
    Action.REFUSE: _desk(Role.COUNTER_OFFICER),
    Action.REQUEST_SUPPLEMENT: _processing(*OFFICIAL_ROLES),
    Action.SUPPLEMENT: _owner_or(_desk(Role.COUNTER_OFFICER)),
    Action.FORWARD: _forward,
    Action.APPROVE: _processing(transitions.APPROVING_ROLE),
    Action.REQUEST_PAYMENT: _processing(*OFFICIAL_ROLES),
    Action.CONFIRM_PAYMENT: _confirm_payment,
    Action.COMPLETE: _complete,
    Action.DELIVER: _deliver,
    Action.EXTEND: _processing(Role.SPECIALIST, Role.LEADER),
    Action.STOP: _processing(Role.LEADER),
    Action.WITHDRAW: _owner_or(_desk(Role.COUNTER_OFFICER)),
    Action.RELEASE_RESULT: _release_result,
}

# The rules that read the receiving unit only (their refusal says "this organisation").
_DESK_RULES = frozenset({Action.RECEIVE, Action.REFUSE, Action.SUPPLEMENT, Action.WITHDRAW})
_DESK_RULES |= {Action.DELIVER}


def _facts(dossier: Dossier, *, explicit: bool = False, method: str = "") -> _Facts:
    from motcua.dossiers.services import dossier_position

    return _Facts(
        status=dossier.status,
        owner_id=dossier.owner_id,
        receiving_unit=dossier.receiving_unit,
        current_unit=dossier.current_unit,
        read_position=lambda: dossier_position(dossier),
        explicit=explicit,
        method=method,
        processing_unit=dossier.processing_unit,
    )


def can(
    action: str, user: Any, dossier: Dossier, *, explicit: bool = False, method: str = ""
) -> bool:
    """Whether `user` may take `action` on `dossier` (the permission only: the transition table
    and the internal process are checked by `transitions`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return RULES[action](user, _facts(dossier, explicit=explicit, method=method))


def ensure_can(
    action: str, user: Any, dossier: Dossier, *, explicit: bool = False, method: str = ""
) -> None:
    """As `can`, raising PermissionDenied with the reason a person can act on."""
    f = _facts(dossier, explicit=explicit, method=method)
    if getattr(user, "is_authenticated", False) and RULES[action](user, f):
        return
    if action == Action.COMPLETE and _processing(*OFFICIAL_ROLES)(user, f):
        raise PermissionDenied(
            _("At this step of the internal process the result is issued by: %(role)s.")
            % {"role": _role_label(f.position.role)}
        )
    if action in _DESK_RULES:
        raise PermissionDenied(_("You do not have permission to act for this organisation."))
    raise PermissionDenied(_("You do not have permission to act on this dossier now."))


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _rule_pair(action: str) -> tuple[Callable[..., bool], Callable[..., None]]:
    def can_action(user: Any, dossier: Dossier, **kw: Any) -> bool:
        return can(action, user, dossier, **kw)

    def ensure_action(user: Any, dossier: Dossier, **kw: Any) -> None:
        ensure_can(action, user, dossier, **kw)

    can_action.__doc__ = f"`can({action!r}, user, dossier)`: {RULES[action].__doc__ or ''}"
    ensure_action.__doc__ = f"`ensure_can({action!r}, user, dossier)`"
    return can_action, ensure_action


can_receive, ensure_can_receive = _rule_pair(Action.RECEIVE)
can_refuse, ensure_can_refuse = _rule_pair(Action.REFUSE)
can_request_supplement, ensure_can_request_supplement = _rule_pair(Action.REQUEST_SUPPLEMENT)
can_supplement, ensure_can_supplement = _rule_pair(Action.SUPPLEMENT)
can_forward, ensure_can_forward = _rule_pair(Action.FORWARD)
can_approve, ensure_can_approve = _rule_pair(Action.APPROVE)
can_request_payment, ensure_can_request_payment = _rule_pair(Action.REQUEST_PAYMENT)
can_confirm_payment, ensure_can_confirm_payment = _rule_pair(Action.CONFIRM_PAYMENT)
can_complete, ensure_can_complete = _rule_pair(Action.COMPLETE)
can_deliver, ensure_can_deliver = _rule_pair(Action.DELIVER)
can_extend, ensure_can_extend = _rule_pair(Action.EXTEND)
can_stop, ensure_can_stop = _rule_pair(Action.STOP)
can_withdraw, ensure_can_withdraw = _rule_pair(Action.WITHDRAW)
can_release_result, ensure_can_release_result = _rule_pair(Action.RELEASE_RESULT)


# --- filing a dossier (issue 12.2) ---------------------------------------------------------------


def _is_public(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.kind in PUBLIC_KINDS)


def can_create(
    user: Any, channel: int, receiving_unit: Organisation, *, explicit: bool = False
) -> bool:
    """Online (channel 2): a citizen or business account, for themselves (or as the applicant's
    authorised representative, recorded on the dossier). Counter and post: a counter officer of
    the receiving unit's desk. A provincial administrator recording a previous system's history
    (an explicit time) may file on every channel. Nobody else writes (report viewers and every
    read-only role included)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if explicit and policies.is_provincial_admin(user):
        return True
    if channel == Channel.ONLINE:
        return _is_public(user)
    return policies.can_act_in(user, receiving_unit, Role.COUNTER_OFFICER)


def ensure_can_create(
    user: Any, channel: int, receiving_unit: Organisation, *, explicit: bool = False
) -> None:
    if can_create(user, channel, receiving_unit, explicit=explicit):
        return
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to submit a dossier online."))
    if channel == Channel.ONLINE:
        raise PermissionDenied(
            _(
                "Online dossiers are submitted by the citizen or business themselves, from "
                "their own account. Officials receive dossiers at the counter or by post."
            )
        )
    raise PermissionDenied(_("You do not have permission to act for this organisation."))


# --- explicit time and muted notifications: trusted callers ---------------------------------------


def ensure_can_record_at(user: Any, at: dt.datetime, *, trusted: bool = False) -> None:
    """An action recorded at an explicit time `at` (a previous system's history). `trusted`:
    the caller is code running inside the system (a simulation, a test) and says so; it may
    set any time. Otherwise only a provincial administrator may, and never in the future."""
    if timezone.is_naive(at):
        raise ValidationFailed(
            _("The event time must include its UTC offset."), fields={"at": _("no UTC offset")}
        )
    if trusted:
        return
    if not policies.is_provincial_admin(user):
        raise PermissionDenied(
            _("Only a provincial administrator may record an action at an explicit time."),
            fields={"at": _("not allowed")},
        )
    if at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationFailed(
            _(
                "The event time %(at)s is in the future: an explicit time records what has "
                "already happened."
            )
            % {"at": timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S")},
            fields={"at": _("in the future")},
        )


def ensure_can_mute(user: Any, *, trusted: bool = False) -> None:
    """Notifications muted (`notify=False`: imported history must not message applicants
    about what happened years ago): trusted callers and provincial administrators only."""
    if trusted or policies.is_provincial_admin(user):
        return
    raise PermissionDenied(
        _("Only a provincial administrator may record an action without notifying the applicant.")
    )


# --- listing the actions (the back office's buttons, the API's allowed_actions) -------------------

# Actions taken through the dossier's own interfaces (release_result is the signatures app's).
OFFERED = frozenset(a for a in transitions.TABLE if a != Action.RELEASE_RESULT)


def _actions(user: Any, f: _Facts) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    for action in transitions.allowed_actions(f.status):
        if action not in OFFERED or not RULES[action](user, f):
            continue
        # forward: to the next step, or to another organisation (the API takes `to_unit`)
        if action in transitions.STEP_ACTIONS and not transitions.step_allowed(
            action, f.position_for(action), other_unit=True
        ):
            continue
        out.append(action)
    return out


def actions_for(user: Any, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, in the transition table's order."""
    return _actions(user, _facts(dossier))


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
