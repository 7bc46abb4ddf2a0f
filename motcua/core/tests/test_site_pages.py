"""What every page shares (base.html): the main menu, the favicon, the footer's link to the
signature verification page, also on the account pages and the error pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

NAV = ('href="/procedures/"', 'href="/tracking/"', 'href="/statistics/"', 'id="nav-login"')


def assert_shared_parts(html: str) -> None:
    for link in NAV:
        assert link in html
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert 'id="footer-verify" href="/signatures/verify/"' in html or (
        'href="/signatures/verify/" id="footer-verify"' in html
    )
    assert 'class="menu-toggle"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/reset/done/",
        "/accounts/reset/x/y/",
        "/accounts/login/",
        "/no-such-page/",
        "/signatures/verify/",
    ],
)
def test_pages_outside_the_portal_have_the_main_menu(client, path) -> None:  # type: ignore[no-untyped-def]
    assert_shared_parts(client.get(path).content.decode())


@pytest.mark.django_db
def test_the_server_error_page_has_the_main_menu_in_vietnamese() -> None:
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert_shared_parts(html)
    assert "Về trang chủ" in html and "Server Error" not in html


def test_favicon_ico_leads_to_the_icon(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("img/favicon-32.png")
