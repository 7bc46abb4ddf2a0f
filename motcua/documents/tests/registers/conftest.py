from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from motcua.documents.tests.registers.factories import make_world


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    return make_world()


@pytest.fixture
def vi() -> object:
    with translation.override("vi"):
        yield None
