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

Peers are configured (for now) in settings.MOTCUA_EXCHANGE_PEERS:

    MOTCUA_EXCHANGE_SYSTEM_ID = "motcua-camau"          # how we sign
    MOTCUA_EXCHANGE_PEERS = [{"system_id": "motcua-baclieu", "base_url": "https://...",
                              "secret": "...", "agency_codes": ["000.00.00.H05", ...]}]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import urlencode

import requests

from motcua.documents.exchange.signing import sha256_file, sha256_hex, sign_request

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
    """Another MotCua deployment: its system id, the base URL of its site, the secret shared
    with it (both directions) and the agency codes it hosts."""

    system_id: str
    base_url: str
    secret: str = field(repr=False)
    agency_codes: tuple[str, ...] = ()

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


def our_system_id() -> str:
    from django.conf import settings

    return str(getattr(settings, "MOTCUA_EXCHANGE_SYSTEM_ID", "") or "")


def peers_configured() -> list[Peer]:
    from django.conf import settings

    return [peer_from_dict(entry) for entry in getattr(settings, "MOTCUA_EXCHANGE_PEERS", [])]


def peer_from_dict(entry: Mapping[str, Any]) -> Peer:
    return Peer(
        system_id=str(entry["system_id"]),
        base_url=str(entry["base_url"]),
        secret=str(entry["secret"]),
        agency_codes=tuple(str(code) for code in entry.get("agency_codes", ())),
    )


def peer_by_system(system_id: str, peers: Iterable[Peer] | None = None) -> Peer | None:
    return next((p for p in (peers or peers_configured()) if p.system_id == system_id), None)


def peer_for_agency(agency_code: str, peers: Iterable[Peer] | None = None) -> Peer | None:
    return next((p for p in (peers or peers_configured()) if p.hosts(agency_code)), None)


class PeerClient:
    def __init__(
        self,
        peer: Peer,
        *,
        system_id: str | None = None,
        session: requests.Session | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.peer = peer
        self.system_id = system_id or our_system_id()
        if not self.system_id:
            raise PeerError("MOTCUA_EXCHANGE_SYSTEM_ID is not set", retryable=False)
        self.session = session or requests.Session()
        self.timeout = (connect_timeout, read_timeout)

    def deliver(self, package: bytes | BinaryIO, *, recipient: str = "") -> PeerReceipt:
        """Post one package (bytes, or a seekable binary file streamed from its current
        position) to the peer's inbox, for the agency `recipient` if given."""
        url = self.peer.inbox_url + (f"?{urlencode({'recipient': recipient})}" if recipient else "")
        digest = sha256_hex(package) if isinstance(package, bytes) else sha256_file(package)
        headers = sign_request(
            method="POST",
            url=url,
            system_id=self.system_id,
            secret=self.peer.secret,
            content_sha256=digest,
        )
        headers["Content-Type"] = "application/xml"
        headers["Accept"] = "application/json"
        try:
            response = self.session.post(
                url, data=package, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.RequestException as exc:
            raise PeerError(f"{self.peer.system_id}: {exc}", retryable=True) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, Mapping):
            body = {}
        if response.status_code in (200, 201):
            return PeerReceipt(created=response.status_code == 201, record=body)
        error = body.get("error") if isinstance(body.get("error"), Mapping) else {}
        raise PeerError(
            f"{self.peer.system_id}: HTTP {response.status_code} "
            f"{error.get('message') or response.text[:200]}".strip(),
            retryable=response.status_code == 429 or response.status_code >= 500,
            status=response.status_code,
            code=str(error.get("code", "")),
        )
