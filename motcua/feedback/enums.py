"""Stored values of ratings and feedback (DOMAIN §7). Stored values never change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.TextChoices):
    """The applicant's overall rating of one dossier (three levels, DOMAIN §7)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RatingBand(models.TextChoices):
    """Band of the 9-criteria evaluation sheet (total out of 18)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


# The nine criteria of the evaluation sheet, in the sheet's order: (model field, label).
CRITERIA: tuple[tuple[str, object], ...] = (
    ("score_total_time", _("Total time compared with the time set by the rules")),
    ("score_agency_time", _("Time taken by each agency")),
    ("score_contacts", _("Number of contacts needed to complete the dossier")),
    ("score_agencies", _("Number of agencies contacted")),
    ("score_desk", _("Reception and return of results at the one-stop desk")),
    ("score_publicity", _("Publicity of the procedure")),
    ("score_attitude", _("Officials' attitude")),
    ("score_feedback", _("Handling of feedback and recommendations")),
    ("score_online", _("Progress and quality of the online public service")),
)
CRITERIA_FIELDS: tuple[str, ...] = tuple(name for name, _label in CRITERIA)
POINTS_PER_CRITERION = 2
MAX_TOTAL = POINTS_PER_CRITERION * len(CRITERIA)  # 18

# Lower bound (inclusive) of each band. DOMAIN §7 writes "> 15 excellent, 12–15 good, 9–12 fair,
# 6–9 average, < 6 weak": the shared bounds 12 and 9 (and 6) are read as belonging to the higher
# band, so on whole points: 16–18 excellent, 12–15 good, 9–11 fair, 6–8 average, 0–5 weak.
# Kept as data: confirm against the evaluation sheet in force.
BAND_LOWER_BOUNDS: tuple[tuple[int, str], ...] = (
    (16, RatingBand.EXCELLENT),
    (12, RatingBand.GOOD),
    (9, RatingBand.FAIR),
    (6, RatingBand.AVERAGE),
    (0, RatingBand.WEAK),
)


def band_for(total: int) -> str:
    """The band of a sheet total (0–18)."""
    if not 0 <= total <= MAX_TOTAL:
        raise ValueError(f"total {total} outside 0–{MAX_TOTAL}")
    for lower, band in BAND_LOWER_BOUNDS:
        if total >= lower:
            return band
    raise AssertionError("unreachable")  # pragma: no cover
