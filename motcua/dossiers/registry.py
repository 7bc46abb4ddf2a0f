"""The one action registry: each dossier action → its service and its own input schema.

The API (`act_on_dossier`), the back office and the importer dispatch through `run`; the API
validates a request body with the action's own schema (`ACTIONS[action].schema`: a field the
action does not take is refused, `extra="forbid"`) and documents each schema in OpenAPI.

    dossier = registry.run(Action.STOP, dossier=d, actor=user, reason="…")

`run` passes its keyword arguments to the service unchanged (`at`, `trusted`, `notify`
included: the service checks them with the policy).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from motcua.core import fields
from motcua.core.validators import max_length_of
from motcua.dossiers import services
from motcua.dossiers.enums import Action
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.organisations.models import Organisation

# Field rules (motcua.core.validators): lengths from the columns, no control characters, sane
# amounts and times; a bad value answers 422 before anything is written.
LONG_TEXT = 10_000  # reasons and notes (text columns): a page or two
CODE = 64  # procedure, case and paper codes (procedures.models)
Note = Annotated[str, fields.text(LONG_TEXT, multiline=True)]
AgencyCode = Annotated[str, fields.text(max_length_of(Organisation, "agency_code"))]


class ComponentIn(BaseModel):
    """A paper: its name or the procedure's paper code, and the multipart part of its file
    (the API's intake and supplement bodies)."""

    model_config = ConfigDict(extra="forbid")
    paper_code: Annotated[str, fields.text(CODE)] = ""
    name: Annotated[str, fields.text(max_length_of(DossierComponent, "name"))] = ""
    file: Annotated[str, fields.text(255)] = Field(
        "", description="Name of the multipart part carrying the file"
    )
    paper_original_seen: bool = False
    is_original: bool = False
    digitised: bool = False
    reused: bool = False


class ActionBody(BaseModel):
    """What every action takes: an explicit event time (provincial administrators only)."""

    model_config = ConfigDict(extra="forbid")
    # A sane range only (no year 9999): whether an explicit time may be in the future is the
    # policy's question (`policies.ensure_can_record_at`: never for a person, any time for a
    # trusted simulation such as the history generator).
    at: fields.FutureTime | None = None


class NoteBody(ActionBody):
    note: Note = ""


class ReasonBody(ActionBody):
    reason: Note = ""


class ReceiveIn(NoteBody):
    """Receive a dossier submitted online (the clock starts)."""


class RefuseIn(ReasonBody):
    """Refuse a submitted dossier, with the reason (form 03)."""


class RequestSupplementIn(NoteBody):
    """Ask for everything missing at once (form 02); the clock pauses."""

    missing: list[Annotated[str, fields.text(500)]] = Field(default=[], max_length=100)


class SupplementIn(NoteBody):
    """The applicant's answer: the missing papers (multipart file parts) or a note."""

    components: list[ComponentIn] = Field(default=[], max_length=100)


class ForwardIn(NoteBody):
    """Hand on to the next step, or to another organisation (`to_unit`: its agency code)."""

    to_unit: AgencyCode | None = None


class ApproveIn(NoteBody):
    """The leader's approval of the current approval step."""


class RequestPaymentIn(NoteBody):
    """Ask for the fees (`amount` in VND; the procedure's fee when omitted); the clock pauses."""

    amount: fields.Amount | None = None


class ConfirmPaymentIn(NoteBody):
    """The fees are paid (`online`: through the payment platform); the clock resumes."""

    online: bool = False


class CompleteIn(NoteBody):
    """Issue the result: its number, and its file as the multipart part `result_file`."""

    result_number: Annotated[str, fields.text(max_length_of(Dossier, "result_number"))] = ""


class DeliverIn(NoteBody):
    """Hand the result over: at the desk, by post, or online (the applicant themselves)."""

    # omitted: online for the applicant themselves, at the desk for an official
    method: Annotated[str, fields.text(32)] | None = None


class ExtendIn(ReasonBody):
    """Apologise and give a new appointment (form 04); the statutory due time stays."""

    new_appointment_at: fields.FutureTime | None = None


class StopIn(ReasonBody):
    """Stop processing (the leader), with the reason."""


class WithdrawIn(ReasonBody):
    """Withdraw the dossier (the applicant, or the desk for them); `note` is read as the reason
    when no reason is given."""

    note: Note = ""


class ReleaseResultIn(ActionBody):
    """The signed electronic result made available to the applicant (the signatures app)."""

    document_code: Annotated[str, fields.text(CODE)]


@dataclass(frozen=True)
class ActionSpec:
    action: str
    service: Callable[..., Dossier]
    schema: type[ActionBody]
    # offered to people through the dossier interfaces (release_result is the signatures
    # app's step: it is not taken through the API's or the back office's action endpoint)
    offered: bool = True


ACTIONS: dict[str, ActionSpec] = {
    spec.action: spec
    for spec in (
        ActionSpec(Action.RECEIVE, services.dossier_receive, ReceiveIn),
        ActionSpec(Action.REFUSE, services.dossier_refuse, RefuseIn),
        ActionSpec(
            Action.REQUEST_SUPPLEMENT, services.dossier_request_supplement, RequestSupplementIn
        ),
        ActionSpec(Action.SUPPLEMENT, services.dossier_supplement, SupplementIn),
        ActionSpec(Action.FORWARD, services.dossier_forward, ForwardIn),
        ActionSpec(Action.APPROVE, services.dossier_approve, ApproveIn),
        ActionSpec(Action.REQUEST_PAYMENT, services.dossier_request_payment, RequestPaymentIn),
        ActionSpec(Action.CONFIRM_PAYMENT, services.dossier_confirm_payment, ConfirmPaymentIn),
        ActionSpec(Action.COMPLETE, services.dossier_complete, CompleteIn),
        ActionSpec(Action.DELIVER, services.dossier_deliver, DeliverIn),
        ActionSpec(Action.EXTEND, services.dossier_extend, ExtendIn),
        ActionSpec(Action.STOP, services.dossier_stop, StopIn),
        ActionSpec(Action.WITHDRAW, services.dossier_withdraw, WithdrawIn),
        ActionSpec(
            Action.RELEASE_RESULT,
            services.dossier_release_result,
            ReleaseResultIn,
            offered=False,
        ),
    )
}

# the actions people take through the API and the back office
OFFERED: frozenset[str] = frozenset(a for a, spec in ACTIONS.items() if spec.offered)


def parameters(action: str) -> frozenset[str]:
    """The keyword arguments `action`'s service takes besides dossier and actor."""
    names = inspect.signature(ACTIONS[action].service).parameters
    return frozenset(names) - {"dossier", "actor", "dossier_id"}


def run(action: str, *, dossier: Dossier, actor: Any, **kwargs: Any) -> Dossier:
    """Take `action` on `dossier` through its service (KeyError for an unknown action)."""
    return ACTIONS[action].service(dossier=dossier, actor=actor, **kwargs)
