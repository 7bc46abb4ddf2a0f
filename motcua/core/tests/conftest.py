"""Core tests: the dossier `world` for the page tests."""

from motcua.dossiers.tests.conftest import make_procedure, world  # noqa: F401
