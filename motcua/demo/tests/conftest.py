"""Fixtures of the demo tests: the dossiers' `world`."""

from motcua.dossiers.tests.conftest import world  # noqa: F401
