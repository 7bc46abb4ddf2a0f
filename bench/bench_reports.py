"""Form 06a on PostgreSQL: a province-year (272,000 dossiers) and 10 million dossiers.

Targets: < 1 s for the province-year, < 5 s for 10 million, results equal to the per-dossier
computation. Needs PostgreSQL; uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/motcua_rep_bench), created on first use:

1. migrate, load the Cà Mau demo, `generate_history --year 2025 --count 272000 --seed 1`
   (real dossiers, events and steps through motcua/demo/history.py's bulk path, their facts
   through reporting's facts_rebuild; timed and printed);
2. form 06a for 2025 by organisation, field and procedure, for the province and for one ward,
   each the best of 3 runs after a first (cold) one; then the per-dossier reference computation
   once, and a check that both agree;
3. SYNTHETIC LOAD: facts of 10,000,000 − (real ones) further dossiers written straight into
   reporting_dossierfact with INSERT … SELECT generate_series (no dossier rows behind them,
   dossier ids from 1,000,000,000, the real units and procedure versions, received 2016–2025,
   about 60 % online, 97 % ended within 0–12 days, a few percent late or still open). This
   measures the query only; `--cleanup` deletes these rows again (dossier_id >= 1e9);
4. form 06a over the 10 million: the whole span 2016–2025 (every row relevant) and the year
   2025 (the index on end_key prunes the closed history).

Usage: python bench/bench_reports.py [--skip-10m] [--cleanup] [--count 272000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_rep_bench"
SYNTHETIC_FROM = 1_000_000_000
TOTAL_10M = 10_000_000


def _ensure_database(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"bench_reports: PostgreSQL is not reachable ({exc}); skipped.")
        return False
    return True


def _best(label: str, run: object, repeat: int = 3) -> float:
    began = time.perf_counter()
    run()  # type: ignore[operator]
    first = time.perf_counter() - began
    times = []
    for _i in range(repeat):
        began = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    best = min(times)
    print(f"  {label:<58} first {first:6.3f} s   best {best:6.3f} s")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=272_000)
    parser.add_argument("--skip-10m", action="store_true")
    parser.add_argument("--cleanup", action="store_true", help="delete the synthetic facts")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not _ensure_database(url):
        return 0
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from motcua.accounts.models import User
    from motcua.reporting.models import DossierFact
    from motcua.reporting.one_stop import one_stop_naive, one_stop_report
    from motcua.reporting.params import parse_params

    if args.cleanup:
        deleted, _ = DossierFact.objects.filter(dossier_id__gte=SYNTHETIC_FROM).delete()
        print(f"deleted {deleted:,} synthetic facts")
        return 0

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('max_parallel_workers_per_gather')")
        version, workers = cursor.fetchone()
    print(
        f"bench_reports on {version.split(',')[0]}, {os.cpu_count()} CPUs, "
        f"parallel workers per gather: {workers}"
    )
    call_command("migrate", verbosity=0)
    real = DossierFact.objects.filter(dossier_id__lt=SYNTHETIC_FROM)
    if not real.filter(received_day__year=2025).exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (discarded)
        began = time.perf_counter()
        call_command(
            "generate_history",
            "--year",
            "2025",
            "--count",
            str(args.count),
            "--seed",
            "1",
            stdout=open(os.devnull, "w"),  # noqa: SIM115 (discarded)
        )
        elapsed = time.perf_counter() - began
        print(
            f"generate_history --year 2025 --count {args.count:,}: {elapsed:.1f} s "
            f"({args.count / elapsed:,.0f} dossiers/s)"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reporting_dossierfact")
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    ward = "000.00.20.H12"

    def report(date_from: str, date_to: str, group_by: str, unit: str = "") -> object:
        data = {"from": date_from, "to": date_to, "group_by": group_by}
        if unit:
            data["unit"] = unit
        params = parse_params(admin, data)
        return lambda: one_stop_report(params)

    n_real = real.count()
    print(f"\nform 06a, province-year: {n_real:,} dossiers in the facts, period 2025")
    worst = 0.0
    for group_by in ("organisation", "field", "procedure"):
        worst = max(
            worst,
            _best(f"2025, province, by {group_by}", report("2025-01-01", "2025-12-31", group_by)),
        )
    worst = max(
        worst,
        _best(
            "2025, one ward, by procedure", report("2025-01-01", "2025-12-31", "procedure", ward)
        ),
    )
    worst = max(
        worst,
        _best(
            "March 2025, province, by organisation",
            report("2025-03-01", "2025-03-31", "organisation"),
        ),
    )
    print(f"  slowest: {worst:.3f} s (target < 1 s): {'OK' if worst < 1 else 'TOO SLOW'}")
    params = parse_params(
        admin, {"from": "2025-01-01", "to": "2025-12-31", "group_by": "organisation"}
    )
    began = time.perf_counter()
    naive = one_stop_naive(params)
    naive_s = time.perf_counter() - began
    same = naive.as_dict() == one_stop_report(params).as_dict()
    print(f"  per-dossier reference computation: {naive_s:.1f} s; equal to the fast path: {same}")
    if not same:
        return 1

    if args.skip_10m:
        return 0
    synthetic = TOTAL_10M - n_real
    have = DossierFact.objects.filter(dossier_id__gte=SYNTHETIC_FROM).count()
    if have != synthetic:
        began = time.perf_counter()
        _load_synthetic(connection, synthetic)
        print(
            f"\nsynthetic load: {synthetic:,} facts (INSERT … SELECT generate_series) in "
            f"{time.perf_counter() - began:.1f} s"
        )
    total = DossierFact.objects.count()
    print(f"\nform 06a, {total:,} dossiers in the facts")
    worst = 0.0
    for group_by in ("organisation", "procedure"):
        worst = max(
            worst,
            _best(
                f"2016–2025 (every row), province, by {group_by}",
                report("2016-01-01", "2025-12-31", group_by),
            ),
        )
    worst = max(
        worst,
        _best(
            "2016–2025, one ward, by procedure",
            report("2016-01-01", "2025-12-31", "procedure", ward),
        ),
    )
    worst = max(
        worst, _best("2025, province, by field", report("2025-01-01", "2025-12-31", "field"))
    )
    print(f"  slowest: {worst:.3f} s (target < 5 s): {'OK' if worst < 5 else 'TOO SLOW'}")
    return 0


def _load_synthetic(connection: object, n: int) -> None:
    """SYNTHETIC benchmark rows (see the module docstring): facts without dossiers."""
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("DELETE FROM reporting_dossierfact WHERE dossier_id >= %s", [SYNTHETIC_FROM])
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            WITH combos AS (
                SELECT array_agg(receiving_unit_id ORDER BY n DESC) AS r,
                       array_agg(processing_unit_id ORDER BY n DESC) AS p,
                       array_agg(version_id ORDER BY n DESC) AS v,
                       count(*) AS k
                FROM (SELECT receiving_unit_id, processing_unit_id, version_id, count(*) AS n
                      FROM reporting_dossierfact GROUP BY 1, 2, 3) c
            ), rows AS (
                SELECT g,
                       1 + (floor(power(random(), 2) * k))::int AS i,
                       DATE '2016-01-01' + (g %% 3653) AS received,
                       random() AS u, random() AS w, (floor(random() * 13))::int AS took
                FROM generate_series(1, %s) AS g, combos
            )
            INSERT INTO reporting_dossierfact (
                dossier_id, receiving_unit_id, processing_unit_id, version_id, channel,
                received_day, ended_day, end_key, due_day, overdue_from, outcome, completed,
                work_minutes, allowed_minutes, fee_paid, paid_online, papers_digitised, reused,
                electronic_result)
            SELECT %s + g, c.r[i], c.p[i], c.v[i],
                   CASE WHEN w < 0.6 THEN 2 WHEN w < 0.97 THEN 1 ELSE 3 END,
                   received,
                   CASE WHEN u < 0.97 THEN received + took END,
                   CASE WHEN u < 0.97 THEN received + took ELSE DATE '9999-12-31' END,
                   received + 7,
                   CASE WHEN u < 0.995 THEN received + 8 END,
                   CASE WHEN u >= 0.97 THEN 0 WHEN took < 7 THEN 1 WHEN took = 7 THEN 2 ELSE 3 END,
                   u < 0.95,
                   CASE WHEN u < 0.95 THEN took * 400 END,
                   CASE WHEN u < 0.95 THEN 7 * 480 END,
                   took < 2, took < 1, w < 0.7, w < 0.15, u < 0.95 AND w < 0.3
            FROM rows, combos c
            """,
            [n, SYNTHETIC_FROM],
        )
        cursor.execute("VACUUM ANALYZE reporting_dossierfact")


if __name__ == "__main__":
    sys.exit(main())
