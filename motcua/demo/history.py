"""A realistic synthetic year of dossiers (`manage.py generate_history`), for demos, reports and
benchmarks.

Two stages:

1. `Planner` draws, deterministically from a seed, what happens to each dossier: procedure
   (weighted), receiving unit, channel (about 60 % online where the procedure is offered
   online), submission and receipt times in working hours of the real working calendar, then the
   processing — supplements (about 5 %, a few twice), fee payment, the steps of the internal
   process, extensions, withdrawals, stops, refusals, a small share late (about 1 %) — as a
   `Plan`: a list of actions at explicit times. Actions after `as_of` are dropped, so the
   dossiers received last are still open. Each day draws from its own random stream (seed and
   date), so days can be planned in any process and in any order.
2. An executor applies the plans:
   - `run_with_services()` files each dossier with `services.dossier_create` and takes each
     action through the action registry (`motcua.dossiers.registry`, explicit `at`), the
     reference; a few queries per action, so a few hundred dossiers per second;
   - `BulkWriter` replays them in memory. Every state change (receipt and clock start, pause
     and resume, the end, an extension, a step's due time and result) is computed by the pure
     functions of `motcua.dossiers.lifecycle`, the ones the services call; this module only
     builds the rows around them (events, steps, papers, applicants, codes numbered on from
     the `DossierSequence` rows) and writes them in batches of whole days with binary COPY on
     PostgreSQL, executemany elsewhere: thousands of dossiers per second. The reporting facts
     are not written here: each batch ends with the reporting app's own `facts_rebuild` for
     its dossiers.
   `motcua/demo/tests/test_history.py` runs both executors on the same plans and compares
   every stored field. What the bulk path does not write: one audit record per action (it
   writes one for the whole run) and notifications (the generated applicants have no e-mail
   address).

`generate_history()` shares the batches out between forked worker processes on PostgreSQL (two
by default: Python on both cores, PostgreSQL inserting on two connections); each writes one
batch in a second thread while it prepares the next.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import json
import multiprocessing
import operator
import queue
import random
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing import connection as mp_connection
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from motcua.accounts.enums import Role
from motcua.calendar import deadlines as dl
from motcua.calendar.selectors import calendar_for
from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed
from motcua.core.progress import Progress
from motcua.core.text import fold
from motcua.dossiers import lifecycle, registry, services, transitions
from motcua.dossiers.enums import (
    Action,
    Channel,
    ComponentKind,
    DeliveryMethod,
    DossierStatus,
)
from motcua.dossiers.models import (
    Applicant,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierSequence,
    StepRecord,
)
from motcua.organisations.models import Organisation
from motcua.procedures.enums import OnlineLevel, ProcedureStatus
from motcua.procedures.models import ProcedureCase, ProcedureVersion, RequiredPaper
from motcua.procedures.services import process_steps_for
from motcua.reporting.facts import facts_rebuild

S = DossierStatus
TZ = dl.TZ
SUBMITTED = lifecycle.DossierState(status=S.SUBMITTED)  # a dossier's state before receipt
MINUTE = dt.timedelta(minutes=1)
DAY_MINUTES = 8 * 60

SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Lâm",
    "Tô",
    "Quách",
)
MIDDLE = (
    "Văn",
    "Thị",
    "Minh",
    "Ngọc",
    "Hoàng",
    "Thanh",
    "Quốc",
    "Hữu",
    "Đức",
    "Thu",
    "Kim",
    "Bảo",
    "Gia",
    "Mỹ",
)
GIVEN = (
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Đào",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Ngân",
    "Phúc",
    "Phương",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Uyên",
    "Vy",
    "Yến",
    "Đạt",
    "Lộc",
    "Nhân",
    "Thắng",
)
EXTENSION_REASONS = (
    "Cần xác minh thực địa",
    "Chờ ý kiến của cơ quan phối hợp",
    "Hồ sơ phức tạp, cần thêm thời gian thẩm định",
    "Hệ thống phần mềm gặp sự cố",
    "Cán bộ thụ lý nghỉ ốm, chưa kịp bàn giao",
    "Chờ kết quả tra cứu dữ liệu dân cư",
)
MISSING = (
    "Bản sao giấy tờ tùy thân",
    "Ảnh 4x6",
    "Văn bản ủy quyền",
    "Bản vẽ sơ đồ",
    "Giấy xác nhận của UBND cấp xã",
    "Tờ khai ký chưa đúng",
)
WITHDRAW_REASONS = ("Người nộp xin rút hồ sơ", "Nộp nhầm thủ tục", "Không còn nhu cầu")
STOP_REASONS = ("Người nộp không bổ sung hồ sơ đúng hạn", "Đối tượng không đủ điều kiện")
REFUSE_REASONS = ("Không thuộc thẩm quyền giải quyết", "Hồ sơ không đúng thủ tục")


@dataclass(frozen=True)
class Shares:
    """The proportions the planner aims at (of all dossiers, unless said otherwise)."""

    online: float = 0.60  # of dossiers of procedures offered online, adjusted to this overall
    post: float = 0.04  # of the others
    refused: float = 0.012  # of online submissions
    supplement: float = 0.05
    second_supplement: float = 0.006
    late: float = 0.01
    extended_on_time: float = 0.003
    withdrawn: float = 0.005
    stopped: float = 0.003
    delivered: float = 0.9  # of completed dossiers, within a few days
    weekend_online: float = 0.10  # weight of a non-working day (online only) vs a working day


# --- the catalogue ------------------------------------------------------------------------------


@dataclass
class Offer:
    """A procedure version that can be generated, with where it is received."""

    version: ProcedureVersion
    case: ProcedureCase | None
    units: list[Organisation]
    unit_cumulative: list[float]
    papers: list[RequiredPaper]
    online_capable: bool
    weight: float = 1.0


class Catalogue:
    """The current versions with receiving units, and caches of what the rules look up."""

    def __init__(self, rng: random.Random, today: dt.date | None = None) -> None:
        today = today or timezone.localdate()
        versions = (
            ProcedureVersion.objects.filter(
                procedure__current_version__isnull=False, status=ProcedureStatus.ACTIVE
            )
            .select_related("procedure")
            .prefetch_related(
                "time_limits",
                "fees",
                "cases__papers",
                "process_steps__organisation",
                "implementing_organisations",
                "receiving_organisations__desk_serves",
            )
            .order_by("procedure__code")
        )
        self.offers: list[Offer] = []
        for version in versions:
            if version.procedure.current_version_id != version.pk:
                continue
            units = sorted(
                (u for u in version.receiving_organisations.all() if u.is_active_on(today)),
                key=lambda u: u.agency_code,
            )
            if not units:
                continue
            case = version.default_case()
            if case is None and version.cases.all():
                continue  # the applicant must choose a case: not generated
            sizes = [rng.uniform(0.3, 2.0) for _unit in units]
            papers = list(case.papers.all()) if case is not None else []
            self.offers.append(
                Offer(
                    version=version,
                    case=case,
                    units=units,
                    unit_cumulative=_cumulative(sizes),
                    papers=papers,
                    online_capable=version.online_level in (OnlineLevel.PARTIAL, OnlineLevel.FULL),
                )
            )
        order = list(range(len(self.offers)))
        rng.shuffle(order)
        for rank, index in enumerate(order):
            self.offers[index].weight = 1.0 / (rank + 1) ** 0.9
        self._calendars: dict[int, dl.WorkCalendar] = {}
        self._processing: dict[tuple[int, int], Organisation] = {}
        self._specs: dict[tuple[int, int | None], list[Any]] = {}
        self._limits: dict[tuple[int, int, int | None], tuple[int, str] | None] = {}
        self._fees: dict[tuple[int, int, int | None], int] = {}
        self._spec_info: dict[int, tuple[str, str, int]] = {}  # by id() of the cached specs
        self._roles: dict[int, list[str]] = {}  # by id() of the cached spec lists

    def calendar(self, unit: Organisation) -> dl.WorkCalendar:
        cal = self._calendars.get(unit.pk)
        if cal is None:
            cal = self._calendars[unit.pk] = calendar_for(unit)
        return cal

    def processing_unit(self, version: ProcedureVersion, unit: Organisation) -> Organisation:
        key = (version.pk, unit.pk)
        if key not in self._processing:
            self._processing[key] = services.processing_unit_for(version, unit)
        return self._processing[key]

    def limit(
        self, version: ProcedureVersion, channel: int, case: ProcedureCase | None
    ) -> tuple[int, str] | None:
        """The statutory time limit as `lifecycle.receive` takes it: (amount, unit), or None."""
        key = (version.pk, channel, case.pk if case is not None else None)
        if key not in self._limits:
            found = version.time_limit_for(channel, case)
            self._limits[key] = (found.amount, found.unit) if found is not None else None
        return self._limits[key]

    def fee_amount(
        self, version: ProcedureVersion, channel: int, case: ProcedureCase | None
    ) -> int:
        key = (version.pk, channel, case.pk if case is not None else None)
        if key not in self._fees:
            fee = version.fee_for(channel, case)
            self._fees[key] = int(fee.amount) if fee is not None else 0
        return self._fees[key]

    def spec_info(self, spec: Any) -> tuple[str, str, int]:
        """(name, role, budget in minutes) of a process step, read as the services read them
        when they open the step."""
        info = self._spec_info.get(id(spec))
        if info is None:
            info = (str(spec.name), str(spec.role), round(float(spec.budget_hours) * 60))
            self._spec_info[id(spec)] = info
        return info

    def specs(self, version: ProcedureVersion, case: ProcedureCase | None) -> list[Any]:
        key = (version.pk, case.pk if case is not None else None)
        if key not in self._specs:
            self._specs[key] = list(process_steps_for(version, case))
        return self._specs[key]

    def roles(self, specs: list[Any]) -> list[str]:
        """The roles of a process's steps (what `transitions` reads), by id() of the specs."""
        roles = self._roles.get(id(specs))
        if roles is None:
            roles = self._roles[id(specs)] = [str(spec.role) for spec in specs]
        return roles


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


# --- plans --------------------------------------------------------------------------------------


@dataclass
class Step:
    action: str
    at: dt.datetime
    reason: str = ""
    note: str = ""
    missing: tuple[str, ...] = ()
    new_appointment_at: dt.datetime | None = None
    online: bool = False
    method: str = ""
    result_number: str = ""

    def inputs(self) -> dict[str, Any]:
        """The action's own inputs that this step sets (the others keep the service's
        defaults), named as the action's service and its registry schema name them."""
        values: dict[str, Any] = {
            "reason": self.reason,
            "note": self.note,
            "missing": list(self.missing),
            "new_appointment_at": self.new_appointment_at,
            "online": self.online,
            "method": self.method,
            "result_number": self.result_number,
        }
        return {name: v for name, v in values.items() if v not in ("", [], None, False)}


@dataclass
class PlannedComponent:
    name: str
    paper_code: str
    digitised: bool
    reused: bool
    paper_original_seen: bool


@dataclass
class Plan:
    index: int
    offer: Offer
    unit: Organisation
    channel: int
    sub_channel: str
    full_name: str
    id_number: str
    submitted_at: dt.datetime
    components: list[PlannedComponent]
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedDay:
    """A day of the year with `count` dossiers, numbered from `first` (1 for the year's
    first dossier: the number is in the applicant's ID number and the result number)."""

    day: dt.date
    count: int
    first: int


class Planner:
    """Draws the plans of a year, day by day, deterministically for a seed: `rng` (seeded by
    the caller) draws the catalogue's weights and each day's volume, then each day's dossiers
    come from the day's own random stream (`day_plans`)."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        year: int,
        count: int,
        seed: int,
        rng: random.Random,
        as_of: dt.datetime | None = None,
        shares: Shares | None = None,
    ) -> None:
        if not catalogue.offers:
            raise ValidationFailed(
                "No procedure can be generated: load procedures with receiving units first "
                "(e.g. manage.py load_demo)."
            )
        self.catalogue = catalogue
        self.year = year
        self.count = count
        self.seed = seed
        self.rng = rng
        self.shares = shares or Shares()
        end_of_year = dt.datetime(year, 12, 31, 23, 59, tzinfo=TZ)
        self.as_of = min(as_of or timezone.now(), end_of_year).astimezone(TZ)
        offers = catalogue.offers
        online_offers = [o for o in offers if o.online_capable]
        # The procedures offered online are the most used ones (civil status, certification):
        # if their weight cannot give the online share even at 90 % online, weigh them more.
        capable = sum(o.weight for o in online_offers) / sum(o.weight for o in offers)
        wanted = min(0.95, self.shares.online / 0.9)
        if online_offers and capable < wanted:
            boost = wanted * (1 - capable) / (capable * (1 - wanted))
            for offer in online_offers:
                offer.weight *= boost
            capable = wanted
        self.cumulative = _cumulative([o.weight for o in offers])
        self.online_offers = online_offers
        self.online_cumulative = (
            _cumulative([o.weight for o in online_offers]) if online_offers else []
        )
        self.p_online = min(0.95, self.shares.online / capable) if capable else 0.0
        self.province_calendar = calendar_for(None)

    # --- the days of the year

    def day_counts(self) -> list[tuple[dt.date, int]]:
        """How many dossiers are submitted each day (largest remainder: exactly `count`)."""
        first = dt.date(self.year, 1, 1)
        days = []
        day = first
        last_day = self.as_of.date()
        while day.year == self.year and (
            day < last_day or (day == last_day and self.as_of.hour >= 23)
        ):
            days.append(day)
            day += dt.timedelta(days=1)
        if not days:
            raise ValidationFailed(
                f"{self.year} has no day before {self.as_of:%Y-%m-%d %H:%M}: nothing to generate.",
                fields={"year": str(self.year)},
            )
        weights = []
        for day in days:
            working = dl.is_working_day(self.province_calendar, day)
            if working:
                weights.append(self.rng.uniform(0.85, 1.15))
            else:
                weights.append(self.shares.weekend_online if self.online_offers else 0.0)
        total = sum(weights) or 1.0
        exact = [self.count * w / total for w in weights]
        counts = [int(x) for x in exact]
        order = sorted(range(len(days)), key=lambda i: (-(exact[i] - counts[i]), i))
        for i in order[: self.count - sum(counts)]:
            counts[i] += 1
        return list(zip(days, counts, strict=True))

    def days(self) -> list[PlannedDay]:
        """The days with dossiers, each with its count and the number of its first dossier."""
        out = []
        first = 1
        for day, n in self.day_counts():
            if n:
                out.append(PlannedDay(day, n, first))
            first += n
        return out

    def plans(self) -> Iterator[list[Plan]]:
        """The plans, one list per day, each in submission order."""
        for planned in self.days():
            yield self.day_plans(planned)

    def day_plans(self, planned: PlannedDay) -> list[Plan]:
        """The plans of one day, in submission order. Each day draws from its own random
        stream (seeded by the seed and the date), so any subset of days gives the same plans
        in any order or process (generate_history splits the year between processes)."""
        rng = random.Random(f"{self.seed}:{planned.day.isoformat()}")  # noqa: S311 (synthetic)
        working = dl.is_working_day(self.province_calendar, planned.day)
        plans = [
            self._plan(rng, planned.day, working, planned.first + i) for i in range(planned.count)
        ]
        plans.sort(key=lambda p: (p.submitted_at, p.index))
        return plans

    # --- one dossier

    def _plan(self, rng: random.Random, day: dt.date, working: bool, index: int) -> Plan:
        shares = self.shares
        if working:
            offer = self.catalogue.offers[_pick(rng, self.cumulative)]
            online = offer.online_capable and rng.random() < self.p_online
        else:
            offer = self.online_offers[_pick(rng, self.online_cumulative)]
            online = True
        unit = offer.units[_pick(rng, offer.unit_cumulative)]
        cal = self.catalogue.calendar(unit)
        if online:
            channel = Channel.ONLINE
        else:
            channel = Channel.POST if rng.random() < shares.post else Channel.COUNTER
        if channel == Channel.ONLINE and (not working or rng.random() < 0.3):
            submitted = dt.datetime.combine(day, dt.time(6), tzinfo=TZ) + MINUTE * rng.randint(
                0, 17 * 60 - 1
            )
        else:
            start = dt.datetime.combine(day, dt.time(7), tzinfo=TZ)
            submitted = dl.extend_due(cal, start, MINUTE * rng.randint(5, DAY_MINUTES - 5))
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        id_number = f"{self.seed % 1000:03d}{self.year % 100:02d}{index:07d}"
        components = [
            PlannedComponent(
                name=paper.name,
                paper_code=paper.code,
                digitised=online or rng.random() < 0.3,
                reused=online and rng.random() < 0.25,
                paper_original_seen=not online,
            )
            for paper in offer.papers[:2]
        ]
        plan = Plan(
            index=index,
            offer=offer,
            unit=unit,
            channel=channel,
            sub_channel="zalo" if online and rng.random() < 0.05 else "",
            full_name=name,
            id_number=id_number,
            submitted_at=submitted,
            components=components,
        )
        self._processing(rng, plan, cal)
        plan.steps = [step for step in plan.steps if step.at <= self.as_of]
        return plan

    def _processing(self, rng: random.Random, plan: Plan, cal: dl.WorkCalendar) -> None:
        shares, offer = self.shares, plan.offer
        version = offer.version
        received = plan.submitted_at
        if plan.channel == Channel.ONLINE:
            received = dl.extend_due(
                cal, dl.clock_start(cal, plan.submitted_at), MINUTE * rng.randint(10, 300)
            )
            if rng.random() < shares.refused:
                plan.steps.append(Step(Action.REFUSE, received, reason=rng.choice(REFUSE_REASONS)))
                return
            plan.steps.append(Step(Action.RECEIVE, received))
        # The clock start and statutory due time the lifecycle will give on receipt.
        receipt = lifecycle.receive(
            SUBMITTED,
            at=received,
            cal=cal,
            cutoff=version.cutoff,
            limit=self.catalogue.limit(version, plan.channel, offer.case),
        )
        start, due0 = receipt.clock_started_at, receipt.due_at
        assert start is not None  # noqa: S101 (receive starts the clock)
        if due0 is not None:
            allowed = max(0, int(dl.working_time_between(cal, start, due0) / MINUTE))
        else:
            allowed = 5 * DAY_MINUTES
        allowed = max(allowed, 120)

        u = rng.random()
        if u < shares.withdrawn:
            fate = "withdraw"
        elif u < shares.withdrawn + shares.stopped:
            fate = "stop"
        elif u < shares.withdrawn + shares.stopped + shares.late:
            fate = "late"
        elif u < shares.withdrawn + shares.stopped + shares.late + shares.extended_on_time:
            fate = "extended"
        else:
            fate = "normal"

        # Pauses, at positions in active working minutes from the clock start.
        pauses: list[tuple[int, int, str]] = []  # (position, length, kind)
        if rng.random() < shares.supplement:
            first = int(allowed * rng.uniform(0.05, 0.3))
            pauses.append((first, rng.randint(1, 5) * DAY_MINUTES + rng.randint(0, 200), "s"))
            if rng.random() < shares.second_supplement / shares.supplement:
                second = first + int(allowed * rng.uniform(0.05, 0.2)) + 2
                pauses.append((second, rng.randint(1, 3) * DAY_MINUTES + rng.randint(0, 200), "s"))
        has_fee = self.catalogue.fee_amount(version, plan.channel, offer.case) > 0

        def instant(position: int) -> dt.datetime:
            paused = sum(length for at, length, _kind in pauses if at < position)
            return dl.extend_due(cal, start, MINUTE * (position + paused))

        if fate == "late" and due0 is not None:
            # Roughly where the pauses will push the due time (the replay computes it exactly):
            # the end is planned a working day or so after it.
            paused_total = sum(length for _at, length, _kind in pauses)
            due = dl.extend_due(cal, due0, MINUTE * paused_total)
            next_day = dl.next_working_day(cal, due.date())
            morning = dt.datetime.combine(next_day, dt.time(7), tzinfo=TZ)
            extra = rng.choice((0, 0, 0, 1, 2)) * DAY_MINUTES + rng.randint(15, DAY_MINUTES - 20)
            end_at = dl.extend_due(cal, morning, MINUTE * extra)
            end = int(dl.working_time_between(cal, start, end_at) / MINUTE) - paused_total
        elif fate in ("withdraw", "stop"):
            end = int(allowed * rng.uniform(0.05, 0.6)) + 2
        elif fate == "extended":
            end = int(allowed * 0.95)
        elif rng.random() < 0.15:
            end = int(allowed * rng.uniform(0.85, 0.99))
        else:
            end = int(allowed * rng.uniform(0.1, 0.85))
        end = max(end, 60)
        pauses = [p for p in pauses if p[0] < end - 4]
        if has_fee and fate not in ("withdraw", "stop"):
            pauses.append((end - 2, rng.randint(20, 600), "p"))
        pauses.sort()

        # Moments of the process, as (position, step) in active minutes.
        moments: list[tuple[float, Step]] = []
        for position, length, kind in pauses:
            asked = instant(position)
            answered = dl.extend_due(cal, asked, MINUTE * length)
            if kind == "s":
                missing = tuple(rng.sample(MISSING, rng.randint(1, 3)))
                moments.append(
                    (position - 0.5, Step(Action.REQUEST_SUPPLEMENT, asked, missing=missing))
                )
                moments.append(
                    (position + 0.5, Step(Action.SUPPLEMENT, answered, note="Đã bổ sung giấy tờ"))
                )
            else:
                moments.append((position - 0.5, Step(Action.REQUEST_PAYMENT, asked)))
                online_pay = rng.random() < (0.85 if plan.channel == Channel.ONLINE else 0.15)
                moments.append(
                    (position + 0.5, Step(Action.CONFIRM_PAYMENT, answered, online=online_pay))
                )
        if fate in ("withdraw", "stop"):
            action = Action.WITHDRAW if fate == "withdraw" else Action.STOP
            reasons = WITHDRAW_REASONS if fate == "withdraw" else STOP_REASONS
            moments.append((end, Step(action, instant(end), reason=rng.choice(reasons))))
        else:
            # The working steps after receipt, each handed on (forward) or approved, except the
            # last one, where the result is issued once approved (transitions.step_allowed).
            specs = self.catalogue.specs(version, offer.case)
            roles = [str(spec.role) for spec in specs]
            final = len(specs) - 1
            if transitions.is_return_step(roles, final):
                final -= 1  # the last working step
            actions = [
                Action.APPROVE if roles[i] == transitions.APPROVING_ROLE else Action.FORWARD
                for i in range(1, final + 1)
                if roles[i] == transitions.APPROVING_ROLE or i < final
            ]
            advances = len(actions)
            for k, action in enumerate(actions):
                position = int(end * (k + 1) / (advances + 1))
                while any(at - 1 <= position <= at + 1 for at, _length, _kind in pauses):
                    position += 2  # not while the clock is paused
                moments.append((position, Step(action, instant(position))))
            done = instant(end)
            moments.append(
                (end + 0.25, Step(Action.COMPLETE, done, result_number=f"{plan.index}/KQ"))
            )
            if (
                fate in ("late", "extended")
                and due0 is not None
                and (fate == "extended" or rng.random() < 0.7)
            ):
                asked_at = int(min(allowed * 0.9, end - 1))
                new = dl.extend_due(cal, max(done, instant(allowed)), MINUTE * DAY_MINUTES)
                moments.append(
                    (
                        asked_at + 0.1,
                        Step(
                            Action.EXTEND,
                            instant(asked_at),
                            reason=rng.choice(EXTENSION_REASONS),
                            new_appointment_at=new,
                        ),
                    )
                )
            if rng.random() < shares.delivered:
                delivered = dl.extend_due(cal, done, MINUTE * rng.randint(30, 3 * DAY_MINUTES))
                if plan.channel == Channel.ONLINE:
                    method = DeliveryMethod.ONLINE if rng.random() < 0.5 else DeliveryMethod.DESK
                elif plan.channel == Channel.POST:
                    method = DeliveryMethod.POST
                else:
                    method = DeliveryMethod.DESK
                moments.append((end + 0.5, Step(Action.DELIVER, delivered, method=method)))
        moments.sort(key=lambda m: m[0])
        last = received
        for _position, step in moments:
            step.at = max(step.at, last)  # never before the previous action
            last = step.at
            plan.steps.append(step)


# --- executor 1: the services -------------------------------------------------------------------


def run_with_services(plans: Iterable[Plan], actor: Any) -> list[Dossier]:
    """Apply `plans` through the dossier services (the reference executor): the intake through
    `services.dossier_create`, every action through the action registry, as the API, the back
    office and the importer take them. A trusted caller: explicit times (`at`, `trusted=True`)
    and notifications muted (`notify=False`: the generated applicants have no address)."""
    out = []
    for plan in plans:
        version = plan.offer.version
        with transaction.atomic():
            d = services.dossier_create(
                actor=actor,
                procedure_code=version.procedure.code,
                channel=plan.channel,
                receiving_unit=plan.unit,
                applicant=services.ApplicantInput(
                    full_name=plan.full_name, id_number=plan.id_number
                ),
                case_code=plan.offer.case.code if plan.offer.case is not None else None,
                components=[
                    services.ComponentInput(
                        name=c.name,
                        paper_code=c.paper_code,
                        digitised=c.digitised,
                        reused=c.reused,
                        paper_original_seen=c.paper_original_seen,
                    )
                    for c in plan.components
                ],
                sub_channel=plan.sub_channel,
                at=plan.submitted_at,
                trusted=True,
                notify=False,
            )
            for step in plan.steps:
                d = _take(d, step, actor)
        out.append(d)
    return out


def _take(d: Dossier, step: Step, actor: Any) -> Dossier:
    """Take one planned action through the registry; its inputs are checked by the action's own
    schema first (a field the action does not take is refused, as in the API)."""
    inputs = step.inputs()
    registry.ACTIONS[step.action].schema.model_validate({**inputs, "at": step.at})
    return registry.run(
        step.action, dossier=d, actor=actor, at=step.at, trusted=True, notify=False, **inputs
    )


# --- executor 2: in memory, written in bulk -----------------------------------------------------


class Rec:
    """A row being built in memory, read and written like the model's instance (attribute names
    are the model's: `status`, `due_at`, `current_step`, ...). Much cheaper than a model."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:  # any attribute, as on the model; no cost at run time

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    @property
    def pk(self) -> Any:
        return self.__dict__.get("id")


class _Table:
    """Inserts rows of one model: binary COPY on PostgreSQL, executemany elsewhere. Every
    concrete column is written: the row's value, else the field's default (auto_now fields:
    now)."""

    def __init__(self, model: Any, *, with_pk: bool = True) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() or f.null or f.empty_strings_allowed:
                self.defaults[f.attname] = f.get_default()
        self.attnames = [f.attname for f in self.fields]
        self._getter = operator.itemgetter(*self.attnames)
        self._types: list[int] | None = None

    def row(self, rec: Rec) -> tuple[Any, ...]:
        """The row's values in column order (one C call for the whole row)."""
        try:
            return self._getter({**self.defaults, **rec.__dict__})
        except KeyError as exc:
            raise ValueError(f"{self.model.__name__}.{exc.args[0]} has no value") from None

    def column_types(self) -> list[int]:
        """The PostgreSQL type OIDs of the columns, for binary COPY (read once)."""
        if self._types is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [self.model._meta.db_table],
                )
                oids = dict(cursor.fetchall())
            self._types = [oids[f.column] for f in self.fields]
        return self._types

    def prepare(self, recs: Sequence[Rec]) -> Prepared | None:
        """The statement and its data, built without writing to the database."""
        if not recs:
            return None
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        columns = ", ".join(qn(f.column) for f in self.fields)
        row = self.row
        if connection.vendor == "postgresql":
            # Binary: psycopg encodes the values in C and PostgreSQL parses no text.
            return Prepared(
                f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)",
                rows=[row(rec) for rec in recs],
                types=self.column_types(),
            )
        placeholders = ", ".join(["%s"] * len(self.fields))
        if connection.vendor == "sqlite":
            converters = [_sqlite_converter(f) for f in self.fields]
            rows = [[conv(v) for conv, v in zip(converters, row(rec), strict=True)] for rec in recs]
        else:
            rows = [
                [
                    f.get_db_prep_save(v, connection)
                    for f, v in zip(self.fields, row(rec), strict=True)
                ]
                for rec in recs
            ]
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (quoted model names)
        return Prepared(sql, rows=rows)

    def insert(self, recs: Sequence[Rec]) -> None:
        prepared = self.prepare(recs)
        if prepared is not None:
            prepared.run()


@dataclass
class Prepared:
    """One statement: a binary COPY with its rows and column types (PostgreSQL), or an INSERT
    with its rows."""

    sql: str
    rows: Sequence[Sequence[Any]]
    types: list[int] | None = None

    def run(self) -> None:
        with connection.cursor() as cursor:
            if self.types is None:
                cursor.executemany(self.sql, self.rows)
                return
            with cursor.cursor.copy(self.sql) as copy:
                copy.set_types(self.types)
                write = copy.write_row
                for row in self.rows:
                    write(row)


def _sqlite_datetime(value: Any) -> Any:
    """As Django stores it in SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]"."""
    return None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _sqlite_date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _sqlite_json(value: Any) -> str:
    return json.dumps(value)


def _same(value: Any) -> Any:
    return value


def _sqlite_converter(f: Any) -> Callable[[Any], Any]:
    """What Django's SQLite backend would bind for a field's value (fast path of
    `get_db_prep_save` for the field kinds the generated rows use)."""
    kind = f.get_internal_type()
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind == "DateField":
        return _sqlite_date
    if kind == "JSONField":
        return _sqlite_json
    if kind in ("DecimalField", "TimeField", "UUIDField"):
        return lambda value: f.get_db_prep_save(value, connection)
    return _same


@dataclass
class _State:
    """One dossier being replayed: its rows, its process and its lifecycle state. The
    lifecycle's fields of the dossier row (`lifecycle.FIELDS`: status, due time, pauses, ...)
    live in `state` only, and are copied onto the row once the plan is replayed."""

    dossier: Rec
    specs: list[Any]
    roles: list[str]
    cal: dl.WorkCalendar
    state: lifecycle.DossierState
    steps: list[Rec] = field(default_factory=list)
    events: list[Rec] = field(default_factory=list)
    components: list[Rec] = field(default_factory=list)


class BulkWriter:
    """Replays plans in memory — every state change computed by `motcua.dossiers.lifecycle`,
    as the services compute it — and writes them in bulk."""

    def __init__(self, catalogue: Catalogue, actor: Any) -> None:
        self.catalogue = catalogue
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.actor_id = self.actor.pk if self.actor is not None else None
        self.actor_name = str(actor)[:255] if self.actor is not None else ""
        path = getattr(settings, "MOTCUA_DOSSIER_CODE_GENERATOR", "")
        self.custom_codes = bool(path) and not path.endswith("circular_01_2018")
        self.tables: dict[type[Any], _Table] = {
            model: _Table(model) for model in (Applicant, Dossier, StepRecord, DossierEvent)
        }
        self.tables[DossierComponent] = _Table(DossierComponent, with_pk=False)
        self._sequences: dict[tuple[int, dt.date], int] = {}

    # --- the services' rows, with the lifecycle's states (motcua/dossiers/services.py order)

    def _event(
        self,
        st: _State,
        action: str,
        at: dt.datetime,
        *,
        from_status: str,
        note: str = "",
        data: dict[str, Any] | None = None,
        from_unit: Organisation | None = None,
        to_unit: Organisation | None = None,
    ) -> None:
        st.events.append(
            Rec(
                action=action,
                actor_id=self.actor_id,
                actor_name=self.actor_name,
                at=at,
                explicit_time=True,
                from_status=from_status,
                to_status=st.state.status,
                from_unit_id=from_unit.pk if from_unit is not None else None,
                to_unit_id=to_unit.pk if to_unit is not None else None,
                note=note,
                data=data or {},
            )
        )

    def _with_open_step(self, st: _State) -> lifecycle.DossierState:
        """The state with the open step's due time, as the services read it: ending a pause
        (resume, end) moves it; no other function reads it, so only those get it."""
        step = st.dossier.current_step
        due = step.due_at if step is not None and step.ended_at is None else None
        return st.state if st.state.step_due_at == due else replace(st.state, step_due_at=due)

    def _step_follows(self, st: _State, new: lifecycle.DossierState) -> None:
        """The state after resume or end; the open step's due time follows it."""
        st.state = new
        step = st.dossier.current_step
        if step is not None and step.ended_at is None and new.step_due_at is not None:
            step.due_at = new.step_due_at

    def _resume(self, st: _State, action: str, at: dt.datetime) -> int:
        new, minutes = lifecycle.resume(self._with_open_step(st), action, at=at, cal=st.cal)
        self._step_follows(st, new)
        return minutes

    def _step_unit(self, d: Rec, spec: Any) -> Organisation:
        unit: Organisation | None = getattr(spec, "organisation", None)
        if unit is not None:
            return unit
        return d.receiving_unit if spec.role == Role.COUNTER_OFFICER else d.processing_unit

    def _open_step(
        self, st: _State, index: int, at: dt.datetime, order: int | None = None
    ) -> Rec | None:
        if index >= len(st.specs):
            return None
        spec = st.specs[index]
        name, role, minutes = self.catalogue.spec_info(spec)
        due = lifecycle.step_due(st.cal, at, minutes)
        unit = self._step_unit(st.dossier, spec)
        step = Rec(
            order=order or index + 1,
            name=name,
            organisation_id=unit.pk,
            role=role,
            budget_minutes=minutes,
            started_at=at,
            due_at=due,
            ended_at=None,
            handled_by_id=None,
            result="",
            note="",
        )
        st.steps.append(step)
        st.dossier.current_step = step
        st.dossier.current_unit = unit
        return step

    def _close_step(self, st: _State, at: dt.datetime, note: str = "") -> None:
        step = st.dossier.current_step
        if step is None or step.ended_at is not None:
            return
        step.ended_at = at
        step.handled_by_id = self.actor_id
        step.result = lifecycle.step_result(step.due_at, at)
        step.note = note

    def _index(self, st: _State) -> int:
        step = st.dossier.current_step
        return step.order - 1 if step is not None else 0

    def _end(self, st: _State, action: str, at: dt.datetime) -> int:
        new, minutes = lifecycle.end(self._with_open_step(st), action, at=at, cal=st.cal)
        self._step_follows(st, new)
        self._close_step(st, at)
        return minutes

    def _receive(self, st: _State, at: dt.datetime) -> None:
        d = st.dossier
        before = st.state.status
        version = d.procedure_version
        new = lifecycle.receive(
            st.state,
            at=at,
            cal=st.cal,
            cutoff=version.cutoff,
            limit=self.catalogue.limit(version, d.channel, d.case),
        )
        st.state = new
        if self._open_step(st, 0, at) is not None:
            self._close_step(st, at)
            self._open_step(st, 1, at)
        self._event(
            st,
            Action.RECEIVE,
            at,
            from_status=before,
            data={"due_at": new.due_at.isoformat() if new.due_at else None},
            to_unit=d.current_unit,
        )

    def _advance(self, st: _State, action: str, at: dt.datetime) -> None:
        d = st.dossier
        before, from_unit = st.state.status, d.current_unit
        index = self._index(st)
        self._close_step(st, at)
        following = index + 1
        if following < len(st.specs) and not transitions.is_return_step(st.roles, following):
            self._open_step(st, following, at)
        # else: approved at the last working step, the dossier stays at the closed step until
        # the result is issued (the planner never forwards to another agency).
        st.state = lifecycle.advance(st.state, action)
        self._event(st, action, at, from_status=before, from_unit=from_unit, to_unit=d.current_unit)

    def _apply(self, st: _State, step: Step) -> None:
        d, at, action = st.dossier, step.at, step.action
        before = st.state.status
        match action:
            case Action.RECEIVE:
                self._receive(st, at)
            case Action.REFUSE:
                self._end(st, action, at)
                d.end_reason = step.reason
                self._event(st, action, at, from_status=before, note=step.reason)
            case Action.REQUEST_SUPPLEMENT:
                st.state = lifecycle.pause(st.state, action, at=at)
                d.supplement_count += 1
                self._event(
                    st,
                    action,
                    at,
                    from_status=before,
                    data={"missing": list(step.missing), "request_number": d.supplement_count},
                )
            case Action.SUPPLEMENT:
                minutes = self._resume(st, action, at)
                self._event(
                    st,
                    action,
                    at,
                    from_status=before,
                    note=step.note,
                    data={
                        "paused_minutes": minutes,
                        "due_at": st.state.due_at.isoformat() if st.state.due_at else None,
                    },
                )
            case Action.FORWARD | Action.APPROVE:
                self._advance(st, action, at)
            case Action.REQUEST_PAYMENT:
                st.state = lifecycle.pause(st.state, action, at=at)
                self._event(st, action, at, from_status=before, data={"amount": d.fee_amount})
            case Action.CONFIRM_PAYMENT:
                minutes = self._resume(st, action, at)
                d.fee_paid_at = at
                d.fee_paid_online = step.online
                self._event(
                    st,
                    action,
                    at,
                    from_status=before,
                    data={"paused_minutes": minutes, "online": step.online},
                )
            case Action.COMPLETE:
                index = self._index(st)
                self._end(st, action, at)
                d.result_number = step.result_number.strip()
                last = len(st.specs) - 1
                if transitions.is_return_step(st.roles, last) and index != last:
                    self._open_step(st, last, at, order=max(last, index + 1) + 1)
                self._event(
                    st, action, at, from_status=before, data={"result_number": d.result_number}
                )
            case Action.DELIVER:
                self._close_step(st, at)
                st.state = lifecycle.deliver(st.state, at=at)
                d.delivered_at = at
                d.delivery_method = step.method
                self._event(st, action, at, from_status=before, data={"method": step.method})
            case Action.EXTEND:
                if step.new_appointment_at is None:
                    raise ValueError("an extension needs a new appointment")
                old = st.state.appointment_at
                new = lifecycle.extend(st.state, new_appointment_at=step.new_appointment_at)
                st.state = new
                d.extension_count += 1
                # The service reads the old appointment back from the database, in UTC.
                self._event(
                    st,
                    action,
                    at,
                    from_status=new.status,
                    note=step.reason,
                    data={
                        "reason": step.reason,
                        "old_appointment_at": old.astimezone(dt.UTC).isoformat() if old else None,
                        "new_appointment_at": step.new_appointment_at.isoformat(),
                    },
                )
            case Action.STOP | Action.WITHDRAW:
                minutes = self._end(st, action, at)
                d.end_reason = step.reason.strip()
                self._event(
                    st,
                    action,
                    at,
                    from_status=before,
                    note=step.reason,
                    data={"paused_minutes": minutes} if minutes else None,
                )
            case _:
                raise ValueError(action)

    def _replay(self, plan: Plan, applicant: Rec, code: str) -> _State:
        offer = plan.offer
        version = offer.version
        at = plan.submitted_at
        d = Rec(
            code=code,
            procedure_version=version,
            procedure_version_id=version.pk,
            case=offer.case,
            case_id=offer.case.pk if offer.case is not None else None,
            receiving_unit=plan.unit,
            receiving_unit_id=plan.unit.pk,
            processing_unit=self.catalogue.processing_unit(version, plan.unit),
            current_unit=plan.unit,
            current_step=None,
            channel=plan.channel,
            sub_channel=plan.sub_channel,
            applicant_id=applicant.id,
            owner_id=applicant.owner_id,
            submitted_at=at,
            delivered_at=None,
            supplement_count=0,
            extension_count=0,
            fee_amount=self.catalogue.fee_amount(version, plan.channel, offer.case),
            fee_paid_at=None,
            fee_paid_online=False,
            result_number="",
            delivery_method="",
            end_reason="",
            created_by_id=self.actor_id,
        )
        d.processing_unit_id = d.processing_unit.pk
        specs = self.catalogue.specs(version, offer.case)
        st = _State(
            d, specs, self.catalogue.roles(specs), self.catalogue.calendar(plan.unit), SUBMITTED
        )
        self._event(st, Action.SUBMIT, at, from_status="", data={"channel": plan.channel})
        papers = {p.code: p for p in offer.papers if p.code}
        for c in plan.components:
            paper = papers.get(c.paper_code) if c.paper_code else None
            st.components.append(
                Rec(
                    kind=ComponentKind.SUBMISSION,
                    required_paper_id=paper.pk if paper else None,
                    name=c.name or (paper.name if paper else "") or "Paper",
                    paper_original_seen=c.paper_original_seen,
                    is_original=False,
                    digitised=c.digitised,
                    reused=c.reused,
                )
            )
        if plan.channel != Channel.ONLINE:
            self._receive(st, at)
        for step in plan.steps:
            self._apply(st, step)
        state = st.state
        for name in lifecycle.FIELDS:  # the lifecycle's fields of the row, as the services save
            setattr(d, name, getattr(state, name))
        return st

    # --- writing

    def write(self, plans: Sequence[Plan]) -> list[Rec]:
        """Replay and insert `plans` (in submission order) in one transaction."""
        with transaction.atomic():
            batch = self.prepare(plans)
            batch.apply()
        return batch.dossiers

    def prepare(self, plans: Sequence[Plan]) -> Batch:
        """Replay `plans` and build the statements that insert them (reads only)."""
        applicants = self._applicants(plans)
        codes = self._codes(plans)
        states = [
            self._replay(plan, applicant, code)
            for plan, applicant, code in zip(plans, applicants, codes, strict=True)
        ]
        return self._statements(states, applicants)

    def _applicants(self, plans: Sequence[Plan]) -> list[Rec]:
        """Each dossier its own applicant row, the details as filed (as the services'
        `applicants.applicant_snapshot_create` does for an official's intake: a new row linked
        to no account, never an earlier dossier's row renamed), and the dossier given to the
        account whose ID number was verified to be it, if any (`owner_id`)."""
        owners = self._verified_owners(list({p.id_number for p in plans}))
        recs = [
            Rec(
                full_name=plan.full_name,
                full_name_folded=fold(plan.full_name),
                id_number=plan.id_number,
                user_id=None,
                owner_id=owners.get(plan.id_number),
                new=True,
            )
            for plan in plans
        ]
        for rec, pk in zip(recs, _allocate_ids(Applicant, len(recs)), strict=True):
            rec.id = pk
        return recs

    @staticmethod
    def _verified_owners(id_numbers: list[str]) -> dict[str, int]:
        """ID number -> the one account verified to hold it (services.verified_account_for)."""
        from django.contrib.auth import get_user_model

        pairs = (
            get_user_model()
            .objects.filter(
                id_number__in=id_numbers,
                kind__in=services.PUBLIC_KINDS,
                is_active=True,
                portal_profile__id_number_verified_at__isnull=False,
            )
            .values_list("id_number", "pk")
        )
        accounts: dict[str, list[int]] = defaultdict(list)
        for id_number, pk in pairs:
            accounts[id_number].append(pk)
        return {k: pks[0] for k, pks in accounts.items() if len(pks) == 1}

    def _codes(self, plans: Sequence[Plan]) -> list[str]:
        """`<agency code>-<YYMMDD>-<NNNN>` (codes.circular_01_2018), numbered on from the
        `DossierSequence` rows; the rows are written with the batch (`Batch.sequences`).

        A day's dossiers are always in one batch, and the days generated are before today, so
        live intake (which numbers today's series) never shares a series with a batch.
        """
        keyed = [(p.unit, p.submitted_at.astimezone(TZ).date()) for p in plans]
        if self.custom_codes:
            from motcua.dossiers.codes import dossier_code_next

            return [dossier_code_next(unit, day) for unit, day in keyed]
        keys = {(unit.pk, day) for unit, day in keyed}
        last: dict[tuple[int, dt.date], int] = dict.fromkeys(keys, 0)
        rows = DossierSequence.objects.filter(
            day__in={d for _u, d in keys}, unit_id__in={u for u, _d in keys}
        ).values_list("unit_id", "day", "last")
        for unit_id, day, number in rows:
            if (unit_id, day) in last:
                last[(unit_id, day)] = number
        codes = []
        for unit, day in keyed:
            key = (unit.pk, day)
            last[key] += 1
            codes.append(f"{unit.agency_code}-{day:%y%m%d}-{last[key]:04d}")
        self._sequences = last
        return codes

    def _statements(self, states: list[_State], applicants: list[Rec]) -> Batch:
        dossiers = [st.dossier for st in states]
        steps = [step for st in states for step in st.steps]
        events = [e for st in states for e in st.events]
        components = [c for st in states for c in st.components]
        for d, pk in zip(dossiers, _allocate_ids(Dossier, len(dossiers)), strict=True):
            d.id = pk
        for s, pk in zip(steps, _allocate_ids(StepRecord, len(steps)), strict=True):
            s.id = pk
        for e, pk in zip(events, _allocate_ids(DossierEvent, len(events)), strict=True):
            e.id = pk
        for st in states:
            d = st.dossier
            d.current_unit_id = d.current_unit.pk
            d.current_step_id = d.current_step.id if d.current_step is not None else None
            for row in (*st.steps, *st.events, *st.components):
                row.dossier_id = d.id
            for c in st.components:
                c.event_id = st.events[0].id  # the submission
        statements = [
            self.tables[Applicant].prepare(applicants),
            self.tables[Dossier].prepare(dossiers),
            self.tables[StepRecord].prepare(steps),
            self.tables[DossierEvent].prepare(events),
            self.tables[DossierComponent].prepare(components),
        ]
        sequences = dict(self._sequences)
        return Batch(dossiers, [st for st in statements if st is not None], sequences)


@dataclass
class Batch:
    """A prepared batch: run `apply()` inside a transaction (in any thread)."""

    dossiers: list[Rec]
    statements: list[Prepared]
    sequences: dict[tuple[int, dt.date], int]

    def apply(self) -> None:
        for statement in self.statements:
            statement.run()
        _sequences_save(self.sequences)
        _facts_rebuild([d.id for d in self.dossiers])


FACTS_CHUNK = 5000  # dossier ids per query (PostgreSQL takes at most 65,535 parameters)


def _facts_rebuild(dossier_ids: list[int]) -> None:
    """The reporting facts of the dossiers just inserted, by the reporting app's own rebuild
    (in the batch's transaction): this module never writes the reporting tables itself."""
    for k in range(0, len(dossier_ids), FACTS_CHUNK):
        chunk = dossier_ids[k : k + FACTS_CHUNK]
        facts_rebuild(dossiers=Dossier.objects.filter(pk__in=chunk), batch_size=FACTS_CHUNK)


def _sequences_save(last: dict[tuple[int, dt.date], int]) -> None:
    """Upsert DossierSequence rows, never lowering a number already taken."""
    if not last:
        return
    table = connection.ops.quote_name(DossierSequence._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    sql = (
        f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, %s) "  # noqa: S608 (names only)
        f"ON CONFLICT (unit_id, day) DO UPDATE SET last = {greatest}({table}.last, excluded.last)"
    )
    rows = [[unit, connection.ops.adapt_datefield_value(day), n] for (unit, day), n in last.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


_SEQUENCES: dict[str, str] = {}  # table -> the sequence of its id column (PostgreSQL)


def _allocate_ids(model: Any, n: int) -> list[int]:
    """`n` primary keys for `model`, taken before insertion (rows refer to each other)."""
    if n == 0:
        return []
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sequence = _SEQUENCES.get(table)
            if sequence is None:  # looked up once: per row it costs more than nextval itself
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = _SEQUENCES[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n]
            )
            return [row[0] for row in cursor.fetchall()]
    # SQLite (one writer at a time): continue after the largest id ever used.
    start = model.objects.aggregate(m=Max("pk"))["m"] or 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    start = max(start, row[0] if row else 0) + 1
    return list(range(start, start + n))


# --- the command's entry point ------------------------------------------------------------------


class _Pipeline:
    """Applies prepared batches in a second thread, with its own connection and one transaction
    per batch, so that PostgreSQL inserts one batch while Python prepares the next.

    On PostgreSQL these transactions commit with `synchronous_commit = off` (`SET LOCAL`: this
    transaction only): the commit does not wait for the WAL flush. A crash of the server can
    lose the last batches reported as written (never part of a batch, never other sessions'
    work); the generated year is synthetic and can be generated again.
    """

    def __init__(self) -> None:
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run, name="generate-history-writer", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        try:
            while True:
                batch = self.queue.get()
                if batch is None:
                    return
                if self.error is not None:
                    continue  # drain: the main thread stops at its next put()
                try:
                    with transaction.atomic():
                        if connection.vendor == "postgresql":
                            with connection.cursor() as cursor:
                                cursor.execute("SET LOCAL synchronous_commit = off")
                        batch.apply()
                except BaseException as exc:
                    self.error = exc
        finally:
            connections.close_all()

    def put(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


@dataclass
class HistoryResult:
    dossiers: int
    seconds: float
    statuses: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.dossiers / self.seconds if self.seconds else 0.0


def generate_history(
    *,
    year: int,
    count: int,
    seed: int,
    actor: Any,
    as_of: dt.datetime | None = None,
    via_services: bool = False,
    batch_size: int = 2000,
    progress: Progress | None = None,
    shares: Shares | None = None,
    threaded: bool | None = None,
    workers: int | None = None,
) -> HistoryResult:
    """Generate `count` dossiers submitted in `year` (deterministic for `seed`).

    The year is cut into batches of whole days (at least `batch_size` dossiers each). With
    `workers` > 1 (the default on PostgreSQL outside a transaction: 2) the batches are shared
    out between forked processes, each with its own connections, so that Python runs on more
    than one core and PostgreSQL inserts on more than one connection; the plans of a day do not
    depend on which process draws them (`Planner.day_plans`). `threaded`: each process writes
    a batch in a second thread while it prepares the next (default: on PostgreSQL outside a
    transaction).
    """
    if count <= 0:
        raise ValidationFailed("The count must be positive.", fields={"count": str(count)})
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible from the seed)
    catalogue = Catalogue(rng)
    planner = Planner(
        catalogue, year=year, count=count, seed=seed, rng=rng, as_of=as_of, shares=shares
    )
    batches = _batches(planner.days(), batch_size)
    writer = BulkWriter(catalogue, actor)
    standalone = connection.vendor == "postgresql" and not connection.in_atomic_block
    if threaded is None:
        threaded = standalone
    if workers is None:
        workers = 2 if standalone and not via_services else 1
    workers = max(1, min(workers, len(batches)))
    report = progress.advance if progress is not None else _ignore

    def work(share: Sequence[list[PlannedDay]], report: Callable[[int], None]) -> dict[str, int]:
        statuses: dict[str, int] = defaultdict(int)
        pipeline = _Pipeline() if threaded and not via_services else None
        try:
            for days in share:
                plans = [plan for planned in days for plan in planner.day_plans(planned)]
                written: Sequence[Any]
                if via_services:
                    written = run_with_services(plans, actor)
                elif pipeline is not None:
                    batch = writer.prepare(plans)
                    pipeline.put(batch)
                    written = batch.dossiers
                else:
                    written = writer.write(plans)
                for d in written:
                    statuses[d.status] += 1
                report(len(plans))
        finally:
            if pipeline is not None:
                pipeline.close()
        return statuses

    started = time.monotonic()
    # Millions of short-lived rows: the cyclic GC would scan the whole heap again and again.
    # (Frozen before forking, the catalogue's objects also stay shared with the workers.)
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(500_000, 100, 100)
    try:
        if workers > 1:
            statuses = _run_forked(work, [batches[k::workers] for k in range(workers)], report)
        else:
            statuses = work(batches, report)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
    seconds = time.monotonic() - started
    audit_record(
        action="dossiers_generate_history",
        object_type="dossiers.dossier",
        changes={
            "year": year,
            "count": count,
            "seed": seed,
            "via_services": via_services,
            "statuses": dict(statuses),
        },
        note=f"{count} synthetic dossiers for {year} (seed {seed})",
    )
    return HistoryResult(dossiers=count, seconds=seconds, statuses=dict(statuses))


def _ignore(n: int) -> None:
    pass


def _batches(days: Sequence[PlannedDay], batch_size: int) -> list[list[PlannedDay]]:
    """Consecutive days, at least `batch_size` dossiers a batch (except the last). A day is
    never split: its codes are numbered in one batch."""
    out: list[list[PlannedDay]] = []
    current: list[PlannedDay] = []
    size = 0
    for planned in days:
        current.append(planned)
        size += planned.count
        if size >= batch_size:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out


_Work = Callable[[Sequence[list[PlannedDay]], Callable[[int], None]], dict[str, int]]


def _run_forked(
    work: _Work, shares: list[list[list[PlannedDay]]], report: Callable[[int], None]
) -> dict[str, int]:
    """Run `work` on each share of the batches in its own forked process; relay the progress
    they report and add up their statuses. A failure stops the others and is raised here (the
    batches already committed stay, as with one process)."""
    context = multiprocessing.get_context("fork")
    connections.close_all()  # each process opens its own: a connection is not shared
    readers: dict[Any, Any] = {}
    for k, share in enumerate(shares):
        reader, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker, args=(work, share, sender), name=f"generate-history-{k + 1}"
        )
        process.start()
        sender.close()
        readers[reader] = process
    statuses: dict[str, int] = defaultdict(int)
    failures: list[str] = []
    try:
        while readers and not failures:
            ready: list[Any] = mp_connection.wait(list(readers))  # the readers: Connections
            for reader in ready:
                try:
                    kind, value = reader.recv()
                except EOFError:  # the process has ended
                    process = readers.pop(reader)
                    process.join()
                    if process.exitcode:
                        failures.append(f"{process.name} exited with code {process.exitcode}")
                    continue
                if kind == "progress":
                    report(value)
                elif kind == "done":
                    for status, n in value.items():
                        statuses[status] += n
                else:
                    failures.append(value)
    finally:
        for process in readers.values():  # after a failure (or an interruption): stop the rest
            process.terminate()
            process.join()
    if failures:
        raise RuntimeError("generate_history failed in a worker process:\n" + "\n".join(failures))
    return statuses


def _worker(work: _Work, share: Sequence[list[PlannedDay]], sender: Any) -> None:
    """The body of a forked process: its share of the batches, reporting through `sender`."""
    try:
        statuses = work(share, lambda n: sender.send(("progress", n)))
        sender.send(("done", dict(statuses)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        connections.close_all()
        sender.close()
