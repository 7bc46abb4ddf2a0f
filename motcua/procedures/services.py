"""Writes to the procedure catalogue.

Every change of content creates a new immutable `ProcedureVersion` (children copied or given
anew) and moves `Procedure.current_version` to it; nothing else is ever updated in place,
except the internal process of a version (`procedure_set_process`).

`actor` is the user acting. `actor=None` means trusted system code (the import command, the
demo loader) and skips the permission check: interfaces must always pass the request user.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.enums import Role
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, DomainError, ValidationFailed
from motcua.core.text import fold
from motcua.organisations.models import Organisation
from motcua.procedures import national
from motcua.procedures.enums import Channel
from motcua.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
    TimeLimit,
)
from motcua.procedures.policies import ensure_can_edit_procedure
from motcua.procedures.selectors import (
    procedure_version_cache_clear,
    procedure_version_prefetch,
    procedure_version_spec,
)
from motcua.procedures.specs import (
    FieldRef,
    OrgRef,
    ProcedureSpec,
    SpecError,
    canonical,
    spec_from_data,
)

# --- resolving references ----------------------------------------------------------------------


@dataclass
class _Resolved:
    spec: ProcedureSpec  # references rewritten to the resolved rows (code and name)
    fields: list[Field]
    implementing: list[Organisation]
    receiving: list[Organisation]


class _Resolver:
    """Finds the organisations and fields a spec names; one per call or import run."""

    def __init__(self) -> None:
        self._by_code: dict[str, Organisation] | None = None
        self._by_name: dict[str, list[Organisation]] = {}

    def _load(self) -> dict[str, Organisation]:
        if self._by_code is None:
            self._by_code = {}
            for org in Organisation.objects.all():
                self._by_code[org.agency_code] = org
                self._by_name.setdefault(fold(org.name), []).append(org)
        return self._by_code

    def organisations(self, refs: Iterable[OrgRef], attr: str) -> list[Organisation]:
        by_code = self._load()
        today = timezone.localdate()
        found: dict[int, Organisation] = {}
        for ref in refs:
            org = by_code.get(ref.code) if ref.code else None
            if org is None and ref.name:
                candidates = self._by_name.get(fold(ref.name), [])
                active = [o for o in candidates if o.is_active_on(today)]
                pool = active or candidates
                if len(pool) > 1:
                    raise ValidationFailed(
                        _("Several organisations are named “%(name)s”; give the agency code.")
                        % {"name": ref.name},
                        fields={attr: _("ambiguous: %(name)s") % {"name": ref.name}},
                    )
                org = pool[0] if pool else None
            if org is None:
                label = " / ".join(part for part in (ref.code, ref.name) if part)
                raise ValidationFailed(
                    _("No organisation matches “%(org)s”.") % {"org": label},
                    fields={attr: _("no organisation matches “%(org)s”") % {"org": label}},
                )
            found[org.pk] = org
        return list(found.values())

    def fields(self, refs: Iterable[FieldRef]) -> list[Field]:
        found: dict[int, Field] = {}
        for ref in refs:
            obj = Field.objects.filter(code=ref.code).first() if ref.code else None
            if obj is None and ref.name:
                obj = Field.objects.filter(name_folded=fold(ref.name)).first()
                if obj is not None and ref.code and not obj.code:
                    obj.code = ref.code
                    obj.save(update_fields=["code"])
            if obj is None:
                if not ref.name:
                    raise ValidationFailed(
                        _("No field has the code “%(code)s”.") % {"code": ref.code},
                        fields={"fields": _("unknown field %(code)s") % {"code": ref.code}},
                    )
                obj = Field.objects.create(code=ref.code, name=ref.name)
            found[obj.pk] = obj
        return list(found.values())

    def resolve(self, spec: ProcedureSpec) -> _Resolved:
        fields = self.fields(spec.fields)
        implementing = self.organisations(
            spec.implementing_organisations, "implementing_organisations"
        )
        receiving = self.organisations(spec.receiving_organisations, "receiving_organisations")
        spec = canonical(
            dataclasses.replace(
                spec,
                fields=tuple(FieldRef(code=f.code, name=f.name) for f in fields),
                implementing_organisations=tuple(
                    OrgRef(code=o.agency_code, name=o.name) for o in implementing
                ),
                receiving_organisations=tuple(
                    OrgRef(code=o.agency_code, name=o.name) for o in receiving
                ),
            )
        )
        return _Resolved(spec=spec, fields=fields, implementing=implementing, receiving=receiving)


def _spec(
    code: str, data: Mapping[str, Any] | ProcedureSpec, base: ProcedureSpec | None
) -> ProcedureSpec:
    try:
        if isinstance(data, ProcedureSpec):
            return canonical(dataclasses.replace(data, code=code))
        return spec_from_data(code, data, base)
    except SpecError as exc:
        raise ValidationFailed(exc.message, fields={exc.field: exc.message}) from exc
    except TypeError as exc:  # a mapping for a nested object had unexpected keys
        raise ValidationFailed(str(exc), fields={"data": str(exc)}) from exc


def _check_permission(actor: Any, organisations: Iterable[Organisation]) -> None:
    if actor is not None:
        ensure_can_edit_procedure(actor, organisations)


def _user_or_none(actor: Any) -> Any:
    return (
        actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    )


# --- creating versions -----------------------------------------------------------------------


def _version_create(
    *,
    procedure: Procedure,
    number: int,
    resolved: _Resolved,
    actor: Any,
    previous: ProcedureVersion | None,
) -> ProcedureVersion:
    spec = resolved.spec
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        name=spec.name,
        procedure_type=spec.procedure_type,
        level=spec.level,
        target_groups=list(spec.target_groups),
        online_level=spec.online_level,
        result_code=spec.result_code,
        result_name=spec.result_name,
        has_document_result=spec.has_document_result,
        legal_basis=spec.legal_basis,
        conditions=spec.conditions,
        steps=spec.steps,
        cutoff=spec.cutoff,
        status=spec.status,
        decision_number=spec.decision_number,
        effective_from=spec.effective_from,
        created_by=_user_or_none(actor),
    )
    version.fields.set(resolved.fields)
    version.implementing_organisations.set(resolved.implementing)
    version.receiving_organisations.set(resolved.receiving)

    # Form templates are files, not part of the national record: carry them over by paper.
    templates: dict[tuple[str, str], str] = {}
    if previous is not None:
        for old_case in previous.cases.all():
            for old_paper in old_case.papers.all():
                if old_paper.form_template:
                    key = (old_case.code, old_paper.code or old_paper.name)
                    templates[key] = old_paper.form_template.name or ""

    cases: dict[str, ProcedureCase] = {}
    papers: list[RequiredPaper] = []
    for order, case_spec in enumerate(spec.cases):
        case = ProcedureCase.objects.create(
            version=version,
            code=case_spec.code,
            name=case_spec.name,
            is_default=case_spec.is_default,
            order=order,
        )
        cases[case.code] = case
        for paper_order, paper in enumerate(case_spec.papers):
            papers.append(
                RequiredPaper(
                    case=case,
                    code=paper.code,
                    name=paper.name,
                    originals=paper.originals,
                    copies=paper.copies,
                    required=paper.required,
                    order=paper_order,
                    form_template=templates.get((case.code, paper.code or paper.name), ""),
                )
            )
    RequiredPaper.objects.bulk_create(papers)
    TimeLimit.objects.bulk_create(
        TimeLimit(
            version=version,
            case=cases[tl.case] if tl.case else None,
            channel=tl.channel,
            amount=tl.amount,
            unit=tl.unit,
            description=tl.description,
        )
        for tl in spec.time_limits
    )
    Fee.objects.bulk_create(
        Fee(
            version=version,
            case=cases[fee.case] if fee.case else None,
            channel=fee.channel,
            amount=fee.amount,
            description=fee.description,
            collected=fee.collected,
            exemptions=fee.exemptions,
            order=order,
        )
        for order, fee in enumerate(spec.fees)
    )
    return version


def _copy_process(previous: ProcedureVersion, version: ProcedureVersion) -> list[str]:
    """Copy the internal process to the new version; a group of steps whose case is gone or
    whose budget no longer fits the new statutory time is dropped (the default process then
    applies). Returns the dropped groups ("" = the version-wide process, else a case code)."""
    groups: dict[str | None, list[ProcessStep]] = defaultdict(list)
    for step in previous.process_steps.select_related("case").order_by("order"):
        groups[step.case.code if step.case else None].append(step)
    if not groups:
        return []
    version = procedure_version_prefetch().get(pk=version.pk)
    cases = {c.code: c for c in version.cases.all()}
    dropped: list[str] = []
    copies: list[ProcessStep] = []
    for case_code, steps in groups.items():
        case = cases.get(case_code) if case_code else None
        total = sum((s.budget_hours for s in steps), Decimal(0))
        if (case_code and case is None) or _budget_problem(version, case, total) is not None:
            dropped.append(case_code or "")
            continue
        copies += [
            ProcessStep(
                version=version,
                case=case,
                order=s.order,
                name=s.name,
                organisation_id=s.organisation_id,
                role=s.role,
                budget_hours=s.budget_hours,
                crosses_agency=s.crosses_agency,
            )
            for s in steps
        ]
    ProcessStep.objects.bulk_create(copies)
    return dropped


def _spec_dict(spec: ProcedureSpec | None) -> dict[str, Any]:
    if spec is None:
        return {}
    data = dataclasses.asdict(spec)
    data.pop("code", None)
    return data


def _diff(old: ProcedureSpec | None, new: ProcedureSpec) -> dict[str, Any]:
    before, after = _spec_dict(old), _spec_dict(new)
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _save_new_version(
    *,
    actor: Any,
    procedure: Procedure,
    resolved: _Resolved,
    current: ProcedureVersion | None,
    current_spec: ProcedureSpec | None,
) -> ProcedureVersion:
    number = (current.number if current else 0) + 1
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first()
    number = max(number, (last or 0) + 1)
    version = _version_create(
        procedure=procedure, number=number, resolved=resolved, actor=actor, previous=current
    )
    dropped = _copy_process(current, version) if current is not None else []
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    changes: dict[str, Any] = {
        "procedure": procedure.code,
        "number": [current.number if current else None, version.number],
        **_diff(current_spec, resolved.spec),
    }
    if dropped:
        changes["process_dropped"] = dropped
    audit_record(action="procedure_version_create", obj=version, changes=changes, actor=actor)
    return version


@transaction.atomic
def procedure_create(
    *, actor: Any, code: str, data: Mapping[str, Any] | ProcedureSpec
) -> ProcedureVersion:
    """Create procedure `code` with its first version; returns the version.

    `data` holds the ProcedureSpec attributes (name and level required): name, level,
    procedure_type, fields, implementing_organisations, receiving_organisations,
    target_groups, online_level, result_code, result_name, has_document_result, legal_basis,
    conditions, steps, cutoff, status, decision_number, effective_from, cases (with papers),
    time_limits, fees. Organisations may be given as instances or agency codes, fields as
    instances or names; cases, time limits and fees as dicts or spec objects.
    """
    spec = _spec(code, data, None)
    if Procedure.objects.filter(code=spec.code).exists():
        raise Conflict(
            _("A procedure with the code “%(code)s” already exists.") % {"code": spec.code},
            fields={"code": _("taken")},
        )
    resolved = _Resolver().resolve(spec)
    _check_permission(actor, resolved.implementing)
    procedure = Procedure.objects.create(code=spec.code)
    return _save_new_version(
        actor=actor, procedure=procedure, resolved=resolved, current=None, current_spec=None
    )


@transaction.atomic
def procedure_update(
    *, actor: Any, procedure: Procedure, data: Mapping[str, Any] | ProcedureSpec
) -> ProcedureVersion:
    """Create the next version of `procedure`: the current content with `data` applied
    (attributes not in `data`, children included, are copied). The internal process is
    copied when it still fits. Returns the new version, or the current one unchanged when
    `data` changes nothing. The previous versions are never modified."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    current = _current(procedure)
    if current is not None:
        _check_permission(actor, current.implementing_organisations.all())
    current_spec = procedure_version_spec(current) if current is not None else None
    spec = _spec(procedure.code, data, current_spec)
    resolved = _Resolver().resolve(spec)
    _check_permission(actor, resolved.implementing)
    if current is not None and resolved.spec == current_spec:
        return current
    return _save_new_version(
        actor=actor,
        procedure=procedure,
        resolved=resolved,
        current=current,
        current_spec=current_spec,
    )


def _current(procedure: Procedure) -> ProcedureVersion | None:
    if procedure.current_version_id is None:
        return None
    return procedure_version_prefetch().get(pk=procedure.current_version_id)


# Outcomes of procedure_upsert.
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def procedure_upsert(
    *, actor: Any, spec: ProcedureSpec, resolver: _Resolver | None = None
) -> tuple[ProcedureVersion, str]:
    """Make `spec` the current content of its procedure (creating it if needed).

    Returns the current version and "created", "updated" or "unchanged"; an unchanged spec
    creates no version. Used by the import and the demo loader.
    """
    with transaction.atomic():
        resolver = resolver or _Resolver()
        spec = _spec(spec.code, spec, None)
        procedure = Procedure.objects.select_for_update().filter(code=spec.code).first()
        resolved = resolver.resolve(spec)
        if procedure is None:
            _check_permission(actor, resolved.implementing)
            procedure = Procedure.objects.create(code=spec.code)
            version = _save_new_version(
                actor=actor, procedure=procedure, resolved=resolved, current=None, current_spec=None
            )
            return version, CREATED
        current = _current(procedure)
        if current is not None:
            _check_permission(actor, current.implementing_organisations.all())
        _check_permission(actor, resolved.implementing)
        current_spec = procedure_version_spec(current) if current is not None else None
        if current is not None and resolved.spec == current_spec:
            return current, UNCHANGED
        version = _save_new_version(
            actor=actor,
            procedure=procedure,
            resolved=resolved,
            current=current,
            current_spec=current_spec,
        )
        return version, UPDATED


# --- internal process ------------------------------------------------------------------------

QUARTER = Decimal("0.25")
# Statutory time assumed for the default process when a procedure states none (5 working days)
# or states zero ("within the day": one working day).
DEFAULT_PROCESS_HOURS_WITHOUT_TIME_LIMIT = Decimal(40)
DEFAULT_PROCESS_HOURS_SAME_DAY = Decimal(8)


def statutory_hours(version: ProcedureVersion, case: ProcedureCase | None = None) -> Decimal | None:
    """The shortest statutory time over the three channels, in working hours (None: no time)."""
    hours = [
        tl.working_hours
        for ch in Channel.values
        if (tl := version.time_limit_for(ch, case)) is not None
    ]
    return min(hours) if hours else None


def _budget_problem(
    version: ProcedureVersion, case: ProcedureCase | None, total: Decimal
) -> str | None:
    seen: set[int] = set()
    for channel in Channel:
        limit = version.time_limit_for(channel.value, case)
        if limit is None or limit.pk in seen:
            continue
        seen.add(limit.pk)
        if total > limit.working_hours:
            return _(
                "The steps take %(total)s working hours in all, more than the "
                "%(amount)s %(unit)s (%(hours)s working hours) allowed for submission "
                "%(channel)s."
            ) % {
                "total": _fmt_hours(total),
                "amount": limit.amount,
                "unit": limit.get_unit_display(),
                "hours": _fmt_hours(limit.working_hours),
                "channel": str(channel.label).lower(),
            }
    return None


def _fmt_hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def process_check_budget(
    *, version: ProcedureVersion, total_hours: Decimal, case: ProcedureCase | None = None
) -> None:
    """Raise ValidationFailed unless `total_hours` fits the statutory time of every channel.

    Working days count 8 working hours; calendar days are converted conservatively (see
    `motcua.procedures.models.statutory_working_hours`)."""
    problem = _budget_problem(version, case, total_hours)
    if problem:
        raise ValidationFailed(problem, fields={"steps": problem})


def _step_value(step: Any, key: str, default: Any = None) -> Any:
    if isinstance(step, Mapping):
        return step.get(key, default)
    return getattr(step, key, default)


def _step_organisation(value: Any, where: str) -> Organisation | None:
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        return value
    query: dict[str, Any] = (
        {"pk": value} if isinstance(value, int) else {"agency_code": str(value).strip()}
    )
    org = Organisation.objects.filter(**query).first()
    if org is None:
        raise ValidationFailed(
            _("No organisation matches “%(org)s”.") % {"org": value},
            fields={where: _("unknown organisation")},
        )
    return org


def _clean_steps(steps: Sequence[Any]) -> list[dict[str, Any]]:
    cleaned = []
    errors: dict[str, str] = {}
    for i, step in enumerate(steps):
        where = f"steps[{i}]"
        name = str(_step_value(step, "name", "") or "").strip()
        role = str(_step_value(step, "role", "") or "")
        try:
            budget = Decimal(str(_step_value(step, "budget_hours", "")))
        except (InvalidOperation, ValueError):
            budget = Decimal(-1)
        if not name:
            errors[f"{where}.name"] = _("The step needs a name.")
        if role not in Role.values:
            errors[f"{where}.role"] = _("Unknown role “%(role)s”.") % {"role": role}
        if not budget.is_finite() or budget <= 0 or budget != budget.quantize(Decimal("0.01")):
            errors[f"{where}.budget_hours"] = _(
                "Give a positive number of working hours (at most two decimals)."
            )
        org = _step_organisation(_step_value(step, "organisation"), f"{where}.organisation")
        cleaned.append(
            {
                "name": name[:255],
                "role": role,
                "budget_hours": budget,
                "organisation": org,
                "crosses_agency": bool(_step_value(step, "crosses_agency", False)),
            }
        )
    if errors:
        raise ValidationFailed(_("Some process steps are invalid."), fields=errors)
    return cleaned


@transaction.atomic
def procedure_set_process(
    *,
    actor: Any,
    version: ProcedureVersion,
    steps: Sequence[Mapping[str, Any] | ProcessStep],
    case: ProcedureCase | None = None,
) -> list[ProcessStep]:
    """Replace the internal process of `version` (of one `case` when given) by `steps`.

    Each step is a mapping (or an object) with name, role (an accounts Role value),
    budget_hours (working hours), organisation (an Organisation, its id or agency code, or None
    for the receiving/implementing unit) and crosses_agency. The sum of the budgets must fit
    the statutory time of every channel. An empty list removes the defined process, so the
    default one applies.
    """
    version = procedure_version_prefetch().select_for_update(of=("self",)).get(pk=version.pk)
    _check_permission(actor, version.implementing_organisations.all())
    if case is not None and case.version_id != version.pk:
        raise ValidationFailed(
            _("This case belongs to another procedure version."), fields={"case": _("invalid")}
        )
    cleaned = _clean_steps(steps)
    total = sum((s["budget_hours"] for s in cleaned), Decimal(0))
    if cleaned:
        process_check_budget(version=version, total_hours=total, case=case)
    ProcessStep.objects.filter(version=version, case=case).delete()
    created = ProcessStep.objects.bulk_create(
        ProcessStep(version=version, case=case, order=i, **values)
        for i, values in enumerate(cleaned, start=1)
    )
    audit_record(
        action="procedure_process_set",
        obj=version,
        changes={
            "procedure": version.procedure.code,
            "case": case.code if case else None,
            "total_hours": total,
            "steps": [
                {
                    "name": s["name"],
                    "role": s["role"],
                    "budget_hours": s["budget_hours"],
                    "organisation": s["organisation"].agency_code if s["organisation"] else None,
                    "crosses_agency": s["crosses_agency"],
                }
                for s in cleaned
            ],
        },
        actor=actor,
    )
    # Intake in this process uses the new steps from now on (other processes within seconds).
    transaction.on_commit(procedure_version_cache_clear)
    procedure_version_cache_clear()
    return created


def _floor_quarter(value: Decimal) -> Decimal:
    return max(QUARTER, (value / QUARTER).to_integral_value(rounding=ROUND_FLOOR) * QUARTER)


def default_process_budgets(total: Decimal) -> list[Decimal]:
    """Split `total` working hours over receive → appraise → approve → return.

    Receive: 1/8 of the time, at most 4 h. Of what is left, approval gets 20% and the return
    10% (at most 4 h); appraisal gets the rest. Each share is rounded down to a quarter hour
    (at least 0.25 h) and appraisal absorbs the rounding, so the budgets add up to `total`.
    Example: 3 working days (24 h) → 3 / 15 / 4 / 2 h; 10 working days (80 h) → 4 / 57 / 15 / 4.
    """
    receive = _floor_quarter(min(Decimal(4), total / 8))
    rest = total - receive
    approve = _floor_quarter(rest * Decimal("0.2"))
    deliver = _floor_quarter(min(Decimal(4), rest * Decimal("0.1")))
    appraise = total - receive - approve - deliver
    return [receive, appraise, approve, deliver]


def process_steps_for(
    version: ProcedureVersion, case: ProcedureCase | None = None
) -> list[ProcessStep]:
    """The internal process of `version` for `case`: the case's own steps, else the
    version-wide steps, else the default process (unsaved ProcessStep objects)
    receive (counter officer) → appraise (specialist) → approve (leader) → return (counter
    officer), whose budgets split the shortest statutory time over the channels as described
    in `default_process_budgets` (40 h when no time is stated, 8 h for "within the day")."""
    steps = list(version.process_steps.all())
    case_id = case.pk if case is not None else None
    own = [s for s in steps if case_id is not None and s.case_id == case_id]
    chosen = own or [s for s in steps if s.case_id is None]
    if chosen:
        return sorted(chosen, key=lambda s: s.order)
    total = statutory_hours(version, case)
    if total is None:
        total = DEFAULT_PROCESS_HOURS_WITHOUT_TIME_LIMIT
    elif total <= 0:
        total = DEFAULT_PROCESS_HOURS_SAME_DAY
    budgets = default_process_budgets(total)
    names_roles = [
        (_("Receive the dossier"), Role.COUNTER_OFFICER),
        (_("Appraise the dossier"), Role.SPECIALIST),
        (_("Approve the result"), Role.LEADER),
        (_("Return the result"), Role.COUNTER_OFFICER),
    ]
    return [
        ProcessStep(
            version=version,
            case=case,
            order=i,
            name=name,
            organisation=None,
            role=role,
            budget_hours=budget,
            crosses_agency=False,
        )
        for i, ((name, role), budget) in enumerate(zip(names_roles, budgets, strict=True), start=1)
    ]


# --- national package ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    code: str  # MATTHC ("" when the record has none)
    field: str  # the failing national key, e.g. "COQUANTHUCHIEN" or "CACHTHUCTHUCHIEN[0].KENH"
    message: str
    index: int  # position of the record in the package, from 0


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    invalid: list[ImportProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "invalid": len(self.invalid),
        }


def procedures_import(*, actor: Any, records: Sequence[Any]) -> ImportReport:
    """Import national records one by one, each in its own savepoint: a valid record is
    saved whole (a new version only when it changed), an invalid one is reported with its
    code and failing key and leaves nothing behind."""
    report = ImportReport()
    resolver = _Resolver()
    for index, raw in enumerate(records):
        try:
            spec = national.parse_record(raw)
        except national.RecordError as exc:
            report.invalid.append(ImportProblem(exc.code, exc.field, exc.message, index))
            continue
        try:
            _version, outcome = procedure_upsert(actor=actor, spec=spec, resolver=resolver)
        except DomainError as exc:
            key, message = next(iter(exc.fields.items()), ("", str(exc.message)))
            report.invalid.append(
                ImportProblem(spec.code, national.national_key(key) if key else "", message, index)
            )
            continue
        except DatabaseError as exc:
            report.invalid.append(ImportProblem(spec.code, "", str(exc), index))
            continue
        {CREATED: report.created, UPDATED: report.updated, UNCHANGED: report.unchanged}[
            outcome
        ].append(spec.code)
    return report


# --- demo ------------------------------------------------------------------------------------


def procedures_load_demo() -> dict[str, Any]:
    """Load the Cà Mau demo catalogue (idempotent); see motcua.procedures.demo."""
    from motcua.procedures.demo import load_demo

    return load_demo()


__all__ = [
    "CREATED",
    "UNCHANGED",
    "UPDATED",
    "ImportProblem",
    "ImportReport",
    "default_process_budgets",
    "procedure_create",
    "procedure_set_process",
    "procedure_update",
    "procedure_upsert",
    "procedures_import",
    "procedures_load_demo",
    "process_check_budget",
    "process_steps_for",
    "statutory_hours",
]
