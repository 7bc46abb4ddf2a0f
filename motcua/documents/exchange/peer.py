"""MotCua-to-MotCua exchange: one deployment posts an edXML package to another's inbox.

    POST {peer base URL}/api/v1/documents/exchange/inbox[?recipient=<agency code>]
    Content-Type: application/xml
    X-Exchange-System / -Timestamp / -Nonce / -Content-SHA256 / -Signature  (signing.py)
    body: the edXML package, a document or a status package

The receiver checks the signature with the secret it shares with the sending system, checks
that the package's From is one of that system's agencies, and answers 201 with the record it
made ({"id", "kind", "document_id", ...}) or 200 with the same record when it already had the
package (receipt is idempotent, keyed by the package's DocumentId and, for a status package, its
status code: sending again after a lost answer is harmless). 4xx answers are final (refused
signature, a package that is not valid, addressed to none of its agencies); network errors,
timeouts, 429 and 5xx are retried by the sender with exponential back-off
(`backoff(attempts)`; the retry loop is a django-tasks task, motcua.documents.tasks_exchange).

Peers are rows of documents.ExchangePeer (base URL, the system id we sign with there, the
system id it signs with here, a reference to the shared secret: `env:NAME` or `file:/path`);
the agencies it hosts are the directory's Agency rows pointing at it. `Peer` is the plain form
the client needs (tests build it directly).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlencode

import requests

from motcua.documents.exchange.signing import sha256_file, sha256_hex, sign_request

if TYPE_CHECKING:
    from motcua.documents.models import ExchangePeer

INBOX_PATH = "/api/v1/documents/exchange/inbox"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4, 8 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


class PeerError(Exception):
    def __init__(
        self, message: str, *, retryable: bool, status: int | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Peer:
    """Another MotCua deployment: the base URL of its site, the system id we sign with when we
    post to it, the system id it signs with when it posts to us, the secret shared with it (both
    directions) and the agency codes it hosts."""

    base_url: str
    our_system_id: str
    peer_system_id: str
    secret: str = field(repr=False)
    agency_codes: tuple[str, ...] = ()
    pk: int | None = None

    @property
    def inbox_url(self) -> str:
        return f"{self.base_url.rstrip('/')}{INBOX_PATH}"

    def hosts(self, agency_code: str) -> bool:
        return agency_code in self.agency_codes


@dataclass(frozen=True)
class PeerReceipt:
    """The receiver's answer: `created` (201) or already had it (200), and its record."""

    created: bool
    record: Mapping[str, Any]


def secret_from_ref(ref: str) -> str:
    """The secret a reference points at: `env:NAME` or `file:/path` (its first line)."""
    kind, _sep, value = ref.partition(":")
    if kind == "env":
        secret = os.environ.get(value, "")
    elif kind == "file":
        try:
            secret = Path(value).read_text().splitlines()[0] if value else ""
        except (OSError, IndexError):
            secret = ""
    else:
        raise PeerError(
            f"unknown secret reference {ref!r}: use env:NAME or file:/path", retryable=False
        )
    if not secret.strip():
        raise PeerError(f"the secret {ref!r} is not set on this server", retryable=False)
    return secret.strip()


def peer_from_row(row: ExchangePeer) -> Peer:
    return Peer(
        base_url=row.base_url,
        our_system_id=row.system_id,
        peer_system_id=row.peer_system_id,
        secret=secret_from_ref(row.secret_ref),
        agency_codes=tuple(row.agencies.values_list("organ_id", flat=True)),
        pk=row.pk,
    )


def peer_by_system_id(system_id: str) -> Peer | None:
    """The active peer that signs as `system_id` (None: unknown, or its secret is not set)."""
    from motcua.documents.models import ExchangePeer

    row = ExchangePeer.objects.filter(peer_system_id=system_id, active=True).first()
    if row is None:
        return None
    try:
        return peer_from_row(row)
    except PeerError:
        return None


def peer_for_agency(organ_id: str) -> Peer | None:
    """The active peer hosting the agency `organ_id`, per the directory."""
    from motcua.documents.models import ExchangePeer

    row = ExchangePeer.objects.filter(agencies__organ_id=organ_id, active=True).first()
    return peer_from_row(row) if row is not None else None


class PeerClient:
    def __init__(
        self,
        peer: Peer,
        *,
        session: requests.Session | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.peer = peer
        self.session = session  # None: a connection of its own for each delivery, closed after
        self.timeout = (connect_timeout, read_timeout)

    def __enter__(self) -> PeerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def deliver(self, package: bytes | IO[bytes], *, recipient: str = "") -> PeerReceipt:
        """Post one package (bytes, or a seekable binary file streamed from its current
        position) to the peer's inbox, for the agency `recipient` if given."""
        url = self.peer.inbox_url + (f"?{urlencode({'recipient': recipient})}" if recipient else "")
        digest = sha256_hex(package) if isinstance(package, bytes) else sha256_file(package)
        headers = sign_request(
            method="POST",
            url=url,
            system_id=self.peer.our_system_id,
            secret=self.peer.secret,
            content_sha256=digest,
        )
        headers["Content-Type"] = "application/xml"
        headers["Accept"] = "application/json"
        status, text = self._post(url, package, headers)
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        if not isinstance(body, Mapping):
            body = {}
        if status in (200, 201):
            return PeerReceipt(created=status == 201, record=body)
        error = body.get("error") if isinstance(body.get("error"), Mapping) else {}
        raise PeerError(
            f"{self.peer.base_url}: HTTP {status} {error.get('message') or text[:200]}".strip(),
            retryable=status == 429 or status >= 500,
            status=status,
            code=str(error.get("code", "")),
        )

    def _post(
        self, url: str, package: bytes | IO[bytes], headers: dict[str, str]
    ) -> tuple[int, str]:
        """The HTTP exchange: the status and the text of the answer, the connection released
        (and closed, with a session of its own) before anything is raised."""
        session = self.session or requests.Session()
        try:
            with session.post(
                url, data=package, headers=headers, timeout=self.timeout, allow_redirects=False
            ) as response:
                return response.status_code, response.text
        except requests.RequestException as exc:
            raise PeerError(f"{self.peer.base_url}: {exc}", retryable=True) from exc
        finally:
            if self.session is None:  # one package per delivery: no connection kept open
                session.close()
