"""No import cycles between the domain apps (issue 11 point 6).

Every import in an app's own code counts, wherever it stands: a function-level
`from motcua.x import …` (a lazy import) and one under `if TYPE_CHECKING:` are dependencies too.
The interface apps (portal, backoffice, api, demo) sit above all of these and are left out: they
may import any domain app, and motcua/portal/tests/test_layers.py checks that no domain app
imports the portal.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

import motcua

ROOT = Path(motcua.__file__).parent
DOMAIN_APPS = (
    "core",
    "organisations",
    "accounts",
    "calendar",
    "procedures",
    "dossiers",
    "notifications",
    "signatures",
    "reporting",
    "feedback",
    "documents",
)
# The domain apps' layers, lowest first: an app imports only apps on the layers before its own
# (docs/architecture.md, "Layers").
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("organisations",),
    ("accounts",),
    ("calendar", "procedures", "notifications"),
    ("dossiers",),
    ("signatures", "reporting", "feedback"),
    ("documents",),
)
# Dependencies (importer, imported) allowed to close a cycle for now, each with its reason.
# Empty: every cycle found has been removed. A dependency listed here that no longer exists
# fails the test, so that the list only shrinks.
KNOWN_CYCLES: frozenset[tuple[str, str]] = frozenset()


def _imported_apps(path: Path) -> set[str]:
    """The motcua apps `path` imports (`import motcua.x`, `from motcua.x… import`,
    `from motcua import x`), at any depth of the module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "motcua":
                found.add(parts[1])
    return found


def _modules(app: str) -> list[Path]:
    """The app's own code: its tests are left out (a test may set up anything)."""
    return [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.relative_to(ROOT).parts]


def app_graph() -> dict[str, dict[str, list[str]]]:
    """importer → imported app → the importer's files that import it."""
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in DOMAIN_APPS}
    for app in DOMAIN_APPS:
        for path in _modules(app):
            for other in _imported_apps(path):
                if other in DOMAIN_APPS and other != app:
                    graph[app].setdefault(other, []).append(str(path.relative_to(ROOT)))
    return graph


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path a → … → a) through each app that is on one."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        visited: set[str] = set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(edges.get(node, ())):
                if nxt == start:
                    key = frozenset(path)
                    if key not in seen:
                        seen.add(key)
                        cycles.append([*path, start])
                elif nxt not in visited:
                    visited.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return cycles


def test_find_cycles_finds_direct_and_longer_cycles():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_imports_are_found_wherever_they_stand(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "import motcua.dossiers.models\n"
        "from motcua import reporting\n"
        "if TYPE_CHECKING:\n"
        "    from motcua.accounts.models import User\n"
        "def f():\n"
        "    from motcua.signatures.api import router\n",
        encoding="utf-8",
    )
    assert _imported_apps(module) == {"dossiers", "reporting", "accounts", "signatures"}


def test_no_import_cycle_between_domain_apps():
    graph = app_graph()
    edges = {
        app: {other for other in imported if (app, other) not in KNOWN_CYCLES}
        for app, imported in graph.items()
    }
    cycles = find_cycles(edges)
    report = [
        " → ".join(cycle)
        + ": "
        + "; ".join(
            f"{a} → {b} in {', '.join(sorted(graph[a][b])[:3])}" for a, b in pairwise(cycle)
        )
        for cycle in cycles
    ]
    assert report == []


def test_known_cycles_still_exist():
    graph = app_graph()
    assert [edge for edge in KNOWN_CYCLES if edge[1] not in graph[edge[0]]] == []


def test_core_imports_no_other_app():
    assert app_graph()["core"] == {}


def test_layers_name_every_domain_app_once():
    assert sorted(app for layer in LAYERS for app in layer) == sorted(DOMAIN_APPS)


def test_no_app_imports_its_own_layer_or_a_higher_one():
    level = {app: index for index, layer in enumerate(LAYERS) for app in layer}
    upward = [
        f"{app} → {other} in {', '.join(sorted(files)[:3])}"
        for app, imported in app_graph().items()
        for other, files in imported.items()
        if level[other] >= level[app]
    ]
    assert upward == []
