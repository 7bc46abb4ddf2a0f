from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from motcua.accounts.enums import Role
from motcua.calendar.deadlines import due_at, is_working_day
from motcua.calendar.models import CalendarOverride, WorkingHours
from motcua.calendar.selectors import calendar_override_list, deadline_get
from motcua.calendar.services import (
    DEMO_OVERRIDES,
    calendar_days_list,
    calendar_for,
    calendar_load_demo_overrides,
    calendar_override_add,
    calendar_override_remove,
)
from motcua.calendar.tests.conftest import local
from motcua.calendar.tests.factories import make_organisation, make_user
from motcua.core.audit_models import AuditRecord
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

SAT = dt.date(2027, 5, 8)  # an ordinary Saturday
MON = dt.date(2027, 5, 10)  # an ordinary Monday


def _audit(action: str) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(object_type="workcalendar.calendaroverride", action=action)
    )


def test_added_override_is_reflected_by_calendar_for_and_audited() -> None:
    # given the province's calendar, used once (and so cached)
    assert not is_working_day(calendar_for(), SAT)
    # when a make-up Saturday is added
    override = calendar_override_add(day=SAT, is_working=True, reason="Làm bù", legal_reference="X")
    # then the next calendar_for sees it, and the audit trail has the creation
    assert is_working_day(calendar_for(), SAT)
    [record] = _audit("create")
    assert record.object_id == str(override.pk)
    assert record.changes["date"] == [None, "2027-05-08"]
    # when it is removed
    calendar_override_remove(day=SAT)
    # then it is gone again, and the removal is audited
    assert not is_working_day(calendar_for(), SAT)
    assert len(_audit("delete")) == 1


def test_change_made_elsewhere_is_seen_without_signals() -> None:
    # given a cached calendar with a working Saturday
    calendar_override_add(day=SAT, is_working=True, reason="Làm bù")
    assert is_working_day(calendar_for(), SAT)
    # when another process changes the table (no signal reaches this process)
    CalendarOverride.objects.filter(date=SAT).update(is_working=False, updated_at=timezone.now())
    # then the version check notices
    assert not is_working_day(calendar_for(), SAT)
    # same for a row inserted behind our back
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(date=MON, is_working=False, reason="Nghỉ")]
    )
    assert not is_working_day(calendar_for(), MON)


def test_calendar_for_is_cached_while_nothing_changes(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first = calendar_for()
    with django_assert_num_queries(1):  # only the version check
        assert calendar_for() is first


def test_duplicate_date_is_rejected_and_nothing_changes() -> None:
    # given an override
    calendar_override_add(day=SAT, is_working=True, reason="Làm bù")
    records = AuditRecord.objects.count()
    # when the same date is added again, even with another status
    with pytest.raises(ValidationFailed) as caught:
        calendar_override_add(day=SAT, is_working=False, reason="Nghỉ")
    # then it is refused with a message naming the date, and nothing changed
    assert "2027-05-08" in str(caught.value.message)
    assert caught.value.fields.keys() == {"date"}
    assert CalendarOverride.objects.get(date=SAT).is_working is True
    assert CalendarOverride.objects.count() == 1
    assert AuditRecord.objects.count() == records


def test_database_rejects_a_duplicate_province_wide_date() -> None:
    CalendarOverride.objects.create(date=SAT, is_working=True, reason="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(date=SAT, is_working=False, reason="b")
    org = make_organisation()
    CalendarOverride.objects.create(date=SAT, is_working=False, reason="c", organisation=org)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(date=SAT, is_working=True, reason="d", organisation=org)
    assert CalendarOverride.objects.count() == 2


def test_organisation_overrides_win_and_stay_in_their_scope() -> None:
    # given a province-wide make-up Saturday and a commune that does not work it
    commune, other = make_organisation(), make_organisation()
    calendar_override_add(day=SAT, is_working=True, reason="Làm bù")
    calendar_override_add(day=SAT, is_working=False, reason="Lễ hội", organisation=commune)
    calendar_override_add(day=MON, is_working=False, reason="Bão", organisation=commune)
    # then each calendar has its own view
    assert is_working_day(calendar_for(), SAT)
    assert is_working_day(calendar_for(other), SAT)
    assert not is_working_day(calendar_for(commune), SAT)
    assert not is_working_day(calendar_for(commune), MON)
    assert is_working_day(calendar_for(), MON)
    # and a duplicate is judged within the scope
    with pytest.raises(ValidationFailed):
        calendar_override_add(day=MON, is_working=True, reason="x", organisation=commune)
    assert [o.date for o in calendar_override_list(year=2027, organisation=commune)] == [
        SAT,
        SAT,
        MON,
    ]


def test_working_hours_of_a_unit_are_used_and_changes_are_seen() -> None:
    org = make_organisation()
    start = local("2027-05-10 07:30")
    assert due_at(calendar_for(org), start, 1, "working_days") == local("2027-05-11 07:30")
    hours = WorkingHours.objects.create(
        organisation=org, morning_start=dt.time(7, 30), afternoon_start=dt.time(13, 0)
    )
    assert calendar_for(org).periods[1][0] == dt.time(13, 0)
    hours.afternoon_end = dt.time(17, 30)
    hours.save()
    assert calendar_for(org).working_day_length == dt.timedelta(hours=8, minutes=30)
    assert due_at(calendar_for(org), start, 1, "working_days") == local("2027-05-10 17:30")
    assert calendar_for().working_day_length == dt.timedelta(hours=8)
    assert AuditRecord.objects.filter(object_type="workcalendar.workinghours").count() == 2


def test_working_hours_must_be_in_order() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHours.objects.create(
            organisation=make_organisation(), morning_start=dt.time(12), morning_end=dt.time(11)
        )


def test_actor_is_checked_and_recorded() -> None:
    admin = make_user(Role.PROVINCIAL_ADMIN)
    clerk = make_user(Role.COUNTER_OFFICER)
    with pytest.raises(PermissionDenied):
        calendar_override_add(day=SAT, is_working=True, reason="x", actor=clerk)
    assert not CalendarOverride.objects.exists()
    calendar_override_add(day=SAT, is_working=True, reason="x", actor=admin)
    [record] = _audit("create")
    assert record.actor_id == admin.pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 256}, "reason"),
        ({"reason": "x", "legal_reference": "y" * 256}, "legal_reference"),
        ({"reason": "x", "day": dt.date(1800, 1, 1)}, "date"),
    ],
)
def test_invalid_override_is_rejected(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"day": SAT, "is_working": True, **kwargs}
    with pytest.raises(ValidationFailed) as caught:
        calendar_override_add(**arguments)  # type: ignore[arg-type]
    assert field in caught.value.fields
    assert not CalendarOverride.objects.exists()


def test_removing_a_missing_override_is_not_found() -> None:
    with pytest.raises(NotFound):
        calendar_override_remove(day=SAT)


def test_demo_overrides_load_once() -> None:
    created = calendar_load_demo_overrides()
    assert {o.date for o in created} == {
        dt.date(2024, 5, 4),
        dt.date(2025, 2, 8),
        dt.date(2025, 4, 26),
        dt.date(2026, 1, 2),
        dt.date(2026, 1, 10),
        dt.date(2026, 8, 22),
    }
    assert all(o.reason and o.legal_reference for o in created)
    assert (
        "12729/VPCP-KGVX" in CalendarOverride.objects.get(date=dt.date(2026, 1, 10)).legal_reference
    )
    assert calendar_load_demo_overrides() == []
    assert CalendarOverride.objects.count() == len(DEMO_OVERRIDES)
    cal = calendar_for()
    assert is_working_day(cal, dt.date(2026, 8, 22))
    assert not is_working_day(cal, dt.date(2026, 1, 2))
    assert due_at(cal, local("2026-08-21 10:00"), 1, "working_days") == local("2026-08-22 10:00")
    # Tết Ất Tỵ 2025: Monday 27/1 off (the holidays package), Saturday 8/2 worked in its place
    assert not is_working_day(cal, dt.date(2025, 1, 27))
    assert is_working_day(cal, dt.date(2025, 2, 8))
    assert due_at(cal, local("2025-02-07 10:00"), 1, "working_days") == local("2025-02-08 10:00")
    assert due_at(cal, local("2025-01-24 16:00"), 5, "working_days") == local("2025-02-07 16:00")


def test_days_list_gives_the_exceptions_with_reasons() -> None:
    calendar_load_demo_overrides()
    days = {d.date: d for d in calendar_days_list(2026)}
    assert days[dt.date(2026, 1, 2)].source == "override"
    assert days[dt.date(2026, 1, 2)].is_working is False
    assert days[dt.date(2026, 1, 10)].is_working is True
    assert days[dt.date(2026, 1, 10)].weekday == 6
    assert "12729/VPCP-KGVX" in days[dt.date(2026, 1, 10)].legal_reference
    assert days[dt.date(2026, 8, 22)].source == "override"
    assert days[dt.date(2026, 8, 31)].source == "holidays"
    assert days[dt.date(2026, 11, 24)].reason  # Vietnamese Culture Day
    assert dt.date(2026, 4, 26) not in days  # a Sunday holiday changes nothing
    assert dt.date(2026, 4, 27) in days  # ... its compensatory Monday does
    assert all(d.is_working == (d.date.weekday() >= 5) for d in days.values())
    assert dt.date(2025, 11, 24) not in {d.date for d in calendar_days_list(2025)}


def test_deadline_get_out_of_range_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed) as caught:
        deadline_get(start=local("2026-03-09 10:00"), amount=10**9, unit="working_days")
    assert "amount" in caught.value.fields
