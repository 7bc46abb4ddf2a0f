"""generate_history: deterministic for a seed; the bulk path stores exactly what the services
store for the same plans, dossiers in the states the lifecycle computes, and the facts the
reporting app computes."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pydantic
import pytest
from django.core.management import call_command
from django.db import transaction

from motcua.calendar.selectors import calendar_for
from motcua.demo import history
from motcua.dossiers import lifecycle
from motcua.dossiers.enums import Action, DossierStatus
from motcua.dossiers.models import Dossier, DossierSequence
from motcua.dossiers.tests.conftest import make_procedure, vn
from motcua.organisations.enums import OrganisationKind
from motcua.procedures.models import Fee
from motcua.reporting.facts import FACT_FIELDS, counts, fact_values, facts_rebuild
from motcua.reporting.models import DossierFact

pytestmark = pytest.mark.django_db

AS_OF = vn(2027, 3, 12, 12, 0)
# Everything happens often, so that a few dozen dossiers cover every action.
BUSY = history.Shares(
    online=0.6,
    refused=0.15,
    supplement=0.4,
    second_supplement=0.15,
    late=0.2,
    extended_on_time=0.1,
    withdrawn=0.08,
    stopped=0.08,
    delivered=0.7,
    weekend_online=0.2,
)


@pytest.fixture
def catalogue_world(world):
    from motcua.accounts.tests.factories import OrgFactory

    ward = OrgFactory(
        name="UBND xã Tân Thành",
        kind=OrganisationKind.COMMUNE,
        parent=world.province,
        agency_code="000.00.21.H12",
    )
    ward_desk = OrgFactory(
        name="Bộ phận một cửa xã Tân Thành",
        kind=OrganisationKind.SERVICE_CENTRE,
        parent=ward,
        agency_code="000.01.21.H12",
        runs_one_stop_desk=True,
    )
    same_day = make_procedure(
        code="9.000003",
        implementing=[ward],
        receiving=[ward_desk],
        amount=1,
        cutoff=dt.time(15, 0),
    )
    Fee.objects.create(version=world.version, amount=50000, description="Lệ phí")
    Fee.objects.create(version=same_day, amount=8000, description="Lệ phí")
    return world


def _plans(seed: int, count: int) -> list[history.Plan]:
    rng = random.Random(seed)
    catalogue = history.Catalogue(rng)
    planner = history.Planner(
        catalogue, year=2027, count=count, seed=seed, rng=rng, as_of=AS_OF, shares=BUSY
    )
    planner.day_counts = lambda: _window(planner, count)  # type: ignore[method-assign]
    return [plan for day in planner.plans() for plan in day]


def _window(planner: history.Planner, count: int) -> list[tuple[dt.date, int]]:
    """A fortnight before AS_OF instead of the whole year (keeps the test small)."""
    days = [dt.date(2027, 2, 22) + dt.timedelta(days=i) for i in range(16)]
    per_day, extra = divmod(count, len(days))
    return [(day, per_day + (1 if i < extra else 0)) for i, day in enumerate(days)]


def _summary(plan: history.Plan) -> tuple[Any, ...]:
    return (
        plan.offer.version.procedure.code,
        plan.unit.agency_code,
        plan.channel,
        plan.submitted_at,
        plan.full_name,
        plan.id_number,
        tuple(
            (s.action, s.at, s.reason, s.missing, s.new_appointment_at, s.online, s.method)
            for s in plan.steps
        ),
    )


def _fields(obj: Any, skip: set[str]) -> dict[str, Any]:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in skip
    }


def snapshot() -> dict[str, Any]:
    """Everything stored about the dossiers, without ids and recording times."""
    out = {}
    for d in Dossier.objects.order_by("code").select_related("applicant", "current_step"):
        row = _fields(d, {"id", "created_at", "updated_at", "current_step_id", "applicant_id"})
        a = d.applicant
        row["applicant"] = (a.full_name, a.full_name_folded, a.id_number, a.kind, a.user_id)
        row["current_step"] = (
            (d.current_step.order, d.current_step.name) if d.current_step else None
        )
        row["events"] = [
            _fields(e, {"id", "dossier_id", "recorded_at"}) for e in d.events.order_by("at", "id")
        ]
        row["steps"] = [_fields(s, {"id", "dossier_id"}) for s in d.steps.order_by("order", "id")]
        row["components"] = [
            {**_fields(c, {"id", "dossier_id", "event_id", "created_at"}), "event": c.event.action}
            for c in d.components.order_by("id")
        ]
        fact = DossierFact.objects.filter(pk=d.pk).values(*FACT_FIELDS).first()
        row["fact"] = fact
        assert fact == fact_values(d)
        out[d.code] = row
    out["_sequences"] = sorted(DossierSequence.objects.values_list("unit_id", "day", "last"))
    return out


def _run(path: str, plans: list[history.Plan], actor: Any) -> dict[str, Any]:
    with transaction.atomic():
        if path == "services":
            history.run_with_services(plans, actor)
        else:
            catalogue = plans[0].offer and history.Catalogue(random.Random(0))
            history.BulkWriter(catalogue, actor).write(plans)
        snap = snapshot()
        transaction.set_rollback(True)
    return snap


def test_planner_is_deterministic_for_a_seed(catalogue_world):
    first = [_summary(p) for p in _plans(7, 40)]
    again = [_summary(p) for p in _plans(7, 40)]
    other = [_summary(p) for p in _plans(8, 40)]
    assert first == again
    assert first != other


def test_a_day_is_planned_alike_alone_or_with_the_year(catalogue_world):
    # given the plans of a fortnight, drawn in order
    everything = _plans(9, 48)
    rng = random.Random(9)
    planner = history.Planner(
        history.Catalogue(rng), year=2027, count=48, seed=9, rng=rng, as_of=AS_OF, shares=BUSY
    )
    planner.day_counts = lambda: _window(planner, 48)  # type: ignore[method-assign]
    # when one late day is drawn alone (as a worker process draws its share of the days)
    last = planner.days()[-1]
    alone = planner.day_plans(last)
    # then it gets the same dossiers, numbered as in the whole run
    assert [_summary(p) for p in alone] == [_summary(p) for p in everything[-last.count :]]
    assert [p.index for p in alone] == [p.index for p in everything[-last.count :]]


def test_bulk_path_stores_what_the_services_store(catalogue_world):
    # given plans covering every action
    plans = _plans(3, 60)
    actions = {step.action for plan in plans for step in plan.steps}
    assert actions >= {
        Action.RECEIVE,
        Action.REFUSE,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLEMENT,
        Action.FORWARD,
        Action.APPROVE,
        Action.REQUEST_PAYMENT,
        Action.CONFIRM_PAYMENT,
        Action.COMPLETE,
        Action.DELIVER,
        Action.EXTEND,
        Action.WITHDRAW,
        Action.STOP,
    }
    # when both executors apply them to the same database state
    by_services = _run("services", plans, catalogue_world.admin)
    in_bulk = _run("bulk", plans, catalogue_world.admin)
    # then every stored field is the same
    assert set(by_services) == set(in_bulk)
    for code in by_services:
        assert in_bulk[code] == by_services[code], code
    statuses = {row["status"] for code, row in in_bulk.items() if code != "_sequences"}
    assert {"delivered", "result_ready", "refused", "withdrawn", "stopped"} <= statuses
    assert statuses & {"received", "in_progress", "supplement_requested", "awaiting_payment"}


def test_bulk_codes_continue_the_daily_series(catalogue_world):
    # given a dossier already numbered 0001 by the services on a generated day
    plans = _plans(5, 30)
    first = plans[0]
    day = first.submitted_at.date()
    DossierSequence.objects.create(unit=first.unit, day=day, last=1)
    # when
    history.BulkWriter(history.Catalogue(random.Random(0)), catalogue_world.admin).write(plans)
    # then the generated ones continue the series and the sequence row follows
    codes = sorted(
        Dossier.objects.filter(
            receiving_unit=first.unit, code__contains=f"-{day:%y%m%d}-"
        ).values_list("code", flat=True)
    )
    assert codes[0].endswith("-0002")
    last = DossierSequence.objects.get(unit=first.unit, day=day).last
    assert codes[-1].endswith(f"-{last:04d}")


def test_command_generates_a_deterministic_year(catalogue_world):
    # given
    out, err = io.StringIO(), io.StringIO()
    # when
    with transaction.atomic():
        call_command(
            "generate_history",
            "--year",
            "2025",
            "--count",
            "150",
            "--seed",
            "1",
            "--actor",
            "padmin",
            stdout=out,
            stderr=err,
        )
        first = snapshot()
        transaction.set_rollback(True)
    call_command(
        "generate_history",
        "--year",
        "2025",
        "--count",
        "150",
        "--seed",
        "1",
        "--actor",
        "padmin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    # then
    assert "150 dossiers" in out.getvalue()
    assert "150/150 (100%)" in err.getvalue()
    assert snapshot() == first
    assert Dossier.objects.count() == 150
    online = Dossier.objects.filter(channel=2).count()
    assert 45 <= online <= 120


def test_if_empty_generates_a_year_once(catalogue_world):
    args = [
        "generate_history",
        "--year",
        "2025",
        "--count",
        "20",
        "--actor",
        "padmin",
        "--if-empty",
    ]
    call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    assert "nothing generated" in out.getvalue()
    assert Dossier.objects.count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_processes_generate_the_same_year(catalogue_world):
    # given the year generated by one process (rolled back)
    args: dict[str, Any] = {
        "year": 2025,
        "count": 300,
        "seed": 4,
        "actor": catalogue_world.admin,
        "as_of": AS_OF,
        "batch_size": 40,
    }
    with transaction.atomic():
        history.generate_history(**args, workers=1)
        alone = snapshot()
        transaction.set_rollback(True)
    # when two forked processes share its batches, each with its own connections
    progress = history.Progress(300, stream=io.StringIO())
    result = history.generate_history(**args, workers=2, threaded=True, progress=progress)
    # then they store the same dossiers, and the progress counts them all
    assert snapshot() == alone
    assert result.dossiers == progress.done == 300
    assert sum(result.statuses.values()) == 300


def _lifecycle_of(d: Dossier) -> lifecycle.DossierState:
    """The dossier's state computed afresh by the lifecycle's functions from its timeline."""
    cal = calendar_for(d.receiving_unit)
    version = d.procedure_version
    found = version.time_limit_for(d.channel, d.case)
    limit = (found.amount, found.unit) if found is not None else None
    state = lifecycle.DossierState(status=DossierStatus.SUBMITTED)
    for e in d.events.order_by("at", "id"):
        match e.action:
            case Action.SUBMIT:
                pass
            case Action.RECEIVE:
                state = lifecycle.receive(
                    state, at=e.at, cal=cal, cutoff=version.cutoff, limit=limit
                )
            case Action.REQUEST_SUPPLEMENT | Action.REQUEST_PAYMENT:
                state = lifecycle.pause(state, e.action, at=e.at)
            case Action.SUPPLEMENT | Action.CONFIRM_PAYMENT:
                state, _minutes = lifecycle.resume(state, e.action, at=e.at, cal=cal)
            case Action.REFUSE | Action.COMPLETE | Action.STOP | Action.WITHDRAW:
                state, _minutes = lifecycle.end(state, e.action, at=e.at, cal=cal)
            case Action.FORWARD | Action.APPROVE:
                state = lifecycle.advance(state, e.action)
            case Action.DELIVER:
                state = lifecycle.deliver(state, at=e.at)
            case Action.EXTEND:
                new = dt.datetime.fromisoformat(e.data["new_appointment_at"])
                state = lifecycle.extend(state, new_appointment_at=new)
            case _:
                raise AssertionError(e.action)
    return state


def test_generated_dossiers_are_what_the_lifecycle_computes(catalogue_world):
    # given a generated fortnight in which dossiers are paused and resumed
    plans = _plans(3, 60)
    history.BulkWriter(history.Catalogue(random.Random(0)), catalogue_world.admin).write(plans)
    dossiers = list(Dossier.objects.select_related("procedure_version", "case", "receiving_unit"))
    resumed = [
        d
        for d in dossiers
        if d.paused_minutes > 0 and d.events.filter(action=Action.SUPPLEMENT).exists()
    ]
    assert resumed
    for d in dossiers:
        # when its timeline is replayed through the lifecycle's functions
        expected = _lifecycle_of(d)
        # then the stored dossier is that state: status, clock, due time after the pauses, ...
        stored = {name: getattr(d, name) for name in lifecycle.FIELDS}
        assert stored == {name: getattr(expected, name) for name in lifecycle.FIELDS}, d.code
        # and every closed step has the lifecycle's result
        for step in d.steps.exclude(ended_at=None):
            assert step.result == lifecycle.step_result(step.due_at, step.ended_at), d.code


def test_reporting_facts_after_generation_equal_a_fresh_rebuild(catalogue_world):
    # given a generated year
    call_command(
        "generate_history",
        "--year",
        "2025",
        "--count",
        "200",
        "--seed",
        "2",
        "--actor",
        "padmin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    generated = list(DossierFact.objects.order_by("dossier_id").values("dossier_id", *FACT_FIELDS))
    counted = [d.pk for d in Dossier.objects.order_by("pk") if counts(d)]
    # when the reporting app rebuilds every fact from the dossiers
    facts_rebuild()
    # then nothing changes: the generator left the facts the reporting app computes
    assert [f["dossier_id"] for f in generated] == counted
    assert len(counted) > 150
    assert generated == list(
        DossierFact.objects.order_by("dossier_id").values("dossier_id", *FACT_FIELDS)
    )


def test_services_executor_refuses_an_input_the_action_does_not_take(catalogue_world):
    # given a planned approval that also carries a reason (an approval takes none)
    plan = next(p for p in _plans(3, 60) if any(s.action == Action.APPROVE for s in p.steps))
    step = next(s for s in plan.steps if s.action == Action.APPROVE)
    step.reason = "Không phải thông tin của bước phê duyệt"
    # when it is taken through the action registry, then the action's own schema refuses it
    with pytest.raises(pydantic.ValidationError, match="reason"):
        history.run_with_services([plan], catalogue_world.admin)
    assert not Dossier.objects.exists()  # the plan's transaction left nothing behind
