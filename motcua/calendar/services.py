"""Writes to the working calendar, plus the reads the issue names here (re-exported from
selectors.py, where they live).

Every write runs inside `audit_context(actor=...)`; the models are registered with the audit
trail (apps.py), so each create/delete leaves an AuditRecord with its actor and interface.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.accounts.policies import ensure_can_administer
from motcua.calendar.deadlines import MAX_YEAR, MIN_YEAR
from motcua.calendar.models import CalendarOverride
from motcua.calendar.selectors import (
    CalendarDay,
    calendar_cache_clear,
    calendar_days_list,
    calendar_for,
    calendar_override_list,
)
from motcua.core.audit import audit_context
from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.text import nfc
from motcua.organisations.models import Organisation

__all__ = [
    "DEMO_OVERRIDES",
    "CalendarDay",
    "DemoOverride",
    "calendar_cache_clear",
    "calendar_days_list",
    "calendar_for",
    "calendar_load_demo_overrides",
    "calendar_override_add",
    "calendar_override_list",
    "calendar_override_remove",
]

_MAX_TEXT = 255


def _duplicate_error(day: dt.date, organisation: Organisation | None) -> ValidationFailed:
    if organisation is None:
        message = _("There is already a province-wide calendar override for %(date)s.") % {
            "date": day.isoformat()
        }
    else:
        message = _("There is already a calendar override for %(date)s for %(organisation)s.") % {
            "date": day.isoformat(),
            "organisation": organisation,
        }
    return ValidationFailed(message, code="duplicate_date", fields={"date": message})


def _scope_filter(day: dt.date, organisation: Organisation | None) -> dict[str, Any]:
    if organisation is None:
        return {"date": day, "organisation__isnull": True}
    return {"date": day, "organisation": organisation}


def _clean_text(value: str, field: str, *, required: bool) -> str:
    text = nfc(" ".join((value or "").split()))
    if required and not text:
        message = _("Give the reason for this day (e.g. the holiday or the day it makes up for).")
        raise ValidationFailed(message, fields={field: message})
    if len(text) > _MAX_TEXT:
        message = _("At most %(max)d characters.") % {"max": _MAX_TEXT}
        raise ValidationFailed(message, fields={field: message})
    return text


def calendar_override_add(
    *,
    day: dt.date,
    is_working: bool,
    reason: str,
    legal_reference: str = "",
    organisation: Organisation | None = None,
    actor: Any = None,
) -> CalendarOverride:
    """Record that `day` is worked (is_working) or off, province-wide or for `organisation`.

    A second override for the same date and scope raises ValidationFailed and changes nothing.
    An `actor` must be allowed to administer the scope (provincial administrator for the
    province); None means a trusted caller (command line, data loading).
    """
    if actor is not None:
        ensure_can_administer(actor, organisation)
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError("day must be a date")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        message = _("The date must be between %(min)s and %(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
        raise ValidationFailed(message, fields={"date": message})
    reason = _clean_text(reason, "reason", required=True)
    legal_reference = _clean_text(legal_reference, "legal_reference", required=False)
    if CalendarOverride.objects.filter(**_scope_filter(day, organisation)).exists():
        raise _duplicate_error(day, organisation)
    try:
        with transaction.atomic(), audit_context(actor=actor):
            override = CalendarOverride.objects.create(
                date=day,
                is_working=bool(is_working),
                reason=reason,
                legal_reference=legal_reference,
                organisation=organisation,
            )
    except IntegrityError as exc:  # a concurrent insert of the same date won the race
        raise _duplicate_error(day, organisation) from exc
    return override


def calendar_override_remove(
    *, day: dt.date, organisation: Organisation | None = None, actor: Any = None
) -> None:
    """Delete the override of `day` in that scope; NotFound when there is none."""
    if actor is not None:
        ensure_can_administer(actor, organisation)
    with transaction.atomic(), audit_context(actor=actor):
        override = (
            CalendarOverride.objects.select_for_update()
            .filter(**_scope_filter(day, organisation))
            .first()
        )
        if override is None:
            message = _("There is no calendar override for %(date)s.") % {"date": day.isoformat()}
            raise NotFound(message, fields={"date": message})
        override.delete()


@dataclass(frozen=True)
class DemoOverride:
    day: dt.date
    is_working: bool
    reason: str
    legal_reference: str


# The verified (or, where marked, believed) swaps of ../shared/data/holidays_vn.md that the
# `holidays` package does not know. Texts are data shown to Vietnamese users, not msgids.
DEMO_OVERRIDES: tuple[DemoOverride, ...] = (
    DemoOverride(
        dt.date(2024, 5, 4),
        True,
        "Làm bù cho ngày nghỉ thứ Hai 29/4/2024 (hoán đổi dịp 30/4 – 1/5/2024)",
        "Phương án hoán đổi ngày làm việc dịp 30/4 – 1/5/2024 "
        "(chưa đọc được văn bản phê duyệt, cần xác minh)",
    ),
    DemoOverride(
        dt.date(2025, 2, 8),
        True,
        "Làm bù cho ngày nghỉ thứ Hai 27/1/2025 (hoán đổi dịp Tết Ất Tỵ 2025)",
        "Thông báo của Bộ Lao động – Thương binh và Xã hội về lịch nghỉ Tết Âm lịch và "
        "Quốc khánh năm 2025, được Thủ tướng Chính phủ đồng ý "
        "(số hiệu được cho là 6150/TB-LĐTBXH, chưa xác minh)",
    ),
    DemoOverride(
        dt.date(2025, 4, 26),
        True,
        "Làm bù cho ngày nghỉ thứ Sáu 2/5/2025 (hoán đổi dịp 30/4 – 1/5/2025)",
        "Thông báo của Bộ Lao động – Thương binh và Xã hội về lịch nghỉ Tết Âm lịch và "
        "Quốc khánh năm 2025, được Thủ tướng Chính phủ đồng ý "
        "(số hiệu được cho là 6150/TB-LĐTBXH, chưa xác minh)",
    ),
    DemoOverride(
        dt.date(2026, 1, 2),
        False,
        "Nghỉ hoán đổi dịp Tết Dương lịch 2026 (làm bù thứ Bảy 10/1/2026)",
        "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
    ),
    DemoOverride(
        dt.date(2026, 1, 10),
        True,
        "Làm bù cho ngày nghỉ thứ Sáu 2/1/2026 (hoán đổi dịp Tết Dương lịch 2026)",
        "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
    ),
    DemoOverride(
        dt.date(2026, 8, 22),
        True,
        "Làm bù cho ngày nghỉ thứ Hai 31/8/2026 (hoán đổi dịp Quốc khánh 2/9/2026)",
        "Phương án nghỉ lễ Quốc khánh 2026 (số văn bản chưa xác minh)",
    ),
)


def calendar_load_demo_overrides(*, actor: Any = None) -> list[CalendarOverride]:
    """Add the province-wide DEMO_OVERRIDES that are missing; returns those it created.

    Idempotent: a date that already has a province-wide override is left as it is (an
    administrator may have corrected it).
    """
    created: list[CalendarOverride] = []
    with transaction.atomic():
        for item in DEMO_OVERRIDES:
            if CalendarOverride.objects.filter(date=item.day, organisation__isnull=True).exists():
                continue
            created.append(
                calendar_override_add(
                    day=item.day,
                    is_working=item.is_working,
                    reason=item.reason,
                    legal_reference=item.legal_reference,
                    actor=actor,
                )
            )
    return created
