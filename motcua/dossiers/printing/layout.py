"""What every printed form shares: page formats, the Vietnamese labels, dates written the way
Decree 30/2020 writes them, and the header (issuing organisation, motto, place and date)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.core.text import nfc
from motcua.dossiers.enums import Channel, DossierStatus, StepResult
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

S = DossierStatus


@dataclass(frozen=True)
class Page:
    size: str  # CSS @page size
    margin: str  # CSS @page margin: top right bottom left
    body_pt: float
    title_pt: float
    header_pt: float  # organisation names and the first line of the national motto
    small_pt: float  # table cells, notes

    @property
    def motto_pt(self) -> float:
        """ "Độc lập - Tự do - Hạnh phúc" is one point larger than the line above it."""
        return self.header_pt + 1


# DOMAIN §8: A4 margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm, body 13–14 pt.
# A5 is A4 scaled by 1/√2, and so (roughly) are its margins and type, so forms 01–05 fit on
# one A5 sheet.
A4 = Page("A4", "20mm 15mm 20mm 30mm", body_pt=13, title_pt=14, header_pt=12, small_pt=11)
A4_LANDSCAPE = Page(
    "A4 landscape", "20mm 15mm 15mm 20mm", body_pt=12, title_pt=14, header_pt=12, small_pt=10
)
A5 = Page("A5", "12mm 11mm 12mm 21mm", body_pt=10, title_pt=11.5, header_pt=8, small_pt=9)


@dataclass(frozen=True)
class FormSpec:
    number: str
    title: str
    template: str
    page: Page
    slug: str  # ASCII, for file names


# --- Vietnamese labels (official wording; the stored values are English) --------------------

STATUS_LABELS: dict[str, str] = {
    S.SUBMITTED: "Mới đăng ký",
    S.RECEIVED: "Được tiếp nhận",
    S.REFUSED: "Không được tiếp nhận",
    S.IN_PROGRESS: "Đang xử lý",
    S.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung",
    S.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    S.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    S.STOPPED: "Dừng xử lý",
    S.RESULT_READY: "Đã xử lý xong",
    S.DELIVERED: "Đã trả kết quả",
}
CHANNEL_LABELS: dict[int, str] = {
    Channel.COUNTER: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POST: "Qua dịch vụ bưu chính công ích",
}
RESULT_LABELS: dict[str, str] = {
    StepResult.EARLY: "Trước hạn",
    StepResult.ON_TIME: "Đúng hạn",
    StepResult.LATE: "Quá hạn",
}
WITHIN_TIME = "Trong hạn"
OVERDUE = "Quá hạn"
TIME_UNIT_LABELS: dict[str, str] = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
}


# --- header -----------------------------------------------------------------------------------


def header_context(issuer: Organisation, when: dt.datetime | None) -> dict[str, Any]:
    """The top of every form: the organisation above the issuer and the issuer (upper case),
    and "<place>, ngày … tháng … năm …" for `when`."""
    parent = issuer.parent if issuer.parent_id else None
    return {
        "org_parent": parent.name.upper() if parent else "",
        "org_name": issuer.name.upper(),
        "org": issuer,
        "place_date": place_and_date(place_name(issuer), when or timezone.now()),
    }


_ADMIN_PREFIX = re.compile(
    r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+"
    r"(?:tỉnh|thành phố|xã|phường|đặc khu|thị trấn|huyện|quận|thị xã)\s+",
    re.IGNORECASE,
)
_PLACE_KINDS = (OrganisationKind.COMMUNE, OrganisationKind.DISTRICT, OrganisationKind.PROVINCE)


def place_name(unit: Organisation) -> str:
    """Place in "<place>, ngày …": settings.MOTCUA_PLACE_NAME, else the nearest commune,
    district or province above (or at) the unit, without "Ủy ban nhân dân tỉnh/xã …"."""
    override = str(getattr(settings, "MOTCUA_PLACE_NAME", "") or "")
    if override:
        return override
    chain = [unit]
    ancestor_ids = unit.ancestors_ids()
    if ancestor_ids:
        by_id = {org.pk: org for org in Organisation.objects.filter(pk__in=ancestor_ids)}
        chain += [by_id[pk] for pk in reversed(ancestor_ids) if pk in by_id]
    for org in chain:
        if org.kind in _PLACE_KINDS:
            return _ADMIN_PREFIX.sub("", nfc(org.name)).strip()
    return _ADMIN_PREFIX.sub("", nfc(chain[-1].name)).strip()


# --- dates, numbers, names --------------------------------------------------------------------


def place_and_date(place: str, when: dt.datetime | dt.date) -> str:
    """Decree 30/2020: "Cà Mau, ngày 05 tháng 3 năm 2027" (zero before days < 10, months 1–2)."""
    day = timezone.localtime(when).date() if isinstance(when, dt.datetime) else when
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def date_text(value: dt.date | dt.datetime | None) -> str:
    """17/02/2027 (a datetime is dated in Vietnam time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%d/%m/%Y}"


def short_time(value: dt.datetime | None) -> str:
    """16:00 17/02/2027, for table cells."""
    if value is None:
        return ""
    return f"{timezone.localtime(value):%H:%M %d/%m/%Y}"


def long_time(value: dt.datetime | None) -> str:
    """16 giờ 00 phút, ngày 17/02/2027, for sentences."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def money(amount: int) -> str:
    """200.000 (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def naive_local(value: dt.datetime | None) -> dt.datetime | None:
    """Vietnam wall time without tzinfo, for spreadsheets (Excel has no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 time stored in an event's JSON data (None when absent or unreadable)."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def ascii_name(text: str) -> str:
    """Safe in a file name: letters, digits, dots, dashes and underscores."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")
