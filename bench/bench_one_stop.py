"""One-stop API under load: PostgreSQL, granian (4 single-threaded WSGI workers), load from a second
process.

Measured in one run against the same server, each for --seconds at --concurrency:
  trivial      GET  /api/v1/health (no auth, no database): the server's ceiling
  intake       POST /api/v1/dossiers, counter channel, JSON, counter officer's token
  submission   POST /api/v1/dossiers, online channel, multipart with two 200 KB files (citizen)
  lookup       GET  /api/v1/dossiers/{code} over the dossiers created above (counter officer)
  sub@50rps    the submission again, open loop at --rate requests/s: p50/p99 from when each
               request was due
Targets (printed MET / NOT MET, never enforced): submission >= 20% and lookup >= 50% of the
trivial endpoint's requests/s; p99 of submission at 50 requests/s < 150 ms. Exits 1 only when
more than 1% of some benchmark's requests failed (non-2xx or no answer).

The database (--db-name, default motcua_bench) is dropped and created, migrated and loaded with
the demo; the server, its media directory and the database are removed at the end.
Usage: python bench/bench_one_stop.py [--seconds 10] [--concurrency 8] [--rate 50] [--quick]
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _http_load import LoadResult, Request, closed_loop, open_loop, run_in_process

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GRANIAN = str(Path(PY).with_name("granian"))
HOST = "127.0.0.1"

SUBMISSION_TARGET = 0.20  # of the trivial endpoint's requests/s
LOOKUP_TARGET = 0.50
P99_TARGET_MS = 150.0
ERROR_LIMIT = 0.01
FILE_SIZE = 200 * 1024
MAX_LOOKUP_CODES = 20_000


# --- requests (module-level so that the load process can unpickle them) ---------------------


@dataclass(frozen=True)
class Scenario:
    procedure_code: str
    desk: str
    papers: tuple[str, ...]
    counter_token: str
    citizen_token: str


def _pdf(size: int) -> bytes:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    tail = b"\n%%EOF\n"
    return head + b"%" * (size - len(head) - len(tail)) + tail


def _png(size: int) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    head = signature + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    return head + b"\x00" * (size - len(head))


PDF = _pdf(FILE_SIZE)
PNG = _png(FILE_SIZE)


def health_request(n: int) -> Request:
    return Request("GET", "/api/v1/health")


def _applicant(n: int, series: int) -> dict[str, str]:
    return {
        "full_name": "Nguyễn Thị Đo Tải",
        "id_number": f"0{series}{n:010d}",  # 12 digits, unique per request and series
        "phone": "0912345678",
        "email": f"bench{series}.{n}@example.com",
        "address": "Phường An Xuyên, tỉnh Cà Mau",
    }


def intake_request(s: Scenario, series: int, n: int) -> Request:
    body = {
        "procedure_code": s.procedure_code,
        "channel": 1,
        "receiving_unit": s.desk,
        "applicant": _applicant(n, series),
        "components": [{"paper_code": p, "paper_original_seen": True} for p in s.papers],
    }
    return Request(
        "POST",
        "/api/v1/dossiers",
        {"Authorization": f"Bearer {s.counter_token}", "Content-Type": "application/json"},
        json.dumps(body).encode(),
    )


def submission_request(s: Scenario, series: int, n: int) -> Request:
    codes = [*s.papers, "", ""][:2]
    body = {
        "procedure_code": s.procedure_code,
        "channel": 2,
        "receiving_unit": s.desk,
        "applicant": _applicant(n, series),
        "components": [
            {"paper_code": codes[0], "file": "file1"},
            {"paper_code": codes[1], "file": "file2"},
        ],
    }
    boundary = f"bench{n:012d}"
    parts = [
        (b'name="data"', b"application/json", json.dumps(body).encode()),
        (b'name="file1"; filename="to-khai.pdf"', b"application/pdf", PDF),
        (b'name="file2"; filename="anh-the.png"', b"image/png", PNG),
    ]
    chunks = []
    for disposition, content_type, content in parts:
        chunks += [
            f"--{boundary}\r\n".encode(),
            b"Content-Disposition: form-data; " + disposition + b"\r\n",
            b"Content-Type: " + content_type + b"\r\n\r\n",
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return Request(
        "POST",
        "/api/v1/dossiers",
        {
            "Authorization": f"Bearer {s.citizen_token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        b"".join(chunks),
    )


def lookup_request(token: str, codes: tuple[str, ...], n: int) -> Request:
    return Request(
        "GET", f"/api/v1/dossiers/{codes[n % len(codes)]}", {"Authorization": f"Bearer {token}"}
    )


def dossier_code(body: bytes) -> str | None:
    try:
        return str(json.loads(body)["code"])
    except (ValueError, KeyError, TypeError):
        return None


# --- CPU of the server and of its database backends (Linux /proc; empty elsewhere) ----------


def _cpu_seconds(stat: str) -> float:
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_probe(server_pid: int, db_name: str) -> dict[str, float]:
    """CPU seconds so far of each process of the server's tree ("server:<pid>") and of each
    PostgreSQL backend connected to the database ("db:<pid>")."""
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    backends: list[int] = []
    marker = f" {db_name} ".encode()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # exited meanwhile
        parents[pid] = int(stat[stat.rindex(")") + 2 :].split()[1])
        cpu[pid] = _cpu_seconds(stat)
        if cmdline.startswith(b"postgres: ") and marker in cmdline:
            backends.append(pid)
    tree, grew = {server_pid}, True
    while grew:
        children = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        grew = bool(children)
        tree |= children
    counters = {f"server:{pid}": cpu[pid] for pid in tree if pid in cpu}
    counters.update({f"db:{pid}": cpu[pid] for pid in backends})
    return counters


# --- database and server --------------------------------------------------------------------


def _admin_connect(pg_url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{pg_url}/postgres", autocommit=True)


def database_recreate(pg_url: str, name: str) -> None:
    with _admin_connect(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(pg_url: str, name: str) -> None:
    with _admin_connect(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def run_step(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


@contextmanager
def server(
    env: dict[str, str], port: int, workers: int, log_path: Path, threads: int = 1
) -> Iterator[int]:
    command = [
        GRANIAN, "--interface", "wsgi", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws",
        "motcua.wsgi:application",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole below
        )  # fmt: skip
    try:
        yield proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_until_ready(port: int, log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = http_get(port, "/api/v1/health", timeout=2.0)
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        if status == 404:
            raise RuntimeError(
                "GET /api/v1/health answers 404: mount motcua.api.health.router in "
                'motcua/api/api.py (api.add_router("/v1", health_router))'
            )
        raise RuntimeError(f"GET /api/v1/health answers {status}; see {log_path}")
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {log_path}")


def procedure_papers(port: int, code: str, desk: str) -> tuple[str, ...]:
    status, body = http_get(port, f"/api/v1/procedures/{code}")
    if status != 200:
        raise RuntimeError(f"GET /api/v1/procedures/{code} answered {status}")
    procedure = json.loads(body)
    if desk not in procedure["receiving_units"]:
        raise RuntimeError(f"{code} is not received at {desk}: {procedure['receiving_units']}")
    cases = procedure["cases"]
    case = next((c for c in cases if c["is_default"]), cases[0] if cases else None)
    return tuple(p["code"] for p in (case["papers"] if case else []) if p["code"])


# --- report ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def print_table(results: list[LoadResult]) -> None:
    print(
        f"{'benchmark':<13}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'server CPU':>12}{'db CPU':>9}{'client CPU':>12}"
    )
    print(f"{'':<57}{'ms/req':>12}{'ms/req':>9}{'% of core':>12}")
    for r in results:
        print(
            f"{r.name:<13}{r.requests:>9}{r.rps:>9.1f}{_ms(r.percentile(50)):>9}"
            f"{_ms(r.percentile(99)):>9}{r.errors:>8}{_ms(r.per_request('server') * 1000):>12}"
            f"{_ms(r.per_request('db') * 1000):>9}{r.client_cpu_share:>12.0%}"
        )


def print_targets(
    trivial: LoadResult, submission: LoadResult, lookup: LoadResult, paced: LoadResult, rate: float
) -> None:
    def mark(ok: bool) -> str:
        return "MET" if ok else "NOT MET"

    base = trivial.rps or math.inf
    sub_ratio, lookup_ratio = submission.rps / base, lookup.rps / base
    p99 = paced.percentile(99)
    paced_ok = not math.isnan(p99) and p99 < P99_TARGET_MS and not paced.errors and not paced.unsent
    unsent = f", {paced.unsent} not sent in time" if paced.unsent else ""
    print(
        f"submission / trivial: {sub_ratio:7.1%}  (target >= {SUBMISSION_TARGET:.0%})  "
        f"{mark(sub_ratio >= SUBMISSION_TARGET)}"
    )
    print(
        f"lookup / trivial:     {lookup_ratio:7.1%}  (target >= {LOOKUP_TARGET:.0%})  "
        f"{mark(lookup_ratio >= LOOKUP_TARGET)}"
    )
    print(
        f"submission p99 at {rate:g} req/s: {_ms(p99)} ms  (target < {P99_TARGET_MS:.0f} ms; "
        f"answered {paced.rps:.1f}/s{unsent})  {mark(paced_ok)}"
    )


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per benchmark (default 10)")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections (8)")
    parser.add_argument("--rate", type=float, default=50.0, help="paced submissions/s (50)")
    parser.add_argument("--workers", type=int, default=4, help="granian worker processes (4)")
    parser.add_argument(
        "--threads", type=int, default=1, help="granian WSGI threads per worker (1, as make run)"
    )
    parser.add_argument("--quick", action="store_true", help="2 s per benchmark (smoke run)")
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL"
    )
    parser.add_argument("--db-name", default="motcua_bench", help="dropped and created")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.db_name) or "bench" not in args.db_name:
        parser.error(
            "--db-name: lowercase letters, digits and _, containing 'bench' (it is dropped)"
        )
    if args.quick:
        args.seconds = 2.0
    if not (0 < args.seconds <= 600 and 1 <= args.concurrency <= 64 and 0 < args.rate <= 1000):
        parser.error("--seconds in (0, 600], --concurrency in [1, 64], --rate in (0, 1000]")
    return args


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, workdir: Path) -> int:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "motcua.settings"),
        "DATABASE_URL": f"{args.pg}/{args.db_name}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MOTCUA_VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TASKS_BACKEND", None)  # the database backend, as in production
    (workdir / "static").mkdir()
    print(f"database {args.db_name}: create, migrate, load_demo …", flush=True)
    database_recreate(args.pg, args.db_name)
    run_step([PY, "manage.py", "migrate", "--noinput"], env, "migrate")
    run_step([PY, "manage.py", "load_demo"], env, "load_demo")
    setup = json.loads(
        run_step([PY, "bench/_one_stop_setup.py"], env, "setup").strip().splitlines()[-1]
    )
    log_path = workdir / "server.log"
    with server(env, port, args.workers, log_path, args.threads) as server_pid:
        wait_until_ready(port, log_path)
        scenario = Scenario(
            procedure_code=setup["procedure_code"],
            desk=setup["desk"],
            papers=procedure_papers(port, setup["procedure_code"], setup["desk"]),
            counter_token=setup["counter_token"],
            citizen_token=setup["citizen_token"],
        )
        print(
            f"granian --workers {args.workers} --blocking-threads {args.threads} on {HOST}:{port}; "
            "procedure "
            f"{scenario.procedure_code} at {scenario.desk}; {args.seconds:g} s each, "
            f"{args.concurrency} connections; {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
        timeout = args.seconds * 4 + 120
        probe = functools.partial(cpu_probe, server_pid, args.db_name)
        warmup = min(1.0, args.seconds / 4)

        def closed(name: str, make_request: object, **extra: object) -> LoadResult:
            result = run_in_process(
                closed_loop, timeout, name=name, port=port, make_request=make_request,
                concurrency=args.concurrency, seconds=args.seconds, warmup_seconds=warmup,
                probe=probe, **extra,
            )  # fmt: skip
            print(f"  {name}: {result.requests} requests, {result.rps:.1f}/s", flush=True)
            return result

        trivial = closed("trivial", health_request)
        intake = closed("intake", functools.partial(intake_request, scenario, 1), keep=dossier_code)
        submission = closed(
            "submission", functools.partial(submission_request, scenario, 2), keep=dossier_code
        )
        codes = tuple((intake.kept + submission.kept)[:MAX_LOOKUP_CODES])
        if not codes:
            raise RuntimeError(
                "no dossier was created; first errors: "
                f"{intake.first_error or '-'} / {submission.first_error or '-'}"
            )
        lookup = closed("lookup", functools.partial(lookup_request, scenario.counter_token, codes))
        paced = run_in_process(
            open_loop, timeout, name=f"sub@{args.rate:g}rps", port=port,
            make_request=functools.partial(submission_request, scenario, 3),
            rate=args.rate, seconds=args.seconds, connections=max(16, args.concurrency),
            probe=probe,
        )  # fmt: skip
        print(f"  {paced.name}: {paced.requests} requests", flush=True)
    results = [trivial, intake, submission, lookup, paced]
    print(f"load average after: {os.getloadavg()[0]:.1f} (other work on the machine skews figures)")
    print()
    print_table(results)
    print()
    print_targets(trivial, submission, lookup, paced, args.rate)
    failed = [r for r in results if r.error_rate > ERROR_LIMIT]
    for r in failed:
        print(
            f"{r.name}: {r.errors}/{r.requests} failed {dict(r.statuses)}; first: {r.first_error}",
            file=sys.stderr,
        )
    if failed:
        print(f"server log: {log_path} (kept)", file=sys.stderr)
    return 1 if failed else 0


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    keep_workdir = False
    try:
        status = run(args, workdir)
        keep_workdir = status != 0
        return status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:
        keep_workdir = True
        raise
    finally:
        try:
            database_drop(args.pg, args.db_name)
        except Exception as exc:  # the database may not exist yet
            print(f"could not drop {args.db_name}: {exc}", file=sys.stderr)
        if keep_workdir:
            print(f"kept {workdir} (server log, media)", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
