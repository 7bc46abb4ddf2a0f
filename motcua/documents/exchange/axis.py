"""Client of the national document exchange axis (trục liên thông văn bản quốc gia) and of the
provincial integration platforms (LGSP) that speak its protocol.

The protocol, as this adapter speaks it (the stand-in server of the tests,
motcua/documents/tests/exchange/axis_standin.py, implements the same; docs/exchange.md):

    POST {base}/sendEdoc?from=<organ>&to=<organ>,<organ>&messagetype=edoc|status
         body: the edXML package (application/xml)          -> {"status": "OK", "docId": ...}
    GET  {base}/getReceivedEdocList?organId=<organ>&messagetype=edoc|status
                                        -> {"status": "OK", "data": [{"docId", "from", ...}]}
    GET  {base}/getEdoc?docId=<id>&organId=<organ>        -> the edXML package (application/xml)
    POST {base}/updateStatus  body {"docId", "organId", "status": "done"|"fail", "errorDesc"}
    GET  {base}/getSentEdocList?organId=<organ>&messagetype=edoc|status
                       -> {"status": "OK", "data": [{"docId", "to": [{"organId", "status"}]}]}
    GET  {base}/getAgencyList           -> {"status": "OK", "data": [{"code", "name", ...}]}

Every request is signed with this system's id and secret (motcua.documents.exchange.signing):
the parameters travel in the query string, which the signature covers, and the body through its
SHA-256. An error answer is {"status": "FAIL", "errorCode": ..., "errorDesc": ...} with an
HTTP status of 4xx or 5xx.

`updateStatus` is the transport acknowledgement ("done": taken and registered, "fail": could
not be taken): it removes the package from the receiver's list. It is not the business status
package (01 arrived, 03 registered, ...), which is an edXML package of its own sent with
`sendEdoc(messagetype="status")`.

Configuration: MOTCUA_AXIS_URL, MOTCUA_AXIS_SYSTEM_ID and MOTCUA_AXIS_SECRET (environment,
else Django settings of the same names); MOTCUA_AXIS_TIMEOUT (read timeout, seconds, default 60).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal
from urllib.parse import urlencode

import requests

from motcua.documents.exchange.signing import CHUNK, sha256_file, sha256_hex, sign_request

MessageType = Literal["edoc", "status"]
TransportStatus = Literal["done", "fail"]

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
MAX_PACKAGE_BYTES = 200 * 1024 * 1024


class AxisError(Exception):
    """A call that failed. `retryable`: the same call may succeed later (network error,
    timeout, HTTP 429 or 5xx); otherwise the axis refused it (authentication, a bad request)."""

    def __init__(
        self, message: str, *, retryable: bool, status: int | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.code = code


class AxisNotConfigured(AxisError):
    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(f"axis not configured: {', '.join(missing)} unset", retryable=False)


@dataclass(frozen=True)
class AxisConfig:
    url: str
    system_id: str
    secret: str = field(repr=False)
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT

    @classmethod
    def from_env(cls) -> AxisConfig:
        values = {name: _setting(name) for name in ("URL", "SYSTEM_ID", "SECRET")}
        missing = [f"MOTCUA_AXIS_{name}" for name, value in values.items() if not value]
        if missing:
            raise AxisNotConfigured(missing)
        timeout = _setting("TIMEOUT")
        return cls(
            url=values["URL"].rstrip("/"),
            system_id=values["SYSTEM_ID"],
            secret=values["SECRET"],
            read_timeout=float(timeout) if timeout else READ_TIMEOUT,
        )


def _setting(name: str) -> str:
    key = f"MOTCUA_AXIS_{name}"
    value = os.environ.get(key)
    if value is None:
        from django.conf import settings

        value = str(getattr(settings, key, "") or "")
    return value.strip()


@dataclass(frozen=True)
class ReceivedEdoc:
    """An entry of getReceivedEdocList: a package waiting for `organ_id`."""

    doc_id: str
    organ_id: str
    from_organ: str
    message_type: str
    created_at: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SentEdoc:
    """An entry of getSentEdocList, with the transport status per recipient organ
    ("pending", "done" or "fail")."""

    doc_id: str
    from_organ: str
    message_type: str
    created_at: str
    recipients: Mapping[str, str]


@dataclass(frozen=True)
class AxisAgency:
    """An agency of the axis directory."""

    code: str
    name: str
    parent_code: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    website: str = ""


class AxisClient:
    def __init__(self, config: AxisConfig, *, session: requests.Session | None = None) -> None:
        self.config = config
        self._own_session = session is None
        self.session = session or requests.Session()

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> AxisClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def from_env(cls) -> AxisClient:
        return cls(AxisConfig.from_env())

    # --- the calls ------------------------------------------------------------------------

    def send_edoc(
        self,
        package: bytes | IO[bytes],
        *,
        from_organ: str,
        to_organs: Sequence[str],
        message_type: MessageType = "edoc",
    ) -> str:
        """Send one package (bytes, or a seekable binary file streamed from its current
        position) to the recipient organs; returns the axis's docId."""
        if not to_organs:
            raise AxisError("sendEdoc needs at least one recipient", retryable=False)
        digest = sha256_hex(package) if isinstance(package, bytes) else sha256_file(package)
        params = {"from": from_organ, "to": ",".join(to_organs), "messagetype": message_type}
        answer = self._json(
            "POST",
            "sendEdoc",
            params,
            body=package,
            content_sha256=digest,
            content_type="application/xml",
        )
        doc_id = str(answer.get("docId") or "")
        if not doc_id:
            raise AxisError("sendEdoc answered without a docId", retryable=False)
        return doc_id

    def get_received_edoc_list(
        self, *, organ_id: str, message_type: MessageType = "edoc"
    ) -> list[ReceivedEdoc]:
        answer = self._json(
            "GET", "getReceivedEdocList", {"organId": organ_id, "messagetype": message_type}
        )
        return [
            ReceivedEdoc(
                doc_id=str(item.get("docId", "")),
                organ_id=str(item.get("to") or organ_id),
                from_organ=str(item.get("from", "")),
                message_type=str(item.get("messagetype", message_type)),
                created_at=str(item.get("created_time", "")),
                extra={k: v for k, v in item.items() if k not in _RECEIVED_KEYS},
            )
            for item in _items(answer)
        ]

    def get_edoc(self, doc_id: str, *, organ_id: str, into: IO[bytes]) -> str:
        """Download a package into `into` (a binary file), streamed; returns its SHA-256."""
        response = self._send("GET", "getEdoc", {"docId": doc_id, "organId": organ_id}, stream=True)
        digest = hashlib.sha256()
        size = 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > MAX_PACKAGE_BYTES:
                    raise AxisError(
                        f"package {doc_id} is larger than {MAX_PACKAGE_BYTES} bytes",
                        retryable=False,
                    )
                digest.update(chunk)
                into.write(chunk)
        except requests.RequestException as exc:
            raise AxisError(f"getEdoc {doc_id}: {exc}", retryable=True) from exc
        finally:
            response.close()
        return digest.hexdigest()

    def get_edoc_bytes(self, doc_id: str, *, organ_id: str) -> bytes:
        buffer = io.BytesIO()
        self.get_edoc(doc_id, organ_id=organ_id, into=buffer)
        return buffer.getvalue()

    def update_status(
        self, doc_id: str, *, organ_id: str, status: TransportStatus, error_desc: str = ""
    ) -> None:
        """The transport acknowledgement of a received package (see the module docstring)."""
        body = json.dumps(
            {"docId": doc_id, "organId": organ_id, "status": status, "errorDesc": error_desc},
            ensure_ascii=False,
        ).encode()
        self._json(
            "POST",
            "updateStatus",
            {},
            body=body,
            content_sha256=sha256_hex(body),
            content_type="application/json",
        )

    def get_sent_edoc_list(
        self, *, organ_id: str, message_type: MessageType = "edoc"
    ) -> list[SentEdoc]:
        answer = self._json(
            "GET", "getSentEdocList", {"organId": organ_id, "messagetype": message_type}
        )
        return [
            SentEdoc(
                doc_id=str(item.get("docId", "")),
                from_organ=str(item.get("from", "")),
                message_type=str(item.get("messagetype", message_type)),
                created_at=str(item.get("created_time", "")),
                recipients={
                    str(to.get("organId", "")): str(to.get("status", ""))
                    for to in item.get("to") or []
                    if isinstance(to, Mapping)
                },
            )
            for item in _items(answer)
        ]

    def get_agency_list(self) -> list[AxisAgency]:
        answer = self._json("GET", "getAgencyList", {})
        return [
            AxisAgency(
                code=str(item.get("code", "")).strip(),
                name=str(item.get("name", "")).strip(),
                parent_code=str(item.get("parentCode") or "").strip(),
                email=str(item.get("email") or "").strip(),
                phone=str(item.get("phone") or "").strip(),
                address=str(item.get("address") or "").strip(),
                website=str(item.get("website") or "").strip(),
            )
            for item in _items(answer)
            if str(item.get("code", "")).strip()
        ]

    # --- HTTP -----------------------------------------------------------------------------

    def _url(self, call: str, params: Mapping[str, str]) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.config.url}/{call}{query}"

    def _send(
        self,
        method: str,
        call: str,
        params: Mapping[str, str],
        *,
        body: bytes | IO[bytes] | None = None,
        content_sha256: str | None = None,
        content_type: str | None = None,
        stream: bool = False,
    ) -> requests.Response:
        url = self._url(call, params)
        headers = sign_request(
            method=method,
            url=url,
            system_id=self.config.system_id,
            secret=self.config.secret,
            content_sha256=content_sha256 or sha256_hex(b""),
        )
        headers["Accept"] = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = self.session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
                stream=stream,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise AxisError(f"{call}: {exc}", retryable=True) from exc
        if response.status_code >= 300:
            error = _error_of(response)
            response.close()
            raise AxisError(
                f"{call}: HTTP {response.status_code} {error.get('errorDesc', '')}".strip(),
                retryable=response.status_code == 429 or response.status_code >= 500,
                status=response.status_code,
                code=str(error.get("errorCode", "")),
            )
        return response

    def _json(
        self,
        method: str,
        call: str,
        params: Mapping[str, str],
        **kwargs: Any,
    ) -> Mapping[str, Any]:
        response = self._send(method, call, params, **kwargs)
        try:
            answer = response.json()
        except ValueError as exc:
            raise AxisError(f"{call}: the answer is not JSON", retryable=True) from exc
        if not isinstance(answer, Mapping):
            raise AxisError(f"{call}: unexpected answer", retryable=False)
        if str(answer.get("status", "")).upper() != "OK":
            raise AxisError(
                f"{call}: {answer.get('errorDesc') or answer.get('status')}",
                retryable=False,
                status=response.status_code,
                code=str(answer.get("errorCode", "")),
            )
        return answer


_RECEIVED_KEYS = {"docId", "to", "from", "messagetype", "created_time"}


def _items(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    data = answer.get("data") or []
    return [item for item in data if isinstance(item, Mapping)]


def _error_of(response: requests.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"errorDesc": response.text[:200]}
    return body if isinstance(body, Mapping) else {}
