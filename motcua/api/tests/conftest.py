"""API tests: the dossier `world` (desk, department, officials, citizen)."""

from __future__ import annotations

from motcua.dossiers.tests.conftest import world  # noqa: F401
