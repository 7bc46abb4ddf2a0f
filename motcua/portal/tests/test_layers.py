"""The portal is an interface: it owns no tables and no rules, and nothing below it imports it
(issue 11 point 6). Citizen accounts live in `accounts`, drafts in `dossiers`."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

import motcua

ROOT = Path(motcua.__file__).parent
# Domain apps (and core): none of them may import an interface app for anything.
DOMAIN_APPS = (
    "core",
    "organisations",
    "accounts",
    "calendar",
    "procedures",
    "dossiers",
    "notifications",
    "feedback",
    "signatures",
    "reporting",
)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; `from motcua import portal` counts)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules(app: str) -> list[Path]:
    """The app's own code: its tests are left out (a test may drive any page)."""
    return [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.relative_to(ROOT).parts]


def test_the_portal_owns_no_models():
    assert list(apps.get_app_config("portal").get_models()) == []


def test_no_domain_app_imports_the_portal():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for app in DOMAIN_APPS
        for path in _modules(app)
        for name in _imports(path)
        if name == "motcua.portal" or name.startswith("motcua.portal.")
    ]
    assert offenders == []


def test_the_account_code_imports_no_higher_app():
    # accounts sits below procedures and dossiers: what it needs from them is passed in
    # (`retention.abandoned_registrations_purge(in_use=...)`). Its API router is an interface.
    allowed = ("motcua.accounts", "motcua.core", "motcua.organisations")
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules("accounts")
        if path.name != "api.py"
        for name in _imports(path)
        if name.startswith("motcua.")
        and name != "motcua"
        and not any(name == a or name.startswith(a + ".") for a in allowed)
    ]
    assert offenders == []
