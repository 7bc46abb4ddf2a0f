"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's
live_server. One browser for the whole session, a fresh context (cookies) per person.

Run: .venv/bin/pytest tests/e2e -m browser -p no:xdist
Needs `apt-get install chromium` and `pip install playwright` (no `playwright install`).
Screenshots go to artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.tests.conftest import make_procedure, vn, world  # noqa: F401

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One chromium for all the browser tests (of this worker), closed after the last one."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an event loop running in the test thread while it is open;
    # the tests' own ORM calls (fixtures, assertions) are synchronous and safe there. Only for
    # as long as the browser is open: other tests (and their subprocesses) never see it.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """new_page(viewport=PHONE, javascript=True) -> a page in its own browser context."""
    contexts: list[Any] = []

    def make(*, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="en-US",
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """shot(page, "name"): a full-page screenshot artifacts/e2e/<test>-<nn>-<name>.png."""
    counter = {"n": 0}
    test = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")

    def take(page: Any, name: str) -> None:
        counter["n"] += 1
        page.screenshot(
            path=str(ARTIFACTS / f"{test}-{counter['n']:02d}-{name}.png"), full_page=True
        )

    return take


def login(page: Any, username: str, password: str = "pass-1234") -> None:  # noqa: S107 - factory password
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
