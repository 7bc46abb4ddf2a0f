"""The OpenAPI document is self-contained: every reference resolves inside it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in refs(item)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, ref
        node = node[part]
    return node


def test_every_reference_of_the_openapi_document_resolves_inside_it(client: Client):
    document = client.get("/api/openapi.json").json()
    found = refs(document)
    assert found
    for ref in sorted(set(found)):
        assert resolve(document, ref) is not None, ref


def test_the_dossier_intake_body_is_described_in_full(client: Client):
    document = client.get("/api/openapi.json").json()
    body = document["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    applicant = schema["properties"]["applicant"]
    assert applicant["properties"]["phone"]["type"] == "string"
    assert schema["properties"]["components"]["items"]["properties"]["paper_code"]
