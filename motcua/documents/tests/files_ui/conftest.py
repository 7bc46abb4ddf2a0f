"""The document files' pages: the registers' world (Sở Tư pháp with its office, whose clerk
keeps its registers, a division with its specialists, another department), a report viewer of
the department, and documents of the department through the registers' factories."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory
from motcua.documents.models import DocumentFile
from motcua.documents.tests.registers.factories import make_world


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    w = make_world()
    w.viewer = OfficialFactory(
        username="viewer", full_name="Đỗ Thị Xem", organisation=w.dept, roles=[Role.REPORT_VIEWER]
    )
    return w


def text(response: Any) -> str:
    """The page's text without tags."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def detail_url(document_file: DocumentFile) -> str:
    return reverse("documents:document_file_detail", args=[document_file.pk])


def create_url() -> str:
    return reverse("documents:document_file_create")


def list_url() -> str:
    return reverse("documents:document_file_list")


def file_form(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file_catalog": "2026",
        "file_notation": "01.HCTP",
        "title": "Hồ sơ cải cách hành chính năm 2026",
        "retention": "types",
        "retention_years": "",
        "description": "",
    }
    data.update(values)
    return data
