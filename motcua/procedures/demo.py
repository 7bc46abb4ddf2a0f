"""The Cà Mau demo catalogue, from data/procedures.csv and data/fields.csv (seed data, not
legal authority: see /work/shared/data/README.md).

Rows without a national code are skipped (no invented codes). Commune-level procedures ("xa")
are implemented by every active commune People's Committee and received at every commune
service centre; province-level ones ("tinh") by the department named in `agency` (else the
provincial People's Committee), received at the provincial service centre. The organisations
must already exist (loaded by the organisations app); missing ones are reported, not created.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.core.text import fold
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.procedures.enums import (
    Channel,
    FeeCollection,
    OnlineLevel,
    ProcedureLevel,
    ProcedureStatus,
    TargetGroup,
    TimeUnit,
)
from motcua.procedures.models import Field
from motcua.procedures.specs import (
    DEFAULT_CASE_CODE,
    CaseSpec,
    FeeSpec,
    FieldRef,
    OrgRef,
    PaperSpec,
    ProcedureSpec,
    TimeLimitSpec,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

ONLINE_LEVELS = {
    "toan_trinh": OnlineLevel.FULL,
    "mot_phan": OnlineLevel.PARTIAL,
    "": OnlineLevel.INFORMATION,
}
LEVELS = {"xa": ProcedureLevel.COMMUNE, "tinh": ProcedureLevel.PROVINCE}

# A receipt cut-off is typical where the result is given the same or the next day: business
# registration of household businesses and certification (chứng thực). DOMAIN §2, §3.
CUTOFF = dt.time(15, 0)
CUTOFF_FIELDS = frozenset({"Chứng thực", "Thành lập và hoạt động của hộ kinh doanh"})

# When the `agency` column names no department we can find, the field decides.
FIELD_DEPARTMENTS = {
    "Đất đai": "Sở Nông nghiệp và Môi trường",
    "Thành lập và hoạt động của doanh nghiệp": "Sở Tài chính",
    "Lý lịch tư pháp": "Sở Tư pháp",
    "Việc làm": "Sở Nội vụ",
    "Lưu thông hàng hóa trong nước": "Sở Công Thương",
}

# Fees that differ by channel (residence registration: lower online, TT 75/2022, BELIEVED).
CHANNEL_FEES = {
    "1.004194": {Channel.COUNTER: 15000, Channel.ONLINE: 7000, Channel.POST: 15000},
    "1.004222": {Channel.COUNTER: 20000, Channel.ONLINE: 10000, Channel.POST: 20000},
}

ORGANISATION_TARGETS = frozenset({"Việc làm", "Thành lập và hoạt động của doanh nghiệp"})


@dataclass
class _Places:
    province: Organisation | None = None
    provincial_centre: Organisation | None = None
    communes: list[Organisation] = field(default_factory=list)
    commune_centres: list[Organisation] = field(default_factory=list)
    departments: list[Organisation] = field(default_factory=list)


def _places() -> _Places:
    today = timezone.localdate()
    province = (
        Organisation.objects.filter(agency_code=settings.MOTCUA_PROVINCE_CODE).first()
        or Organisation.objects.filter(kind=OrganisationKind.PROVINCE, parent=None)
        .order_by("pk")
        .first()
    )
    places = _Places(province=province)
    under = Organisation.objects.all()
    if province is not None:
        under = under.filter(path__startswith=province.path)
        places.provincial_centre = (
            Organisation.objects.filter(kind=OrganisationKind.SERVICE_CENTRE, parent=province)
            .order_by("pk")
            .first()
        )
    places.communes = [
        o for o in under.filter(kind=OrganisationKind.COMMUNE) if o.is_active_on(today)
    ]
    places.commune_centres = [
        o
        for o in under.filter(
            kind=OrganisationKind.SERVICE_CENTRE, parent__kind=OrganisationKind.COMMUNE
        ).select_related("parent")
        if o.is_active_on(today) and o.parent is not None and o.parent.is_active_on(today)
    ]
    places.departments = list(under.filter(kind=OrganisationKind.DEPARTMENT))
    return places


def _department(agency: str, field_name: str, places: _Places) -> Organisation | None:
    wanted = [agency.split("(")[0].strip(), FIELD_DEPARTMENTS.get(field_name, "")]
    for name in wanted:
        folded = fold(name)
        if not folded.startswith("so "):
            continue
        for dept in places.departments:
            if fold(dept.name).startswith(folded):
                return dept
    return None


def _ref(org: Organisation) -> OrgRef:
    return OrgRef(code=org.agency_code, name=org.name)


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


# The steps every one-stop procedure follows (Decree 118/2025, DOMAIN §2-§3), shown on the
# procedure page when the catalogue gives none of its own.
ONLINE_STEPS = (
    "Bước 1: Nộp hồ sơ trực tuyến trên Cổng dịch vụ công, hoặc trực tiếp hay qua dịch vụ bưu "
    "chính công ích tại Bộ phận một cửa (Trung tâm Phục vụ hành chính công).\n"
    "Bước 2: Cán bộ tiếp nhận kiểm tra hồ sơ: hồ sơ đủ thì tiếp nhận và hẹn ngày trả kết quả; "
    "chưa đủ thì hướng dẫn bổ sung một lần đầy đủ.\n"
    "Bước 3: Cơ quan có thẩm quyền thẩm định, lãnh đạo phê duyệt và ký kết quả.\n"
    "Bước 4: Nhận kết quả tại Bộ phận một cửa, qua bưu chính hoặc bản điện tử trên Cổng dịch "
    "vụ công; theo dõi tình trạng hồ sơ bằng mã hồ sơ."
)
COUNTER_STEPS = (
    "Bước 1: Nộp hồ sơ trực tiếp hoặc qua dịch vụ bưu chính công ích tại Bộ phận một cửa "
    "(Trung tâm Phục vụ hành chính công).\n"
    "Bước 2: Cán bộ tiếp nhận kiểm tra hồ sơ: hồ sơ đủ thì tiếp nhận và hẹn ngày trả kết quả; "
    "chưa đủ thì hướng dẫn bổ sung một lần đầy đủ.\n"
    "Bước 3: Cơ quan có thẩm quyền thẩm định, lãnh đạo phê duyệt và ký kết quả.\n"
    "Bước 4: Nhận kết quả tại Bộ phận một cửa hoặc qua bưu chính; theo dõi tình trạng hồ sơ "
    "bằng mã hồ sơ."
)


def demo_specs(places: _Places | None = None) -> tuple[list[ProcedureSpec], dict[str, Any]]:
    """The demo procedures as specs, and notes on what could not be attached."""
    places = places or _places()
    notes: dict[str, Any] = {
        "skipped_without_code": 0,
        "skipped_unknown_level": 0,
        "missing_organisations": [],
    }
    missing: set[str] = set()
    specs = []
    details = {row["code"]: row for row in _read_csv("procedure_details.csv")}
    for row in _read_csv("procedures.csv"):
        if not row["code"]:
            notes["skipped_without_code"] += 1
            continue
        level = LEVELS.get(row["level"])
        if level is None:
            notes["skipped_unknown_level"] += 1
            continue
        if level == ProcedureLevel.COMMUNE:
            implementing = [_ref(o) for o in places.communes]
            receiving = [_ref(o) for o in places.commune_centres]
            if not implementing:
                missing.add("commune People's Committees")
            if not receiving:
                missing.add("commune service centres")
        else:
            dept = _department(row["agency"], row["field"], places) or places.province
            implementing = [_ref(dept)] if dept else []
            receiving = [_ref(places.provincial_centre)] if places.provincial_centre else []
            if dept is None:
                missing.add("provincial People's Committee")
            if places.provincial_centre is None:
                missing.add("provincial service centre")
        time_limits: list[TimeLimitSpec] = []
        if row["deadline_amount"] and row["deadline_unit"] in TimeUnit.values:
            time_limits = [
                TimeLimitSpec(
                    channel=int(channel),
                    amount=int(row["deadline_amount"]),
                    unit=row["deadline_unit"],
                )
                for channel in Channel
            ]
        fees: list[FeeSpec] = []
        if row["code"] in CHANNEL_FEES:
            fees = [
                FeeSpec(amount=amount, channel=int(channel), description="Lệ phí")
                for channel, amount in CHANNEL_FEES[row["code"]].items()
            ]
        elif row["fee_vnd"] == "0":
            fees = [FeeSpec(amount=0, collected=FeeCollection.NONE, description="Miễn lệ phí")]
        elif row["fee_vnd"]:
            fees = [FeeSpec(amount=int(row["fee_vnd"]), description="Lệ phí")]
        papers = tuple(
            PaperSpec(name=part, required="(nếu" not in part.lower())
            for part in (p.strip() for p in row["components"].split(";"))
            if part
        )
        organisation_target = row["field"] in ORGANISATION_TARGETS or "tổ chức" in row["name"]
        online_level = ONLINE_LEVELS.get(row["online_level"], OnlineLevel.INFORMATION)
        more = details.get(row["code"], {})
        specs.append(
            ProcedureSpec(
                code=row["code"],
                name=row["name"],
                level=level,
                fields=(FieldRef(name=row["field"]),) if row["field"] else (),
                implementing_organisations=tuple(implementing),
                receiving_organisations=tuple(receiving),
                target_groups=(
                    TargetGroup.ORGANISATION if organisation_target else TargetGroup.CITIZEN,
                ),
                online_level=online_level,
                result_name=more.get("result_name", ""),
                legal_basis=more.get("legal_basis", ""),
                conditions=more.get("conditions", ""),
                steps=more.get("steps")
                or (COUNTER_STEPS if online_level == OnlineLevel.INFORMATION else ONLINE_STEPS),
                cutoff=CUTOFF if row["field"] in CUTOFF_FIELDS else None,
                status=ProcedureStatus.ACTIVE,
                cases=(CaseSpec(code=DEFAULT_CASE_CODE, is_default=True, papers=papers),),
                time_limits=tuple(time_limits),
                fees=tuple(fees),
            )
        )
    notes["missing_organisations"] = sorted(missing)
    return specs, notes


def load_demo() -> dict[str, Any]:
    from motcua.procedures.services import procedure_upsert

    fields_created = 0
    for row in _read_csv("fields.csv"):
        _obj, created = Field.objects.get_or_create(
            name_folded=fold(row["name"]), defaults={"name": row["name"], "code": row["code"]}
        )
        fields_created += int(created)
    specs, notes = demo_specs()
    outcomes: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in specs:
        _version, outcome = procedure_upsert(actor=None, spec=spec)
        outcomes[outcome] += 1
    return {
        "fields": Field.objects.count(),
        "fields_created": fields_created,
        "procedures": len(specs),
        **outcomes,
        "commune_level": sum(s.level == ProcedureLevel.COMMUNE for s in specs),
        "province_level": sum(s.level == ProcedureLevel.PROVINCE for s in specs),
        "with_time_limits": sum(bool(s.time_limits) for s in specs),
        "with_fees": sum(bool(s.fees) for s in specs),
        "with_cutoff": sum(s.cutoff is not None for s in specs),
        **notes,
    }
