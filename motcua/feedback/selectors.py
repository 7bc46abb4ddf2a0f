"""Reads over ratings and feedback."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts import policies as account_policies
from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.feedback.enums import FeedbackStatus, RatingLevel
from motcua.feedback.models import Feedback, Rating


def rating_get_for_dossier(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def feedback_list_for_dossier(dossier: Dossier) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(dossier=dossier)
        .select_related("answered_by")
        .order_by("created_at", "id")
    )


def _official_scope(user: Any) -> Q:
    if account_policies.is_provincial_admin(user):
        return Q()
    scope = account_policies.organisations_in_scope(user)
    return (
        Q(dossier__receiving_unit__in=scope)
        | Q(dossier__processing_unit__in=scope)
        | Q(dossier__current_unit__in=scope)
    )


def feedback_list_for_official(user: Any, *, status: str = "") -> QuerySet[Feedback]:
    """Feedback about dossiers of the official's units; open first, oldest open first."""
    if not getattr(user, "is_authenticated", False):
        return Feedback.objects.none()
    if (
        not account_policies.is_provincial_admin(user)
        and not account_policies.organisations_in_scope(user).exists()
    ):
        return Feedback.objects.none()
    qs = Feedback.objects.filter(_official_scope(user)).select_related(
        "dossier", "dossier__procedure_version", "dossier__receiving_unit", "author"
    )
    if status in FeedbackStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-status", "created_at", "id").distinct()


def feedback_get_for_official(pk: int, user: Any) -> Feedback:
    feedback = feedback_list_for_official(user).filter(pk=pk).first()
    if feedback is None:
        raise NotFound(_("No such feedback."))
    return feedback


def rating_shares_by_unit(
    *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[int, dict[str, int]]:
    """receiving unit id -> {level: count, "total": n} for ratings given in [from, to]."""
    qs = Rating.objects.all()
    if date_from is not None:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(created_at__date__lte=date_to)
    out: dict[int, Counter[str]] = defaultdict(Counter)
    for unit_id, level in qs.values_list("dossier__receiving_unit_id", "level"):
        out[unit_id][level] += 1
        out[unit_id]["total"] += 1
    return {
        unit: {**{lvl: counts.get(lvl, 0) for lvl in RatingLevel.values}, "total": counts["total"]}
        for unit, counts in out.items()
    }


LARGE_SET = 20_000


def dissatisfied_dossier_ids(dossier_ids: list[int]) -> set[int]:
    """Dossiers among `dossier_ids` rated "dissatisfied" or with a complaint (Decision 766,
    indicator 5.4). Read by motcua.reporting.satisfaction."""
    from motcua.feedback.enums import RatingLevel
    from motcua.feedback.models import Feedback, Rating

    if len(dossier_ids) > LARGE_SET:
        # A period's worth of dossiers (hundreds of thousands): read the few dissatisfied ones
        # and intersect here, rather than sending the ids to the database in chunks.
        wanted = set(dossier_ids)
        rated = Rating.objects.filter(level=RatingLevel.DISSATISFIED).values_list(
            "dossier_id", flat=True
        )
        complained = Feedback.objects.filter(dossier__isnull=False).values_list(
            "dossier_id", flat=True
        )
        return {pk for pk in (*rated.iterator(), *complained.iterator()) if pk in wanted}
    found: set[int] = set()
    for start in range(0, len(dossier_ids), 5000):
        chunk = dossier_ids[start : start + 5000]
        found.update(
            Rating.objects.filter(dossier_id__in=chunk, level=RatingLevel.DISSATISFIED).values_list(
                "dossier_id", flat=True
            )
        )
        found.update(
            Feedback.objects.filter(dossier_id__in=chunk).values_list("dossier_id", flat=True)
        )
    return found
