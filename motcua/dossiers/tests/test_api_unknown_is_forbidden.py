"""An unknown dossier code and a dossier the reader may not see answer the same, so that codes
cannot be probed (dossier codes follow a pattern: unit, day, number)."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.tests.test_api import bearer, counter_body, post_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "/events"),
        ("get", "/result"),
        ("post", "/actions/receive"),
        ("post", "/actions/approve"),
    ],
)
def test_an_unknown_and_a_forbidden_code_answer_the_same(client: Client, world, method, suffix):
    # given a dossier of the desk, and an official of another department
    code = post_json(client, "/api/v1/dossiers", counter_body(), bearer(world.counter)).json()[
        "code"
    ]
    unknown = code[:-4] + "9999"
    outsider = bearer(world.outsider)
    call = getattr(client, method)
    # when the outsider asks for it and for a code that does not exist
    forbidden = call(f"/api/v1/dossiers/{code}{suffix}", headers=outsider)
    missing = call(f"/api/v1/dossiers/{unknown}{suffix}", headers=outsider)
    # then both answers are the same but for the code they repeat
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == {
        "error": {**missing.json()["error"], **_with_code(missing.json()["error"], code)}
    }


def _with_code(error: dict, code: str) -> dict:  # type: ignore[type-arg]
    unknown = error["fields"]["code"]
    return {"message": error["message"].replace(unknown, code), "fields": {"code": code}}
