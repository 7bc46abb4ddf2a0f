"""Who may rate, send feedback and answer it. Services call the ensure_* functions; the pages
call can_* only to hide what the user may not do."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts import policies as account_policies
from motcua.core.errors import PermissionDenied
from motcua.dossiers.enums import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback

# A rating is asked for once the result exists (DOMAIN §3: "after completion").
RATEABLE_STATUSES = frozenset({DossierStatus.RESULT_READY, DossierStatus.DELIVERED})


def is_owner(user: Any, dossier: Dossier) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and dossier.owner_id is not None
        and dossier.owner_id == user.pk
    )


def can_rate(user: Any, dossier: Dossier) -> bool:
    """The owner, once the result is ready or delivered (whether or not already rated)."""
    return is_owner(user, dossier) and dossier.status in RATEABLE_STATUSES


def ensure_can_rate(user: Any, dossier: Dossier) -> None:
    if not is_owner(user, dossier):
        raise PermissionDenied(_("Only the applicant who submitted the dossier may rate it."))
    if dossier.status not in RATEABLE_STATUSES:
        raise PermissionDenied(
            _("You can rate the service once the result of the dossier is ready."),
            code="not_rateable_yet",
        )


def can_send_feedback(user: Any, dossier: Dossier) -> bool:
    return is_owner(user, dossier)


def ensure_can_send_feedback(user: Any, dossier: Dossier) -> None:
    if not can_send_feedback(user, dossier):
        raise PermissionDenied(_("Only the applicant who submitted the dossier may send feedback."))


def _dossier_units(dossier: Dossier) -> list[Any]:
    return [dossier.receiving_unit, dossier.processing_unit, dossier.current_unit]


def can_answer_feedback(user: Any, feedback: Feedback) -> bool:
    """An official of the receiving, processing or current unit of the dossier (any role), or
    a provincial administrator."""
    dossier = feedback.dossier
    return any(account_policies.can_act_in(user, unit) for unit in _dossier_units(dossier))


def ensure_can_answer_feedback(user: Any, feedback: Feedback) -> None:
    if not can_answer_feedback(user, feedback):
        raise PermissionDenied(_("You may not answer feedback about this dossier."))
