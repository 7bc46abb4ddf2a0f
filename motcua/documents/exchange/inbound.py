"""The receiving side of an HTTP exchange request, in Django: the peer's signature checked from
the headers before the body is read, then the body streamed into a spooled temporary file and
hashed on the way (a package with a 50 MB attachment is never held whole in memory, and
DATA_UPLOAD_MAX_MEMORY_SIZE, which guards `request.body`, does not apply: MAX_PACKAGE_BYTES
does)."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader

from motcua.core.errors import DomainError
from motcua.documents.exchange import signing
from motcua.documents.exchange.nonces import DatabaseNonceStore
from motcua.documents.exchange.peer import Peer, peer_by_system_id

CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 2 * 1024 * 1024
DEFAULT_MAX_PACKAGE_BYTES = 200 * 1024 * 1024


class SignatureRefused(DomainError):
    code = "signature_refused"
    http_status = 401


class PackageTooLarge(DomainError):
    code = "too_large"
    http_status = 413


@dataclass
class ReceivedBody:
    """A request body kept in a spooled temporary file (positioned at its start)."""

    file: IO[bytes]
    sha256: str
    size: int

    def read_all(self) -> bytes:
        self.file.seek(0)
        data = self.file.read()
        self.file.seek(0)
        return data

    def close(self) -> None:
        self.file.close()


def max_package_bytes() -> int:
    return int(getattr(settings, "MOTCUA_EXCHANGE_MAX_PACKAGE_BYTES", DEFAULT_MAX_PACKAGE_BYTES))


def body_read(request: HttpRequest) -> ReceivedBody:
    """The request's body, streamed into a temporary file and hashed."""
    limit = max_package_bytes()
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := request.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ReceivedBody(file=spool, sha256=digest.hexdigest(), size=size)


def _too_large(limit: int) -> PackageTooLarge:
    return PackageTooLarge(
        _("The package is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}
    )


class PeerSignature(APIKeyHeader):
    """django-ninja authentication by the exchange signature headers (signing.py): the request
    must be signed by an active ExchangePeer with the secret shared with it. `request.auth` is
    the Peer; the body is checked against the signed hash by `verified_body`."""

    param_name = signing.SIGNATURE_HEADER
    openapi_description = (
        "HMAC-SHA256 request signature of a peer MotCua deployment: headers X-Exchange-System, "
        "X-Exchange-Timestamp, X-Exchange-Nonce, X-Exchange-Content-SHA256 and "
        "X-Exchange-Signature (docs/exchange.md)."
    )

    def __call__(self, request: HttpRequest) -> Any:
        peers: dict[str, Peer] = {}

        def secret_for(system_id: str) -> str | None:
            peer = peer_by_system_id(system_id)
            if peer is None:
                return None
            peers[system_id] = peer
            return peer.secret

        try:
            signed = signing.verify_headers(
                method=request.method or "POST",
                path=request.path,
                query=request.META.get("QUERY_STRING", ""),
                headers=request.headers,
                secret_for=secret_for,
                nonces=DatabaseNonceStore(),
            )
        except signing.SignatureError as exc:
            raise SignatureRefused(
                _("The request's signature was refused."), fields={"signature": exc.reason}
            ) from exc
        request.exchange_signed = signed  # type: ignore[attr-defined]
        return peers[signed.system_id]

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # __call__ does the work


def verified_body(request: HttpRequest) -> ReceivedBody:
    """The body of a request authenticated by PeerSignature, checked against the signed hash."""
    body = body_read(request)
    signed: signing.SignedHeaders = request.exchange_signed  # type: ignore[attr-defined]
    try:
        signed.check_body(body.sha256)
    except signing.SignatureError as exc:
        body.close()
        raise SignatureRefused(
            _("The request's signature was refused."), fields={"signature": exc.reason}
        ) from exc
    return body
