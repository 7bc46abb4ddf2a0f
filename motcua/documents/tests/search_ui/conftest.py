"""The search and metric pages: two agencies with officials, documents written through the
search tests' helpers (their search text computed as the services compute it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.models import User
from motcua.documents.tests.search import helpers as h
from motcua.organisations.models import Organisation


@dataclass
class Agencies:
    a: Organisation
    b: Organisation
    clerk: User  # of A: sees all A's documents, secret ones too
    specialist: User  # of A
    viewer: User  # report viewer of A
    b_clerk: User
    admin: User  # provincial administrator


@pytest.fixture
def agencies(db: Any) -> Agencies:
    a = h.agency("Ủy ban nhân dân huyện Thới Bình")
    b = h.agency("Sở Tài nguyên và Môi trường")
    return Agencies(
        a=a,
        b=b,
        clerk=h.official(a, Role.CLERK),
        specialist=h.official(a, Role.SPECIALIST),
        viewer=h.official(a, Role.REPORT_VIEWER),
        b_clerk=h.official(b, Role.CLERK),
        admin=h.official(a, Role.PROVINCIAL_ADMIN),
    )


def text(response: Any) -> str:
    """The page's text without tags."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def result_ids(response: Any) -> list[tuple[str, int]]:
    """(kind, id) of each search result, in order."""
    found = re.findall(
        r'data-kind="(incoming|outgoing)" data-id="(\d+)"', response.content.decode()
    )
    return [(kind, int(pk)) for kind, pk in found]
