"""The national package parser/emitter: pure functions, no database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.procedures import national
from motcua.procedures.enums import (
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
    spec_from_data,
)

# --- strategies --------------------------------------------------------------------------------

_alphabet = st.sampled_from(
    list("abcdeghiklmnopqrstuvxyĐđăâêôơưáàảãạéèẻẽẹóòỏõọúùủũụíìỉĩịýỳ ,.-/();")
)
text = st.text(_alphabet, max_size=40).map(clean_text)
nonempty = text.filter(bool)
short_code = st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True)
agency_code = st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H[0-9]{2}", fullmatch=True)


@st.composite
def specs(draw: Any) -> ProcedureSpec:
    case_codes = draw(st.lists(short_code, min_size=0, max_size=3, unique=True))
    cases = []
    for code in case_codes:
        papers = draw(
            st.lists(
                st.builds(
                    PaperSpec,
                    name=nonempty,
                    code=st.one_of(st.just(""), short_code),
                    originals=st.integers(0, 5),
                    copies=st.integers(0, 5),
                    required=st.booleans(),
                ),
                max_size=3,
            )
        )
        cases.append(CaseSpec(code=code, name=draw(text), papers=tuple(papers)))
    if len(cases) > 1 and draw(st.booleans()):
        index = draw(st.integers(0, len(cases) - 1))
        cases[index] = CaseSpec(
            code=cases[index].code,
            name=cases[index].name,
            is_default=True,
            papers=cases[index].papers,
        )
    case_ref = st.one_of(st.none(), st.sampled_from(case_codes)) if case_codes else st.none()
    limit_keys = draw(
        st.lists(st.tuples(case_ref, st.sampled_from(Channel.values)), unique=True, max_size=4)
    )
    time_limits = [
        TimeLimitSpec(
            channel=channel,
            amount=draw(st.integers(0, 400)),
            unit=draw(st.sampled_from(TimeUnit.values)),
            case=case,
            description=draw(text),
        )
        for case, channel in limit_keys
    ]
    fees = draw(
        st.lists(
            st.builds(
                FeeSpec,
                amount=st.integers(0, 5_000_000),
                channel=st.one_of(st.none(), st.sampled_from(Channel.values)),
                case=case_ref,
                description=text,
                collected=st.sampled_from(FeeCollection.values),
                exemptions=text,
            ),
            max_size=4,
        )
    )
    refs = st.builds(OrgRef, code=st.one_of(st.just(""), agency_code), name=text).filter(
        lambda r: bool(r.code or r.name)
    )
    return ProcedureSpec(
        code=draw(st.from_regex(r"[1-3]\.[0-9]{6}(\.H[0-9]{2})?", fullmatch=True)),
        name=draw(nonempty),
        level=draw(st.sampled_from(ProcedureLevel.values)),
        procedure_type=draw(text),
        fields=tuple(
            draw(
                st.lists(
                    st.builds(FieldRef, code=st.one_of(st.just(""), short_code), name=text).filter(
                        lambda r: bool(r.code or r.name)
                    ),
                    max_size=3,
                )
            )
        ),
        implementing_organisations=tuple(draw(st.lists(refs, max_size=3))),
        receiving_organisations=tuple(draw(st.lists(refs, max_size=3))),
        target_groups=tuple(draw(st.lists(st.sampled_from(TargetGroup.values), unique=True))),
        online_level=draw(st.sampled_from(OnlineLevel.values)),
        result_code=draw(text),
        result_name=draw(text),
        has_document_result=draw(st.booleans()),
        legal_basis=draw(text),
        conditions=draw(text),
        steps=draw(text),
        cutoff=draw(
            st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0)))
        ),
        status=draw(st.sampled_from(ProcedureStatus.values)),
        decision_number=draw(text),
        effective_from=draw(
            st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
        ),
        cases=tuple(cases),
        time_limits=tuple(time_limits),
        fees=tuple(fees),
    )


# --- round trip --------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(specs())
def test_emit_then_parse_gives_the_same_spec(spec: ProcedureSpec) -> None:
    # given a canonical spec
    expected = canonical(spec)
    # when it is emitted as a national record, through JSON, and parsed back
    record = json.loads(json.dumps(national.emit_record(spec), ensure_ascii=False))
    parsed = national.parse_record(record)
    # then nothing is lost
    assert parsed == expected
    assert national.emit_record(parsed) == national.emit_record(expected)


@settings(max_examples=50, deadline=None)
@given(specs())
def test_canonical_is_idempotent(spec: ProcedureSpec) -> None:
    once = canonical(spec)
    assert canonical(once) == once


# --- tolerant parsing of national records ------------------------------------------------------


def national_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "MATTHC": "1.001193",
        "TENTTHC": "Đăng ký khai sinh",
        "LOAITTHC": "TTHC được luân chuyển",
        "CAPTHUCHIEN": "Cấp Xã",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G09-TP10", "TENLINHVUC": "Hộ tịch"}],
        "COQUANTHUCHIEN": [{"MACOQUAN": "000.00.00.H12", "TENCOQUAN": "UBND tỉnh Cà Mau"}],
        "DOITUONGTHUCHIEN": "Công dân Việt Nam, Người nước ngoài",
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": 1,
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": "1",
                        "DONVITINH": "Ngày làm việc",
                        "MOTA": "Ngay trong ngày",
                        "PHILEPHI": [{"SOTIEN": "0", "MOTA": "Miễn lệ phí"}],
                    }
                ],
            },
            {
                "KENH": "2",
                "THOIGIAN": [{"THOIGIANGIAIQUYET": 0.5, "DONVITINH": "Ngày làm việc"}],
            },
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "Đăng ký khai sinh thông thường",
                "GIAYTO": [
                    {
                        "MAGIAYTO": "GT1",
                        "TENGIAYTO": "Tờ khai đăng ký khai sinh",
                        "SOBANCHINH": "1",
                        "SOBANSAO": 0,
                    }
                ],
            }
        ],
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ1", "TENKETQUA": "Giấy khai sinh"}],
        "IDQUYETDINHCONGBO": 12345,
        "TRANGTHAI": "Còn hiệu lực",
    }
    record.update(overrides)
    return record


def test_a_typical_national_record() -> None:
    spec = national.parse_record(national_record())
    assert spec.code == "1.001193"
    assert spec.level == ProcedureLevel.COMMUNE
    assert spec.fields == (FieldRef(code="G09-TP10", name="Hộ tịch"),)
    assert spec.implementing_organisations == (OrgRef("000.00.00.H12", "UBND tỉnh Cà Mau"),)
    assert spec.target_groups == (TargetGroup.CITIZEN,)
    assert spec.status == ProcedureStatus.ACTIVE
    assert spec.online_level == OnlineLevel.INFORMATION
    assert spec.decision_number == "12345"
    assert spec.result_code == "KQ1" and spec.result_name == "Giấy khai sinh"
    assert spec.has_document_result is True
    # one TRUONGHOP → the default case
    (case,) = spec.cases
    assert case.is_default and case.code == "TH1" and case.name == "Đăng ký khai sinh thông thường"
    assert case.papers == (PaperSpec(name="Tờ khai đăng ký khai sinh", code="GT1"),)
    # half a working day online becomes 4 working hours
    assert spec.time_limits == (
        TimeLimitSpec(channel=1, amount=1, unit="working_days", description="Ngay trong ngày"),
        TimeLimitSpec(channel=2, amount=4, unit="working_hours"),
    )
    assert spec.fees == (
        FeeSpec(amount=0, channel=1, description="Miễn lệ phí", collected=FeeCollection.NONE),
    )


def test_package_shapes_and_lowercase_keys() -> None:
    record = {k.lower(): v for k, v in national_record().items()}
    assert national.parse_package([record]) == [record]
    assert national.parse_package({"data": [record]}) == [record]
    assert national.parse_package({"items": [record]}) == [record]
    assert national.parse_record(record).code == "1.001193"
    assert national.load_package(b"\xef\xbb\xbf" + json.dumps([record]).encode()) == [record]
    with pytest.raises(national.PackageError):
        national.load_package("{not json")
    with pytest.raises(national.PackageError):
        national.parse_package({"other": []})


def test_no_truonghop_gives_one_default_case_and_several_give_none() -> None:
    assert national.parse_record(national_record(THANHPHANHOSO=[])).cases == (
        CaseSpec(code="TH1", is_default=True),
    )
    spec = national.parse_record(
        national_record(
            THANHPHANHOSO=[
                {"TRUONGHOP": "Trong nước", "GIAYTO": [{"TENGIAYTO": "Tờ khai"}]},
                {"TRUONGHOP": "Có yếu tố nước ngoài", "GIAYTO": []},
            ]
        )
    )
    assert [(c.code, c.name, c.is_default) for c in spec.cases] == [
        ("TH1", "Trong nước", False),
        ("TH2", "Có yếu tố nước ngoài", False),
    ]


def test_a_flat_list_of_papers_is_one_case() -> None:
    spec = national.parse_record(
        national_record(THANHPHANHOSO=[{"TENGIAYTO": "Đơn"}, {"TENGIAYTO": "Bản sao CCCD"}])
    )
    assert [p.name for p in spec.cases[0].papers] == ["Đơn", "Bản sao CCCD"]


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (5, "Ngày làm việc", (5, TimeUnit.WORKING_DAYS)),
        ("05", "ngày làm việc", (5, TimeUnit.WORKING_DAYS)),
        (15, "Ngày", (15, TimeUnit.CALENDAR_DAYS)),
        (8, "Giờ", (8, TimeUnit.WORKING_HOURS)),
        (4, "Giờ làm việc", (4, TimeUnit.WORKING_HOURS)),
        (2, "Tháng", (60, TimeUnit.CALENDAR_DAYS)),
        (1, "Tuần", (7, TimeUnit.CALENDAR_DAYS)),
        (1, "Tuần làm việc", (5, TimeUnit.WORKING_DAYS)),
        ("1,5", "Ngày làm việc", (12, TimeUnit.WORKING_HOURS)),
        (1.5, "Ngày", (2, TimeUnit.CALENDAR_DAYS)),
        ("10 ngày làm việc", "", (10, TimeUnit.WORKING_DAYS)),
        (3, "working_days", (3, TimeUnit.WORKING_DAYS)),
        (None, "", None),
    ],
)
def test_durations(amount: Any, unit: str, expected: Any) -> None:
    assert national.parse_duration(amount, unit, "X") == expected


@pytest.mark.parametrize(
    ("amount", "unit", "field"),
    [
        (5, "Lần", "X.DONVITINH"),
        (5, "", "X.DONVITINH"),
        ("Trong ngày", "Ngày", "X.THOIGIANGIAIQUYET"),
        (None, "Ngày", "X.THOIGIANGIAIQUYET"),
        (-1, "Ngày", "X.THOIGIANGIAIQUYET"),
    ],
)
def test_bad_durations(amount: Any, unit: str, field: str) -> None:
    with pytest.raises(SpecError) as info:
        national.parse_duration(amount, unit, "X")
    assert info.value.field == field


@pytest.mark.parametrize(
    ("value", "expected"),
    [(50000, 50000), ("50.000", 50000), ("50,000 đồng", 50000), ("Miễn phí", 0), (1.5, 2)],
)
def test_money(value: Any, expected: int) -> None:
    assert national.parse_money(value, "X") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Cấp Tỉnh", ProcedureLevel.PROVINCE),
        ("Cấp Xã", ProcedureLevel.COMMUNE),
        ("Cấp Bộ", ProcedureLevel.MINISTRY),
        ("Cấp Huyện", ProcedureLevel.DISTRICT),
        ("Cấp Tỉnh, Cấp Huyện", ProcedureLevel.PROVINCE),
        ([{"MACAP": "3", "TENCAP": "Cấp Xã"}], ProcedureLevel.COMMUNE),
        ("province", ProcedureLevel.PROVINCE),
    ],
)
def test_levels(value: Any, expected: str) -> None:
    assert national.parse_record(national_record(CAPTHUCHIEN=value)).level == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, OnlineLevel.FULL),
        ("3", OnlineLevel.PARTIAL),
        (2, OnlineLevel.INFORMATION),
        ("Dịch vụ công trực tuyến toàn trình", OnlineLevel.FULL),
        ("Một phần", OnlineLevel.PARTIAL),
        (None, OnlineLevel.INFORMATION),
    ],
)
def test_online_levels(value: Any, expected: str) -> None:
    assert national.parse_record(national_record(MUCDO=value)).online_level == expected


def test_extras() -> None:
    spec = national.parse_record(
        national_record(
            GIOCHOT="15h",
            NGAYHIEULUC="01/07/2025",
            CANCUPHAPLY=[
                {"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"},
                "Nghị định 123",
            ],
            COQUANTIEPNHAN=["000.00.00.H12"],
            TRANGTHAI=3,
        )
    )
    assert spec.cutoff == dt.time(15, 0)
    assert spec.effective_from == dt.date(2025, 7, 1)
    assert spec.legal_basis == "60/2014/QH13 Luật Hộ tịch\nNghị định 123"
    assert spec.receiving_organisations == (OrgRef(code="000.00.00.H12"),)
    assert spec.status == ProcedureStatus.ABOLISHED


def test_repeated_time_for_one_channel_keeps_the_first_and_describes_the_other() -> None:
    spec = national.parse_record(
        national_record(
            CACHTHUCTHUCHIEN=[
                {
                    "KENH": "Trực tiếp",
                    "THOIGIAN": [
                        {"THOIGIANGIAIQUYET": 1, "DONVITINH": "Ngày làm việc"},
                        {
                            "THOIGIANGIAIQUYET": 5,
                            "DONVITINH": "Ngày làm việc",
                            "MOTA": "nếu cần xác minh",
                        },
                    ],
                }
            ]
        )
    )
    (limit,) = spec.time_limits
    assert (limit.channel, limit.amount) == (1, 1)
    assert limit.description == "5 Ngày làm việc nếu cần xác minh"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"MATTHC": ""}, "MATTHC"),
        ({"MATTHC": "1 001193"}, "MATTHC"),
        ({"TENTTHC": None}, "TENTTHC"),
        ({"CAPTHUCHIEN": None}, "CAPTHUCHIEN"),
        ({"CAPTHUCHIEN": "Cấp thôn"}, "CAPTHUCHIEN"),
        ({"CACHTHUCTHUCHIEN": [{"KENH": 7, "THOIGIAN": []}]}, "CACHTHUCTHUCHIEN[0].KENH"),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": 2, "DONVITINH": "Lần"}]}
                ]
            },
            "CACHTHUCTHUCHIEN[0].THOIGIAN[0].DONVITINH",
        ),
        (
            {"CACHTHUCTHUCHIEN": [{"KENH": 1, "THOIGIAN": [{"PHILEPHI": [{"MOTA": "?"}]}]}]},
            "CACHTHUCTHUCHIEN[0].THOIGIAN[0].PHILEPHI[0].SOTIEN",
        ),
        (
            {"THANHPHANHOSO": [{"TRUONGHOP": "A", "GIAYTO": [{"MAGIAYTO": "X"}]}]},
            "THANHPHANHOSO[0].GIAYTO[0].TENGIAYTO",
        ),
        (
            {"THANHPHANHOSO": [{"GIAYTO": [{"TENGIAYTO": "A", "SOBANSAO": "hai"}]}]},
            "THANHPHANHOSO[0].GIAYTO[0].SOBANSAO",
        ),
        ({"DOITUONGTHUCHIEN": "Sinh vật"}, "DOITUONGTHUCHIEN"),
        ({"MUCDO": 9}, "MUCDO"),
        ({"TRANGTHAI": "Không rõ"}, "TRANGTHAI"),
        ({"GIOCHOT": "25:00"}, "GIOCHOT"),
        ({"NGAYHIEULUC": "31/02/2025"}, "NGAYHIEULUC"),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {
                        "KENH": 1,
                        "THOIGIAN": [
                            {"THOIGIANGIAIQUYET": 1, "DONVITINH": "Ngày", "TRUONGHOP": "TH9"}
                        ],
                    }
                ]
            },
            "CACHTHUCTHUCHIEN",
        ),
    ],
)
def test_invalid_records_name_their_code_and_field(overrides: dict[str, Any], field: str) -> None:
    record = national_record(**overrides)
    with pytest.raises(national.RecordError) as info:
        national.parse_record(record)
    assert info.value.code == clean_text(record["MATTHC"])
    assert info.value.field == field
    assert info.value.message


def test_a_record_that_is_not_an_object() -> None:
    with pytest.raises(national.RecordError) as info:
        national.parse_record(["not", "a", "record"])
    assert info.value.code == ""


def test_spec_from_data_coerces_model_like_values() -> None:
    class Org:
        agency_code = "000.00.00.H12"
        name = "UBND tỉnh"

    spec = spec_from_data(
        "1.000001",
        {
            "name": " Thủ tục ",
            "level": "province",
            "implementing_organisations": [Org(), "001.00.00.H12"],
            "fields": ["Hộ tịch"],
            "cutoff": "15:00",
            "time_limits": [{"channel": 2, "amount": 3, "unit": "working_days"}],
        },
    )
    assert spec.name == "Thủ tục"
    assert spec.implementing_organisations == (
        OrgRef("000.00.00.H12", "UBND tỉnh"),
        OrgRef("001.00.00.H12", ""),
    )
    assert spec.cutoff == dt.time(15, 0)
    assert spec.cases == (CaseSpec(code="TH1", is_default=True),)
    with pytest.raises(SpecError) as info:
        spec_from_data("1.000001", {"name": "x"})
    assert info.value.field == "level"
    with pytest.raises(SpecError):
        spec_from_data("1.000001", {"name": "x", "level": "province", "colour": "red"})
