from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.core.audit_models import AuditRecord
from motcua.procedures.enums import OnlineLevel
from motcua.procedures.models import Fee, Procedure, ProcedureCase, ProcedureVersion, TimeLimit
from motcua.procedures.services import procedures_import

pytestmark = pytest.mark.django_db


def record(camau: Any, code: str = "1.001193", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "MATTHC": code,
        "TENTTHC": "Đăng ký khai sinh",
        "LOAITTHC": "TTHC không được luân chuyển",
        "CAPTHUCHIEN": "Cấp Xã",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "HT", "TENLINHVUC": "Hộ tịch"}],
        # matched by agency code, then by name
        "COQUANTHUCHIEN": [
            {"MACOQUAN": camau.communes[0].agency_code, "TENCOQUAN": "?"},
            {"MACOQUAN": "G22.99", "TENCOQUAN": camau.communes[1].name},
        ],
        "COQUANTIEPNHAN": [o.agency_code for o in camau.commune_centres],
        "DOITUONGTHUCHIEN": "Công dân Việt Nam",
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": 1,
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": 1,
                        "DONVITINH": "Ngày làm việc",
                        "PHILEPHI": [{"SOTIEN": 0, "MOTA": "Miễn lệ phí"}],
                    }
                ],
            },
            {"KENH": 2, "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "DONVITINH": "Ngày làm việc"}]},
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {"MAGIAYTO": "1", "TENGIAYTO": "Tờ khai", "SOBANCHINH": 1, "SOBANSAO": 0},
                    {"MAGIAYTO": "2", "TENGIAYTO": "Giấy chứng sinh", "SOBANCHINH": 1},
                ],
            }
        ],
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ", "TENKETQUA": "Giấy khai sinh"}],
        "IDQUYETDINHCONGBO": "QĐ 1/2025",
        "TRANGTHAI": 1,
        "MUCDO": 4,
        "GIOCHOT": "15:00",
    }
    data.update(overrides)
    return data


def run_import(tmp_path: Path, package: Any, *args: str) -> tuple[str, str]:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_procedures", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_valid_records_are_imported(camau: Any, tmp_path: Path) -> None:
    # when
    out, err = run_import(tmp_path, {"data": [record(camau), record(camau, "2.000635")]})
    # then
    assert err == ""
    assert "2 tạo mới" in out
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None
    assert version.online_level == OnlineLevel.FULL
    assert version.cutoff is not None and version.cutoff.hour == 15
    assert set(version.implementing_organisations.all()) == set(camau.communes)
    assert set(version.receiving_organisations.all()) == set(camau.commune_centres)
    assert version.fields.get().code == "HT"
    assert version.default_case().papers.count() == 2  # type: ignore[union-attr]
    assert version.time_limit_for(2).amount == 1  # type: ignore[union-attr]
    assert version.fee_for(1).amount == 0  # type: ignore[union-attr]
    assert version.decision_number == "QĐ 1/2025"
    assert AuditRecord.objects.filter(action="procedure_version_create").count() == 2
    assert AuditRecord.objects.filter(interface="cli").exists()


def test_invalid_records_are_reported_with_code_and_field_and_skipped(
    camau: Any, tmp_path: Path
) -> None:
    # given: a good record between a bad unit, an unknown agency and a missing name
    bad_unit = record(camau, "1.000001")
    bad_unit["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["DONVITINH"] = "Lần"
    unknown_agency = record(
        camau, "1.000002", COQUANTHUCHIEN=[{"MACOQUAN": "", "TENCOQUAN": "Sở Không Có"}]
    )
    no_name = record(camau, "1.000003", TENTTHC="")
    package = [bad_unit, record(camau), unknown_agency, no_name]
    # when
    out, err = run_import(tmp_path, package)
    # then
    lines = err.strip().splitlines()
    assert lines[0].startswith("1.000001: CACHTHUCTHUCHIEN[0].THOIGIAN[0].DONVITINH: ")
    assert lines[1].startswith("1.000002: COQUANTHUCHIEN: ")
    assert "Sở Không Có" in lines[1]
    assert lines[2].startswith("1.000003: TENTTHC: ")
    assert "1 tạo mới" in out and "3 không hợp lệ" in out
    assert "1.000001, 1.000002, 1.000003" in out
    # nothing of the invalid records is left behind, not even a field or an empty procedure
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.001193"]
    assert ProcedureVersion.objects.count() == 1


def test_an_invalid_record_leaves_no_half(camau: Any) -> None:
    # the field would be created before the organisation lookup fails
    broken = record(
        camau,
        "1.000009",
        LINHVUCTHUCHIEN=[{"MALINHVUC": "NEW", "TENLINHVUC": "Lĩnh vực mới"}],
        COQUANTIEPNHAN=["999.99.99.H99"],
    )
    report = procedures_import(actor=None, records=[broken])
    assert [(p.code, p.field) for p in report.invalid] == [("1.000009", "COQUANTIEPNHAN")]
    assert not Procedure.objects.exists()
    assert not ProcedureCase.objects.exists()
    from motcua.procedures.models import Field

    assert not Field.objects.filter(code="NEW").exists()


def test_reimport_unchanged_creates_no_version_and_changed_creates_one(
    camau: Any, tmp_path: Path
) -> None:
    run_import(tmp_path, [record(camau)])
    first = Procedure.objects.get().current_version
    # when imported again unchanged
    out, _err = run_import(tmp_path, [record(camau)])
    # then
    assert "1 không thay đổi" in out
    assert ProcedureVersion.objects.count() == 1
    # when imported with a changed time
    changed = record(camau)
    changed["CACHTHUCTHUCHIEN"][1]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = 2
    out, _err = run_import(tmp_path, [changed])
    # then
    assert "1 cập nhật" in out
    procedure = Procedure.objects.get()
    assert procedure.current_version is not None and procedure.current_version.number == 2
    assert procedure.current_version.time_limit_for(2).amount == 2  # type: ignore[union-attr]
    assert first is not None and first.time_limit_for(2).amount == 1  # type: ignore[union-attr]


def test_export_then_import_round_trips(camau: Any, tmp_path: Path) -> None:
    # given a catalogue with cases, case-specific times and channel fees
    two_cases = record(
        camau,
        "2.000528",
        THANHPHANHOSO=[
            {"MATRUONGHOP": "TN", "TRUONGHOP": "Trong nước", "GIAYTO": [{"TENGIAYTO": "Tờ khai"}]},
            {"MATRUONGHOP": "NN", "TRUONGHOP": "Nước ngoài", "MACDINH": True, "GIAYTO": []},
        ],
        CACHTHUCTHUCHIEN=[
            {
                "KENH": 1,
                "THOIGIAN": [
                    {"THOIGIANGIAIQUYET": 3, "DONVITINH": "Ngày làm việc"},
                    {
                        "THOIGIANGIAIQUYET": 15,
                        "DONVITINH": "Ngày",
                        "TRUONGHOP": "NN",
                        "PHILEPHI": [{"SOTIEN": "100.000", "THOIDIEMTHU": "after"}],
                    },
                ],
            }
        ],
        PHILEPHI=[{"SOTIEN": 8000, "MOTA": "Bản sao", "MIENGIAM": "Người nghèo"}],
    )
    run_import(tmp_path, [record(camau), two_cases])
    versions_before = ProcedureVersion.objects.count()
    export_path = tmp_path / "export.json"
    # when
    call_command("export_procedures", str(export_path), stdout=io.StringIO())
    exported = json.loads(export_path.read_text(encoding="utf-8"))
    out, err = run_import(tmp_path, exported)
    # then
    assert err == ""
    assert "2 không thay đổi" in out
    assert ProcedureVersion.objects.count() == versions_before
    assert [r["MATTHC"] for r in exported] == ["1.001193", "2.000528"]
    version = Procedure.objects.get(code="2.000528").current_version
    assert version is not None
    nn = version.cases.get(code="NN")
    assert version.default_case() == nn
    assert version.time_limit_for(1, nn).amount == 15  # type: ignore[union-attr]
    assert TimeLimit.objects.filter(version=version).count() == 2
    assert version.fee_for(1, nn).collected == "after"  # type: ignore[union-attr]
    assert Fee.objects.filter(version=version, channel=None).get().exemptions == "Người nghèo"
    # and a second export is identical to the first
    second = tmp_path / "export2.json"
    call_command("export_procedures", str(second), stdout=io.StringIO())
    assert json.loads(second.read_text(encoding="utf-8")) == exported


def test_export_into_an_empty_database(camau: Any, tmp_path: Path) -> None:
    run_import(tmp_path, [record(camau)])
    export_path = tmp_path / "export.json"
    call_command("export_procedures", str(export_path), stdout=io.StringIO())
    exported = json.loads(export_path.read_text(encoding="utf-8"))
    # delete the catalogue, then import the export: same content
    Procedure.objects.update(current_version=None)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    run_import(tmp_path, exported)
    call_command("export_procedures", str(export_path), stdout=io.StringIO())
    assert json.loads(export_path.read_text(encoding="utf-8")) == exported


def test_not_a_package(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "x.json"
    path.write_text('{"foo": 1}', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_procedures", str(path), stdout=io.StringIO())


def test_strict_mode_fails_on_invalid_records(camau: Any, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run_import(tmp_path, [record(camau, TENTTHC="")], "--strict")
