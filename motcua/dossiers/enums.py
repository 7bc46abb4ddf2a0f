from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.IntegerChoices):
    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("By post")


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for acceptance")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused at reception")
    IN_PROGRESS = "in_progress", _("In processing")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for fees")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    RESULT_READY = "result_ready", _("Result ready")
    DELIVERED = "delivered", _("Result delivered")


# The national numeric codes (DOMAIN §3), used at the integration boundary only.
NATIONAL_STATUS_CODE: dict[str, int] = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.IN_PROGRESS: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESULT_READY: 9,
    DossierStatus.DELIVERED: 10,
}

END_STATUSES = frozenset(
    {
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.RESULT_READY,
        DossierStatus.DELIVERED,
    }
)
PAUSED_STATUSES = frozenset({DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.AWAITING_PAYMENT})


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    RECEIVE = "receive", _("Receive")
    REFUSE = "refuse", _("Refuse")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    SUPPLEMENT = "supplement", _("Supplement")
    FORWARD = "forward", _("Forward")
    APPROVE = "approve", _("Approve")
    REQUEST_PAYMENT = "request_payment", _("Request payment")
    CONFIRM_PAYMENT = "confirm_payment", _("Confirm payment")
    COMPLETE = "complete", _("Complete (result ready)")
    DELIVER = "deliver", _("Deliver the result")
    EXTEND = "extend", _("Extend (apology)")
    STOP = "stop", _("Stop processing")
    WITHDRAW = "withdraw", _("Withdraw")
    # the signed electronic result made available to the applicant (the signatures app)
    RELEASE_RESULT = "release_result", _("Release the electronic result")


class EventKind(models.TextChoices):
    """Timeline entries that are not lifecycle actions: no status change, no transition."""

    CORRECT_APPLICANT = "correct_applicant", _("Correct the applicant's details")


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class ComponentKind(models.TextChoices):
    SUBMISSION = "submission", _("Submitted paper")
    SUPPLEMENT = "supplement", _("Supplementary paper")
    RESULT = "result", _("Result")
    ATTACHMENT = "attachment", _("Attachment")


class StepResult(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class DeliveryMethod(models.TextChoices):
    DESK = "desk", _("At the desk")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


def event_label(action: str) -> str:
    """What a timeline says for an event: the label of its action or event kind, never the
    value stored in the database."""
    for choices in (Action, EventKind):
        if action in choices.values:
            return str(choices(action).label)
    return str(_("Other event"))
