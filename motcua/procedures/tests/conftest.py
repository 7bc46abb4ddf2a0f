from __future__ import annotations

from typing import Any

import pytest

from motcua.procedures.tests.factories import camau_organisations


@pytest.fixture
def camau(db: None) -> Any:
    """The Cà Mau organisations the demo and the import attach procedures to."""
    return camau_organisations()
