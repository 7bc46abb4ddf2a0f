"""A stand-in for the national exchange axis / provincial LGSP, on 127.0.0.1 in a thread.

It speaks the protocol of motcua.documents.exchange.axis (docs/exchange.md): every request must
carry valid signature headers of a known system (checked with the same verifier our receiving
endpoints use), and a system may only act for the organs it was given. Packages wait in a queue
per recipient organ until that organ acknowledges them with updateStatus.

    with AxisStandin(systems={"sys-a": ("secret-a", {"000.00.00.H12"})}) as axis:
        client = AxisClient(AxisConfig(url=axis.url, system_id="sys-a", secret="secret-a"))

`fail_next(n, status)` makes the next n requests answer `status` (a failing axis);
`requests_seen` lists (method, call, system id or refusal reason) for the assertions.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from motcua.documents.exchange.signing import (
    MemoryNonceStore,
    SignatureError,
    sha256_hex,
    verify_headers,
)


@dataclass
class StoredEdoc:
    doc_id: str
    from_organ: str
    to_organs: list[str]
    message_type: str
    body: bytes
    created: str
    # organ id -> "pending" | "done" | "fail"
    status: dict[str, str] = field(default_factory=dict)
    error: dict[str, str] = field(default_factory=dict)


class AxisStandin:
    def __init__(
        self,
        *,
        systems: dict[str, tuple[str, set[str]]],
        agencies: list[dict[str, str]] | None = None,
        prefix: str = "/axis/v1",
    ) -> None:
        self.systems = systems
        self.agencies = agencies or []
        self.prefix = prefix.rstrip("/")
        self.edocs: dict[str, StoredEdoc] = {}
        self.requests_seen: list[tuple[str, str, str]] = []
        self.nonces = MemoryNonceStore()
        self.clock: float | None = None  # None: the real time
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def __enter__(self) -> AxisStandin:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    # --- what the tests look at ---------------------------------------------------------------

    def pending_for(self, organ_id: str) -> list[StoredEdoc]:
        with self._lock:
            return [e for e in self.edocs.values() if e.status.get(organ_id) == "pending"]

    def deposit(
        self, body: bytes, *, from_organ: str, to_organs: list[str], message_type: str = "edoc"
    ) -> str:
        """Put a package in the recipients' queues as if another system had sent it."""
        return self._store(body, from_organ, to_organs, message_type)

    # --- the protocol -----------------------------------------------------------------------

    def _store(self, body: bytes, from_organ: str, to_organs: list[str], message_type: str) -> str:
        doc_id = str(uuid.uuid4())
        with self._lock:
            self.edocs[doc_id] = StoredEdoc(
                doc_id=doc_id,
                from_organ=from_organ,
                to_organs=to_organs,
                message_type=message_type,
                body=body,
                created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                status=dict.fromkeys(to_organs, "pending"),
            )
        return doc_id

    def _secret_for(self, system_id: str) -> str | None:
        entry = self.systems.get(system_id)
        return entry[0] if entry else None

    def _may_act_for(self, system_id: str, organ_id: str) -> bool:
        organs = self.systems[system_id][1]
        return not organs or organ_id in organs

    def handle(
        self, method: str, call: str, params: dict[str, str], body: bytes, system_id: str
    ) -> tuple[int, dict[str, Any] | bytes]:
        if call == "sendEdoc" and method == "POST":
            from_organ = params.get("from", "")
            to_organs = [o for o in params.get("to", "").split(",") if o]
            if not from_organ or not to_organs or not body:
                return 400, _fail("bad_request", "from, to and the package are required")
            if not self._may_act_for(system_id, from_organ):
                return 403, _fail("forbidden", f"{system_id} does not send for {from_organ}")
            doc_id = self._store(body, from_organ, to_organs, params.get("messagetype", "edoc"))
            return 200, {"status": "OK", "docId": doc_id}
        if call == "getReceivedEdocList" and method == "GET":
            organ = params.get("organId", "")
            if not self._may_act_for(system_id, organ):
                return 403, _fail("forbidden", f"{system_id} does not receive for {organ}")
            kind = params.get("messagetype", "edoc")
            data = [
                {
                    "docId": e.doc_id,
                    "from": e.from_organ,
                    "to": organ,
                    "messagetype": e.message_type,
                    "created_time": e.created,
                }
                for e in self.pending_for(organ)
                if e.message_type == kind
            ]
            return 200, {"status": "OK", "data": data}
        if call == "getEdoc" and method == "GET":
            edoc = self.edocs.get(params.get("docId", ""))
            organ = params.get("organId", "")
            if edoc is None or organ not in edoc.status:
                return 404, _fail("not_found", "no such document for this organ")
            if not self._may_act_for(system_id, organ):
                return 403, _fail("forbidden", f"{system_id} does not receive for {organ}")
            return 200, edoc.body
        if call == "updateStatus" and method == "POST":
            try:
                request = json.loads(body)
            except ValueError:
                return 400, _fail("bad_request", "the body is not JSON")
            edoc = self.edocs.get(str(request.get("docId", "")))
            organ = str(request.get("organId", ""))
            status = str(request.get("status", ""))
            if edoc is None or organ not in edoc.status:
                return 404, _fail("not_found", "no such document for this organ")
            if status not in ("done", "fail"):
                return 400, _fail("bad_request", "status is done or fail")
            if not self._may_act_for(system_id, organ):
                return 403, _fail("forbidden", f"{system_id} does not receive for {organ}")
            with self._lock:
                edoc.status[organ] = status
                edoc.error[organ] = str(request.get("errorDesc", ""))
            return 200, {"status": "OK"}
        if call == "getSentEdocList" and method == "GET":
            organ = params.get("organId", "")
            if not self._may_act_for(system_id, organ):
                return 403, _fail("forbidden", f"{system_id} does not send for {organ}")
            kind = params.get("messagetype", "edoc")
            data = [
                {
                    "docId": e.doc_id,
                    "from": e.from_organ,
                    "messagetype": e.message_type,
                    "created_time": e.created,
                    "to": [{"organId": o, "status": s} for o, s in e.status.items()],
                }
                for e in list(self.edocs.values())
                if e.from_organ == organ and e.message_type == kind
            ]
            return 200, {"status": "OK", "data": data}
        if call == "getAgencyList" and method == "GET":
            return 200, {"status": "OK", "data": self.agencies}
        return 404, _fail("not_found", f"no call {method} {call}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                call = parts.path.removeprefix(standin.prefix).strip("/")
                with standin._lock:
                    failure = standin._failures.pop(0) if standin._failures else None
                if failure is not None:
                    standin.requests_seen.append((method, call, f"failed {failure}"))
                    self._answer(failure, _fail("unavailable", "the stand-in was told to fail"))
                    return
                try:
                    signed = verify_headers(
                        method=method,
                        path=parts.path,
                        query=parts.query,
                        headers=dict(self.headers.items()),
                        secret_for=standin._secret_for,
                        nonces=standin.nonces,
                        now=standin.clock,
                    )
                    signed.check_body(sha256_hex(body))
                except SignatureError as exc:
                    standin.requests_seen.append((method, call, exc.reason))
                    self._answer(401, _fail("unauthorized", exc.reason))
                    return
                standin.requests_seen.append((method, call, signed.system_id))
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                status, answer = standin.handle(method, call, params, body, signed.system_id)
                self._answer(status, answer)

            def _answer(self, status: int, answer: dict[str, Any] | bytes) -> None:
                if isinstance(answer, bytes):
                    payload, content_type = answer, "application/xml"
                else:
                    payload = json.dumps(answer, ensure_ascii=False).encode()
                    content_type = "application/json; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _fail(code: str, desc: str) -> dict[str, Any]:
    return {"status": "FAIL", "errorCode": code, "errorDesc": desc}
