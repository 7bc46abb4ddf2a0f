"""Public portal API, mounted at /api/v1/portal: the tracking view of a dossier as JSON (the
same facts as /tracking/<code>: no personal data beyond the masked applicant name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.portal.selectors import dossier_get_for_tracking, tracking_view

router = Router(tags=["portal"])


class StepOut(Schema):
    order: int
    name: str
    unit: str
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    ended_at: dt.datetime | None
    result: str


class TrackingOut(Schema):
    code: str
    status: str
    status_label: str
    procedure_code: str
    procedure_name: str
    receiving_unit: str
    current_unit: str
    applicant: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    appointment_at: dt.datetime | None
    ended_at: dt.datetime | None
    delivered_at: dt.datetime | None
    steps: list[StepOut]


class ErrorOut(Schema):
    error: dict[str, Any]


@router.get(
    "/tracking/{code}",
    response={200: TrackingOut, 404: ErrorOut},
    operation_id="track_dossier",
    auth=None,
)
def track_dossier(request: HttpRequest, code: str) -> Any:
    view = tracking_view(dossier_get_for_tracking(code))
    return {**view.__dict__, "steps": view.steps}
