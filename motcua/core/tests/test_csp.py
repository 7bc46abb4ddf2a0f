"""The Content-Security-Policy: on every response, and no template needs what it forbids."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The printed forms (templates/forms/) and the apps' print templates (…/templates/<app>/print/)
# are rendered to PDF by WeasyPrint, never served as pages.
PAGE_TEMPLATES = [
    p
    for p in [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("motcua").rglob("*.html")]
    if "forms" not in p.relative_to(ROOT).parts[:2] and "print" not in p.relative_to(ROOT).parts
]
# What the policy blocks: inline <script> (one without src, except JSON data blocks), <style>,
# style= and on…= attributes, htmx's hx-on (eval) and javascript: links.
FORBIDDEN = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style|\sstyle=|\son[a-z]+=|hx-on|javascript:",
    re.IGNORECASE,
)


@pytest.mark.django_db
def test_every_page_carries_the_policy(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/accounts/login/", "/api/docs", "/no-such-page/"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "style-src 'self'",
        ):
            assert directive in policy


def test_no_template_needs_inline_script_or_style() -> None:
    assert len(PAGE_TEMPLATES) > 50
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in PAGE_TEMPLATES
        for match in FORBIDDEN.finditer(path.read_text())
    ]
    assert found == []


def test_api_docs_are_served_by_the_app(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html


def test_manage_py_prints_no_deprecation_warning() -> None:
    result = subprocess.run(
        [sys.executable, "-W", "default", "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "DeprecationWarning" not in result.stderr, result.stderr
