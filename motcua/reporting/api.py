"""API v1 for reports (thin: the computations live in one_stop, index766, savings, dashboard).

Every endpoint takes `from`, `to` (YYYY-MM-DD) and optionally `unit` (an agency code; the unit
and its subtree); bad values answer 422 with one message per field, a unit outside the user's
scope 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.auth import AUTH
from motcua.reporting.dashboard import dashboard_data
from motcua.reporting.index766 import index766_report
from motcua.reporting.one_stop import one_stop_report
from motcua.reporting.params import parse_params
from motcua.reporting.savings import savings_report

router = Router(tags=["reporting"], auth=AUTH)


class ErrorOut(Schema):
    error: dict[str, Any]


class OneStopTotalOut(Schema):
    received_total: int
    received_online: int
    received_counter_post: int
    carried_over: int
    resolved_total: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress_total: int
    in_progress_within_time: int
    in_progress_overdue: int


class OneStopRowOut(OneStopTotalOut):
    key: str
    name: str


class OneStopOut(Schema):
    period: dict[str, str]
    group_by: str
    unit: str | None
    rows: list[OneStopRowOut]
    total: OneStopTotalOut


_PARAMS_DOC = {
    "parameters": [
        {
            "in": "query",
            "name": "from",
            "required": True,
            "schema": {"type": "string", "format": "date"},
        },
        {
            "in": "query",
            "name": "to",
            "required": True,
            "schema": {"type": "string", "format": "date"},
        },
        {
            "in": "query",
            "name": "unit",
            "required": False,
            "schema": {"type": "string"},
            "description": "Agency code; the unit and the units below it",
        },
    ]
}
_GROUP_DOC = {
    "parameters": [
        *_PARAMS_DOC["parameters"],
        {
            "in": "query",
            "name": "group_by",
            "required": False,
            "schema": {"type": "string", "enum": ["organisation", "field", "procedure"]},
        },
    ]
}


@router.get(
    "/one-stop",
    response={200: OneStopOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    operation_id="get_one_stop_report",
    openapi_extra=_GROUP_DOC,
)
def get_one_stop_report(request: HttpRequest) -> Any:
    """Form 06a: received, resolved and in-progress dossiers per organisation, field or
    procedure (DOMAIN §5)."""
    params = parse_params(request.user, request.GET)
    return one_stop_report(params).as_dict()


@router.get(
    "/index766",
    response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    operation_id="get_index766",
    openapi_extra=_PARAMS_DOC,
)
def get_index766(request: HttpRequest) -> Any:
    """Decision 766 indicators 2.1, 2.2, 3.1, 3.3, 3.6, 4.1, 4.2, 4.3 and 5.4 for the unit (or
    the province) and per receiving organisation, with a monthly trend and the savings."""
    params = parse_params(request.user, request.GET)
    return index766_report(params, base_url=request.build_absolute_uri("/reports/index766/"))


@router.get(
    "/savings",
    response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    operation_id="get_savings",
    openapi_extra=_PARAMS_DOC,
)
def get_savings(request: HttpRequest) -> Any:
    """Estimated compliance-cost savings of online submission, with the assumptions used."""
    params = parse_params(request.user, request.GET)
    return savings_report(params).as_dict()


@router.get(
    "/dashboard",
    response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    operation_id="get_dashboard",
    openapi_extra=_PARAMS_DOC,
)
def get_dashboard(request: HttpRequest) -> Any:
    """The figures behind the dashboard charts."""
    params = parse_params(request.user, request.GET)
    return dashboard_data(params)
