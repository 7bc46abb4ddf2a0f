from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.services import api_token_create
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 1000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500


def bearer(user) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


def counter_body(**over):
    body = {
        "procedure_code": "9.000001",
        "channel": 1,
        "receiving_unit": "000.00.15.H12",
        "applicant": {
            "full_name": "Trần Văn Bình",
            "id_number": "096099001122",
            "phone": "0912000111",
        },
        "components": [{"paper_code": "GT1", "paper_original_seen": True}],
    }
    body.update(over)
    return body


def post_json(client: Client, url: str, body, headers) -> object:
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_counter_intake_json_returns_201_with_due_times(client: Client, world):
    resp = post_json(client, "/api/v1/dossiers", counter_body(), bearer(world.counter))
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["code"].startswith("000.00.15.H12-")
    assert body["status"] == "received" and body["status_code"] == 2
    assert body["due_at"] and body["appointment_at"] == body["due_at"]
    assert body["due_at"].endswith("+07:00")


def test_online_multipart_submission_with_two_files(client: Client, world):
    data = counter_body(
        channel=2,
        components=[{"paper_code": "GT1", "file": "f1"}, {"paper_code": "GT2", "file": "f2"}],
    )
    resp = client.post(
        "/api/v1/dossiers",
        data={
            "data": json.dumps(data),
            "f1": SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf"),
            "f2": SimpleUploadedFile("cccd.png", PNG, content_type="image/png"),
        },
        headers=bearer(world.citizen),
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "submitted" and body["status_code"] == 1
    assert body["due_at"] is None and body["appointment_at"] is None
    dossier = Dossier.objects.get(code=body["code"])
    assert sorted(c.content_type for c in dossier.components.all()) == [
        "application/pdf",
        "image/png",
    ]
    assert dossier.owner == world.citizen


def test_idempotency_key_returns_the_first_response(client: Client, world):
    headers = {**bearer(world.counter), "Idempotency-Key": "abc-123"}
    first = post_json(client, "/api/v1/dossiers", counter_body(), headers)
    second = post_json(client, "/api/v1/dossiers", counter_body(), headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1


def test_missing_fields_give_422_with_field_names(client: Client, world):
    body = counter_body()
    del body["applicant"]["id_number"]
    del body["procedure_code"]
    resp = post_json(client, "/api/v1/dossiers", body, bearer(world.counter))
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_error"
    assert "applicant.id_number" in err["fields"] and "procedure_code" in err["fields"]
    assert not Dossier.objects.exists()


def test_unknown_unit_and_procedure_give_404(client: Client, world):
    resp = post_json(
        client,
        "/api/v1/dossiers",
        counter_body(receiving_unit="000.00.99.H12"),
        bearer(world.counter),
    )
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    resp = post_json(
        client, "/api/v1/dossiers", counter_body(procedure_code="0.000000"), bearer(world.counter)
    )
    assert resp.status_code == 404


def test_malformed_json_gives_400(client: Client, world):
    resp = client.post(
        "/api/v1/dossiers",
        data="{not json",
        content_type="application/json",
        headers=bearer(world.counter),
    )
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "malformed_json"


def test_wrong_file_type_is_422_and_saves_nothing(client: Client, world):
    data = counter_body(channel=2, components=[{"paper_code": "GT1", "file": "f1"}])
    resp = client.post(
        "/api/v1/dossiers",
        data={"data": json.dumps(data), "f1": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
        headers=bearer(world.citizen),
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "file_type_not_allowed"
    assert not Dossier.objects.exists()


def test_actions_forbidden_transition_is_409_and_unauthorised_is_403(client: Client, world):
    code = post_json(client, "/api/v1/dossiers", counter_body(), bearer(world.counter)).json()[
        "code"
    ]
    resp = post_json(client, f"/api/v1/dossiers/{code}/actions/deliver", {}, bearer(world.counter))
    assert resp.status_code == 409
    assert resp.json()["error"]["status"] == "received"
    online = post_json(client, "/api/v1/dossiers", counter_body(channel=2), bearer(world.citizen))
    path = f"/api/v1/dossiers/{online.json()['code']}/actions/receive"
    resp = post_json(client, path, {}, bearer(world.citizen))
    assert resp.status_code == 403  # the applicant sees the dossier, but the desk receives it
    resp = post_json(client, f"/api/v1/dossiers/{code}/actions/fly", {}, bearer(world.counter))
    assert resp.status_code == 404


def test_full_path_through_the_api(client: Client, world):
    citizen = bearer(world.citizen)
    code = post_json(client, "/api/v1/dossiers", counter_body(channel=2), citizen).json()["code"]
    steps = [
        ("receive", world.counter, {}),
        ("request_supplement", world.specialist, {"missing": ["Bản sao CCCD"]}),
        ("supplement", world.citizen, {"note": "Đã bổ sung"}),
        ("forward", world.specialist, {}),
        ("approve", world.leader, {}),
        ("complete", world.leader, {"result_number": "15/GP"}),
        ("deliver", world.counter, {"method": "online"}),
    ]
    for action, actor, body in steps:
        resp = post_json(client, f"/api/v1/dossiers/{code}/actions/{action}", body, bearer(actor))
        assert resp.status_code == 200, (action, resp.content)
    body = client.get(f"/api/v1/dossiers/{code}", headers=citizen).json()
    assert body["status"] == "delivered" and body["status_code"] == 10
    assert body["supplement_count"] == 1
    events = client.get(f"/api/v1/dossiers/{code}/events", headers=citizen).json()
    assert [e["action"] for e in events] == ["submit"] + [s[0] for s in steps]


def test_dossier_is_visible_to_its_applicant_and_authorised_officials_only(client: Client, world):
    from motcua.accounts.tests.factories import UserFactory

    code = post_json(
        client, "/api/v1/dossiers", counter_body(channel=2), bearer(world.citizen)
    ).json()["code"]
    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(world.citizen)).status_code == 200
    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(world.counter)).status_code == 200
    # not theirs: answered as an unknown code (test_api_unknown_is_forbidden)
    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(world.outsider)).status_code == 404
    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(UserFactory())).status_code == 404
    assert client.get(f"/api/v1/dossiers/{code}").status_code == 401
    assert client.get("/api/v1/dossiers/000-NOPE", headers=bearer(world.counter)).status_code == 404


def test_explicit_time_only_for_provincial_admin(client: Client, world):
    body = counter_body(at="2026-11-02T09:00:00+07:00")
    resp = post_json(client, "/api/v1/dossiers", body, bearer(world.counter))
    assert resp.status_code == 403 and "at" in resp.json()["error"]["fields"]
    resp = post_json(client, "/api/v1/dossiers", body, bearer(world.admin))
    assert resp.status_code == 201
    assert resp.json()["received_at"] == "2026-11-02T09:00:00+07:00"


def test_export_streams_json_lines(client: Client, world, time_machine):
    time_machine.move_to("2027-06-01T09:00:00+07:00", tick=False)  # the explicit times are past
    admin = bearer(world.admin)
    body = counter_body(at="2027-03-01T09:00:00+07:00")
    code = post_json(client, "/api/v1/dossiers", body, admin).json()["code"]
    post_json(client, "/api/v1/dossiers", counter_body(at="2027-05-01T09:00:00+07:00"), admin)
    resp = client.get(
        "/api/v1/dossiers/export", {"from": "2027-03-01", "to": "2027-03-31"}, headers=admin
    )
    assert resp.status_code == 200
    lines = [json.loads(line) for line in b"".join(resp.streaming_content).decode().splitlines()]
    assert [row["code"] for row in lines] == [code]
    row = lines[0]
    assert set(row) == {
        "code",
        "receiving_unit",
        "procedure_code",
        "channel",
        "status",
        "status_code",
        "submitted_at",
        "received_at",
        "due_at",
        "appointment_at",
        "ended_at",
        "delivered_at",
        "supplement_count",
        "paused_minutes",
        "paused_since",
    }
    assert row["due_at"] == "2027-03-08T09:00:00+07:00" and row["paused_since"] is None
    bad = client.get(
        "/api/v1/dossiers/export", {"from": "2027-13-01", "to": "2027-03-31"}, headers=admin
    )
    assert bad.status_code == 422 and "from" in bad.json()["error"]["fields"]


def test_lookup_body_is_the_documented_schema_and_equals_the_action_answer(client: Client, world):
    from motcua.dossiers.api import DossierOut

    citizen = bearer(world.citizen)
    code = post_json(client, "/api/v1/dossiers", counter_body(channel=2), citizen).json()["code"]
    acted = post_json(client, f"/api/v1/dossiers/{code}/actions/receive", {}, bearer(world.counter))
    # when
    resp = client.get(f"/api/v1/dossiers/{code}", headers=citizen)
    # then
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/json; charset=utf-8"
    body = resp.json()
    assert body == acted.json()
    DossierOut.model_validate(body)
    assert set(body) == set(DossierOut.model_fields)
    assert body["applicant"]["full_name"] == "Trần Văn Bình"
    assert body["status"] == "received" and body["allowed_actions"]
    assert body["due_at"].endswith("+07:00")


def test_hot_paths_keep_their_query_budget(client: Client, world, settings):
    """The benchmarked requests (bench/bench_one_stop.py) with the production caches on: a
    regression here (a query per paper, a lost cache) shows before the benchmark does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 60
    settings.MOTCUA_CATALOGUE_RECHECK_SECONDS = 60
    settings.MOTCUA_CALENDAR_RECHECK_SECONDS = 60
    counter, citizen = bearer(world.counter), bearer(world.citizen)
    online = counter_body(
        channel=2,
        components=[{"paper_code": "GT1", "file": "f1"}, {"paper_code": "GT2", "file": "f2"}],
    )

    def submit(n: int):
        online["applicant"]["id_number"] = f"0960990000{n:02d}"
        return client.post(
            "/api/v1/dossiers",
            data={
                "data": json.dumps(online),
                "f1": SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf"),
                "f2": SimpleUploadedFile("cccd.png", PNG, content_type="image/png"),
            },
            headers=citizen,
        )

    # warm the caches, as a running server is
    code = submit(1).json()["code"]
    post_json(client, "/api/v1/dossiers", counter_body(), counter)
    client.get(f"/api/v1/dossiers/{code}", headers=counter)
    budgets = {}
    with CaptureQueriesContext(connection) as q:
        assert client.get(f"/api/v1/dossiers/{code}", headers=counter).status_code == 200
    budgets["lookup"] = len(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        assert submit(2).status_code == 201
    budgets["submission"] = len(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        resp = post_json(
            client,
            "/api/v1/dossiers",
            counter_body(applicant={"full_name": "Lê Thị Hoa", "id_number": "096099001199"}),
            counter,
        )
        assert resp.status_code == 201
    budgets["intake"] = len(q.captured_queries)
    # queries, savepoints included (tests run inside a transaction)
    assert budgets["lookup"] == 1, budgets
    assert budgets["submission"] <= 20, budgets
    assert budgets["intake"] <= 26, budgets
