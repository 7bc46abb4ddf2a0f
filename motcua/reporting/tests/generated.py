"""A generated data set for the reporting tests: a few hundred dossiers over two months of
2027 in which everything happens often (supplements, extensions, withdrawals, stops, late)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from motcua.demo import history
from motcua.dossiers.tests.conftest import vn

AS_OF = vn(2027, 4, 20, 12, 0)
START = dt.date(2027, 2, 15)
DAYS = 60
BUSY = history.Shares(
    online=0.6,
    refused=0.05,
    supplement=0.25,
    second_supplement=0.08,
    late=0.15,
    extended_on_time=0.05,
    withdrawn=0.05,
    stopped=0.05,
    delivered=0.8,
    weekend_online=0.2,
)


def generate(actor: Any, *, count: int = 300, seed: int = 11) -> list[history.Plan]:
    rng = random.Random(seed)
    catalogue = history.Catalogue(rng)
    planner = history.Planner(
        catalogue, year=2027, count=count, seed=seed, rng=rng, as_of=AS_OF, shares=BUSY
    )
    days = [START + dt.timedelta(days=i) for i in range(DAYS)]
    per_day, extra = divmod(count, DAYS)
    planner.day_counts = lambda: [  # type: ignore[method-assign]
        (day, per_day + (1 if i < extra else 0)) for i, day in enumerate(days)
    ]
    plans = [plan for day in planner.plans() for plan in day]
    history.BulkWriter(catalogue, actor).write(plans)
    return plans
