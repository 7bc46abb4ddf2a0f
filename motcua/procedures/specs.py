"""The content of one procedure version as plain, comparable values (no database).

`ProcedureSpec` is what the services write, what the national package is parsed into and
emitted from, and what two versions are compared by. Organisations and fields are references
(agency code and/or name; field code and/or name) resolved against the database by the
services. `canonical()` puts a spec in its one normal form (sorted references, a default case,
sorted time limits, ...) and checks the invariants that do not need the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.text import nfc
from motcua.procedures.enums import (
    Channel,
    FeeCollection,
    OnlineLevel,
    ProcedureLevel,
    ProcedureStatus,
    TargetGroup,
    TimeUnit,
)

# Procedure codes: "1.001193", "2.000635", a local copy "1.000948.H12"; kept tolerant.
PROCEDURE_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
DEFAULT_CASE_CODE = "TH1"

MAX_LENGTHS = {
    "code": 64,
    "name": 1000,
    "procedure_type": 255,
    "result_code": 255,
    "result_name": 1000,
    "decision_number": 255,
    "case.code": 64,
    "case.name": 1000,
    "paper.code": 64,
    "paper.name": 1000,
    "field.code": 32,
    "field.name": 255,
}
MAX_COPIES = 32767


class SpecError(ValueError):
    """A spec breaks an invariant; `field` names the attribute (dotted, with indexes)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, order=True)
class OrgRef:
    """An organisation by agency code (mã định danh) and/or name."""

    code: str = ""
    name: str = ""


@dataclass(frozen=True, order=True)
class FieldRef:
    """A field (lĩnh vực) by code and/or name."""

    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class PaperSpec:
    name: str
    code: str = ""
    originals: int = 1
    copies: int = 0
    required: bool = True


@dataclass(frozen=True)
class CaseSpec:
    code: str
    name: str = ""
    is_default: bool = False
    papers: tuple[PaperSpec, ...] = ()


@dataclass(frozen=True)
class TimeLimitSpec:
    channel: int
    amount: int
    unit: str
    case: str | None = None  # a case code of the same spec; None: the whole version
    description: str = ""


@dataclass(frozen=True)
class FeeSpec:
    amount: int
    channel: int | None = None  # None: every channel
    case: str | None = None  # None: every case
    description: str = ""
    collected: str = FeeCollection.BEFORE
    exemptions: str = ""


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name: str
    level: str
    procedure_type: str = ""
    fields: tuple[FieldRef, ...] = ()
    implementing_organisations: tuple[OrgRef, ...] = ()
    receiving_organisations: tuple[OrgRef, ...] = ()
    target_groups: tuple[str, ...] = ()
    online_level: str = OnlineLevel.INFORMATION
    result_code: str = ""
    result_name: str = ""
    has_document_result: bool = True
    legal_basis: str = ""
    conditions: str = ""
    steps: str = ""
    cutoff: dt.time | None = None
    status: str = ProcedureStatus.ACTIVE
    decision_number: str = ""
    effective_from: dt.date | None = None
    cases: tuple[CaseSpec, ...] = field(default_factory=tuple)
    time_limits: tuple[TimeLimitSpec, ...] = ()
    fees: tuple[FeeSpec, ...] = ()


SCALAR_TEXT_FIELDS = (
    "name",
    "procedure_type",
    "result_code",
    "result_name",
    "legal_basis",
    "conditions",
    "steps",
    "decision_number",
)


def clean_text(value: Any) -> str:
    """NFC, trimmed, with Windows line ends made plain."""
    if value is None:
        return ""
    return nfc(str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_len(field_name: str, key: str, value: str) -> None:
    limit = MAX_LENGTHS[key]
    if len(value) > limit:
        raise SpecError(
            field_name,
            _("Too long: %(length)d characters, at most %(limit)d.")
            % {"length": len(value), "limit": limit},
        )


def canonical(spec: ProcedureSpec) -> ProcedureSpec:
    """The normal form of `spec`; raises SpecError when an invariant does not hold."""
    code = clean_text(spec.code)
    if not code:
        raise SpecError("code", _("The procedure code is missing."))
    if not PROCEDURE_CODE_RE.match(code):
        raise SpecError("code", _("“%(code)s” is not a valid procedure code.") % {"code": code})
    texts: dict[str, Any] = {name: clean_text(getattr(spec, name)) for name in SCALAR_TEXT_FIELDS}
    if not texts["name"]:
        raise SpecError("name", _("The procedure name is missing."))
    for name in ("name", "procedure_type", "result_code", "result_name", "decision_number"):
        _check_len(name, name, texts[name])
    if spec.level not in ProcedureLevel.values:
        raise SpecError("level", _("Unknown level “%(value)s”.") % {"value": spec.level})
    if spec.online_level not in OnlineLevel.values:
        raise SpecError(
            "online_level", _("Unknown online level “%(value)s”.") % {"value": spec.online_level}
        )
    if spec.status not in ProcedureStatus.values:
        raise SpecError("status", _("Unknown status “%(value)s”.") % {"value": spec.status})
    unknown_groups = [g for g in spec.target_groups if g not in TargetGroup.values]
    if unknown_groups:
        raise SpecError(
            "target_groups",
            _("Unknown target group “%(value)s”.") % {"value": unknown_groups[0]},
        )
    target_groups = tuple(g for g in TargetGroup.values if g in set(spec.target_groups))
    cutoff = spec.cutoff.replace(second=0, microsecond=0, tzinfo=None) if spec.cutoff else None

    fields = _canonical_refs(spec.fields, FieldRef, "fields", "field")
    implementing = _canonical_refs(
        spec.implementing_organisations, OrgRef, "implementing_organisations", ""
    )
    receiving = _canonical_refs(spec.receiving_organisations, OrgRef, "receiving_organisations", "")

    cases = _canonical_cases(spec.cases)
    case_codes = {c.code for c in cases}
    time_limits = _canonical_time_limits(spec.time_limits, case_codes)
    fees = _canonical_fees(spec.fees, case_codes)

    return dataclasses.replace(
        spec,
        code=code,
        **texts,
        fields=fields,
        implementing_organisations=implementing,
        receiving_organisations=receiving,
        target_groups=target_groups,
        cutoff=cutoff,
        cases=cases,
        time_limits=time_limits,
        fees=fees,
    )


def _canonical_refs(refs: Iterable[Any], cls: type[Any], attr: str, key: str) -> tuple[Any, ...]:
    seen: set[Any] = set()
    out = []
    for i, ref in enumerate(refs):
        item = cls(code=clean_text(ref.code), name=clean_text(ref.name))
        if not item.code and not item.name:
            raise SpecError(f"{attr}[{i}]", _("Give a code or a name."))
        if key:
            _check_len(f"{attr}[{i}].code", f"{key}.code", item.code)
            _check_len(f"{attr}[{i}].name", f"{key}.name", item.name)
        if item not in seen:
            seen.add(item)
            out.append(item)
    return tuple(sorted(out))


def _canonical_cases(cases: Sequence[CaseSpec]) -> tuple[CaseSpec, ...]:
    if not cases:
        return (CaseSpec(code=DEFAULT_CASE_CODE, name="", is_default=True),)
    out: list[CaseSpec] = []
    codes: set[str] = set()
    for i, case in enumerate(cases):
        code = clean_text(case.code)
        name = clean_text(case.name)
        if not code:
            raise SpecError(f"cases[{i}].code", _("The case code is missing."))
        if code in codes:
            raise SpecError(
                f"cases[{i}].code", _("The case code “%(code)s” is repeated.") % {"code": code}
            )
        codes.add(code)
        _check_len(f"cases[{i}].code", "case.code", code)
        _check_len(f"cases[{i}].name", "case.name", name)
        papers = []
        for j, paper in enumerate(case.papers):
            where = f"cases[{i}].papers[{j}]"
            pname = clean_text(paper.name)
            pcode = clean_text(paper.code)
            if not pname:
                raise SpecError(f"{where}.name", _("The paper name is missing."))
            _check_len(f"{where}.name", "paper.name", pname)
            _check_len(f"{where}.code", "paper.code", pcode)
            for attr in ("originals", "copies"):
                number = getattr(paper, attr)
                if (
                    not isinstance(number, int)
                    or isinstance(number, bool)
                    or not (0 <= number <= MAX_COPIES)
                ):
                    raise SpecError(f"{where}.{attr}", _("Give a whole number of copies."))
            papers.append(
                PaperSpec(
                    name=pname,
                    code=pcode,
                    originals=paper.originals,
                    copies=paper.copies,
                    required=bool(paper.required),
                )
            )
        out.append(
            CaseSpec(code=code, name=name, is_default=bool(case.is_default), papers=tuple(papers))
        )
    if len(out) == 1:
        out[0] = dataclasses.replace(out[0], is_default=True)
    if sum(c.is_default for c in out) > 1:
        raise SpecError("cases", _("Only one case may be the default."))
    return tuple(out)


def _check_case(where: str, case: str | None, case_codes: set[str]) -> str | None:
    if case is None or case == "":
        return None
    case = clean_text(case)
    if case not in case_codes:
        raise SpecError(where, _("There is no case “%(code)s”.") % {"code": case})
    return case


def _check_channel(where: str, channel: Any) -> int:
    if isinstance(channel, bool) or channel not in Channel.values:
        raise SpecError(where, _("Unknown channel “%(value)s”.") % {"value": channel})
    return int(channel)


def _canonical_time_limits(
    limits: Sequence[TimeLimitSpec], case_codes: set[str]
) -> tuple[TimeLimitSpec, ...]:
    out: dict[tuple[str, int], TimeLimitSpec] = {}
    for i, tl in enumerate(limits):
        where = f"time_limits[{i}]"
        case = _check_case(f"{where}.case", tl.case, case_codes)
        channel = _check_channel(f"{where}.channel", tl.channel)
        if tl.unit not in TimeUnit.values:
            raise SpecError(
                f"{where}.unit", _("Unknown time unit “%(value)s”.") % {"value": tl.unit}
            )
        if isinstance(tl.amount, bool) or not isinstance(tl.amount, int) or tl.amount < 0:
            raise SpecError(f"{where}.amount", _("Give a whole, non-negative amount of time."))
        key = (case or "", channel)
        if key in out:
            raise SpecError(where, _("The time for this channel and case is given twice."))
        out[key] = TimeLimitSpec(
            channel=channel,
            amount=tl.amount,
            unit=tl.unit,
            case=case,
            description=clean_text(tl.description),
        )
    return tuple(out[k] for k in sorted(out))


def _canonical_fees(fees: Sequence[FeeSpec], case_codes: set[str]) -> tuple[FeeSpec, ...]:
    out = []
    for i, fee in enumerate(fees):
        where = f"fees[{i}]"
        case = _check_case(f"{where}.case", fee.case, case_codes)
        channel = None if fee.channel is None else _check_channel(f"{where}.channel", fee.channel)
        if isinstance(fee.amount, bool) or not isinstance(fee.amount, int) or fee.amount < 0:
            raise SpecError(f"{where}.amount", _("Give a whole, non-negative amount in VND."))
        if fee.collected not in FeeCollection.values:
            raise SpecError(
                f"{where}.collected",
                _("Unknown collection time “%(value)s”.") % {"value": fee.collected},
            )
        out.append(
            FeeSpec(
                amount=fee.amount,
                channel=channel,
                case=case,
                description=clean_text(fee.description),
                collected=fee.collected,
                exemptions=clean_text(fee.exemptions),
            )
        )
    # Stable: fees keep their order within one (channel, case) group.
    return tuple(sorted(out, key=lambda f: (f.channel or 0, f.case or "")))


# --- building a spec from keyword data (services) ------------------------------------------

SPEC_KEYS = frozenset(f.name for f in dataclasses.fields(ProcedureSpec)) - {"code"}


def spec_from_data(
    code: str, data: Mapping[str, Any], base: ProcedureSpec | None = None
) -> ProcedureSpec:
    """A canonical spec from `data` (keys as in ProcedureSpec), over `base` when given.

    Values may be model instances (an Organisation, a Field), plain references ("agency
    code" strings for organisations, names for fields), dicts or the spec dataclasses.
    """
    unknown = sorted(set(data) - SPEC_KEYS)
    if unknown:
        raise SpecError(unknown[0], _("Unknown attribute."))
    values: dict[str, Any] = {}
    for key, value in data.items():
        values[key] = _coerce(key, value)
    if base is None:
        for required in ("name", "level"):
            if required not in values:
                raise SpecError(required, _("This is required."))
        spec = ProcedureSpec(code=code, **values)
    else:
        spec = dataclasses.replace(base, code=code, **values)
    return canonical(spec)


def _coerce(key: str, value: Any) -> Any:
    if key == "fields":
        return tuple(_field_ref(v) for v in value or ())
    if key in ("implementing_organisations", "receiving_organisations"):
        return tuple(_org_ref(v) for v in value or ())
    if key == "target_groups":
        return tuple(str(v) for v in value or ())
    if key == "cases":
        return tuple(_case(v) for v in value or ())
    if key == "time_limits":
        return tuple(_dc(TimeLimitSpec, v) for v in value or ())
    if key == "fees":
        return tuple(_dc(FeeSpec, v) for v in value or ())
    if key == "cutoff":
        return parse_time(value, key)
    if key == "effective_from":
        return parse_date(value, key)
    if key in ("level", "online_level", "status"):
        return str(value)
    if key == "has_document_result":
        return bool(value)
    return "" if value is None else value


def _field_ref(value: Any) -> FieldRef:
    if isinstance(value, FieldRef):
        return value
    if isinstance(value, str):
        return FieldRef(name=value)
    if isinstance(value, Mapping):
        return FieldRef(code=value.get("code", ""), name=value.get("name", ""))
    return FieldRef(code=getattr(value, "code", ""), name=getattr(value, "name", ""))


def _org_ref(value: Any) -> OrgRef:
    if isinstance(value, OrgRef):
        return value
    if isinstance(value, str):
        return OrgRef(code=value)
    if isinstance(value, Mapping):
        return OrgRef(code=value.get("code", ""), name=value.get("name", ""))
    return OrgRef(code=getattr(value, "agency_code", ""), name=getattr(value, "name", ""))


def _case(value: Any) -> CaseSpec:
    if isinstance(value, CaseSpec):
        return value
    data = dict(value)
    data["papers"] = tuple(_dc(PaperSpec, p) for p in data.get("papers", ()))
    return CaseSpec(**data)


def _dc(cls: type[Any], value: Any) -> Any:
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        raise SpecError(cls.__name__, _("Expected an object."))
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - names)
    if unknown:
        raise SpecError(unknown[0], _("Unknown attribute."))
    return cls(**value)


_TIME_RE = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})?(?::(\d{2}))?\s*$")
_DATE_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_time(value: Any, where: str) -> dt.time | None:
    """None/"" → None; a time; "15:00", "15:00:00", "15h", "15h30" → a time."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME_RE.match(str(value))
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise SpecError(where, _("“%(value)s” is not a time of day (HH:MM).") % {"value": value})


def parse_date(value: Any, where: str) -> dt.date | None:
    """None/"" → None; a date; "dd/mm/yyyy" or ISO "yyyy-mm-dd[Thh:mm...]" → a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        match = _DATE_DMY.match(text)
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    raise SpecError(where, _("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": value})
