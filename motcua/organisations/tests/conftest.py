from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from motcua.core.audit_models import AuditRecord
from motcua.organisations.models import Organisation


def _state() -> tuple[list[dict[str, Any]], list[tuple[int, int]], int]:
    rows: list[dict[str, Any]] = [dict(row) for row in Organisation.objects.order_by("pk").values()]
    links = list(
        Organisation.desk_serves.through.objects.order_by("pk").values_list(
            "from_organisation_id", "to_organisation_id"
        )
    )
    return rows, links, AuditRecord.objects.count()


@pytest.fixture
def db_state() -> Callable[[], tuple[list[dict[str, Any]], list[tuple[int, int]], int]]:
    """Everything a failed service call must leave as it was: rows, desk links, audit trail."""
    return _state
