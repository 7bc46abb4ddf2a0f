from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.calendar.models import CalendarOverride
from motcua.calendar.services import calendar_load_demo_overrides
from motcua.calendar.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"
DAYS = "/api/v1/calendar/days"


def test_deadline(client: Client) -> None:
    resp = client.get(DEADLINE, {"start": "2026-03-11T15:30", "amount": "1",
                                 "unit": "working_days", "cutoff": "15:00"})  # fmt: skip
    assert resp.status_code == 200
    body = resp.json()
    assert body["due_at"] == "2026-03-12T17:00:00+07:00"
    assert body["clock_start"] == "2026-03-12T07:00:00+07:00"


@pytest.mark.parametrize(
    "start",
    ["2026-03-09T03:00:00Z", "2026-03-09T10:00:00+07:00", "2026-03-09 10:00",
     "2026-03-09T10:00:00 07:00"],  # the last: a "+" the client did not encode
)  # fmt: skip
def test_deadline_start_formats(client: Client, start: str) -> None:
    resp = client.get(DEADLINE, {"start": start, "amount": "1", "unit": "working_days"})
    assert resp.status_code == 200, resp.json()
    assert resp.json()["due_at"] == "2026-03-10T10:00:00+07:00"


def test_deadline_follows_overrides(client: Client) -> None:
    calendar_load_demo_overrides()
    resp = client.get(DEADLINE, {"start": "2026-08-21 10:00", "amount": "1",
                                 "unit": "working_days"})  # fmt: skip
    assert resp.json()["due_at"] == "2026-08-22T10:00:00+07:00"
    org = make_organisation(agency_code="000.00.03.H12")
    CalendarOverride.objects.create(date=dt.date(2026, 8, 22), is_working=False, reason="x",
                                    organisation=org)  # fmt: skip
    resp = client.get(DEADLINE, {"start": "2026-08-21 10:00", "amount": "1",
                                 "unit": "working_days", "org": "000.00.03.H12"})  # fmt: skip
    assert resp.json()["due_at"] == "2026-08-24T10:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"start": "2026-02-30T10:00", "amount": "1", "unit": "working_days"}, 422, "start"),
        ({"start": "soon", "amount": "1", "unit": "working_days"}, 422, "start"),
        ({"amount": "1", "unit": "working_days"}, 422, "start"),
        ({"start": "2026-03-09T10:00", "amount": "-1", "unit": "working_days"}, 422, "amount"),
        ({"start": "2026-03-09T10:00", "amount": "1.5", "unit": "working_days"}, 422, "amount"),
        ({"start": "2026-03-09T10:00", "amount": "x", "unit": "working_days"}, 422, "amount"),
        ({"start": "2026-03-09T10:00", "unit": "working_days"}, 422, "amount"),
        ({"start": "2026-03-09T10:00", "amount": "1", "unit": "fortnights"}, 422, "unit"),
        ({"start": "2026-03-09T10:00", "amount": "1"}, 422, "unit"),
        ({"start": "2026-03-09T10:00", "amount": "1", "unit": "working_days", "cutoff": "3pm"},
         422, "cutoff"),
        ({"start": "2026-03-09T10:00", "amount": "1", "unit": "working_days", "cutoff": "24:00"},
         422, "cutoff"),
        ({"start": "2026-03-09T10:00", "amount": "1", "unit": "working_days",
          "org": "000.00.00.H77"}, 404, "org"),
        ({"start": "2026-03-09T10:00", "amount": "99999999", "unit": "working_days"},
         422, "amount"),
    ],
)  # fmt: skip
def test_deadline_bad_input_has_the_error_shape(
    client: Client, params: dict[str, Any], status: int, field: str
) -> None:
    resp = client.get(DEADLINE, params)
    assert resp.status_code == status
    error = resp.json()["error"]
    assert set(error) >= {"code", "message", "fields"}
    assert error["code"] == ("not_found" if status == 404 else "validation_error")
    assert error["message"]
    assert list(error["fields"]) == [field]


def test_days(client: Client) -> None:
    calendar_load_demo_overrides()
    resp = client.get(DAYS, {"year": "2026"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["year"] == 2026
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-01-01"]["is_working"] is False
    assert days["2026-01-01"]["source"] == "holidays"
    assert days["2026-01-01"]["weekday"] == 4
    assert days["2026-01-02"]["source"] == "override"
    assert days["2026-08-22"] == days["2026-08-22"] | {"is_working": True, "source": "override"}
    assert days["2026-08-22"]["reason"]
    assert days["2026-11-24"]["is_working"] is False
    assert all(set(d) >= {"date", "weekday", "is_working", "reason", "source"}
               for d in body["days"])  # fmt: skip
    assert "2025-11-24" not in {
        d["date"] for d in client.get(DAYS, {"year": "2025"}).json()["days"]
    }


def test_days_for_2027_without_overrides(client: Client) -> None:
    days = {d["date"]: d for d in client.get(DAYS, {"year": "2027"}).json()["days"]}
    assert {"2027-01-01", "2027-02-04", "2027-02-10", "2027-04-16", "2027-04-30", "2027-05-03",
            "2027-09-02", "2027-09-03", "2027-11-24"} <= set(days)  # fmt: skip
    assert "2027-05-01" not in days  # Saturday
    assert all(d["source"] == "holidays" for d in days.values())


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"year": "twenty"}, 422, "year"),
        ({"year": "1066"}, 422, "year"),
        ({"year": "2026", "org": "000.00.00.H77"}, 404, "org"),
    ],
)
def test_days_bad_input(client: Client, params: dict[str, Any], status: int, field: str) -> None:
    resp = client.get(DAYS, params)
    assert resp.status_code == status
    assert list(resp.json()["error"]["fields"]) == [field]
