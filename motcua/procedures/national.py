"""The national procedure package (CSDL quốc gia về TTHC): parse and emit, no database.

A package is a JSON list of records, or an object {"data": [...]} / {"items": [...]}. Keys are
read case-insensitively. National keys (DOMAIN §2):

    MATTHC, TENTTHC, LOAITTHC, CAPTHUCHIEN, LINHVUCTHUCHIEN [{MALINHVUC, TENLINHVUC}],
    COQUANTHUCHIEN [{MACOQUAN, TENCOQUAN}], DOITUONGTHUCHIEN,
    CACHTHUCTHUCHIEN [{KENH, THOIGIAN [{THOIGIANGIAIQUYET, DONVITINH, MOTA,
                                         PHILEPHI [{SOTIEN, MOTA}]}]}],
    THANHPHANHOSO [{TRUONGHOP, GIAYTO [{MAGIAYTO, TENGIAYTO, SOBANCHINH, SOBANSAO}]}],
    KETQUATHUCHIEN [{MAKETQUA, TENKETQUA}], IDQUYETDINHCONGBO, TRANGTHAI

MotCua's own extras (so that export → import loses nothing; all optional on import):

    MUCDO            2 information / 3 partly online / 4 fully online (or "Một phần", ...)
    CANCUPHAPLY      legal basis (text, or a list of texts / objects joined by lines)
    YEUCAUDIEUKIEN   requirements and conditions (same)
    TRINHTUTHUCHIEN  steps (same)
    GIOCHOT          receipt cut-off "HH:MM"
    COQUANTIEPNHAN   receiving units [{MACOQUAN, TENCOQUAN}] or ["000.00.00.H12", ...]
    NGAYHIEULUC      effective from "dd/mm/yyyy"
    COKETQUAGIAYTO   the result is a document (bool; default: a result is listed)
    PHILEPHI         (top level) fees for every channel [{SOTIEN, MOTA, ...}]
    in THANHPHANHOSO items: MATRUONGHOP (case code, default "TH<n>"), MACDINH (default case)
    in GIAYTO items:        BATBUOC (required, default true)
    in THOIGIAN items:      TRUONGHOP (case code: a time/fees of one case only)
    in PHILEPHI items:      THOIDIEMTHU before|after|none, MIENGIAM (exemptions), TRUONGHOP

Units (DONVITINH): "Ngày làm việc" → working days; "Giờ" / "Giờ làm việc" → working hours
(office hours); "Ngày" → calendar days; "Tuần" → 7 calendar days ("Tuần làm việc" → 5 working
days); "Tháng" → 30 calendar days; "Năm" → 365 calendar days. A fractional number of working
days becomes working hours (0.5 ngày làm việc → 4 giờ làm việc); other fractions are rounded
up. An amount without a unit, or a unit we cannot read, is an error.

Several times for the same channel and case (national data sometimes lists the standard time
and a "needs verification" time): the first is the statutory time; the others are kept in its
description. A fee without an amount (SOTIEN) is an error: an unknown fee is not a free one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.organisations.validators import is_valid_agency_code
from motcua.procedures.enums import (
    MUCDO_TO_ONLINE_LEVEL,
    ONLINE_LEVEL_TO_MUCDO,
    STATUS_TO_NATIONAL,
    Channel,
    FeeCollection,
    OnlineLevel,
    ProcedureLevel,
    ProcedureStatus,
    TargetGroup,
    TimeUnit,
)
from motcua.procedures.specs import (
    CaseSpec,
    FeeSpec,
    FieldRef,
    OrgRef,
    PaperSpec,
    ProcedureSpec,
    SpecError,
    TimeLimitSpec,
    canonical,
    clean_text,
    parse_date,
    parse_time,
)


class PackageError(ValueError):
    """The file is not a package at all (not JSON, or no list of records)."""


class RecordError(ValueError):
    """One record is invalid: `code` is its MATTHC (may be empty), `field` the failing key."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(f"{code or '?'}: {field}: {message}")
        self.code = code
        self.field = field
        self.message = message


# Spec attribute → national key, to report service-side errors in the package's terms.
SPEC_FIELD_TO_KEY = {
    "code": "MATTHC",
    "name": "TENTTHC",
    "procedure_type": "LOAITTHC",
    "level": "CAPTHUCHIEN",
    "fields": "LINHVUCTHUCHIEN",
    "implementing_organisations": "COQUANTHUCHIEN",
    "receiving_organisations": "COQUANTIEPNHAN",
    "target_groups": "DOITUONGTHUCHIEN",
    "online_level": "MUCDO",
    "result_code": "KETQUATHUCHIEN",
    "result_name": "KETQUATHUCHIEN",
    "has_document_result": "COKETQUAGIAYTO",
    "legal_basis": "CANCUPHAPLY",
    "conditions": "YEUCAUDIEUKIEN",
    "steps": "TRINHTUTHUCHIEN",
    "cutoff": "GIOCHOT",
    "status": "TRANGTHAI",
    "decision_number": "IDQUYETDINHCONGBO",
    "effective_from": "NGAYHIEULUC",
    "cases": "THANHPHANHOSO",
    "time_limits": "CACHTHUCTHUCHIEN",
    "fees": "PHILEPHI",
}


def national_key(field: str) -> str:
    """The national key for a spec attribute path ("time_limits[0].unit" → CACHTHUCTHUCHIEN);
    a path that is already national is returned unchanged."""
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return SPEC_FIELD_TO_KEY.get(head, field)


# --- package ---------------------------------------------------------------------------------


def load_package(raw: str | bytes) -> list[Any]:
    """The records of a JSON package (text or bytes, a UTF-8 BOM is allowed)."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8-sig")
    try:
        data = json.loads(raw.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise PackageError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
    return parse_package(data)


def parse_package(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        upper = _upper(data)
        for key in ("DATA", "ITEMS"):
            if isinstance(upper.get(key), list):
                return list(upper[key])
        if "MATTHC" in upper:
            return [data]
    raise PackageError(
        _("Expected a list of procedures, or an object with a “data” or “items” list.")
    )


def emit_package(specs: Iterable[ProcedureSpec]) -> list[dict[str, Any]]:
    return [emit_record(spec) for spec in specs]


# --- parsing ---------------------------------------------------------------------------------


def _upper(data: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k).strip().upper(): v for k, v in data.items()}


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(where, _("Expected an object."))
    return _upper(value)


def _list(value: Any, where: str) -> list[Any]:
    """None/"" → []; a list; a single object → [object]."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return [value]
    raise SpecError(where, _("Expected a list."))


def parse_record(raw: Any) -> ProcedureSpec:
    """The canonical spec of one national record; raises RecordError."""
    code = ""
    try:
        rec = _obj(raw, "")
        code = clean_text(rec.get("MATTHC"))
        if not code:
            raise SpecError("MATTHC", _("The procedure code is missing."))
        name = clean_text(rec.get("TENTTHC"))
        if not name:
            raise SpecError("TENTTHC", _("The procedure name is missing."))
        cases = _parse_cases(rec.get("THANHPHANHOSO"))
        time_limits, fees = _parse_ways(rec.get("CACHTHUCTHUCHIEN"))
        fees = [
            *_parse_fees(rec.get("PHILEPHI"), "PHILEPHI", channel=None, case=None),
            *fees,
        ]
        result_code, result_name, has_result = _parse_results(rec)
        spec = ProcedureSpec(
            code=code,
            name=name,
            level=_parse_level(rec.get("CAPTHUCHIEN")),
            procedure_type=_parse_label(rec.get("LOAITTHC"), "LOAITTHC"),
            fields=tuple(_parse_fields(rec.get("LINHVUCTHUCHIEN"))),
            implementing_organisations=tuple(
                _parse_orgs(rec.get("COQUANTHUCHIEN"), "COQUANTHUCHIEN")
            ),
            receiving_organisations=tuple(_parse_orgs(rec.get("COQUANTIEPNHAN"), "COQUANTIEPNHAN")),
            target_groups=_parse_target_groups(rec.get("DOITUONGTHUCHIEN")),
            online_level=_parse_online_level(rec.get("MUCDO")),
            result_code=result_code,
            result_name=result_name,
            has_document_result=has_result,
            legal_basis=_parse_long_text(rec.get("CANCUPHAPLY"), "CANCUPHAPLY"),
            conditions=_parse_long_text(rec.get("YEUCAUDIEUKIEN"), "YEUCAUDIEUKIEN"),
            steps=_parse_long_text(rec.get("TRINHTUTHUCHIEN"), "TRINHTUTHUCHIEN"),
            cutoff=parse_time(rec.get("GIOCHOT"), "GIOCHOT"),
            status=_parse_status(rec.get("TRANGTHAI")),
            decision_number=_parse_label(rec.get("IDQUYETDINHCONGBO"), "IDQUYETDINHCONGBO"),
            effective_from=parse_date(rec.get("NGAYHIEULUC"), "NGAYHIEULUC"),
            cases=tuple(cases),
            time_limits=tuple(time_limits),
            fees=tuple(fees),
        )
        return canonical(spec)
    except SpecError as exc:
        raise RecordError(code, national_key(exc.field), exc.message) from exc


_LEVEL_WORDS: dict[str, str] = {
    "tinh": ProcedureLevel.PROVINCE,
    "thanh pho truc thuoc trung uong": ProcedureLevel.PROVINCE,
    "xa": ProcedureLevel.COMMUNE,
    "phuong": ProcedureLevel.COMMUNE,
    "thi tran": ProcedureLevel.COMMUNE,
    "dac khu": ProcedureLevel.COMMUNE,
    "bo": ProcedureLevel.MINISTRY,
    "trung uong": ProcedureLevel.MINISTRY,
    "huyen": ProcedureLevel.DISTRICT,
}
LEVEL_TO_NATIONAL = {
    ProcedureLevel.PROVINCE: "Cấp Tỉnh",
    ProcedureLevel.COMMUNE: "Cấp Xã",
    ProcedureLevel.MINISTRY: "Cấp Bộ",
    ProcedureLevel.DISTRICT: "Cấp Huyện",
}


def _parse_level(value: Any) -> str:
    """Levels such as "Cấp Tỉnh", "Cấp Xã", "Cấp Bộ", "Cấp Huyện" or ours; several: the first."""
    items = _list(value, "CAPTHUCHIEN") if not isinstance(value, str | int) else [value]
    for item in items:
        text = _parse_label(item, "CAPTHUCHIEN")
        if text in ProcedureLevel.values:
            return text
        for part in re.split(r"[,;/\n]", fold(text)):
            words = part.strip()
            words = words.removeprefix("cap ").strip()
            if words in _LEVEL_WORDS:
                return _LEVEL_WORDS[words]
            for phrase, level in _LEVEL_WORDS.items():
                if re.search(rf"\b{phrase}\b", words):
                    return level
    if value in (None, "", []):
        raise SpecError("CAPTHUCHIEN", _("The level is missing."))
    raise SpecError("CAPTHUCHIEN", _("Unknown level “%(value)s”.") % {"value": value})


def _parse_label(value: Any, where: str) -> str:
    """A short text that may come as a number, or as an object {"MA..": .., "TEN..": ..}."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise SpecError(where, _("Expected a text."))
    if isinstance(value, int | float | Decimal):
        return clean_text(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        obj = _upper(value)
        for key in sorted(obj):
            if key.startswith("TEN") and isinstance(obj[key], str):
                return clean_text(obj[key])
        for item in obj.values():
            if isinstance(item, str | int):
                return clean_text(item)
    raise SpecError(where, _("Expected a text."))


def _parse_long_text(value: Any, where: str) -> str:
    if value is None or isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        lines = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                parts = [clean_text(v) for v in item.values() if isinstance(v, str | int)]
                line = " ".join(p for p in parts if p)
            elif isinstance(item, str | int):
                line = clean_text(item)
            else:
                raise SpecError(f"{where}[{i}]", _("Expected a text."))
            if line:
                lines.append(line)
        return "\n".join(lines)
    raise SpecError(where, _("Expected a text."))


def _parse_fields(value: Any) -> list[FieldRef]:
    out = []
    for i, item in enumerate(_list(value, "LINHVUCTHUCHIEN")):
        where = f"LINHVUCTHUCHIEN[{i}]"
        if isinstance(item, str):
            ref = FieldRef(name=clean_text(item))
        else:
            obj = _obj(item, where)
            ref = FieldRef(
                code=clean_text(obj.get("MALINHVUC")), name=clean_text(obj.get("TENLINHVUC"))
            )
        if not ref.code and not ref.name:
            raise SpecError(where, _("Give a code or a name."))
        out.append(ref)
    return out


def _parse_orgs(value: Any, key: str) -> list[OrgRef]:
    out = []
    items = [value] if isinstance(value, str) and value.strip() else _list(value, key)
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if isinstance(item, str):
            text = clean_text(item)
            ref = OrgRef(code=text) if is_valid_agency_code(text) else OrgRef(name=text)
        else:
            obj = _obj(item, where)
            code = clean_text(obj.get("MACOQUAN") or obj.get("MADINHDANH") or "")
            ref = OrgRef(code=code, name=clean_text(obj.get("TENCOQUAN")))
        if not ref.code and not ref.name:
            raise SpecError(where, _("Give a code or a name."))
        out.append(ref)
    return out


_CITIZEN_WORDS = ("cong dan", "ca nhan", "nguoi", "ho gia dinh", "citizen", "individual")
_ORGANISATION_WORDS = (
    "to chuc",
    "doanh nghiep",
    "hop tac xa",
    "co quan",
    "don vi",
    "nha dau tu",
    "organisation",
    "organization",
    "business",
)
TARGET_GROUP_TO_NATIONAL = {TargetGroup.CITIZEN: "Công dân", TargetGroup.ORGANISATION: "Tổ chức"}


def _parse_target_groups(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    texts: list[str] = []
    if isinstance(value, str):
        texts = re.split(r"[;,\n]", value)
    else:
        for i, item in enumerate(_list(value, "DOITUONGTHUCHIEN")):
            texts.append(_parse_label(item, f"DOITUONGTHUCHIEN[{i}]"))
    groups: set[str] = set()
    for text in texts:
        folded = fold(text)
        if folded in TargetGroup.values:
            groups.add(folded)
        if any(w in folded for w in _CITIZEN_WORDS):
            groups.add(TargetGroup.CITIZEN)
        if any(w in folded for w in _ORGANISATION_WORDS):
            groups.add(TargetGroup.ORGANISATION)
    if not groups and any(t.strip() for t in texts):
        raise SpecError(
            "DOITUONGTHUCHIEN", _("Unknown target group “%(value)s”.") % {"value": value}
        )
    return tuple(g for g in TargetGroup.values if g in groups)


def _parse_online_level(value: Any) -> str:
    if value is None or value == "":
        return OnlineLevel.INFORMATION
    number = _maybe_int(value)
    if number is not None and number in MUCDO_TO_ONLINE_LEVEL:
        return MUCDO_TO_ONLINE_LEVEL[number]
    folded = fold(str(value))
    if folded in OnlineLevel.values:
        return folded
    if "toan trinh" in folded:
        return OnlineLevel.FULL
    if "mot phan" in folded:
        return OnlineLevel.PARTIAL
    if "thong tin" in folded:
        return OnlineLevel.INFORMATION
    raise SpecError("MUCDO", _("Unknown online level “%(value)s”.") % {"value": value})


_STATUS_WORDS = (
    ("het hieu luc", ProcedureStatus.ABOLISHED),
    ("bai bo", ProcedureStatus.ABOLISHED),
    ("huy bo", ProcedureStatus.ABOLISHED),
    ("tam dung", ProcedureStatus.SUSPENDED),
    ("tam ngung", ProcedureStatus.SUSPENDED),
    ("hieu luc", ProcedureStatus.ACTIVE),
    ("dang ap dung", ProcedureStatus.ACTIVE),
    ("hoat dong", ProcedureStatus.ACTIVE),
    ("cong khai", ProcedureStatus.ACTIVE),
)
_NATIONAL_TO_STATUS = {v: k for k, v in STATUS_TO_NATIONAL.items()} | {0: ProcedureStatus.ABOLISHED}


def _parse_status(value: Any) -> str:
    if value is None or value == "":
        return ProcedureStatus.ACTIVE
    number = _maybe_int(value)
    if number is not None and number in _NATIONAL_TO_STATUS:
        return _NATIONAL_TO_STATUS[number]
    folded = fold(str(value))
    if folded in ProcedureStatus.values:
        return folded
    for words, status in _STATUS_WORDS:
        if words in folded:
            return status
    raise SpecError("TRANGTHAI", _("Unknown status “%(value)s”.") % {"value": value})


def _maybe_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _parse_int(value: Any, where: str, default: int) -> int:
    if value is None or value == "":
        return default
    number = _maybe_int(value)
    if number is None or number < 0:
        raise SpecError(where, _("Expected a whole number, not “%(value)s”.") % {"value": value})
    return number


def _parse_bool(value: Any, where: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    folded = fold(str(value))
    if folded in ("true", "1", "yes", "co", "x"):
        return True
    if folded in ("false", "0", "no", "khong"):
        return False
    raise SpecError(where, _("Expected true or false, not “%(value)s”.") % {"value": value})


def _parse_cases(value: Any) -> list[CaseSpec]:
    items = _list(value, "THANHPHANHOSO")
    if (
        items
        and all(isinstance(i, Mapping) and "GIAYTO" not in _upper(i) for i in items)
        and any("TENGIAYTO" in _upper(i) for i in items)
    ):
        # A flat list of papers: one (default) case.
        items = [{"GIAYTO": items}]
    cases = []
    for i, item in enumerate(items):
        where = f"THANHPHANHOSO[{i}]"
        obj = _obj(item, where)
        label = obj.get("TRUONGHOP")
        code = clean_text(obj.get("MATRUONGHOP"))
        if isinstance(label, Mapping):
            inner = _upper(label)
            code = code or clean_text(inner.get("MATRUONGHOP"))
            label = inner.get("TENTRUONGHOP") or inner.get("TRUONGHOP")
        papers = []
        for j, paper in enumerate(_list(obj.get("GIAYTO"), f"{where}.GIAYTO")):
            pwhere = f"{where}.GIAYTO[{j}]"
            pobj = _obj(paper, pwhere)
            pname = clean_text(pobj.get("TENGIAYTO"))
            if not pname:
                raise SpecError(f"{pwhere}.TENGIAYTO", _("The paper name is missing."))
            papers.append(
                PaperSpec(
                    name=pname,
                    code=clean_text(pobj.get("MAGIAYTO")),
                    originals=_parse_int(pobj.get("SOBANCHINH"), f"{pwhere}.SOBANCHINH", 1),
                    copies=_parse_int(pobj.get("SOBANSAO"), f"{pwhere}.SOBANSAO", 0),
                    required=_parse_bool(pobj.get("BATBUOC"), f"{pwhere}.BATBUOC", True),
                )
            )
        cases.append(
            CaseSpec(
                code=code or f"TH{i + 1}",
                name=_parse_label(label, f"{where}.TRUONGHOP"),
                is_default=_parse_bool(obj.get("MACDINH"), f"{where}.MACDINH", False),
                papers=tuple(papers),
            )
        )
    return cases


_CHANNEL_WORDS = (
    ("truc tiep", Channel.COUNTER),
    ("truc tuyen", Channel.ONLINE),
    ("qua mang", Channel.ONLINE),
    ("buu chinh", Channel.POST),
    ("counter", Channel.COUNTER),
    ("online", Channel.ONLINE),
    ("post", Channel.POST),
)


def _parse_channel(value: Any, where: str) -> int:
    number = _maybe_int(value)
    if number is not None and number in Channel.values:
        return number
    folded = fold(str(value)) if value is not None else ""
    for words, channel in _CHANNEL_WORDS:
        if words in folded:
            return int(channel)
    raise SpecError(where, _("Unknown channel “%(value)s”.") % {"value": value})


def _parse_ways(value: Any) -> tuple[list[TimeLimitSpec], list[FeeSpec]]:
    limits: dict[tuple[str, int], TimeLimitSpec] = {}
    fees: list[FeeSpec] = []
    for i, item in enumerate(_list(value, "CACHTHUCTHUCHIEN")):
        where = f"CACHTHUCTHUCHIEN[{i}]"
        obj = _obj(item, where)
        channel = _parse_channel(obj.get("KENH"), f"{where}.KENH")
        for j, entry in enumerate(_list(obj.get("THOIGIAN"), f"{where}.THOIGIAN")):
            twhere = f"{where}.THOIGIAN[{j}]"
            tobj = _obj(entry, twhere)
            case = clean_text(tobj.get("TRUONGHOP")) or None
            description = clean_text(tobj.get("MOTA"))
            parsed = parse_duration(tobj.get("THOIGIANGIAIQUYET"), tobj.get("DONVITINH"), twhere)
            if parsed is not None:
                amount, unit = parsed
                key = (case or "", channel)
                if key in limits:
                    first = limits[key]
                    extra = f"{_describe(amount, unit)} {description}".strip()
                    limits[key] = TimeLimitSpec(
                        channel=channel,
                        amount=first.amount,
                        unit=first.unit,
                        case=first.case,
                        description=f"{first.description}\n{extra}".strip(),
                    )
                else:
                    limits[key] = TimeLimitSpec(
                        channel=channel,
                        amount=amount,
                        unit=unit,
                        case=case,
                        description=description,
                    )
            fees += _parse_fees(tobj.get("PHILEPHI"), f"{twhere}.PHILEPHI", channel, case)
    return list(limits.values()), fees


def _describe(amount: int, unit: str) -> str:
    return f"{amount} {UNIT_TO_NATIONAL[unit]}"


def _parse_fees(value: Any, where: str, channel: int | None, case: str | None) -> list[FeeSpec]:
    out = []
    for i, item in enumerate(_list(value, where)):
        fwhere = f"{where}[{i}]"
        obj = _obj(item, fwhere)
        amount = parse_money(obj.get("SOTIEN"), f"{fwhere}.SOTIEN")
        collected_raw = obj.get("THOIDIEMTHU")
        collected: str
        if collected_raw in (None, ""):
            collected = FeeCollection.BEFORE if amount > 0 else FeeCollection.NONE
        else:
            collected = _parse_collected(collected_raw, f"{fwhere}.THOIDIEMTHU")
        out.append(
            FeeSpec(
                amount=amount,
                channel=channel,
                case=clean_text(obj.get("TRUONGHOP")) or case,
                description=clean_text(obj.get("MOTA")),
                collected=collected,
                exemptions=_parse_long_text(obj.get("MIENGIAM"), f"{fwhere}.MIENGIAM"),
            )
        )
    return out


def _parse_collected(value: Any, where: str) -> str:
    folded = fold(str(value))
    if folded in FeeCollection.values:
        return folded
    if "truoc" in folded or "khi nop" in folded:
        return FeeCollection.BEFORE
    if "sau" in folded or "khi nhan" in folded:
        return FeeCollection.AFTER
    if "khong" in folded or "mien" in folded:
        return FeeCollection.NONE
    raise SpecError(where, _("Unknown collection time “%(value)s”.") % {"value": value})


_MONEY_RE = re.compile(r"\d[\d.,\s]*")


def parse_money(value: Any, where: str) -> int:
    """VND: 50000, "50.000", "50,000 đồng", "Miễn phí" → 0. Missing is an error."""
    if value is None or value == "" or isinstance(value, bool):
        raise SpecError(where, _("The amount is missing."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        number = math.ceil(value)
    else:
        folded = fold(str(value))
        match = _MONEY_RE.search(folded)
        if match is None:
            if "mien" in folded or "khong" in folded:
                return 0
            raise SpecError(where, _("“%(value)s” is not an amount in VND.") % {"value": value})
        number = int(re.sub(r"[.,\s]", "", match.group(0)))
    if number < 0:
        raise SpecError(where, _("“%(value)s” is not an amount in VND.") % {"value": value})
    return number


UNIT_TO_NATIONAL: dict[str, str] = {
    TimeUnit.WORKING_DAYS: "Ngày làm việc",
    TimeUnit.WORKING_HOURS: "Giờ làm việc",
    TimeUnit.CALENDAR_DAYS: "Ngày",
}
_NUMBER_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(.*)$", re.DOTALL)


def _unit_of(text: str) -> tuple[str, Decimal] | None:
    """(unit, multiplier) for a DONVITINH text, or None."""
    folded = fold(text).replace("_", " ")
    if folded.replace(" ", "_") in TimeUnit.values:
        return folded.replace(" ", "_"), Decimal(1)
    words = set(re.findall(r"[a-z]+", folded))
    working = "lam viec" in folded or "working" in words
    if words & {"gio", "hour", "hours"}:
        return TimeUnit.WORKING_HOURS, Decimal(1)
    if words & {"tuan", "week", "weeks"}:
        if working:
            return TimeUnit.WORKING_DAYS, Decimal(5)
        return TimeUnit.CALENDAR_DAYS, Decimal(7)
    if words & {"thang", "month", "months"}:
        return TimeUnit.CALENDAR_DAYS, Decimal(30)
    if words & {"nam", "year", "years"}:
        return TimeUnit.CALENDAR_DAYS, Decimal(365)
    if words & {"ngay", "day", "days"}:
        return (TimeUnit.WORKING_DAYS if working else TimeUnit.CALENDAR_DAYS), Decimal(1)
    return None


def parse_duration(amount: Any, unit: Any, where: str) -> tuple[int, str] | None:
    """(amount, unit) of a statutory time, or None when neither is given."""
    unit_text = clean_text(unit)
    if amount is None or amount == "":
        if unit_text:
            raise SpecError(
                f"{where}.THOIGIANGIAIQUYET", _("The time is missing for the unit given.")
            )
        return None
    if isinstance(amount, bool):
        raise SpecError(f"{where}.THOIGIANGIAIQUYET", _("Expected a number."))
    if isinstance(amount, int | float | Decimal):
        number = Decimal(str(amount))
    else:
        match = _NUMBER_RE.match(str(amount))
        if match is None:
            raise SpecError(
                f"{where}.THOIGIANGIAIQUYET",
                _("“%(value)s” is not an amount of time.") % {"value": amount},
            )
        try:
            number = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex only lets digits in
            raise SpecError(f"{where}.THOIGIANGIAIQUYET", _("Expected a number.")) from exc
        unit_text = unit_text or clean_text(match.group(2))
    if number < 0:
        raise SpecError(f"{where}.THOIGIANGIAIQUYET", _("The time cannot be negative."))
    if not unit_text:
        raise SpecError(f"{where}.DONVITINH", _("The time unit is missing."))
    mapped = _unit_of(unit_text)
    if mapped is None:
        raise SpecError(
            f"{where}.DONVITINH", _("Unknown time unit “%(value)s”.") % {"value": unit_text}
        )
    unit_value, multiplier = mapped
    number *= multiplier
    if unit_value == TimeUnit.WORKING_DAYS and number != number.to_integral_value():
        unit_value, number = TimeUnit.WORKING_HOURS, number * 8
    return math.ceil(number), unit_value


def _parse_results(rec: dict[str, Any]) -> tuple[str, str, bool]:
    codes: list[str] = []
    names: list[str] = []
    value = rec.get("KETQUATHUCHIEN")
    items = [value] if isinstance(value, str) and value.strip() else _list(value, "KETQUATHUCHIEN")
    for i, item in enumerate(items):
        if isinstance(item, str):
            names.append(clean_text(item))
            continue
        obj = _obj(item, f"KETQUATHUCHIEN[{i}]")
        if clean_text(obj.get("MAKETQUA")):
            codes.append(clean_text(obj.get("MAKETQUA")))
        if clean_text(obj.get("TENKETQUA")):
            names.append(clean_text(obj.get("TENKETQUA")))
    has_result = _parse_bool(rec.get("COKETQUAGIAYTO"), "COKETQUAGIAYTO", bool(codes or names))
    return ";".join(codes), "; ".join(names), has_result


# --- emitting --------------------------------------------------------------------------------


def _fmt_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def emit_record(spec: ProcedureSpec) -> dict[str, Any]:
    """The national record of a (canonical) spec; `parse_record` reads it back unchanged."""
    spec = canonical(spec)
    channels = sorted(
        {tl.channel for tl in spec.time_limits} | {f.channel for f in spec.fees if f.channel}
    )
    ways = []
    for channel in channels:
        keys = sorted(
            {tl.case or "" for tl in spec.time_limits if tl.channel == channel}
            | {f.case or "" for f in spec.fees if f.channel == channel}
        )
        entries = []
        for key in keys:
            limit = next(
                (tl for tl in spec.time_limits if tl.channel == channel and (tl.case or "") == key),
                None,
            )
            entry: dict[str, Any] = {
                "THOIGIANGIAIQUYET": limit.amount if limit else None,
                "DONVITINH": UNIT_TO_NATIONAL[limit.unit] if limit else "",
                "MOTA": limit.description if limit else "",
                "PHILEPHI": [
                    _emit_fee(f, with_case=False)
                    for f in spec.fees
                    if f.channel == channel and (f.case or "") == key
                ],
            }
            if key:
                entry["TRUONGHOP"] = key
            entries.append(entry)
        ways.append({"KENH": channel, "THOIGIAN": entries})
    several_cases = len(spec.cases) > 1
    return {
        "MATTHC": spec.code,
        "TENTTHC": spec.name,
        "LOAITTHC": spec.procedure_type,
        "CAPTHUCHIEN": LEVEL_TO_NATIONAL[ProcedureLevel(spec.level)],
        "LINHVUCTHUCHIEN": [{"MALINHVUC": f.code, "TENLINHVUC": f.name} for f in spec.fields],
        "COQUANTHUCHIEN": [
            {"MACOQUAN": o.code, "TENCOQUAN": o.name} for o in spec.implementing_organisations
        ],
        "COQUANTIEPNHAN": [
            {"MACOQUAN": o.code, "TENCOQUAN": o.name} for o in spec.receiving_organisations
        ],
        "DOITUONGTHUCHIEN": "; ".join(
            TARGET_GROUP_TO_NATIONAL[TargetGroup(g)] for g in spec.target_groups
        ),
        "CACHTHUCTHUCHIEN": ways,
        "PHILEPHI": [_emit_fee(f, with_case=True) for f in spec.fees if f.channel is None],
        "THANHPHANHOSO": [
            {
                "MATRUONGHOP": case.code,
                "TRUONGHOP": case.name,
                **({"MACDINH": case.is_default} if several_cases else {}),
                "GIAYTO": [
                    {
                        "MAGIAYTO": p.code,
                        "TENGIAYTO": p.name,
                        "SOBANCHINH": p.originals,
                        "SOBANSAO": p.copies,
                        "BATBUOC": p.required,
                    }
                    for p in case.papers
                ],
            }
            for case in spec.cases
        ],
        "KETQUATHUCHIEN": (
            [{"MAKETQUA": spec.result_code, "TENKETQUA": spec.result_name}]
            if spec.result_code or spec.result_name
            else []
        ),
        "COKETQUAGIAYTO": spec.has_document_result,
        "IDQUYETDINHCONGBO": spec.decision_number,
        "NGAYHIEULUC": _fmt_date(spec.effective_from),
        "TRANGTHAI": STATUS_TO_NATIONAL[spec.status],
        "MUCDO": ONLINE_LEVEL_TO_MUCDO[spec.online_level],
        "CANCUPHAPLY": spec.legal_basis,
        "YEUCAUDIEUKIEN": spec.conditions,
        "TRINHTUTHUCHIEN": spec.steps,
        "GIOCHOT": spec.cutoff.strftime("%H:%M") if spec.cutoff else "",
    }


def _emit_fee(fee: FeeSpec, *, with_case: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "SOTIEN": fee.amount,
        "MOTA": fee.description,
        "THOIDIEMTHU": fee.collected,
        "MIENGIAM": fee.exemptions,
    }
    if with_case and fee.case:
        out["TRUONGHOP"] = fee.case
    return out
