"""The documents API in the OpenAPI document (/api/openapi.json, shown at /api/docs): every
path with its operations, tags, summaries and the bodies of the actions."""

from __future__ import annotations

from typing import get_args

import pytest
from django.test import Client

from motcua.documents import api_office, selectors, selectors_outgoing

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/documents"
PATHS = {
    "/outgoing": {"get", "post"},
    "/outgoing/{document_id}": {"get", "patch"},
    "/outgoing/{document_id}/versions": {"post"},
    "/outgoing/{document_id}/attachments": {"post"},
    "/outgoing/{document_id}/actions/{action}": {"post"},
    "/outgoing/{document_id}/pdf": {"get"},
    "/outgoing/{document_id}/versions/{number}": {"get"},
    "/outgoing/{document_id}/attachments/{attachment_id}": {"get"},
    "/incoming": {"get"},
    "/incoming/paper": {"post"},
    "/incoming/{document_id}": {"get"},
    "/incoming/{document_id}/actions/{action}": {"post"},
    "/incoming/{document_id}/files/{file_id}": {"get"},
    "/registers/{name}.{fmt}": {"get"},
}


def test_the_openapi_document_lists_the_documents_api(client: Client):
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path, methods in PATHS.items():
        assert PREFIX + path in paths, path
        operations = paths[PREFIX + path]
        assert methods <= set(operations), path
        for method in methods:
            operation = operations[method]
            assert operation["summary"] and operation["description"], (path, method)
            assert operation["tags"][0] in {
                "outgoing documents",
                "incoming documents",
                "document registers",
            }
            assert operation["security"], (path, method)  # bearer token or session


def test_each_action_has_its_body_in_the_openapi_document(client: Client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, names in (
        ("/outgoing/{document_id}/actions/{action}", api_office.OUTGOING_ACTIONS),
        ("/incoming/{document_id}/actions/{action}", api_office.INCOMING_ACTIONS),
    ):
        body = paths[PREFIX + path]["post"]["requestBody"]["content"]["application/json"]
        assert [schema["title"] for schema in body["schema"]["oneOf"]] == list(names)
    create = paths[PREFIX + "/outgoing"]["post"]["requestBody"]["content"]
    assert "subject" in create["application/json"]["schema"]["properties"]
    assert "file" in create["multipart/form-data"]["schema"]["properties"]


def test_the_docs_page_is_served(client: Client):
    assert client.get("/api/docs").status_code == 200


def test_the_queues_are_the_list_pages_queues():
    assert get_args(api_office.OutgoingQueue) == selectors_outgoing.QUEUE_KEYS
    assert get_args(api_office.IncomingQueue) == selectors.QUEUE_KEYS
