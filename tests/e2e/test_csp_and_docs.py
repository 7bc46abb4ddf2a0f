"""The Content-Security-Policy holds in a real browser: /api/docs renders Swagger UI from the
app's own files with the network cut off beyond the test server, and the pages people use (the
portal, the login page, the back office's counter intake with htmx) violate nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import PHONE, login

pytestmark = pytest.mark.browser

# Collected in the page before any of its scripts run; Playwright's init script is not subject
# to the page's policy.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


def offline_page(new_page: Any, live_server: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """A page that reaches only the test server; every other request is aborted and listed."""
    page = new_page(**kwargs)
    host = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def route(r: Any) -> None:
        if urlsplit(r.request.url).netloc == host or r.request.url.startswith("data:"):
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.elsewhere = elsewhere
    return page, errors


def test_api_docs_render_offline(new_page: Any, live_server: Any, shot: Any) -> None:
    # given: a browser that can reach nothing but the MotCua server
    page, errors = offline_page(new_page, live_server)

    # when: a developer opens the API documentation
    response = page.goto("/api/docs")
    page.locator(".opblock").first.wait_for()

    # then: Swagger UI lists the operations, loaded from the app, under the policy
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator(".opblock").count() > 10
    assert page.get_by_text("/api/v1/dossiers", exact=True).count() > 0
    assert page.elsewhere == []
    assert page.evaluate("window.__csp") == []
    assert errors == []
    shot(page, "api-docs")


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_pages_break_no_rule_of_the_policy(
    new_page: Any, live_server: Any, shot: Any, world: Any, viewport: Any
) -> None:
    # given: a browser that reports every violation of the policy
    page, errors = offline_page(
        new_page, live_server, **({"viewport": viewport} if viewport else {})
    )

    # when: a visitor walks the public pages, then an official receives a dossier at the counter
    visited = []
    for path in (
        "/",
        "/procedures/",
        "/tracking/",
        "/accounts/login/",
        "/accounts/password-reset/",
        "/signatures/verify/",
        "/no-such-page/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        visited.append((path, page.evaluate("window.__csp")))
    login(page, "counter")
    page.goto("/office/dossiers/new/")
    page.fill("#pq", "9.000001")  # htmx narrows the procedure list as the official types
    page.wait_for_load_state("networkidle")
    page.locator("#id_procedure option[value]").first.wait_for(state="attached")
    visited.append(("/office/dossiers/new/", page.evaluate("window.__csp")))

    # then: nothing was blocked, nothing went elsewhere, no script failed
    assert [v for v in visited if v[1]] == []
    assert page.elsewhere == []
    assert [e for e in errors if "404" not in e] == []  # the missing page's own 404 is expected
    shot(page, "intake")
