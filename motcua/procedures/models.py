"""The procedure catalogue (TTHC).

A `Procedure` is the stable identity (its national code). Its content lives in immutable
`ProcedureVersion` snapshots: an edit creates a new version, and a dossier keeps the version it
was received under. Cases, papers, time limits and fees are children of one version. The
internal process (`ProcessStep`) is attached to a version too and copied to the next one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.enums import Role
from motcua.core.text import fold, nfc
from motcua.procedures.enums import (
    ONLINE_LEVEL_TO_MUCDO,
    Channel,
    FeeCollection,
    OnlineLevel,
    ProcedureLevel,
    ProcedureStatus,
    TimeUnit,
)

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

WORKING_HOURS_PER_DAY = 8


def statutory_working_hours(amount: int, unit: str) -> Decimal:
    """The working hours a statutory time surely contains, for planning process budgets.

    Working days count 8 h each (DOMAIN §4) and working hours count as they are. Calendar days
    are converted conservatively: the weekends are assumed to fall in the worst place, so each
    full week gives 5 working days and a remainder of r days gives max(0, r − 2); a non-zero
    amount gives at least 1 working day (a due date on a non-working day moves to the next
    working day). Public holidays are ignored: the real due time of a dossier comes from the
    working calendar, which skips them. Examples: 15 calendar days → 10 working days → 80 h;
    30 calendar days → 20 working days → 160 h.
    """
    if unit == TimeUnit.WORKING_DAYS:
        return Decimal(amount * WORKING_HOURS_PER_DAY)
    if unit == TimeUnit.WORKING_HOURS:
        return Decimal(amount)
    if unit == TimeUnit.CALENDAR_DAYS:
        if amount <= 0:
            return Decimal(0)
        days = (amount // 7) * 5 + max(0, amount % 7 - 2)
        return Decimal(max(1, days) * WORKING_HOURS_PER_DAY)
    raise ValueError(f"unknown time unit {unit!r}")


class ProcedureVersionImmutable(RuntimeError):
    """A saved ProcedureVersion was saved again: versions are snapshots, edit via services."""


class Field(models.Model):
    """Field of activity (lĩnh vực), e.g. "Hộ tịch"."""

    code = models.CharField(_("code"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=255, unique=True)
    name_folded = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="field_code_unique"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="field_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = nfc(self.name).strip()
        self.name_folded = fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)


class Procedure(models.Model):
    """Stable identity of a procedure: its national code, e.g. "1.001193" or "1.000948.H12"."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    if TYPE_CHECKING:
        versions: RelatedManager[ProcedureVersion]

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="procedure_code_not_empty"),
        ]

    def __str__(self) -> str:
        if self.current_version_id is not None and self.current_version is not None:
            return f"{self.code} {self.current_version.name}"
        return self.code


class ProcedureVersion(models.Model):
    """One immutable snapshot of a procedure's content."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=1000)
    name_folded = models.CharField(max_length=1000, editable=False, default="")
    procedure_type = models.CharField(_("procedure type"), max_length=255, blank=True)
    fields = models.ManyToManyField(
        Field, verbose_name=_("fields"), blank=True, related_name="procedure_versions"
    )
    level = models.CharField(_("level"), max_length=16, choices=ProcedureLevel.choices)
    implementing_organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("implementing organisations"),
        blank=True,
        related_name="implemented_procedure_versions",
    )
    receiving_organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("receiving organisations"),
        blank=True,
        related_name="received_procedure_versions",
    )
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    online_level = models.CharField(
        _("online level"),
        max_length=16,
        choices=OnlineLevel.choices,
        default=OnlineLevel.INFORMATION,
    )
    result_code = models.CharField(_("result code"), max_length=255, blank=True)
    result_name = models.CharField(_("result"), max_length=1000, blank=True)
    has_document_result = models.BooleanField(_("returns a document"), default=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    cutoff = models.TimeField(
        _("receipt cut-off"),
        null=True,
        blank=True,
        help_text=_("Dossiers received after this time start the clock the next working day."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProcedureStatus.choices, default=ProcedureStatus.ACTIVE
    )
    decision_number = models.CharField(_("publishing decision"), max_length=255, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    if TYPE_CHECKING:
        cases: RelatedManager[ProcedureCase]
        time_limits: RelatedManager[TimeLimit]
        fees: RelatedManager[Fee]
        process_steps: RelatedManager[ProcessStep]

    class Meta:
        ordering = ["procedure_id", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="procedure_version_number_gte1"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="procedure_version_name_not_empty"),
            models.CheckConstraint(
                condition=Q(level__in=ProcedureLevel.values), name="procedure_version_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(online_level__in=OnlineLevel.values),
                name="procedure_version_online_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProcedureStatus.values),
                name="procedure_version_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ProcedureVersionImmutable(
                "A procedure version is an immutable snapshot; "
                "use procedure_update() to create a new version."
            )
        self.name = nfc(self.name).strip()
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    # --- helpers used by the dossier app ---------------------------------------------------

    @property
    def online_level_national(self) -> int:
        """The national MucDo: 2 information, 3 partly online, 4 fully online."""
        return ONLINE_LEVEL_TO_MUCDO[self.online_level]

    def default_case(self) -> ProcedureCase | None:
        """The case used when the applicant does not choose one (None: a choice is needed)."""
        for case in self.cases.all():
            if case.is_default:
                return case
        return None

    def time_limit_for(
        self, channel: int, case: ProcedureCase | int | None = None
    ) -> TimeLimit | None:
        """The statutory time for `channel` (and `case`).

        Lookup order: the case's own time for the channel, the version's time for the channel,
        then the same two for the counter channel (1), which is the reference time.
        """
        case_id = _case_id(case)
        by_key = {(tl.case_id, tl.channel): tl for tl in self.time_limits.all()}
        for key in _lookup_keys(case_id, [int(channel), Channel.COUNTER]):
            if key in by_key:
                return by_key[key]
        return None

    def fees_for(self, channel: int, case: ProcedureCase | int | None = None) -> list[Fee]:
        """The fees due for `channel` (and `case`): the first non-empty group in the order
        case+channel, case (any channel), version+channel, version (any channel), then the same
        for the counter channel."""
        case_id = _case_id(case)
        groups: dict[tuple[int | None, int | None], list[Fee]] = {}
        for fee in sorted(self.fees.all(), key=lambda f: (f.order, f.pk or 0)):
            groups.setdefault((fee.case_id, fee.channel), []).append(fee)
        keys: list[tuple[int | None, int | None]] = []
        for ch in (int(channel), int(Channel.COUNTER)):
            for cid in ([case_id] if case_id is not None else []) + [None]:
                keys += [(cid, ch), (cid, None)]
        for key in keys:
            if groups.get(key):
                return groups[key]
        return []

    def fee_for(self, channel: int, case: ProcedureCase | int | None = None) -> Fee | None:
        """The first fee of `fees_for(channel, case)`, or None when nothing is charged."""
        fees = self.fees_for(channel, case)
        return fees[0] if fees else None


def _case_id(case: Any) -> int | None:
    if case is None:
        return None
    if isinstance(case, int):
        return case
    return int(case.pk)


def _lookup_keys(case_id: int | None, channels: list[int]) -> list[tuple[int | None, int]]:
    keys: list[tuple[int | None, int]] = []
    for ch in channels:
        if case_id is not None:
            keys.append((case_id, ch))
        keys.append((None, ch))
    return keys


class ProcedureCase(models.Model):
    """A sub-case (trường hợp) of a procedure version, with its own papers and times."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="cases"
    )
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=1000, blank=True)
    is_default = models.BooleanField(_("default case"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:
        papers: RelatedManager[RequiredPaper]

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="procedure_case_code_unique"),
            models.UniqueConstraint(
                fields=["version"], condition=Q(is_default=True), name="procedure_case_one_default"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="procedure_case_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class RequiredPaper(models.Model):
    """A paper (giấy tờ) of the dossier for one case."""

    case = models.ForeignKey(
        ProcedureCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="papers"
    )
    code = models.CharField(_("code"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    form_template = models.FileField(
        _("form template"), upload_to="procedures/forms/", blank=True, max_length=255
    )
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["case_id", "order", "id"]
        verbose_name = _("required paper")
        verbose_name_plural = _("required papers")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="required_paper_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class TimeLimit(models.Model):
    """Statutory time for one channel, for the whole version (case null) or one case."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="time_limits",
    )
    case = models.ForeignKey(
        ProcedureCase,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_limits",
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["version_id", "case_id", "channel"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="time_limit_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=TimeUnit.values), name="time_limit_unit_valid"
            ),
            models.UniqueConstraint(
                fields=["version", "channel"],
                condition=Q(case__isnull=True),
                name="time_limit_version_channel_unique",
            ),
            models.UniqueConstraint(
                fields=["version", "case", "channel"],
                condition=Q(case__isnull=False),
                name="time_limit_case_channel_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_unit_display()}"

    @property
    def working_hours(self) -> Decimal:
        """Working hours this time surely contains (see `statutory_working_hours`)."""
        return statutory_working_hours(self.amount, self.unit)


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) in VND; channel and case null mean "any"."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fees"
    )
    case = models.ForeignKey(
        ProcedureCase,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fees",
    )
    channel = models.PositiveSmallIntegerField(
        _("channel"), choices=Channel.choices, null=True, blank=True
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.TextField(_("description"), blank=True)
    collected = models.CharField(
        _("collected"), max_length=16, choices=FeeCollection.choices, default=FeeCollection.BEFORE
    )
    exemptions = models.TextField(_("exemptions"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__isnull=True) | Q(channel__in=Channel.values),
                name="fee_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(collected__in=FeeCollection.values), name="fee_collected_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount:,} VND"


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ) of a version (or of one case)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="process_steps",
    )
    case = models.ForeignKey(
        ProcedureCase,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="process_steps",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the unit that receives or implements the dossier."),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    budget_hours = models.DecimalField(
        _("time budget (working hours)"), max_digits=7, decimal_places=2
    )
    crosses_agency = models.BooleanField(_("passes to another agency"), default=False)

    class Meta:
        ordering = ["version_id", "case_id", "order"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="process_step_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(budget_hours__gt=0), name="process_step_budget_positive"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="process_step_name_not_empty"),
            models.UniqueConstraint(
                fields=["version", "order"],
                condition=Q(case__isnull=True),
                name="process_step_version_order_unique",
            ),
            models.UniqueConstraint(
                fields=["version", "case", "order"],
                condition=Q(case__isnull=False),
                name="process_step_case_order_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


__all__ = [
    "WORKING_HOURS_PER_DAY",
    "Fee",
    "Field",
    "Procedure",
    "ProcedureCase",
    "ProcedureVersion",
    "ProcedureVersionImmutable",
    "ProcessStep",
    "RequiredPaper",
    "TimeLimit",
    "statutory_working_hours",
]
