"""HMAC-SHA256 request signatures, for both exchange protocols (the national axis / provincial
LGSP, and MotCua-to-MotCua peers).

Each system has an id and a secret it shares with the other side. A signed request carries:

    X-Exchange-System          the sender's system id
    X-Exchange-Timestamp       Unix time in seconds (UTC) when it was signed
    X-Exchange-Nonce           a random value, never used twice by the same system
    X-Exchange-Content-SHA256  hex SHA-256 of the request body (of b"" when there is none)
    X-Exchange-Signature       hex HMAC-SHA256(secret, canonical string)

The canonical string is these lines joined by "\\n":

    MOTCUA-HMAC-SHA256
    <METHOD in capitals>
    <path, percent-encoded as sent>
    <query: key=value pairs, percent-encoded, sorted, joined by "&" ("" if none)>
    <timestamp>
    <nonce>
    <content SHA-256>
    <system id>

The receiver (`verify_headers`, then `SignedHeaders.check_body`) refuses a request whose
headers are missing, whose system is unknown, whose timestamp is more than five minutes away
from its clock, whose signature does not match (compared in constant time), whose nonce it has
already seen from that system, or whose body is not the one signed. The headers are verified
before the body is read, so an unsigned sender cannot make the receiver hash a large body; the
body's hash is compared once it has been read (streamed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Protocol
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

ALGORITHM = "MOTCUA-HMAC-SHA256"
SYSTEM_HEADER = "X-Exchange-System"
TIMESTAMP_HEADER = "X-Exchange-Timestamp"
NONCE_HEADER = "X-Exchange-Nonce"
CONTENT_HEADER = "X-Exchange-Content-SHA256"
SIGNATURE_HEADER = "X-Exchange-Signature"
SIGNED_HEADERS = (SYSTEM_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, CONTENT_HEADER, SIGNATURE_HEADER)

MAX_SKEW_SECONDS = 300
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
CHUNK = 1024 * 1024


class SignatureError(Exception):
    """A request whose signature is refused; `reason` is one of: missing_header, bad_header,
    unknown_system, stale, bad_signature, replay, body_mismatch."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# --- hashing ------------------------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(stream: IO[bytes]) -> str:
    """SHA-256 of a seekable binary file from its current position to its end, read in
    chunks; the position is put back where it was."""
    start = stream.tell()
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(start)
    return digest.hexdigest()


# --- the canonical string ---------------------------------------------------------------------


def canonical_query(query: str) -> str:
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return urlencode(pairs, quote_via=quote, safe="-_.~")


def canonical_path(path: str) -> str:
    """The path percent-encoded once, the same whether it arrives decoded (Django's
    request.path) or encoded (a URL)."""
    return quote(unquote(path or "/"), safe="/-_.~")


def string_to_sign(
    *,
    method: str,
    path: str,
    query: str,
    timestamp: str,
    nonce: str,
    content_sha256: str,
    system_id: str,
) -> str:
    return "\n".join(
        [
            ALGORITHM,
            method.upper(),
            canonical_path(path),
            canonical_query(query),
            timestamp,
            nonce,
            content_sha256.lower(),
            system_id,
        ]
    )


def signature(secret: str | bytes, message: str) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


# --- the sending side -----------------------------------------------------------------------


def sign_request(
    *,
    method: str,
    url: str,
    system_id: str,
    secret: str | bytes,
    content_sha256: str = EMPTY_SHA256,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The five headers that sign a request to `url` (its path and query are signed)."""
    parts = urlsplit(url)
    timestamp = str(int(now if now is not None else time.time()))
    nonce = nonce or secrets.token_hex(16)
    message = string_to_sign(
        method=method,
        path=parts.path,
        query=parts.query,
        timestamp=timestamp,
        nonce=nonce,
        content_sha256=content_sha256,
        system_id=system_id,
    )
    return {
        SYSTEM_HEADER: system_id,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        CONTENT_HEADER: content_sha256.lower(),
        SIGNATURE_HEADER: signature(secret, message),
    }


# --- replay protection ----------------------------------------------------------------------


class NonceStore(Protocol):
    def remember(self, system_id: str, nonce: str, *, ttl_seconds: int) -> bool:
        """Record the nonce; False if it was already recorded (a replay)."""
        ...


class MemoryNonceStore:
    """For one process (the stand-in servers of the tests)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def remember(self, system_id: str, nonce: str, *, ttl_seconds: int) -> bool:
        now = time.monotonic()
        with self._lock:
            for key, expires in list(self._seen.items()):
                if expires <= now:
                    del self._seen[key]
            if (system_id, nonce) in self._seen:
                return False
            self._seen[(system_id, nonce)] = now + ttl_seconds
            return True


class CacheNonceStore:
    """Django's cache (`cache.add` is atomic in the database, Redis and Memcached back-ends).
    With several web processes the cache must be shared between them (settings
    MOTCUA_EXCHANGE_NONCE_CACHE names the cache alias, "default" if unset): a per-process
    local-memory cache only refuses replays that reach the same process."""

    def __init__(self, alias: str | None = None) -> None:
        self.alias = alias

    def remember(self, system_id: str, nonce: str, *, ttl_seconds: int) -> bool:
        from django.conf import settings
        from django.core.cache import caches

        alias = str(self.alias or getattr(settings, "MOTCUA_EXCHANGE_NONCE_CACHE", "default"))
        digest = hashlib.sha256(f"{system_id}\n{nonce}".encode()).hexdigest()
        return bool(caches[alias].add(f"exchange-nonce:{digest}", 1, timeout=ttl_seconds))


# --- the receiving side ---------------------------------------------------------------------


@dataclass(frozen=True)
class SignedHeaders:
    """Headers whose signature was verified; the body still has to match `content_sha256`."""

    system_id: str
    timestamp: int
    nonce: str
    content_sha256: str

    def check_body(self, actual_sha256: str) -> None:
        if not hmac.compare_digest(actual_sha256.lower(), self.content_sha256):
            raise SignatureError("body_mismatch", "the body is not the one that was signed")


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case (a plain dict from a stand-in server, or Django's
    case-insensitive request.headers)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return (value or "").strip()


def verify_headers(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    secret_for: Callable[[str], str | bytes | None],
    nonces: NonceStore,
    now: float | None = None,
    max_skew: int = MAX_SKEW_SECONDS,
) -> SignedHeaders:
    """Check a request's signature headers; returns them, or raises SignatureError.

    `secret_for(system_id)` gives the secret shared with that system (None: unknown)."""
    values = {name: header(headers, name) for name in SIGNED_HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise SignatureError("missing_header", ", ".join(missing))
    system_id = values[SYSTEM_HEADER]
    try:
        timestamp = int(values[TIMESTAMP_HEADER])
    except ValueError:
        raise SignatureError("bad_header", TIMESTAMP_HEADER) from None
    content_sha256 = values[CONTENT_HEADER].lower()
    if len(content_sha256) != 64 or not _is_hex(content_sha256):
        raise SignatureError("bad_header", CONTENT_HEADER)
    clock = now if now is not None else time.time()
    if abs(clock - timestamp) > max_skew:
        raise SignatureError("stale", f"timestamp {timestamp} is {int(clock - timestamp)} s off")
    secret = secret_for(system_id)
    if not secret:
        raise SignatureError("unknown_system", system_id)
    expected = signature(
        secret,
        string_to_sign(
            method=method,
            path=path,
            query=query,
            timestamp=values[TIMESTAMP_HEADER],
            nonce=values[NONCE_HEADER],
            content_sha256=content_sha256,
            system_id=system_id,
        ),
    )
    if not hmac.compare_digest(expected, values[SIGNATURE_HEADER].lower()):
        raise SignatureError("bad_signature")
    # Only a correctly signed request spends its nonce; it is kept as long as its timestamp
    # would be accepted, after which the timestamp check refuses the replay.
    if not nonces.remember(system_id, values[NONCE_HEADER], ttl_seconds=2 * max_skew + 1):
        raise SignatureError("replay", "nonce already used")
    return SignedHeaders(
        system_id=system_id,
        timestamp=timestamp,
        nonce=values[NONCE_HEADER],
        content_sha256=content_sha256,
    )


def _is_hex(value: str) -> bool:
    return all(c in "0123456789abcdef" for c in value)


def secrets_lookup(pairs: Iterable[tuple[str, str]]) -> Callable[[str], str | None]:
    """`secret_for` from (system id, secret) pairs."""
    table = dict(pairs)
    return table.get
