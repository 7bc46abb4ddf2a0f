"""`POST /api/v1/dossiers` with an Idempotency-Key: the same request replays the first answer,
another request under the same key is refused (422 `idempotency_key_reused`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.translation import gettext as _

from motcua.accounts.services import api_token_create
from motcua.dossiers.models import Dossier, IdempotencyRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers"
PDF = b"%PDF-1.4\n" + b"0" * 1000 + b"\n%%EOF\n"


def headers(user: Any, key: str = "retry-1") -> dict[str, str]:
    _, token = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": key}


def body(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure_code": "9.000001",
        "channel": 1,
        "receiving_unit": "000.00.15.H12",
        "applicant": {"full_name": "Trần Văn Bình", "id_number": "096099001122"},
        "components": [{"paper_code": "GT1", "paper_original_seen": True}],
    }
    data.update(over)
    return data


def post(client: Client, raw: str, hdrs: dict[str, str]) -> Any:
    return client.post(URL, data=raw, content_type="application/json", headers=hdrs)


def multipart(client: Client, hdrs: dict[str, str], pdf: bytes) -> Any:
    data = body(channel=2, components=[{"paper_code": "GT1", "file": "f1"}])
    return client.post(
        URL,
        data={
            "data": json.dumps(data),
            "f1": SimpleUploadedFile("don.pdf", pdf, content_type="application/pdf"),
        },
        headers=hdrs,
    )


def assert_reused(resp: Any) -> None:
    assert resp.status_code == 422, resp.content
    err = resp.json()["error"]
    assert err["code"] == "idempotency_key_reused"
    assert err["message"] == _(
        "This Idempotency-Key was already used for a different request: "
        "send a new request with a new key."
    )
    assert set(err["fields"]) == {"Idempotency-Key"}


def test_the_same_json_replays_even_spaced_and_ordered_differently(client: Client, world):
    hdrs = headers(world.counter)
    first = post(client, json.dumps(body()), hdrs)
    # when: the retry has the same JSON, keys in another order, other spacing
    again = post(client, json.dumps(dict(reversed(list(body().items()))), indent=2), hdrs)
    # then
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Dossier.objects.count() == 1


def test_the_key_reused_for_a_different_body_is_refused(client: Client, world):
    hdrs = headers(world.counter)
    first = post(client, json.dumps(body()), hdrs)
    assert first.status_code == 201
    # when: another applicant under the same key
    other = body(applicant={"full_name": "Lê Thị Hoa", "id_number": "096099009999"})
    resp = post(client, json.dumps(other), hdrs)
    # then: refused, nothing created, and the first request still replays
    assert_reused(resp)
    assert Dossier.objects.count() == 1
    assert post(client, json.dumps(body()), hdrs).json()["code"] == first.json()["code"]


def test_multipart_retries_compare_the_files(client: Client, world):
    hdrs = headers(world.citizen)
    first = multipart(client, hdrs, PDF)
    assert first.status_code == 201, first.content
    # when / then: the same file replays (the multipart boundary may differ), another is refused
    assert multipart(client, hdrs, PDF).json()["code"] == first.json()["code"]
    assert_reused(multipart(client, hdrs, PDF.replace(b"0", b"1")))
    assert Dossier.objects.count() == 1


def test_a_record_kept_without_a_fingerprint_still_replays(client: Client, world):
    # given: a record from before fingerprints were kept
    hdrs = headers(world.counter, key="old-key")
    IdempotencyRecord.objects.create(
        key="old-key",
        scope=f"create_dossier:{world.counter.pk}",
        status_code=201,
        response={"code": "000.00.15.H12-270101-0001"},
    )
    # when
    resp = post(client, json.dumps(body()), hdrs)
    # then
    assert resp.status_code == 201
    assert resp.json() == {"code": "000.00.15.H12-270101-0001"}
    assert not Dossier.objects.exists()


def test_keys_are_per_user(client: Client, world):
    assert post(client, json.dumps(body()), headers(world.counter)).status_code == 201
    other = body(applicant={"full_name": "Lê Thị Hoa", "id_number": "096099009999"})
    assert post(client, json.dumps(other), headers(world.admin)).status_code == 201
    assert Dossier.objects.count() == 2
