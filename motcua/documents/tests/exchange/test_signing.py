"""Request signatures: what the receiving side accepts and what it refuses."""

from __future__ import annotations

import pytest

from motcua.documents.exchange.signing import (
    CONTENT_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    SYSTEM_HEADER,
    TIMESTAMP_HEADER,
    CacheNonceStore,
    MemoryNonceStore,
    SignatureError,
    sha256_hex,
    sign_request,
    verify_headers,
)

SECRETS = {"motcua-a": "secret-of-a", "motcua-b": "secret-of-b"}
URL = "https://b.example.vn/api/v1/documents/exchange/inbox?recipient=000.00.00.H12&x=1"
BODY = b"<edXML:edXMLEnvelope>...</edXML:edXMLEnvelope>"
NOW = 1_760_000_000.0


def signed(**overrides: object) -> dict[str, str]:
    args: dict[str, object] = {
        "method": "POST",
        "url": URL,
        "system_id": "motcua-a",
        "secret": SECRETS["motcua-a"],
        "content_sha256": sha256_hex(BODY),
        "now": NOW,
    }
    args.update(overrides)
    return sign_request(**args)  # type: ignore[arg-type]


def verify(
    headers: dict[str, str],
    *,
    method: str = "POST",
    path: str = "/api/v1/documents/exchange/inbox",
    query: str = "recipient=000.00.00.H12&x=1",
    body: bytes = BODY,
    now: float = NOW,
    nonces: MemoryNonceStore | None = None,
) -> str:
    result = verify_headers(
        method=method,
        path=path,
        query=query,
        headers=headers,
        secret_for=SECRETS.get,
        nonces=nonces or MemoryNonceStore(),
        now=now,
    )
    result.check_body(sha256_hex(body))
    return result.system_id


def refusal(headers: dict[str, str], **kwargs: object) -> str:
    with pytest.raises(SignatureError) as caught:
        verify(headers, **kwargs)  # type: ignore[arg-type]
    return caught.value.reason


def test_a_correctly_signed_request_is_accepted_and_names_its_system():
    assert verify(signed()) == "motcua-a"


def test_query_order_and_header_case_do_not_matter():
    headers = {name.lower(): value for name, value in signed().items()}
    assert verify(headers, query="x=1&recipient=000.00.00.H12") == "motcua-a"


def test_a_tampered_body_is_refused():
    assert refusal(signed(), body=BODY + b" ") == "body_mismatch"


def test_a_body_hash_header_changed_to_match_a_tampered_body_breaks_the_signature():
    headers = signed()
    headers[CONTENT_HEADER] = sha256_hex(BODY + b"<extra/>")
    assert refusal(headers, body=BODY + b"<extra/>") == "bad_signature"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", "PUT"),
        ("path", "/api/v1/documents/statuses/edxml"),
        ("query", "recipient=000.00.00.H99&x=1"),
    ],
)
def test_a_request_sent_elsewhere_than_signed_is_refused(field, value):
    assert refusal(signed(), **{field: value}) == "bad_signature"


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        (SYSTEM_HEADER, "motcua-b", "bad_signature"),  # another system's name, a's key
        (TIMESTAMP_HEADER, str(int(NOW) + 1), "bad_signature"),
        (NONCE_HEADER, "another-nonce", "bad_signature"),
        (SIGNATURE_HEADER, "0" * 64, "bad_signature"),
        (TIMESTAMP_HEADER, "yesterday", "bad_header"),
        (CONTENT_HEADER, "not-a-hash", "bad_header"),
        (SYSTEM_HEADER, "motcua-unknown", "unknown_system"),
    ],
)
def test_a_tampered_header_is_refused(name, value, reason):
    headers = signed()
    headers[name] = value
    assert refusal(headers) == reason


@pytest.mark.parametrize("name", [SYSTEM_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER])
def test_a_missing_header_is_refused(name):
    headers = signed()
    del headers[name]
    assert refusal(headers) == "missing_header"


def test_a_request_signed_with_another_secret_is_refused():
    assert refusal(signed(secret="guessed")) == "bad_signature"


@pytest.mark.parametrize("offset", [-301, 301, -86_400])
def test_a_stale_or_future_timestamp_is_refused(offset):
    assert refusal(signed(now=NOW + offset)) == "stale"


@pytest.mark.parametrize("offset", [-300, 299])
def test_a_timestamp_within_five_minutes_is_accepted(offset):
    assert verify(signed(now=NOW + offset)) == "motcua-a"


def test_a_replayed_request_is_refused():
    # given a request accepted once
    nonces = MemoryNonceStore()
    headers = signed()
    assert verify(headers, nonces=nonces) == "motcua-a"
    # when the same request arrives again, a minute later
    # then it is refused
    assert refusal(headers, nonces=nonces, now=NOW + 60) == "replay"


def test_the_same_nonce_of_another_system_is_not_a_replay():
    nonces = MemoryNonceStore()
    verify(signed(nonce="n-1"), nonces=nonces)
    other = signed(nonce="n-1", system_id="motcua-b", secret=SECRETS["motcua-b"])
    assert verify(other, nonces=nonces) == "motcua-b"


def test_a_request_with_a_bad_signature_does_not_spend_its_nonce():
    nonces = MemoryNonceStore()
    forged = signed(secret="guessed", nonce="n-2")
    assert refusal(forged, nonces=nonces) == "bad_signature"
    assert verify(signed(nonce="n-2"), nonces=nonces) == "motcua-a"


def test_the_cache_nonce_store_refuses_a_replay(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "n"}
    }
    store = CacheNonceStore()
    assert store.remember("motcua-a", "n-3", ttl_seconds=601)
    assert not store.remember("motcua-a", "n-3", ttl_seconds=601)
    assert store.remember("motcua-b", "n-3", ttl_seconds=601)


def test_an_empty_body_is_signed_as_the_hash_of_nothing():
    headers = sign_request(
        method="GET", url="https://axis.example.vn/getAgencyList", system_id="motcua-a",
        secret=SECRETS["motcua-a"], now=NOW,
    )  # fmt: skip
    result = verify_headers(
        method="GET", path="/getAgencyList", query="", headers=headers,
        secret_for=SECRETS.get, nonces=MemoryNonceStore(), now=NOW,
    )  # fmt: skip
    result.check_body(sha256_hex(b""))
    assert result.system_id == "motcua-a"
