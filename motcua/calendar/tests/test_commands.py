from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.calendar.models import CalendarOverride, WorkingHours
from motcua.calendar.services import DEMO_OVERRIDES
from motcua.calendar.tests.factories import make_organisation
from motcua.core.audit_models import AuditRecord

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


# --- deadline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--start", "2026-03-09 10:00", "--amount", "1", "--unit", "working_days"],
         "2026-03-10T10:00:00+07:00"),
        (["--start", "2026-03-11 07:00", "--amount", "1", "--unit", "working_days"],
         "2026-03-11T17:00:00+07:00"),
        (["--start", "2026-03-09T03:00:00+00:00", "--amount", "1", "--unit", "working_days"],
         "2026-03-10T10:00:00+07:00"),
        (["--start", "2026-03-11 15:30", "--amount", "1", "--unit", "working_days",
          "--cutoff", "15:00"], "2026-03-12T17:00:00+07:00"),
        (["--start", "2026-03-09 10:00", "--amount", "3", "--unit", "working_hours"],
         "2026-03-09T15:00:00+07:00"),
        (["--start", "2026-03-09 10:00", "--amount", "5", "--unit", "calendar_days"],
         "2026-03-16T10:00:00+07:00"),
        (["--start", "2027-02-05 10:00", "--amount", "5", "--unit", "working_days"],
         "2027-02-17T17:00:00+07:00"),
    ],
)  # fmt: skip
def test_deadline_prints_the_due_time_on_the_last_line(args: list[str], expected: str) -> None:
    lines = run("deadline", *args)
    assert lines[-1] == expected
    assert dt.datetime.fromisoformat(lines[-1]).utcoffset() == dt.timedelta(hours=7)


def test_deadline_uses_the_organisation_calendar() -> None:
    org = make_organisation(agency_code="000.00.01.H12")
    WorkingHours.objects.create(organisation=org, afternoon_end=dt.time(17, 30))
    CalendarOverride.objects.create(date=dt.date(2026, 3, 10), is_working=False, reason="x",
                                    organisation=org)  # fmt: skip
    args = ["--start", "2026-03-09 10:00", "--amount", "1", "--unit", "working_days"]
    assert run("deadline", *args)[-1] == "2026-03-10T10:00:00+07:00"
    assert run("deadline", *args, "--org", "000.00.01.H12")[-1] == "2026-03-11T10:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-02-30 10:00", "--amount", "1", "--unit", "working_days"], "2026-02-30"),
        (["--start", "tomorrow", "--amount", "1", "--unit", "working_days"], "tomorrow"),
        (["--start", "2026-03-09 10:00", "--amount", "-1", "--unit", "working_days"], "-1"),
        (["--start", "2026-03-09 10:00", "--amount", "1.5", "--unit", "working_days"], "1.5"),
        (["--start", "2026-03-09 10:00", "--amount", "1", "--unit", "weeks"], "weeks"),
        (["--start", "2026-03-09 10:00", "--amount", "1", "--unit", "working_days",
          "--cutoff", "25:00"], "25:00"),
        (["--start", "2026-03-09 10:00", "--amount", "1", "--unit", "working_days",
          "--org", "000.00.00.H77"], "000.00.00.H77"),
        (["--start", "2026-03-09 10:00", "--amount", "99999999", "--unit", "working_days"],
         "2299"),
        (["--amount", "1", "--unit", "working_days"], "--start"),
    ],
)  # fmt: skip
def test_deadline_rejects_bad_input_with_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        run("deadline", *args)


# --- calendar_override -----------------------------------------------------------------------


def test_add_list_remove() -> None:
    # when a make-up Saturday and a day off are added
    run("calendar_override", "add", "2026-08-22", "--working", "--reason", "Làm bù 31/8",
        "--reference", "VB 1/2026")  # fmt: skip
    run("calendar_override", "add", "2026-08-31", "--day-off", "--reason", "Nghỉ hoán đổi")
    # then they are stored, listed and audited as command-line changes
    saturday = CalendarOverride.objects.get(date=dt.date(2026, 8, 22))
    assert saturday.is_working and saturday.legal_reference == "VB 1/2026"
    assert saturday.organisation is None
    assert CalendarOverride.objects.get(date=dt.date(2026, 8, 31)).is_working is False
    listing = "\n".join(run("calendar_override", "list", "--year", "2026"))
    assert "2026-08-22" in listing and "Làm bù 31/8" in listing and "VB 1/2026" in listing
    assert "2026-08-31" in listing
    assert "2026" not in "\n".join(run("calendar_override", "list", "--year", "2025"))
    records = AuditRecord.objects.filter(object_type="workcalendar.calendaroverride")
    assert {r.interface for r in records} == {"cli"}
    # when one is removed
    run("calendar_override", "remove", "2026-08-22")
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 8, 22)).exists()
    assert records.filter(action="delete", interface="cli").count() == 1


def test_add_for_an_organisation() -> None:
    org = make_organisation(agency_code="000.00.02.H12")
    run("calendar_override", "add", "2026-08-22", "--working", "--reason", "Tỉnh")
    run("calendar_override", "add", "2026-08-22", "--day-off", "--reason", "Xã",
        "--org", "000.00.02.H12")  # fmt: skip
    assert CalendarOverride.objects.get(organisation=org).reason == "Xã"
    listing = "\n".join(run("calendar_override", "list", "--org", "000.00.02.H12"))
    assert "000.00.02.H12" in listing
    run("calendar_override", "remove", "2026-08-22", "--org", "000.00.02.H12")
    assert CalendarOverride.objects.get().reason == "Tỉnh"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2026-08-22", "--working", "--reason", "again"], "2026-08-22"),  # duplicate
        (["add", "2026-13-01", "--working", "--reason", "x"], "2026-13-01"),
        (["add", "22/08/2026", "--working", "--reason", "x"], "22/08/2026"),
        (["add", "2026-08-29", "--working", "--reason", "x", "--org", "000.00.00.H77"],
         "000.00.00.H77"),
        (["add", "2026-08-29", "--working", "--reason", "  "], "lý do"),
        (["add", "2026-08-29", "--reason", "x"], "--working"),
        (["add", "2026-08-29", "--working", "--day-off", "--reason", "x"], "--day-off"),
        (["add", "2026-08-29", "--working"], "--reason"),
        (["remove", "2026-08-29"], "2026-08-29"),
        (["remove", "not-a-date"], "not-a-date"),
        (["list", "--year", "20x6"], "20x6"),
        (["frobnicate"], "frobnicate"),
    ],
)  # fmt: skip
def test_bad_input_fails_and_changes_nothing(args: list[str], message: str) -> None:
    # given one override
    run("calendar_override", "add", "2026-08-22", "--working", "--reason", "Làm bù")
    before = list(CalendarOverride.objects.values_list("date", "is_working", "reason"))
    records = AuditRecord.objects.count()
    # when the command gets bad input, then it stops with a message and changes nothing
    with pytest.raises(CommandError, match=message):
        run("calendar_override", *args)
    assert list(CalendarOverride.objects.values_list("date", "is_working", "reason")) == before
    assert AuditRecord.objects.count() == records


def test_load_demo_is_idempotent() -> None:
    assert run("calendar_override", "load-demo")[-1].startswith(str(len(DEMO_OVERRIDES)))
    assert run("calendar_override", "load-demo")[-1].startswith("0")
    assert CalendarOverride.objects.count() == len(DEMO_OVERRIDES)
