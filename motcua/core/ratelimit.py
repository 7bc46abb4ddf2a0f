"""Rate limits shared by every web process: fixed windows counted in the database.

    result = rate_limit_check(("login.ip", client_ip(request)), ("login.username", name))
    if not result.allowed:
        return rate_limited_response(request, result)  # 429 with Retry-After

or, for one counter per client address, the `@rate_limit("tracking.ip")` view decorator.

Each (scope, key) has one `RateLimitCounter` row per window, incremented by a single upsert
(INSERT … ON CONFLICT … DO UPDATE SET count = count + 1 RETURNING count, PostgreSQL and
SQLite ≥ 3.35), so requests served at the same time by several processes never lose a count
and no process keeps state of its own. The limits are settings.MOTCUA_RATE_LIMITS (scope ->
(attempts, window seconds)); with MOTCUA_RATE_LIMITS_ENABLED off nothing is counted or queried.
Keys are stored as keyed hashes (HMAC with SECRET_KEY): the table holds no addresses, login
names or phone numbers.

Count outside a transaction, as views run (autocommit): a count made inside a transaction that
rolls back is lost, and on PostgreSQL the counter row would stay locked until the end of it.

Counters of windows that have ended are deleted by `rate_limit_purge`: by each process on the
fly, at most every five minutes, when a request opens a new window; and by
`manage.py purge_rate_limits` (for a cron job, if you like).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from motcua.core.errors import DomainError
from motcua.core.middleware import domain_error_page
from motcua.core.ratelimit_models import RateLimitCounter

View = Callable[..., HttpResponseBase]

# A process deletes the ended windows at most this often (when it opens a new window).
PURGE_EVERY_SECONDS = 300.0
_last_purge = -math.inf  # time.monotonic() of this process's last purge

MAX_SCOPE_LENGTH = 59  # the key column holds "<scope>:" and 40 hexadecimal digits


@dataclass(frozen=True)
class Hit:
    """One counted request, enough to give it back (`rate_limit_undo`)."""

    counter_key: str
    window_start: dt.datetime


@dataclass(frozen=True)
class RateLimitResult:
    """`allowed`, or refused by `scope` for `retry_after` more seconds (the rest of its window).

    `count` and `limit` are those of the refusing counter (of the last counter when allowed);
    `hits` are the requests counted, which `rate_limit_undo` gives back."""

    allowed: bool
    retry_after: int = 0
    scope: str = ""
    count: int = 0
    limit: int = 0
    hits: tuple[Hit, ...] = ()


# --- counting -----------------------------------------------------------------------------


def counter_key(scope: str, key: str) -> str:
    if len(scope) > MAX_SCOPE_LENGTH:
        raise ValueError(f"rate limit scope longer than {MAX_SCOPE_LENGTH} characters: {scope}")
    digest = salted_hmac("motcua.core.ratelimit", key, algorithm="sha256").hexdigest()
    return f"{scope}:{digest[:40]}"


def window_of(now: dt.datetime, window_seconds: int) -> tuple[dt.datetime, dt.datetime]:
    """The fixed window holding `now`: windows start at multiples of their length (UTC)."""
    start = int(now.timestamp()) // window_seconds * window_seconds
    window_start = dt.datetime.fromtimestamp(start, tz=dt.UTC)
    return window_start, window_start + dt.timedelta(seconds=window_seconds)


def _increment(key: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
    """The window's new count, in one statement: the upsert takes the row lock for the length
    of the statement, so concurrent increments queue and each returns its own count."""
    qn = connection.ops.quote_name
    table = qn(RateLimitCounter._meta.db_table)
    key_col, start_col, expires_col, count_col = map(
        qn, ("key", "window_start", "expires_at", "count")
    )
    sql = (
        f"INSERT INTO {table} ({key_col}, {start_col}, {expires_col}, {count_col}) "  # noqa: S608 - our table and columns
        f"VALUES (%s, %s, %s, 1) ON CONFLICT ({key_col}, {start_col}) "
        f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, adapt(window_start), adapt(expires_at)])
        row = cursor.fetchone()
    return int(row[0])


def rate_limit_hit(
    scope: str, key: str, limit: int, window_seconds: int, *, now: dt.datetime | None = None
) -> RateLimitResult:
    """Counts one request of `key` (an address, a login name, …) in `scope`; allowed while the
    window's count is at most `limit`. Always counts, whatever the settings say."""
    now = now or timezone.now()
    window_start, expires_at = window_of(now, window_seconds)
    hit = Hit(counter_key(scope, key), window_start)
    count = _increment(hit.counter_key, window_start, expires_at)
    if count == 1:
        _purge_now_and_then(now)
    allowed = count <= limit
    retry_after = 0 if allowed else max(1, math.ceil((expires_at - now).total_seconds()))
    return RateLimitResult(
        allowed=allowed,
        retry_after=retry_after,
        scope=scope,
        count=count,
        limit=limit,
        hits=(hit,),
    )


def limit_for(scope: str) -> tuple[int, int] | None:
    """(attempts, window seconds) of `scope` from the settings; None: not limited."""
    if not getattr(settings, "MOTCUA_RATE_LIMITS_ENABLED", True):
        return None
    limit: tuple[int, int] | None = getattr(settings, "MOTCUA_RATE_LIMITS", {}).get(scope)
    return limit


def rate_limit_check(*checks: tuple[str, str], now: dt.datetime | None = None) -> RateLimitResult:
    """Counts one request against each (scope, key) in turn, with the limits of the settings,
    and stops at the first one over its limit: that refusal is the result. A scope without a
    limit (or all of them, when limits are off) and an empty key cost no query."""
    hits: list[Hit] = []
    last = RateLimitResult(allowed=True)
    for scope, key in checks:
        limit = limit_for(scope)
        if limit is None or not key:
            continue
        last = rate_limit_hit(scope, key, *limit, now=now)
        hits.extend(last.hits)
        if not last.allowed:
            break
    return replace(last, hits=tuple(hits))


def rate_limit_undo(result: RateLimitResult) -> None:
    """Gives back the requests `result` counted: a login that succeeded, a code that was not
    sent after all."""
    for hit in result.hits:
        RateLimitCounter.objects.filter(
            key=hit.counter_key, window_start=hit.window_start, count__gt=0
        ).update(count=F("count") - 1)


def rate_limit_purge(*, now: dt.datetime | None = None) -> int:
    """Deletes the counters of the windows that have ended (one DELETE over the expiry index);
    returns how many."""
    deleted, _by_model = RateLimitCounter.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


def _purge_now_and_then(now: dt.datetime) -> None:
    global _last_purge
    if time.monotonic() - _last_purge < PURGE_EVERY_SECONDS:
        return
    _last_purge = time.monotonic()
    rate_limit_purge(now=now)


# --- requests -------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with MOTCUA_TRUSTED_PROXY_COUNT = N reverse
    proxies in front, the N-th address from the right of X-Forwarded-For (each proxy appends
    the address it received the request from; what a client writes itself stays on the left).

    IPv6 clients count per /64, the block one subscriber gets."""
    address = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "MOTCUA_TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def rate_limit_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return ngettext(
        "Too many attempts in a short time. Try again in %(minutes)d minute.",
        "Too many attempts in a short time. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class RateLimited(DomainError):
    """Over a rate limit: HTTP 429 with Retry-After (pages and the API alike)."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(rate_limit_message(retry_after))
        self.retry_after = max(1, retry_after)
        self.headers = {"Retry-After": str(self.retry_after), "Cache-Control": "private, no-store"}


def rate_limited_response(request: HttpRequest, result: RateLimitResult) -> HttpResponse:
    """The error page in the user's language, HTTP 429, Retry-After."""
    return domain_error_page(request, RateLimited(result.retry_after))


def rate_limit(
    scope: str,
    *,
    methods: Collection[str] = ("POST",),
    key: Callable[[HttpRequest], str] = client_ip,
) -> Callable[[View], View]:
    """Counts the view's `methods` requests (form submissions by default: showing the form is
    free) per `key` (the client address by default) and answers 429 over the limit."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in methods:
                result = rate_limit_check((scope, key(request)))
                if not result.allowed:
                    return rate_limited_response(request, result)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
