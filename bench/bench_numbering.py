"""Outgoing numbers assigned concurrently on PostgreSQL: 100 numbers taken by 50 clerks at once
(two each; PostgreSQL's default max_connections is 100), then checked for gaps and duplicates.

Printed beside the floor: the same number of increments of one counter row by plain SQL
(`UPDATE … SET last_number = last_number + 1 RETURNING …` in its own transaction, the same
50 connections), which is what any correct gap-free numbering must serialise on.

Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/motcua_num_bench), created and migrated on first use.
Usage: python bench/bench_numbering.py [--numbers 100] [--clerks 50]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_num_bench"


def _ensure_database(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"bench_numbering: PostgreSQL is not reachable ({exc}); skipped.")
        return False
    return True


def _run_threads(clerks: int, work: object) -> float:
    barrier = threading.Barrier(clerks)
    errors: list[BaseException] = []

    def body(t: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(t)  # type: ignore[operator]
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(t,)) for t in range(clerks)]
    began = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"errors: {errors[:3]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--numbers", type=int, default=100)
    parser.add_argument("--clerks", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not _ensure_database(url):
        return
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    from motcua.accounts.enums import AccountKind, Role
    from motcua.accounts.models import RoleAssignment, User
    from motcua.documents.enums import DocumentType, OutgoingState
    from motcua.documents.models import OutgoingDocument, RegisterCounter
    from motcua.documents.services.outgoing import outgoing_number
    from motcua.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    stamp = str(int(time.time()))
    agency = Organisation.objects.create(
        name=f"UBND bench {stamp}",
        short_name="UBND",
        kind="province",
        agency_code=f"000.{int(stamp) % 100:02d}.{int(stamp) // 100 % 100:02d}.B99",
    )
    clerk = User.objects.create(
        username=f"clerk{stamp}", kind=AccountKind.OFFICIAL, organisation=agency
    )
    RoleAssignment.objects.create(user=clerk, role=Role.CLERK)
    docs = [
        OutgoingDocument.objects.create(
            organisation=agency,
            drafting_unit=agency,
            drafter=clerk,
            signer=clerk,
            document_type=DocumentType.QUYET_DINH,
            subject=f"Văn bản {i}",
            state=OutgoingState.SIGNED,
        )
        for i in range(args.numbers)
    ]
    connection.close()
    per = args.numbers // args.clerks

    def number(t: int) -> None:
        try:
            for i in range(t * per, (t + 1) * per):
                outgoing_number(actor=clerk, document=docs[i])
        finally:
            connection.close()

    elapsed = _run_threads(args.clerks, number)
    taken = sorted(
        OutgoingDocument.objects.filter(organisation=agency).values_list("code_number", flat=True)
    )
    ok = taken == list(range(1, args.numbers + 1))
    counter = RegisterCounter.objects.get(register__organisation=agency)

    # The floor: the same increments by plain SQL on one row, same concurrency.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_counter (id int primary key, n int)")
        conn.execute("INSERT INTO bench_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0")

    def floor(t: int) -> None:
        with psycopg.connect(url) as conn:
            for _ in range(per):
                with conn.transaction():
                    conn.execute("UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n")

    floor_elapsed = _run_threads(args.clerks, floor)
    print(f"{args.numbers} outgoing numbers by {args.clerks} concurrent clerks (PostgreSQL)")
    print(
        f"  numbers taken: 1..{taken[-1]}, gap-free and unique: {ok}; "
        f"counter = {counter.last_number}"
    )
    print(
        f"  MotCua outgoing_number: {elapsed * 1000:8.1f} ms in all, "
        f"{elapsed * 1000 / args.numbers:6.2f} ms per number"
    )
    print(
        f"  floor (plain SQL UPDATE … RETURNING of one row, same concurrency): "
        f"{floor_elapsed * 1000:8.1f} ms in all, "
        f"{floor_elapsed * 1000 / args.numbers:6.2f} ms per number"
    )
    print(
        f"  ratio to the floor: {elapsed / floor_elapsed:.1f}×  (each MotCua number also writes "
        "the document, its event and its audit record, and checks the clerk's permission)"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
