"""A progress line for long management commands: "\\r12,345/272,000 (45%) 2,100/s" on stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """ "\\r12,345/272,000 (45%) 2,100/s" on a terminal (stderr)."""

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "") -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.started = time.monotonic()
        self._last = 0.0

    def advance(self, n: int = 1, *, force: bool = False) -> None:
        self.done += n
        now = time.monotonic()
        if not force and now - self._last < 0.2 and self.done < self.total:
            return
        self._last = now
        rate = self.done / max(now - self.started, 1e-6)
        pct = 100 * self.done // self.total if self.total else 100
        self.stream.write(
            f"\r{self.label}{self.done:,}/{self.total:,} ({pct}%) {rate:,.0f}/s".ljust(48)
        )
        self.stream.flush()

    def finish(self) -> float:
        self.advance(0, force=True)
        self.stream.write("\n")
        self.stream.flush()
        return time.monotonic() - self.started
