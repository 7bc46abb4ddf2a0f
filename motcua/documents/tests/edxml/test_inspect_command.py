"""`manage.py edxml_inspect FILE`: one JSON object describing the package; a file that is not a
readable package exits non-zero with a one-line reason."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.documents.tests.edxml.conftest import sample, sample_text

REPO = Path(__file__).resolve().parents[4]


def inspect(path: Path) -> dict:  # type: ignore[type-arg]
    out = io.StringIO()
    call_command("edxml_inspect", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])  # type: ignore[no-any-return]


def test_edoc_description() -> None:
    described = inspect(sample("edoc_sdk.edxml"))

    assert described == {
        "kind": "edoc",
        "from": {"organ_id": "000.00.00.H12", "organ_name": "Ủy ban nhân dân tỉnh Cà Mau"},
        "to": [
            {"organ_id": "000.00.12.H12", "organ_name": "Sở Nội vụ"},
            {"organ_id": "000.00.00.G22", "organ_name": "Văn phòng Chính phủ"},
        ],
        "document_id": "000.00.00.H12,2019/03/12,05/QĐ-UBND",
        "code_number": "05",
        "code_notation": "QĐ-UBND",
        "promulgation_date": "2019-03-12",
        "subject": "Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Cà Mau",
        "document_type": 1,
        "signer": {
            "full_name": "Nguyễn Tiến Hải",
            "position": "Chủ tịch",
            "competence": "TM. Ủy ban nhân dân",
        },
        "business_doc_type": 0,
        "response_for": [
            {
                "organ_id": "000.00.00.G22",
                "code": "123/VPCP-KSTT",
                "promulgation_date": "2019-02-20",
                "document_id": "000.00.00.G22,2019/02/20,123/VPCP-KSTT",
            }
        ],
        "attachments": [
            {"name": "05-QD-UBND.pdf", "content_type": "application/pdf", "size": 39},
            {"name": "Phụ lục I.txt", "content_type": "text/plain", "size": 34},
        ],
        "status_code": None,
        "description": None,
        "timestamp": None,
    }


def test_output_keeps_vietnamese_letters() -> None:
    out = io.StringIO()

    call_command("edxml_inspect", str(sample("edoc_sdk.edxml")), stdout=out)

    assert "Ủy ban nhân dân tỉnh Cà Mau" in out.getvalue()
    assert "\\u" not in out.getvalue()


def test_edoc_variants_description() -> None:
    revoke = inspect(sample("edoc_revoke_impossible_date.edxml"))
    no_business = inspect(sample("edoc_no_namespace.edxml"))

    assert revoke["business_doc_type"] == 1
    assert revoke["response_for"] == [
        {
            "organ_id": "000.00.00.H12",
            "code": "12/QĐ-UBND",
            "promulgation_date": None,
            "document_id": "000.00.00.H12,2019/02/30,12/QĐ-UBND",
        }
    ]
    assert revoke["attachments"] == [
        {"name": "bytes.bin", "content_type": "application/octet-stream", "size": 120}
    ]
    assert no_business["business_doc_type"] is None
    assert no_business["document_id"] == "3caa7148-90af-4a92-937e-df2e894422db"
    assert no_business["from"] == {"organ_id": "UBND-CM", "organ_name": "UBND tỉnh Cà Mau"}
    assert no_business["document_type"] == 18


def test_status_description() -> None:
    described = inspect(sample("status_sdk.edxml"))

    assert described == {
        "kind": "status",
        "from": {"organ_id": "000.00.12.H12", "organ_name": "Sở Nội vụ"},
        "to": [],
        "document_id": None,
        "code_number": None,
        "code_notation": None,
        "promulgation_date": None,
        "subject": None,
        "document_type": None,
        "signer": None,
        "business_doc_type": None,
        "response_for": [
            {
                "organ_id": "000.00.00.H12",
                "code": "05/QĐ-UBND",
                "promulgation_date": "2019-03-12",
                "document_id": "000.00.00.H12,2019/03/12,05/QĐ-UBND",
            }
        ],
        "attachments": [],
        "status_code": "03",
        "description": "Đã vào sổ văn bản đến",
        "timestamp": "2019-03-12T10:20:30+07:00",
    }


def test_wrapped_status_description() -> None:
    described = inspect(sample("status_wrapped.edxml"))

    assert (described["kind"], described["status_code"]) == ("status", "06")
    assert described["timestamp"] == "2019-03-15T16:45:00+07:00"


def broken_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    edoc = sample_text("edoc_sdk.edxml")

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return {
        "missing": (tmp_path / "khong-co.edxml", "No such file or directory"),
        "directory": (tmp_path, "cannot read"),
        "not xml": (sample("broken_not_xml.edxml"), "not well-formed XML"),
        "truncated": (sample("broken_truncated.edxml"), "not well-formed XML"),
        "not edxml": (sample("broken_not_edxml.xml"), "not an edXML package"),
        "no from": (
            write("no-from.edxml", re.sub(r"<edXML:From>.*?</edXML:From>", "", edoc, flags=re.S)),
            "edoc package has no From",
        ),
        "no to": (
            write("no-to.edxml", re.sub(r"<edXML:To>.*?</edXML:To>", "", edoc, flags=re.S)),
            "edoc package has no To",
        ),
        "no code": (
            write("no-code.edxml", re.sub(r"<edXML:Code>.*?</edXML:Code>", "", edoc, flags=re.S)),
            "edoc package has no Code",
        ),
        "unknown status": (sample("status_unknown_code.edxml"), "StatusCode '07'"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "directory",
        "not xml",
        "truncated",
        "not edxml",
        "no from",
        "no to",
        "no code",
        "unknown status",
    ],
)
def test_unreadable_packages_raise_a_one_line_command_error(tmp_path: Path, case: str) -> None:
    path, reason = broken_files(tmp_path)[case]
    out = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("edxml_inspect", str(path), stdout=out)

    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert out.getvalue() == ""


@pytest.mark.parametrize("case", ["missing", "not xml", "no to"])
def test_the_command_exits_non_zero_with_the_reason_on_stderr(tmp_path: Path, case: str) -> None:
    path, reason = broken_files(tmp_path)[case]

    result = subprocess.run(  # noqa: S603 - our own manage.py with a test file
        [sys.executable, "manage.py", "edxml_inspect", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]


def test_the_command_prints_one_json_line_and_exits_zero() -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py with a test file
        [sys.executable, "manage.py", "edxml_inspect", str(sample("status_sdk.edxml"))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["status_code"] == "03"
