"""Stored values of the procedure catalogue. Stored values never change; the national codes
(MucDo, KENH, ...) are mappings beside them, used only at the integration boundary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    """Level of government that settles the procedure (CAPTHUCHIEN)."""

    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    MINISTRY = "ministry", _("Ministry")
    # Abolished on 1 Jul 2025 but still present in old national packages and old versions.
    DISTRICT = "district", _("District (before 2025)")


class OnlineLevel(models.TextChoices):
    """Online public-service level under Decree 42/2022 (MucDo 2/3/4 in older data)."""

    INFORMATION = "information", _("Information only")
    PARTIAL = "partial", _("Partly online")
    FULL = "full", _("Fully online")


# National "MucDo" (Decree 43/2011 levels, still used by the national database).
ONLINE_LEVEL_TO_MUCDO: dict[str, int] = {
    OnlineLevel.INFORMATION: 2,
    OnlineLevel.PARTIAL: 3,
    OnlineLevel.FULL: 4,
}
# Level 1 (information only, without forms) is read as "information".
MUCDO_TO_ONLINE_LEVEL: dict[int, str] = {
    1: OnlineLevel.INFORMATION,
    2: OnlineLevel.INFORMATION,
    3: OnlineLevel.PARTIAL,
    4: OnlineLevel.FULL,
}


class TargetGroup(models.TextChoices):
    """Who may use the procedure (DOITUONGTHUCHIEN)."""

    CITIZEN = "citizen", _("Citizens")
    ORGANISATION = "organisation", _("Organisations")


class Channel(models.IntegerChoices):
    """Submission channel (KenhThucHien); the stored value is the national code."""

    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("By public postal service")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class FeeCollection(models.TextChoices):
    """When a fee is collected."""

    BEFORE = "before", _("On submission")
    AFTER = "after", _("On delivery of the result")
    NONE = "none", _("Not collected")


class ProcedureStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    ABOLISHED = "abolished", _("Abolished")


# Our own numeric codes for TRANGTHAI in exported packages (confirm against the national
# database; the parser also accepts the English values and Vietnamese wording).
STATUS_TO_NATIONAL: dict[str, int] = {
    ProcedureStatus.ACTIVE: 1,
    ProcedureStatus.SUSPENDED: 2,
    ProcedureStatus.ABOLISHED: 3,
}
