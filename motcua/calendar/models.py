"""The editable part of the working calendar: day overrides and working hours per unit.

The statutory holidays come from the `holidays` package (sources.py); these tables hold what it
cannot know: the make-up working Saturdays and swapped days off of the yearly Government notice,
and each unit's working hours. Both are audited (apps.py) and read through selectors.calendar_for.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.calendar.deadlines import DEFAULT_PERIODS, Period
from motcua.core.models import TimeStampedModel


class CalendarOverride(TimeStampedModel):
    """One day whose status differs from the statutory calendar (DOMAIN §4).

    `organisation` null = the whole province; otherwise only that unit's calendar, where it wins
    over a province-wide override of the same date.
    """

    date = models.DateField(_("date"))
    is_working = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a working day (e.g. a make-up Saturday). Unticked: a day off."),
    )
    reason = models.CharField(_("reason"), max_length=255)
    legal_reference = models.CharField(
        _("legal reference"),
        max_length=255,
        blank=True,
        help_text=_("The notice or decision that sets this day, e.g. 12729/VPCP-KGVX."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_overrides",
        help_text=_("Leave empty for the whole province."),
    )

    class Meta:
        ordering = ["date", "organisation_id"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(organisation__isnull=True),
                name="calendar_override_province_date_unique",
                violation_error_message=_(
                    "There is already a province-wide override for this date."
                ),
            ),
            models.UniqueConstraint(
                fields=["date", "organisation"],
                condition=Q(organisation__isnull=False),
                name="calendar_override_org_date_unique",
                violation_error_message=_(
                    "There is already an override for this date and organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working else _("day off")
        return f"{self.date.isoformat()} {kind}: {self.reason}"


class WorkingHours(TimeStampedModel):
    """The daily working periods of one unit (default 07:00–11:30 and 13:30–17:00 = 8 h)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="working_hours",
    )
    morning_start = models.TimeField(_("morning start"), default=DEFAULT_PERIODS[0][0])
    morning_end = models.TimeField(_("morning end"), default=DEFAULT_PERIODS[0][1])
    afternoon_start = models.TimeField(_("afternoon start"), default=DEFAULT_PERIODS[1][0])
    afternoon_end = models.TimeField(_("afternoon end"), default=DEFAULT_PERIODS[1][1])

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="working_hours_ordered",
                violation_error_message=_(
                    "Working hours must be in order: morning start < morning end ≤ afternoon "
                    "start < afternoon end."
                ),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )

    @property
    def periods(self) -> tuple[Period, ...]:
        return (
            (self.morning_start, self.morning_end),
            (self.afternoon_start, self.afternoon_end),
        )
