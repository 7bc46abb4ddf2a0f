"""A small HTTP load generator for the benchmarks (stdlib only; 127.0.0.1 only).

Run it in a process of its own (see `run_in_process`) so that the client's CPU time is not
spent inside the measured server. Each worker thread keeps one persistent HTTP/1.1 connection
(http.client). Two shapes:

- `closed_loop`: `concurrency` workers send back to back for `seconds`; throughput and latency.
- `open_loop`: requests are due at a fixed rate whatever the answers; a request's latency is
  counted from the moment it was due, so a server that falls behind shows it in p99 (no
  coordinated omission).

Every loop is bounded by time and by a request count.
"""

from __future__ import annotations

import http.client
import itertools
import math
import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOCALHOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0  # seconds, per request
ERROR_SAMPLE_BYTES = 300


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


# make_request(n) -> Request, n = 0, 1, 2 … unique within one load run.
MakeRequest = Callable[[int], Request]
# keep(body) -> a string to hand back to the caller (e.g. the code of a created dossier).
Keep = Callable[[bytes], str | None]
# probe() -> growing counters keyed "group:item", e.g. {"server:1234": CPU seconds of process
# 1234}. Read every PROBE_INTERVAL during the measured window; the result holds, per group, how
# much its items grew (an item that appears meanwhile counts from 0, one that vanishes keeps
# its last reading).
Probe = Callable[[], dict[str, float]]
PROBE_INTERVAL = 0.5


@dataclass
class LoadResult:
    name: str
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)
    first_error: str = ""
    unsent: int = 0  # open loop: requests not sent before the time bound
    client_cpu: float = 0.0  # CPU seconds the load process spent (all threads)
    probed: dict[str, float] = field(default_factory=dict)  # growth per probe group

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds (nan when none)."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1]

    def per_request(self, key: str) -> float:
        """A probed counter divided by the requests (nan when not probed)."""
        if key not in self.probed or not self.requests:
            return math.nan
        return self.probed[key] / self.requests

    @property
    def client_cpu_share(self) -> float:
        """The load generator's CPU use, as a share of one core over the run."""
        return self.client_cpu / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 1.0


class _Recorder:
    """Collects one run's outcomes from several threads."""

    def __init__(self, name: str, keep: Keep | None) -> None:
        self.result = LoadResult(name=name)
        self.keep = keep
        self.lock = threading.Lock()

    def record(self, latency_s: float, status: int | None, body: bytes, error: str = "") -> None:
        ok = status is not None and 200 <= status < 300
        kept = self.keep(body) if ok and self.keep is not None else None
        with self.lock:
            r = self.result
            r.requests += 1
            r.latencies_ms.append(latency_s * 1000.0)
            r.statuses[str(status) if status is not None else "exception"] += 1
            if not ok:
                r.errors += 1
                if not r.first_error:
                    r.first_error = error or f"HTTP {status}: {body[:ERROR_SAMPLE_BYTES]!r}"
            if kept:
                r.kept.append(kept)


def _send(conn: http.client.HTTPConnection, req: Request) -> tuple[int, bytes]:
    conn.request(req.method, req.path, body=req.body, headers=req.headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


class _Worker:
    """One thread's persistent connection; reconnects after a failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(LOCALHOST, port, timeout=REQUEST_TIMEOUT)

    def call(self, req: Request) -> tuple[int | None, bytes, str]:
        try:
            status, body = _send(self.conn, req)
            return status, body, ""
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection(LOCALHOST, self.port, timeout=REQUEST_TIMEOUT)
            return None, b"", f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        self.conn.close()


def closed_loop(
    *,
    name: str,
    port: int,
    make_request: MakeRequest,
    concurrency: int,
    seconds: float,
    warmup_seconds: float = 0.0,
    max_requests: int = 1_000_000,
    keep: Keep | None = None,
    probe: Probe | None = None,
) -> LoadResult:
    """`concurrency` workers, each sending its next request as soon as the last one answered.

    A warm-up of `warmup_seconds` (same requests, not recorded) opens the connections first.
    """
    numbers = itertools.count()  # next() is atomic under the GIL: unique request numbers
    measured = itertools.count()
    workers = [_Worker(port) for _ in range(concurrency)]
    recorder = _Recorder(name, keep)
    warm_until = time.perf_counter() + warmup_seconds
    warmed = threading.Barrier(concurrency + 1)
    go = threading.Event()
    window: dict[str, float] = {}

    def run(worker: _Worker) -> None:
        while time.perf_counter() < warm_until:
            worker.call(make_request(next(numbers)))
        warmed.wait(timeout=warmup_seconds + REQUEST_TIMEOUT * 2)
        go.wait(timeout=REQUEST_TIMEOUT)
        deadline = window["deadline"]
        while time.perf_counter() < deadline and next(measured) < max_requests:
            req = make_request(next(numbers))
            began = time.perf_counter()
            status, body, error = worker.call(req)
            recorder.record(time.perf_counter() - began, status, body, error)

    threads = [threading.Thread(target=run, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    # Measurement starts once every worker has finished its warm-up.
    warmed.wait(timeout=warmup_seconds + REQUEST_TIMEOUT * 2)
    sampler = _Sampler(probe)
    cpu = time.process_time()
    began = time.perf_counter()
    window["deadline"] = began + seconds
    go.set()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT * 2)
    recorder.result.elapsed = time.perf_counter() - began
    recorder.result.client_cpu = time.process_time() - cpu
    recorder.result.probed = sampler.stop()
    for w in workers:
        w.close()
    return recorder.result


def open_loop(
    *,
    name: str,
    port: int,
    make_request: MakeRequest,
    rate: float,
    seconds: float,
    connections: int = 16,
    keep: Keep | None = None,
    probe: Probe | None = None,
) -> LoadResult:
    """rate × seconds requests, the i-th due at start + i / rate; latency counted from when due.

    A server slower than `rate` makes requests wait for a free connection (that wait is part of
    their latency); none is sent later than 3 × seconds + 30 s after the start (`unsent`).
    """
    total = max(1, round(rate * seconds))
    numbers = itertools.count()
    workers = [_Worker(port) for _ in range(connections)]
    recorder = _Recorder(name, keep)
    start = time.perf_counter() + 0.2  # let every thread reach its first wait
    send_until = start + 3 * seconds + 30
    unsent = itertools.count()

    def run(worker: _Worker) -> None:
        while True:
            n = next(numbers)
            if n >= total:
                return
            due = start + n / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            elif time.perf_counter() > send_until:
                next(unsent)
                continue
            req = make_request(n)
            status, body, error = worker.call(req)
            recorder.record(time.perf_counter() - due, status, body, error)

    sampler = _Sampler(probe)
    cpu = time.process_time()
    threads = [threading.Thread(target=run, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, send_until - time.perf_counter()) + REQUEST_TIMEOUT + 1)
    recorder.result.elapsed = time.perf_counter() - start
    recorder.result.client_cpu = time.process_time() - cpu
    recorder.result.probed = sampler.stop()
    recorder.result.unsent = next(unsent)
    for w in workers:
        w.close()
    return recorder.result


class _Sampler:
    """Reads `probe` now, every PROBE_INTERVAL in a thread, and once more at `stop()`."""

    def __init__(self, probe: Probe | None) -> None:
        self.probe = probe
        self.first: dict[str, float] = probe() if probe else {}
        self.last = dict(self.first)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        if probe:
            self.thread.start()

    def _read(self) -> None:
        if self.probe is not None:
            self.last.update(self.probe())

    def _run(self) -> None:
        while not self.done.wait(PROBE_INTERVAL):
            self._read()

    def stop(self) -> dict[str, float]:
        if self.probe is None:
            return {}
        self.done.set()
        self.thread.join(timeout=5)
        self._read()
        growth: dict[str, float] = {}
        for key, value in self.last.items():
            group = key.partition(":")[0]
            growth[group] = growth.get(group, 0.0) + value - self.first.get(key, 0.0)
        return growth


# --- running a load in a separate process ---------------------------------------------------


def _child(conn: Any, fn: Callable[..., LoadResult], kwargs: dict[str, Any]) -> None:
    try:
        conn.send(("ok", fn(**kwargs)))
    except BaseException as exc:  # report anything, including KeyboardInterrupt
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_in_process(fn: Callable[..., LoadResult], timeout: float, **kwargs: Any) -> LoadResult:
    """Run `fn(**kwargs)` in a fresh (spawned) process and return its result.

    `fn` and every argument must be picklable: module-level functions, functools.partial of
    them, plain data.
    """
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, kwargs), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise TimeoutError(f"the load process did not finish within {timeout:.0f} s")
        outcome, payload = parent.recv()
    finally:
        if proc.is_alive():
            proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
        parent.close()
    if outcome != "ok":
        raise RuntimeError(f"load process failed: {payload}")
    return payload  # type: ignore[no-any-return]
