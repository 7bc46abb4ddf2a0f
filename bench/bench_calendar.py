"""Due-time computations per second on one core (target: >= 50,000/s for 30 working days).

Pure: the calendar is built from holidays.VN plus the known make-up working Saturdays, without
Django or a database. Random receipt instants (any minute, weekends and nights included) over
2025–2027. Usage: python bench/bench_calendar.py [--n 200000] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from motcua.calendar.deadlines import (
    TZ,
    WorkCalendar,
    due_at,
)
from motcua.calendar.sources import public_holiday_dates

MAKE_UP_SATURDAYS = frozenset(
    {dt.date(2024, 5, 4), dt.date(2025, 4, 26), dt.date(2026, 1, 10), dt.date(2026, 8, 22)}
)
EXTRA_DAYS_OFF = frozenset({dt.date(2026, 1, 2)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000, help="computations per amount")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    cal = WorkCalendar(
        holidays=public_holiday_dates() | EXTRA_DAYS_OFF, working_weekends=MAKE_UP_SATURDAYS
    )
    rng = random.Random(args.seed)
    first = dt.datetime(2025, 1, 1, tzinfo=TZ)
    span_minutes = (dt.datetime(2028, 1, 1, tzinfo=TZ) - first) // dt.timedelta(minutes=1)
    starts = [first + dt.timedelta(minutes=rng.randrange(span_minutes)) for _ in range(args.n)]
    due_at(cal, starts[0], 30, "working_days")  # build the working-day index once

    print(f"calendar: due_at, {args.n:,} random receipts 2025–2027, one core")
    for amount in (1, 5, 30):
        began = time.perf_counter()
        for start in starts:
            due_at(cal, start, amount, "working_days")
        elapsed = time.perf_counter() - began
        print(f"  {amount:>2} working days: {args.n / elapsed:>10,.0f} computations/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
