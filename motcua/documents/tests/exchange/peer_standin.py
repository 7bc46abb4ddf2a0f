"""A stand-in for another MotCua deployment's exchange inbox, on 127.0.0.1 in a thread.

It checks the signature headers with the same verifier as the real inbox (the systems it knows
and their secrets) and keeps every package it accepts, parsed; it answers like the real inbox:
201 the first time a package (DocumentId, or status code) arrives, 200 after that.
`fail_next(n, status)` makes the next n requests answer `status`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from motcua.documents.edxml import EdocPackage, parse
from motcua.documents.exchange.peer import INBOX_PATH
from motcua.documents.exchange.signing import (
    MemoryNonceStore,
    SignatureError,
    sha256_hex,
    verify_headers,
)


@dataclass
class Delivery:
    system_id: str
    recipient: str
    body: bytes
    kind: str
    document_id: str
    status_code: str


class PeerStandin:
    def __init__(self, *, systems: dict[str, str]) -> None:
        self.systems = systems
        self.deliveries: list[Delivery] = []
        self.refusals: list[str] = []
        self.nonces = MemoryNonceStore()
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> PeerStandin:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def _accept(self, system_id: str, recipient: str, body: bytes) -> tuple[int, dict[str, Any]]:
        package = parse(body)
        if isinstance(package, EdocPackage):
            kind, document_id, code = "edoc", package.document_id, ""
            package.close()
        else:
            kind, document_id, code = (
                "status",
                package.response_for.document_id,
                package.status_code,
            )
        with self._lock:
            seen = any(
                (d.kind, d.document_id, d.status_code, d.recipient)
                == (kind, document_id, code, recipient)
                for d in self.deliveries
            )
            self.deliveries.append(Delivery(system_id, recipient, body, kind, document_id, code))
            number = len(self.deliveries)
        return (200 if seen else 201), {
            "kind": kind,
            "document_id": document_id,
            "message_id": number,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with standin._lock:
                    failure = standin._failures.pop(0) if standin._failures else None
                if failure is not None:
                    self._answer(failure, {"error": {"code": "unavailable", "message": "down"}})
                    return
                if parts.path != INBOX_PATH:
                    self._answer(404, {"error": {"code": "not_found", "message": parts.path}})
                    return
                try:
                    signed = verify_headers(
                        method="POST",
                        path=parts.path,
                        query=parts.query,
                        headers=dict(self.headers.items()),
                        secret_for=standin.systems.get,
                        nonces=standin.nonces,
                    )
                    signed.check_body(sha256_hex(body))
                except SignatureError as exc:
                    standin.refusals.append(exc.reason)
                    self._answer(
                        401, {"error": {"code": "signature_refused", "message": exc.reason}}
                    )
                    return
                recipient = (parse_qs(parts.query).get("recipient") or [""])[0]
                status, answer = standin._accept(signed.system_id, recipient, body)
                self._answer(status, answer)

            def _answer(self, status: int, answer: dict[str, Any]) -> None:
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
