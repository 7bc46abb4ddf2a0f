"""Public, read-only catalogue API, mounted at /api/v1/procedures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

# The function itself (typed), not ninja's `Query` shortcut: mypy sees that one as the generic
# alias Annotated[T, …], which cannot be called.
from ninja.params.functions import Query

from motcua.procedures.enums import OnlineLevel, ProcedureLevel
from motcua.procedures.models import Fee, ProcedureVersion, TimeLimit
from motcua.procedures.selectors import (
    field_list,
    procedure_get_by_code,
    procedure_list,
    procedure_version_get,
    procedure_version_prefetch,
)

router = Router(tags=["procedures"])


class TimeLimitOut(Schema):
    channel: int
    amount: int
    unit: str


class FeeOut(Schema):
    channel: int | None
    amount: int
    description: str
    collected: str
    exemptions: str


class PaperOut(Schema):
    code: str
    name: str
    originals: int
    copies: int
    required: bool
    form_template: str | None


class CaseOut(Schema):
    code: str
    name: str
    is_default: bool
    papers: list[PaperOut]
    time_limits: list[TimeLimitOut]
    fees: list[FeeOut]


class FieldOut(Schema):
    code: str
    name: str


class UnitOut(Schema):
    agency_code: str
    name: str


class ResultOut(Schema):
    code: str
    name: str
    has_document: bool


class ProcedureOut(Schema):
    code: str
    name: str
    version: int
    level: str
    online_level: str
    online_level_national: int
    status: str
    procedure_type: str
    fields: list[FieldOut]
    target_groups: list[str]
    implementing_units: list[UnitOut]
    receiving_units: list[str]
    time_limits: list[TimeLimitOut]
    fees: list[FeeOut]
    cutoff: str | None
    cases: list[CaseOut]
    result: ResultOut
    legal_basis: str
    conditions: str
    steps: str
    decision_number: str
    effective_from: dt.date | None


class ProcedureListOut(Schema):
    items: list[ProcedureOut]
    count: int
    page: int
    page_size: int


def _time_limit(tl: TimeLimit) -> dict[str, Any]:
    return {"channel": tl.channel, "amount": tl.amount, "unit": tl.unit}


def _fee(fee: Fee) -> dict[str, Any]:
    return {
        "channel": fee.channel,
        "amount": fee.amount,
        "description": fee.description,
        "collected": fee.collected,
        "exemptions": fee.exemptions,
    }


def procedure_to_dict(version: ProcedureVersion) -> dict[str, Any]:
    """The API representation of a version (expects `procedure_version_prefetch`)."""
    time_limits = sorted(version.time_limits.all(), key=lambda tl: tl.channel)
    fees = sorted(version.fees.all(), key=lambda f: (f.order, f.pk))
    cases = sorted(version.cases.all(), key=lambda c: (c.order, c.pk))
    return {
        "code": version.procedure.code,
        "name": version.name,
        "version": version.number,
        "level": version.level,
        "online_level": version.online_level,
        "online_level_national": version.online_level_national,
        "status": version.status,
        "procedure_type": version.procedure_type,
        "fields": [{"code": f.code, "name": f.name} for f in version.fields.all()],
        "target_groups": list(version.target_groups or []),
        "implementing_units": [
            {"agency_code": o.agency_code, "name": o.name}
            for o in sorted(version.implementing_organisations.all(), key=lambda o: o.agency_code)
        ],
        "receiving_units": sorted(o.agency_code for o in version.receiving_organisations.all()),
        "time_limits": [_time_limit(tl) for tl in time_limits if tl.case_id is None],
        "fees": [_fee(f) for f in fees if f.case_id is None],
        "cutoff": version.cutoff.strftime("%H:%M") if version.cutoff else None,
        "cases": [
            {
                "code": case.code,
                "name": case.name,
                "is_default": case.is_default,
                "papers": [
                    {
                        "code": p.code,
                        "name": p.name,
                        "originals": p.originals,
                        "copies": p.copies,
                        "required": p.required,
                        "form_template": p.form_template.url if p.form_template else None,
                    }
                    for p in sorted(case.papers.all(), key=lambda p: (p.order, p.pk))
                ],
                "time_limits": [_time_limit(tl) for tl in time_limits if tl.case_id == case.pk],
                "fees": [_fee(f) for f in fees if f.case_id == case.pk],
            }
            for case in cases
        ],
        "result": {
            "code": version.result_code,
            "name": version.result_name,
            "has_document": version.has_document_result,
        },
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "steps": version.steps,
        "decision_number": version.decision_number,
        "effective_from": version.effective_from,
    }


@router.get(
    "",
    response=ProcedureListOut,
    auth=None,
    operation_id="list_procedures",
    summary="Search the procedure catalogue",
)
def list_procedures(
    request: HttpRequest,
    q: str = "",
    field: str | None = None,
    level: ProcedureLevel | None = None,
    online_level: OnlineLevel | None = None,
    organisation: str | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    """Active procedures; `q` is matched without diacritics against names and codes and the
    results are ranked by relevance. `field`: a field id, code or name; `organisation`: the
    agency code of an implementing or receiving unit."""
    procedures = procedure_list(
        q=q,
        field=field,
        level=level.value if level else None,
        organisation=organisation,
        online_level=online_level.value if online_level else None,
    )
    start = (page - 1) * page_size
    window = procedures[start : start + page_size]
    ids = [p.current_version_id for p in window]
    versions = {v.pk: v for v in procedure_version_prefetch().filter(pk__in=ids)}
    return {
        "items": [procedure_to_dict(versions[i]) for i in ids if i in versions],
        "count": len(procedures),
        "page": page,
        "page_size": page_size,
    }


@router.get("/fields", response=list[FieldOut], auth=None, operation_id="list_procedure_fields")
def list_procedure_fields(request: HttpRequest) -> list[dict[str, Any]]:
    """Fields of activity (lĩnh vực), for the `field` filter."""
    return [{"code": f.code, "name": f.name} for f in field_list()]


@router.get("/{code}", response=ProcedureOut, auth=None, operation_id="get_procedure")
def get_procedure(request: HttpRequest, code: str) -> dict[str, Any]:
    """One procedure by its code (e.g. 1.001193), in its current version."""
    procedure = procedure_get_by_code(code)
    return procedure_to_dict(procedure_version_get(procedure.current_version_id or 0))
