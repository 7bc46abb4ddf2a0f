"""API v1 for dossiers: intake, reads, actions, export (thin: the services do the work)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from motcua.accounts import policies
from motcua.api.auth import AUTH
from motcua.api.openapi import inline_schema
from motcua.api.validation import validation_message
from motcua.core import fields
from motcua.core.errors import BadRequest, PermissionDenied, ValidationFailed
from motcua.core.validators import (
    CMND_VALID_UNTIL,
    EARLIEST_RECORD_DAY,
    FUTURE_YEARS,
    FieldError,
    clean_date,
    clean_id_number,
    latest_day,
    max_length_of,
)
from motcua.dossiers import registry, selectors, services
from motcua.dossiers.models import Applicant, Dossier, IdempotencyRecord
from motcua.dossiers.registry import CODE as _CODE
from motcua.dossiers.registry import ComponentIn
from motcua.dossiers.uploads import file_sha256
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import organisation_get_by_code

router = Router(tags=["dossiers"], auth=AUTH)
JSON_CONTENT_TYPE = f"application/json; charset={settings.DEFAULT_CHARSET}"


# --- request bodies -------------------------------------------------------------------------


_APPLICANT_NAME = max_length_of(Applicant, "full_name")
_ADDRESS = max_length_of(Applicant, "address")
_ID_NUMBER = max_length_of(Applicant, "id_number")


class ApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    full_name: Annotated[str, fields.text(_APPLICANT_NAME)] = Field(min_length=1)
    kind: Literal["individual", "organisation"] = "individual"  # before id_number: its rule
    id_number: Annotated[str, fields.text(_ID_NUMBER)] = Field(
        min_length=1,
        description="12-digit citizen ID number (a 9-digit CMND only for dossiers filed before "
        "2025), a passport number, or an organisation's tax code",
    )
    phone: fields.Phone = ""
    email: fields.Email = ""
    address: Annotated[str, fields.text(_ADDRESS)] = ""

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str, info: ValidationInfo) -> str:
        """The number's form for the applicant's kind; whether a CMND was still valid on the
        filing day is DossierIn's check."""
        kind = info.data.get("kind", "individual")
        return str(fields.run(lambda: clean_id_number(value, kind=kind, on=CMND_VALID_UNTIL)))


class RepresentativeIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    full_name: Annotated[str, fields.text(max_length_of(Dossier, "representative_name"))] = Field(
        min_length=1
    )
    id_number: Annotated[str, fields.text(max_length_of(Dossier, "representative_id_number"))] = ""
    authorisation: Annotated[
        str, fields.text(max_length_of(Dossier, "representative_authorisation"))
    ] = ""


class DossierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    procedure_code: Annotated[str, fields.text(_CODE)] = Field(min_length=1)
    channel: Literal[1, 2, 3]
    receiving_unit: Annotated[str, fields.text(max_length_of(Organisation, "agency_code"))] = Field(
        min_length=1, description="Agency code of the receiving unit"
    )
    applicant: ApplicantIn
    case_code: Annotated[str, fields.text(_CODE)] | None = None
    components: list[ComponentIn] = Field(default=[], max_length=100)
    representative: RepresentativeIn | None = None
    sub_channel: Annotated[str, fields.text(max_length_of(Dossier, "sub_channel"))] = ""
    at: fields.PastTime | None = None

    @model_validator(mode="after")
    def _id_numbers(self) -> DossierIn:
        """The ID numbers, by the applicant's kind and the filing day (a CMND is accepted for
        a dossier filed before 2025 only): motcua.core.validators.clean_id_number."""
        on = timezone.localtime(self.at).date() if self.at else None
        errors = []
        try:
            self.applicant.id_number = clean_id_number(
                self.applicant.id_number, kind=self.applicant.kind, on=on
            )
        except FieldError as exc:
            errors.append(
                fields.error_at(("applicant", "id_number"), self.applicant.id_number, exc)
            )
        if self.representative is not None and self.representative.id_number:
            try:
                self.representative.id_number = clean_id_number(
                    self.representative.id_number, on=on
                )
            except FieldError as exc:
                value = self.representative.id_number
                errors.append(fields.error_at(("representative", "id_number"), value, exc))
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


# --- responses ------------------------------------------------------------------------------


class DossierOut(Schema):
    code: str
    status: str
    status_code: int
    procedure_code: str
    procedure_name: str
    channel: int
    receiving_unit: str
    current_unit: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    appointment_at: dt.datetime | None
    ended_at: dt.datetime | None
    delivered_at: dt.datetime | None
    supplement_count: int
    paused_minutes: int
    paused_since: dt.datetime | None
    applicant: dict[str, str]
    fee_amount: int
    result_number: str
    allowed_actions: list[str]


class EventOut(Schema):
    action: str
    at: dt.datetime
    actor: str
    from_status: str
    to_status: str
    from_unit: str | None
    to_unit: str | None
    note: str
    data: dict[str, Any]
    attachments: list[str]


class ErrorOut(Schema):
    error: dict[str, Any]


def summary_out(v: dict[str, Any], user: Any, dossier: Dossier | None = None) -> dict[str, Any]:
    """The API's dossier body: the export row (the same fields and formats) plus what the API
    reader needs, from the SUMMARY_FIELDS values of a dossier. `allowed_actions`: what `user`
    may do now (motcua.dossiers.policies; from the values alone on the hot read, no query)."""
    from motcua.dossiers import policies

    if dossier is not None:
        actions = policies.actions_for(user, dossier)
    else:
        actions = policies.actions_for_summary(user, v)
    return {
        **selectors.export_row(v),
        "procedure_name": v["procedure_version__name"],
        "current_unit": v["current_unit__agency_code"],
        "applicant": {
            "full_name": v["applicant__full_name"],
            "id_number": v["applicant__id_number"],
            "kind": v["applicant__kind"],
        },
        "fee_amount": v["fee_amount"],
        "result_number": v["result_number"],
        "allowed_actions": actions,
    }


def dossier_out(d: Dossier, user: Any) -> dict[str, Any]:
    return summary_out(selectors.values_of(d, selectors.SUMMARY_FIELDS), user, d)


def _json(body: Any, status: int = 200) -> HttpResponse:
    """A dossier body as JSON, rendered as django-ninja would but without validating it once
    more against DossierOut: `summary_out` builds exactly its fields (test_api checks the
    schema), and the times keep the export's format (microseconds, +07:00)."""
    return HttpResponse(json.dumps(body), status=status, content_type=JSON_CONTENT_TYPE)


# --- parsing --------------------------------------------------------------------------------


def _payload(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """(JSON body, uploaded files): application/json, or multipart with the JSON in `data`."""
    content_type = request.content_type or ""
    try:
        if content_type.startswith("multipart/"):
            raw = request.POST.get("data", "{}")
            return json.loads(raw or "{}"), dict(request.FILES.items())
        if not request.body:
            return {}, {}
        return json.loads(request.body), {}
    except RecursionError as exc:  # "[[[[…" nested deeper than Python's stack
        raise BadRequest(
            _("The request body is not valid JSON: it is nested too deeply."),
            code="malformed_json",
        ) from exc
    except json.JSONDecodeError as exc:  # where, in words; not Python's English message
        raise BadRequest(
            _("The request body is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": exc.lineno, "column": exc.colno},
            code="malformed_json",
        ) from exc
    except UnicodeDecodeError as exc:
        raise BadRequest(
            _("The request body is not valid JSON: it is not UTF-8 text."), code="malformed_json"
        ) from exc


def _validate(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        raise BadRequest(_("The request body must be a JSON object."), code="malformed_json")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = {
            ".".join(str(p) for p in err["loc"]) or "request": validation_message(err)
            for err in exc.errors()
        }
        raise ValidationFailed(_("Some fields are missing or invalid."), fields=fields) from exc


def _fingerprint(data: Any, files: dict[str, Any]) -> str:
    """sha256 of a request: its JSON body (keys sorted, so the same JSON gives the same
    fingerprint however it was spaced) and each file part's name, file name and content. Not of
    the raw body: a multipart retry has a new boundary."""
    digest = hashlib.sha256()
    digest.update(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())
    for part in sorted(files):
        upload = files[part]
        name = json.dumps([part, upload.name or "", file_sha256(upload)])
        digest.update(b"\0" + name.encode())
    return digest.hexdigest()


def _replay(previous: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    """The first answer to this Idempotency-Key, if this request is the one it answered
    (records kept before fingerprints were have none, and replay as they always did)."""
    if previous.fingerprint and previous.fingerprint != fingerprint:
        raise ValidationFailed(
            _(
                "This Idempotency-Key was already used for a different request: "
                "send a new request with a new key."
            ),
            code="idempotency_key_reused",
            fields={"Idempotency-Key": _("already used for a different request")},
        )
    return _json(previous.response, previous.status_code)


def _components(items: list[ComponentIn], files: dict[str, Any]) -> list[services.ComponentInput]:
    out = []
    for index, item in enumerate(items):
        upload = None
        if item.file:
            upload = files.get(item.file)
            if upload is None:
                raise ValidationFailed(
                    _("The file part “%(name)s” is missing from the request.")
                    % {"name": item.file},
                    fields={f"components.{index}.file": _("missing file part")},
                )
        out.append(
            services.ComponentInput(
                name=item.name,
                paper_code=item.paper_code,
                file=upload,
                paper_original_seen=item.paper_original_seen,
                is_original=item.is_original,
                digitised=item.digitised,
                reused=item.reused,
            )
        )
    # Files sent without being named by a component are attached as extra papers.
    named = {item.file for item in items if item.file}
    for part, upload in files.items():
        if part not in named and part != "data":
            out.append(services.ComponentInput(name=upload.name or part, file=upload))
    return out


# --- endpoints ------------------------------------------------------------------------------

_MULTIPART_DOC = {
    "requestBody": {
        "content": {
            "application/json": {"schema": inline_schema(DossierIn)},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "data": {"type": "string", "description": "The JSON body"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                    "required": ["data"],
                }
            },
        },
        "required": True,
    }
}


@router.post(
    "",
    response={201: DossierOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="create_dossier",
    openapi_extra=_MULTIPART_DOC,
)
def create_dossier(request: HttpRequest) -> Any:
    key = request.headers.get("Idempotency-Key", "").strip()[:128]
    scope = f"create_dossier:{request.user.pk}"
    data, files = _payload(request)
    fingerprint = _fingerprint(data, files) if key else ""
    if key:
        previous = IdempotencyRecord.objects.filter(key=key, scope=scope).first()
        if previous is not None:
            return _replay(previous, fingerprint)
    body: DossierIn = _validate(DossierIn, data)
    unit = organisation_get_by_code(body.receiving_unit)
    try:
        with transaction.atomic():
            dossier = services.dossier_create(
                actor=request.user,
                procedure_code=body.procedure_code,
                channel=body.channel,
                receiving_unit=unit,
                applicant=services.ApplicantInput(**body.applicant.model_dump()),
                case_code=body.case_code,
                components=_components(body.components, files),
                representative=services.RepresentativeInput(**body.representative.model_dump())
                if body.representative
                else None,
                sub_channel=body.sub_channel,
                at=body.at,
            )
            response = dossier_out(dossier, request.user)  # JSON types only
            if key:
                IdempotencyRecord.objects.create(
                    key=key,
                    scope=scope,
                    status_code=201,
                    response=response,
                    fingerprint=fingerprint,
                )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer as it did.
        previous = IdempotencyRecord.objects.filter(key=key, scope=scope).first() if key else None
        if previous is None:
            raise
        return _replay(previous, fingerprint)
    return _json(response, 201)


@router.get("/export", auth=AUTH, operation_id="export_dossiers", response={200: None})
def export_dossiers(request: HttpRequest) -> StreamingHttpResponse:
    """JSON lines, one per dossier received or open in [from, to]; query: from, to, unit.

    An official gets the dossiers the units of their scope (or `unit` and its sub-units)
    received, process or hold now; a provincial administrator without `unit`, every dossier."""
    params = request.GET
    unit = params.get("unit") or None
    parsed: dict[str, dt.date] = {}
    for name in ("from", "to"):
        raw = params.get(name, "")
        try:
            parsed[name] = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValidationFailed(
                _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw},
                fields={name: _("expected YYYY-MM-DD")},
            ) from exc
        try:  # no year 9999 (the day after it overflows)
            clean_date(parsed[name], earliest=EARLIEST_RECORD_DAY, latest=latest_day(FUTURE_YEARS))
        except FieldError as exc:
            raise ValidationFailed(
                _("Some fields are missing or invalid."), fields={name: str(exc.message)}
            ) from exc
    if parsed["to"] < parsed["from"]:
        raise ValidationFailed(_("“to” is before “from”."), fields={"to": _("before from")})
    scope = policies.organisations_in_scope(request.user)
    if unit:
        org = organisation_get_by_code(unit)
        if not policies.is_provincial_admin(request.user) and not scope.filter(pk=org.pk).exists():
            raise PermissionDenied(_("This unit is outside your scope."))
        unit_ids = list(
            org.__class__.objects.filter(path__startswith=org.path).values_list("pk", flat=True)
        )
    elif policies.is_provincial_admin(request.user):
        unit_ids = None
    else:
        unit_ids = list(scope.values_list("pk", flat=True))
        if not unit_ids:
            raise PermissionDenied(_("Only officials may export dossiers."))
    rows = selectors.dossier_export_iter(
        date_from=parsed["from"], date_to=parsed["to"], unit_ids=unit_ids
    )
    stream = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return StreamingHttpResponse(stream, content_type="application/x-ndjson; charset=utf-8")


@router.get(
    "/{code}", response={200: DossierOut, 403: ErrorOut, 404: ErrorOut}, operation_id="get_dossier"
)
def get_dossier(request: HttpRequest, code: str) -> Any:
    summary = selectors.dossier_summary(code)
    if not selectors.can_view_summary(request.user, summary):
        raise selectors.dossier_not_found(code)  # as for an unknown code
    return _json(summary_out(summary, request.user))


# GET /{code}/result (the signed result PDF) is served by the signatures app: its
# `dossier_result_router`, mounted beside this router by motcua/api/api.py (dossiers never
# imports signatures).


@router.get(
    "/{code}/events",
    response={200: list[EventOut], 403: ErrorOut, 404: ErrorOut},
    operation_id="list_dossier_events",
)
def list_dossier_events(request: HttpRequest, code: str) -> Any:
    dossier = selectors.dossier_get_for_viewer(code, request.user)
    return [
        {
            "action": e.action,
            "at": timezone.localtime(e.at),
            "actor": e.actor_name,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "from_unit": e.from_unit.agency_code if e.from_unit else None,
            "to_unit": e.to_unit.agency_code if e.to_unit else None,
            "note": e.note,
            "data": e.data,
            "attachments": [a.name for a in e.attachments.all()],
        }
        for e in selectors.dossier_events(dossier)
    ]


def _inline_defs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its `$defs` inlined (the OpenAPI document stays
    self-contained)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.rsplit("/", 1)[-1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


def _action_bodies() -> dict[str, Any]:
    """OpenAPI: the request body of each action, one schema per action (registry)."""
    bodies = []
    for action in sorted(registry.OFFERED):
        schema = _inline_defs(registry.ACTIONS[action].schema.model_json_schema())
        schema["title"] = f"{action}"
        schema["description"] = (
            f"Body of POST …/actions/{action}. " + (schema.get("description") or "")
        ).strip()
        bodies.append(schema)
    return {
        "requestBody": {
            "description": (
                "The body of the action named in the path: each action takes its own fields "
                "(a field it does not take is refused with 422). Multipart: the JSON in the "
                "part `data`, files in their own parts (supplement: `components[].file` names "
                "them; complete: `result_file`)."
            ),
            "content": {
                "application/json": {"schema": {"oneOf": bodies}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"data": {"type": "string", "description": "JSON body"}},
                        "additionalProperties": {"type": "string", "format": "binary"},
                    }
                },
            },
            "required": False,
        }
    }


def _service_kwargs(
    action: str, body: registry.ActionBody, files: dict[str, Any]
) -> dict[str, Any]:
    """The action's body as its service's keyword arguments (the API's own conversions: an
    agency code to its unit, file parts to papers)."""
    kwargs = body.model_dump()
    if isinstance(body, registry.ForwardIn):
        kwargs["to_unit"] = organisation_get_by_code(body.to_unit) if body.to_unit else None
    if isinstance(body, registry.SupplementIn):
        kwargs["components"] = _components(body.components, files)
    if isinstance(body, registry.CompleteIn):
        kwargs["result_file"] = files.get("result_file") or next(iter(files.values()), None)
    if isinstance(body, registry.WithdrawIn):
        kwargs["reason"] = body.reason or body.note
        del kwargs["note"]
    return kwargs


@router.post(
    "/{code}/actions/{action}",
    response={
        200: DossierOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    operation_id="act_on_dossier",
    openapi_extra=_action_bodies(),
)
def act_on_dossier(request: HttpRequest, code: str, action: str) -> Any:
    if action not in registry.OFFERED:
        raise ValidationFailed(
            _("Unknown action “%(action)s”.") % {"action": action},
            code="unknown_action",
            fields={"action": action},
            http_status=404,
        )
    dossier = selectors.dossier_get_for_viewer(code, request.user)  # unknown = not visible
    data, files = _payload(request)
    body: registry.ActionBody = _validate(registry.ACTIONS[action].schema, data)
    dossier = registry.run(
        action, dossier=dossier, actor=request.user, **_service_kwargs(action, body, files)
    )
    return _json(summary_out(selectors.dossier_summary(dossier.code), request.user))


class ApplicantCorrectionIn(ApplicantIn):
    """The dossier's corrected applicant details (all of them) and why."""

    reason: str = ""


@router.post(
    "/{code}/applicant",
    response={
        200: DossierOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    operation_id="correct_dossier_applicant",
)
def correct_dossier_applicant(request: HttpRequest, code: str) -> Any:
    """Correct the applicant details a dossier was filed with: a counter officer of the
    receiving unit, until processing has ended, with a reason (403 / 409 / 422 otherwise).
    Only this dossier changes; its timeline gets a `correct_applicant` event."""
    from motcua.dossiers.applicants import dossier_correct_applicant

    dossier = selectors.dossier_get_by_code(code)
    data, _files = _payload(request)
    body: ApplicantCorrectionIn = _validate(ApplicantCorrectionIn, data)
    values = body.model_dump()
    reason = values.pop("reason")
    dossier_correct_applicant(
        dossier=dossier,
        actor=request.user,
        changes=services.ApplicantInput(**values),
        reason=reason,
    )
    return _json(summary_out(selectors.dossier_summary(dossier.code), request.user))
