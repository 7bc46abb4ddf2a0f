"""Reporting's own tables: derived per-dossier facts, indicator rules and compliance costs.

Reporting never writes another app's data. `DossierFact` is derived data: one row per dossier
that counts in the statistics (received, never refused), refreshed from the dossier whenever it
is saved (see `motcua.reporting.facts`) and rebuildable at any time with
`manage.py reporting_rebuild`. Its relations carry no database constraint on purpose: the facts
can be rebuilt, and the benchmark loads synthetic facts without dossiers (docs/reporting.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The end key of an open dossier: later than any report period.
OPEN_END = dt.date(9999, 12, 31)


class Outcome(models.IntegerChoices):
    """How a dossier ended, by DOMAIN §4 (0 while it is open)."""

    OPEN = 0, _("Open")
    EARLY = 1, _("Early")
    ON_TIME = 2, _("On time")
    LATE = 3, _("Late")


class DossierFact(models.Model):
    """The dates form 06a needs, as Vietnam calendar days, for one counted dossier.

    - `received_day`: day of receipt; `ended_day`: day of the end status (never before
      `received_day`), null while open; `end_key` = `ended_day` or OPEN_END, so one range
      condition `end_key >= from` keeps exactly the dossiers still relevant to a period.
    - `outcome`: early / on time / late of an ended dossier (DOMAIN §4, statutory due date after
      pauses; more than one supplement request = late; no time limit = on time).
    - `overdue_from`: the first report end date at which the dossier, if still open then, counts
      as overdue; null = never (no time limit, or paused since a day on or before its due date).
      Overdue at `to` ⇔ open at `to` and `overdue_from <= to`.
    - the flags at the end (fees, papers, electronic result) serve the service index.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="report_fact",
    )
    receiving_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    processing_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    channel = models.PositiveSmallIntegerField()
    received_day = models.DateField()
    ended_day = models.DateField(null=True, blank=True)
    end_key = models.DateField()
    due_day = models.DateField(null=True, blank=True)
    overdue_from = models.DateField(null=True, blank=True)
    outcome = models.PositiveSmallIntegerField(choices=Outcome.choices, default=Outcome.OPEN)
    completed = models.BooleanField(default=False, help_text="ended with a result (9 or 10)")
    work_minutes = models.PositiveIntegerField(null=True, blank=True)
    allowed_minutes = models.PositiveIntegerField(null=True, blank=True)
    # For the Decision 766 indicators (3.6, 4.1–4.3), kept with the dates so that the index is
    # read from this table too.
    fee_paid = models.BooleanField(default=False, help_text="a fee was due and has been paid")
    paid_online = models.BooleanField(default=False)
    papers_digitised = models.BooleanField(
        default=False, help_text="at least one submitted paper, and every one digitised"
    )
    reused = models.BooleanField(default=False, help_text="a paper reused digitised data")
    electronic_result = models.BooleanField(
        default=False, help_text="a result paper as a file or digitised, or delivered online"
    )

    class Meta:
        verbose_name = _("dossier fact")
        verbose_name_plural = _("dossier facts")
        indexes = [
            models.Index(fields=["end_key", "received_day"], name="report_fact_period"),
            models.Index(fields=["received_day"], name="report_fact_received"),
            models.Index(fields=["receiving_unit", "end_key"], name="report_fact_unit"),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


class IndicatorRule(models.Model):
    """A version of one Decision 766 indicator's threshold and points, from a date.

    The defaults live in `motcua.reporting.index766.DEFAULT_RULES`; a row here overrides the
    default of its indicator for periods ending on or after `effective_from`.
    """

    code = models.CharField(_("indicator"), max_length=8)
    name = models.CharField(_("name"), max_length=255, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=5,
        decimal_places=4,
        help_text=_("Rate (0–1) at which the indicator earns all its points."),
    )
    formula_version = models.CharField(_("formula version"), max_length=32, default="766/2022")
    effective_from = models.DateField(_("effective from"))
    confirmed = models.BooleanField(
        _("confirmed against the legal text"),
        default=False,
    )
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code", "-effective_from"]
        verbose_name = _("indicator rule")
        verbose_name_plural = _("indicator rules")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="indicator_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(threshold__lte=1),
                name="indicator_rule_threshold_range",
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="indicator_rule_points"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from})"


class ComplianceCost(models.Model):
    """What one dossier costs the applicant at the counter and online (VND), per procedure.

    The row without a procedure (the newest, if several) is the default for every procedure
    without its own row; when there is none, `motcua.reporting.savings.DEFAULT_COST` applies.
    """

    procedure = models.OneToOneField(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="compliance_cost",
    )
    counter_travel = models.PositiveIntegerField(
        _("travel to the counter and back (VND)"), default=60000
    )
    counter_hours = models.DecimalField(
        _("time spent at the counter, travel included (hours)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("4"),
    )
    counter_copies = models.PositiveIntegerField(
        _("copies and certified copies (VND)"), default=20000
    )
    counter_visits = models.DecimalField(
        _("visits per dossier at the counter"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2"),
    )
    online_cost = models.PositiveIntegerField(_("cost of an online submission (VND)"), default=5000)
    online_hours = models.DecimalField(
        _("time spent online (hours)"), max_digits=5, decimal_places=2, default=Decimal("0.5")
    )
    hourly_value = models.PositiveIntegerField(
        _("value of one hour of the applicant's time (VND)"), default=30000
    )
    source = models.CharField(_("source of the assumptions"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compliance cost")
        verbose_name_plural = _("compliance costs")

    def __str__(self) -> str:
        return str(self.procedure) if self.procedure_id else str(_("Default"))

    def clean(self) -> None:
        if self.counter_visits is not None and self.counter_visits < 0:
            raise ValidationError({"counter_visits": _("Must not be negative.")})
