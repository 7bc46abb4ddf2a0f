"""Field messages of validation errors come from pydantic's error type through gettext, on every
endpoint: the manual parsers (dossiers, signatures) and django-ninja's own (query parameters)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from motcua.accounts.services import api_token_create
from motcua.api.validation import validation_message

# The English messages pydantic writes, none of which may reach a client.
PYDANTIC_PHRASES = (
    "Field required",
    "Input should",
    "String should",
    "List should",
    "Extra inputs",
)


def bearer(user: Any) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


def assert_no_pydantic_english(fields: dict[str, str]) -> None:
    for key, message in fields.items():
        assert not any(phrase in message for phrase in PYDANTIC_PHRASES), (key, message)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"type": "missing"}, "required"),
        ({"type": "extra_forbidden"}, "not allowed"),
        ({"type": "string_type"}, "expected text"),
        ({"type": "string_too_short", "ctx": {"min_length": 1}}, "at least 1 character"),
        ({"type": "string_too_short", "ctx": {"min_length": 3}}, "at least 3 characters"),
        ({"type": "string_too_long", "ctx": {"max_length": 32}}, "at most 32 characters"),
        ({"type": "int_parsing"}, "expected a whole number"),
        ({"type": "float_parsing"}, "expected a number"),
        ({"type": "bool_parsing"}, "expected true or false"),
        ({"type": "literal_error", "ctx": {"expected": "1, 2 or 3"}}, "expected one of: 1, 2, 3"),
        (
            {"type": "literal_error", "ctx": {"expected": "'individual' or 'organisation'"}},
            "expected one of: 'individual', 'organisation'",
        ),
        (
            {"type": "enum", "ctx": {"expected": "'a', 'b' or 'c'"}},
            "expected one of: 'a', 'b', 'c'",
        ),
        ({"type": "greater_than", "ctx": {"gt": 0.0}}, "must be greater than 0"),
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "must be at least 1"),
        ({"type": "less_than", "ctx": {"lt": 2.5}}, "must be less than 2.5"),
        ({"type": "less_than_equal", "ctx": {"le": 100}}, "must be at most 100"),
        ({"type": "json_invalid", "ctx": {"error": "EOF"}}, "invalid JSON"),
        (
            {"type": "datetime_parsing", "ctx": {"error": "x"}},
            "expected a date and time like 2025-03-01T09:00:00+07:00",
        ),
        (
            {"type": "datetime_from_date_parsing", "ctx": {"error": "x"}},
            "expected a date and time like 2025-03-01T09:00:00+07:00",
        ),
        ({"type": "date_from_datetime_parsing", "ctx": {"error": "x"}}, "expected YYYY-MM-DD"),
        ({"type": "list_type"}, "expected a list"),
        ({"type": "dict_type"}, "expected an object"),
        ({"type": "model_type", "ctx": {"class_name": "ApplicantIn"}}, "expected an object"),
        ({"type": "too_short", "ctx": {"min_length": 1, "actual_length": 0}}, "at least 1 item"),
        ({"type": "uuid_parsing"}, "expected a UUID"),
        ({"type": "value_error", "ctx": {"error": "bad"}}, "invalid value"),
        ({"type": "no_such_type"}, "invalid value"),
        ({"type": "string_too_short", "ctx": {"min_length": "many"}}, "invalid value"),
    ],
)
def test_messages_by_error_type_in_english(error: dict[str, Any], expected: str):
    with translation.override("en"):
        assert validation_message(error) == expected


def test_messages_follow_the_active_language():
    # given: messages the Vietnamese catalogue already holds
    with translation.override("vi"):
        # when / then
        assert validation_message({"type": "missing"}) == _("required") == "bắt buộc"
        assert validation_message({"type": "dict_type"}) == "cần một đối tượng"
        assert validation_message({"type": "date_parsing"}) == "cần có dạng YYYY-MM-DD"


def test_messages_of_a_real_pydantic_error():
    class Body(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str = Field(min_length=2)
        count: int

    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"name": "a", "count": "many", "other": 1})
    with translation.override("en"):
        messages = {str(e["loc"][0]): validation_message(e) for e in caught.value.errors()}
    assert messages == {
        "name": "at least 2 characters",
        "count": "expected a whole number",
        "other": "not allowed",
    }


@pytest.mark.django_db
def test_dossier_intake_fields_are_translated_and_keep_their_keys(client: Client, world):
    # given: a body with a missing, a wrong-type, an out-of-range and an empty field
    body = {
        "channel": 5,
        "receiving_unit": "",
        "applicant": {"full_name": "", "id_number": 3},
        "components": "GT1",
    }
    # when
    resp = client.post(
        "/api/v1/dossiers",
        data=json.dumps(body),
        content_type="application/json",
        headers=bearer(world.counter),
    )
    # then
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_error"
    fields = err["fields"]
    assert fields == {
        "procedure_code": "bắt buộc",
        "channel": _("expected one of: %(expected)s") % {"expected": "1, 2, 3"},
        "receiving_unit": validation_message(
            {"type": "string_too_short", "ctx": {"min_length": 1}}
        ),
        "applicant.full_name": validation_message(
            {"type": "string_too_short", "ctx": {"min_length": 1}}
        ),
        "applicant.id_number": _("expected text"),
        "components": _("expected a list"),
    }
    assert_no_pydantic_english(fields)


@pytest.mark.django_db
def test_dossier_action_fields_are_translated(client: Client, world):
    # given: a dossier and an action body with a wrong type and an unknown field
    created = client.post(
        "/api/v1/dossiers",
        data=json.dumps(
            {
                "procedure_code": "9.000001",
                "channel": 1,
                "receiving_unit": "000.00.15.H12",
                "applicant": {"full_name": "Trần Văn Bình", "id_number": "096099001122"},
            }
        ),
        content_type="application/json",
        headers=bearer(world.counter),
    )
    code = created.json()["code"]
    # when
    resp = client.post(
        f"/api/v1/dossiers/{code}/actions/request_supplement",
        data=json.dumps({"missing": "CCCD", "amount": "x", "colour": "red"}),
        content_type="application/json",
        headers=bearer(world.specialist),
    )
    # then
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert fields == {
        "missing": _("expected a list"),
        "amount": "không được phép",  # request_supplement takes no amount (its own schema)
        "colour": "không được phép",
    }
    # and a wrong type in a field the action takes
    resp = client.post(
        f"/api/v1/dossiers/{code}/actions/request_payment",
        data=json.dumps({"amount": "x"}),
        content_type="application/json",
        headers=bearer(world.specialist),
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"] == {"amount": _("expected a whole number")}


@pytest.mark.django_db
def test_query_parameter_errors_of_django_ninja_are_translated(client: Client):
    # when: page below its minimum, page size not a number, an unknown level
    resp = client.get("/api/v1/procedures", {"page": "0", "page_size": "x", "level": "galaxy"})
    # then: the keys stay the parameter names
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_error"
    assert err["message"] == "Một số trường thông tin còn thiếu hoặc không hợp lệ."
    assert set(err["fields"]) == {"page", "page_size", "level"}
    assert err["fields"]["page"] == _("must be at least %(limit)s") % {"limit": "1"}
    assert err["fields"]["page_size"] == _("expected a whole number")
    assert err["fields"]["level"].startswith(_("expected one of: %(expected)s").split("%")[0])
    assert_no_pydantic_english(err["fields"])


@pytest.mark.django_db
def test_signature_document_fields_are_translated(client: Client, world):
    resp = client.post(
        "/api/v1/signatures/documents",
        data=json.dumps({"kind": "poem"}),
        content_type="application/json",
        headers=bearer(world.counter),
    )
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert fields["dossier"] == "bắt buộc"
    assert "kind" in fields
    assert_no_pydantic_english(fields)


@pytest.mark.django_db
def test_unparsable_body_of_a_ninja_schema_is_malformed_json_in_the_active_language():
    from django.test import RequestFactory
    from ninja.errors import HttpError

    from motcua.api.api import on_http_error

    # given: the error django-ninja raises when a body schema cannot be parsed
    request = RequestFactory().post("/api/v1/x")
    # when
    with translation.override("vi"):
        resp = on_http_error(request, HttpError(400, "Cannot parse request body"))
    # then
    assert resp.status_code == 400
    assert json.loads(resp.content)["error"] == {
        "code": "malformed_json",
        "message": "Nội dung yêu cầu không phải là JSON hợp lệ.",
        "fields": {},
    }
