"""Ratings of the service (DOMAIN §7) and feedback (phản ánh, kiến nghị) about a dossier."""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.feedback.enums import (
    BAND_LOWER_BOUNDS,
    CRITERIA_FIELDS,
    MAX_TOTAL,
    POINTS_PER_CRITERION,
    FeedbackStatus,
    RatingBand,
    RatingLevel,
)


def _criterion() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(null=True, blank=True)


_NO_SHEET = reduce(and_, [Q(**{f"{f}__isnull": True}) for f in CRITERIA_FIELDS]) & Q(
    total__isnull=True, band=""
)
# NOT NULL spelled out: a CHECK whose condition is NULL passes.
_FULL_SHEET = reduce(
    and_,
    [
        Q(**{f"{f}__isnull": False, f"{f}__gte": 0, f"{f}__lte": POINTS_PER_CRITERION})
        for f in CRITERIA_FIELDS
    ],
) & Q(
    total__isnull=False,
    total__gte=0,
    total__lte=MAX_TOTAL,
    band__in=[b for _lower, b in BAND_LOWER_BOUNDS],
)


class Rating(models.Model):
    """The applicant's rating of one dossier: a level, and optionally the 9-criteria sheet."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="rating",
        verbose_name=_("dossier"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(_("rating"), max_length=16, choices=RatingLevel.choices)
    score_total_time = _criterion()
    score_agency_time = _criterion()
    score_contacts = _criterion()
    score_agencies = _criterion()
    score_desk = _criterion()
    score_publicity = _criterion()
    score_attitude = _criterion()
    score_feedback = _criterion()
    score_online = _criterion()
    total = models.PositiveSmallIntegerField(_("total (out of 18)"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=16, choices=RatingBand.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RatingLevel.values), name="rating_level_valid"
            ),
            # The sheet is all nine criteria (each 0–2, with total and band) or nothing.
            models.CheckConstraint(condition=_NO_SHEET | _FULL_SHEET, name="rating_sheet_whole"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"

    @property
    def has_sheet(self) -> bool:
        return self.total is not None


class Feedback(models.Model):
    """Phản ánh, kiến nghị: the applicant writes about a dossier, an official answers."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("dossier"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("feedback"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.OPEN,
        db_index=True,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FeedbackStatus.values), name="feedback_status_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="feedback_text_not_empty"),
            models.CheckConstraint(
                condition=Q(status=FeedbackStatus.OPEN, answered_at__isnull=True, answer="")
                | (Q(status=FeedbackStatus.ANSWERED, answered_at__isnull=False) & ~Q(answer="")),
                name="feedback_answer_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.text[:40]}"
