"""Where the links printed on forms point: the configured public address, else the address
of the page the form is printed from, else (outside a request) the development server."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers import printing
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.test_printing import CODE, link_uris, received, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_form_01_printed_from_a_page_links_to_that_sites_address(
    received: Dossier,  # noqa: F811
    settings: Any,
    rf: Any,
) -> None:
    # given: no public address configured; the officer prints from https://motcua.camau.vn
    settings.MOTCUA_PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["motcua.camau.vn"]
    request = rf.get("/dossiers/x/forms/01/", HTTP_HOST="motcua.camau.vn", secure=True)

    # when
    pdf = printing.render_form(received, "01", request=request)

    # then
    assert f"https://motcua.camau.vn/tracking/{CODE}" in link_uris(pdf)


def test_the_configured_public_address_wins_over_the_pages(
    received: Dossier,  # noqa: F811
    settings: Any,
    rf: Any,
) -> None:
    settings.MOTCUA_PUBLIC_BASE_URL = "https://dichvucong.camau.gov.vn/"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    request = rf.get("/", HTTP_HOST="10.0.0.5")

    pdf = printing.render_form(received, "01", request=request)

    assert f"https://dichvucong.camau.gov.vn/tracking/{CODE}" in link_uris(pdf)


@pytest.mark.parametrize(
    ("configured", "host", "expected"),
    [
        ("https://dichvucong.camau.gov.vn/", "", "https://dichvucong.camau.gov.vn"),
        ("", "motcua.camau.vn", "http://motcua.camau.vn"),
        ("", "", "http://127.0.0.1:8000"),
    ],
)
def test_public_base_url(settings: Any, rf: Any, configured: str, host: str, expected: str) -> None:
    settings.MOTCUA_PUBLIC_BASE_URL = configured
    settings.ALLOWED_HOSTS = ["motcua.camau.vn"]
    request = rf.get("/", HTTP_HOST=host) if host else None

    assert printing.public_base_url(request) == expected
