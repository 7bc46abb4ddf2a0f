"""Report 06a and the Decision 766 index agree with the dossier export for the same period.

The export stream (GET /api/v1/dossiers/export) is recounted here by the rules of DOMAIN §4–§5,
independently of the reporting code."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from motcua.reporting.tests.generated import generate

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
ENDED = {"result_ready", "delivered", "withdrawn", "stopped"}


def _day(value: str | None) -> dt.date | None:
    return dt.datetime.fromisoformat(value).astimezone(VN).date() if value else None


def recount(rows: list[dict], date_from: dt.date, date_to: dt.date) -> Counter:
    c: Counter = Counter()
    for r in rows:
        received, ended, due = _day(r["received_at"]), _day(r["ended_at"]), _day(r["due_at"])
        assert received is not None
        if received < date_from and (ended is None or ended >= date_from):
            c["carried_over"] += 1
        if date_from <= received <= date_to:
            c["received_online" if r["channel"] == 2 else "received_counter_post"] += 1
        if ended is not None and date_from <= ended <= date_to and r["status"] in ENDED:
            if r["supplement_count"] > 1 or (due is not None and ended > due):
                c["resolved_late"] += 1
            elif due is not None and ended < due:
                c["resolved_early"] += 1
            else:
                c["resolved_on_time"] += 1
        if received <= date_to and (ended is None or ended > date_to):
            paused = _day(r["paused_since"])
            if due is None:
                within = True
            elif paused is not None and ended is None:
                within = paused <= due
            else:
                within = due >= date_to
            c["in_progress_within_time" if within else "in_progress_overdue"] += 1
    return c


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [(dt.date(2027, 3, 1), dt.date(2027, 3, 31)), (dt.date(2027, 1, 1), dt.date(2027, 12, 31))],
)
def test_report_and_index_agree_with_the_export(client: Client, rworld, date_from, date_to):
    # given a generated set with supplements, extensions, withdrawals and stops
    generate(rworld.admin)
    client.force_login(rworld.admin)
    period = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    # when
    export = client.get("/api/v1/dossiers/export", period)
    rows = [json.loads(line) for line in b"".join(export.streaming_content).decode().splitlines()]
    report = client.get("/api/v1/reports/one-stop", {**period, "group_by": "organisation"}).json()
    index = client.get("/api/v1/reports/index766", period).json()
    # then: every 06a figure is the recount of the export
    expected = recount(rows, date_from, date_to)
    total = report["total"]
    for column, value in expected.items():
        assert total[column] == value, column
    assert total["received_total"] == (
        expected["received_online"] + expected["received_counter_post"] + expected["carried_over"]
    )
    # and indicator 2.1 (on-time rate) is made of the same figures
    on_time = next(i for i in json.loads(json.dumps(index))["indicators"] if i["code"] == "2.1")
    assert on_time["numerator"] == (
        total["resolved_early"] + total["resolved_on_time"] + total["in_progress_within_time"]
    )
    assert on_time["denominator"] == total["resolved_total"] + total["in_progress_total"]
