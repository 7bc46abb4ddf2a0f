"""import_dossiers: records replayed through the services, rejected whole with reasons."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from motcua.dossiers import services
from motcua.dossiers.importing import export_record
from motcua.dossiers.models import Applicant, Dossier, DossierEvent, DossierSequence
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_history(time_machine):
    """The command line refuses event times in the future: import after the 2027 history."""
    time_machine.move_to(vn(2028, 1, 10, 9), tick=False)


KEPT = (
    "status",
    "channel",
    "received_at",
    "due_at",
    "appointment_at",
    "ended_at",
    "delivered_at",
    "supplement_count",
    "paused_minutes",
    "extension_count",
    "fee_amount",
)


def _intake(w, at, channel=1, name="Trần Thị Mai", id_number="096190000001"):
    return services.dossier_create(
        actor=w.citizen if channel == 2 else w.admin,
        procedure_code="9.000001",
        channel=channel,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=id_number),
        at=at,
        trusted=True,  # the citizen's submission, replayed at its time by the test
    )


def _history(w):
    """Three dossiers made through the services: delivered, online with a supplement and an
    extension (late), withdrawn."""
    a = w.admin
    d1 = _intake(w, vn(2027, 3, 1, 9))
    d1 = services.dossier_forward(dossier=d1, actor=a, at=vn(2027, 3, 2, 9))
    d1 = services.dossier_approve(dossier=d1, actor=a, at=vn(2027, 3, 3, 9))
    d1 = services.dossier_complete(dossier=d1, actor=a, result_number="12/GP", at=vn(2027, 3, 4, 9))
    services.dossier_deliver(dossier=d1, actor=a, at=vn(2027, 3, 5, 9))
    d2 = _intake(w, vn(2027, 3, 1, 20), channel=2, name="Lê Văn Hùng", id_number="096190000002")
    d2 = services.dossier_receive(dossier=d2, actor=a, at=vn(2027, 3, 2, 8))
    d2 = services.dossier_request_supplement(
        dossier=d2, actor=a, missing=["Bản sao CCCD"], at=vn(2027, 3, 2, 10)
    )
    d2 = services.dossier_supplement(dossier=d2, actor=a, note="Đã nộp", at=vn(2027, 3, 4, 10))
    d2 = services.dossier_extend(
        dossier=d2,
        actor=a,
        reason="Cần xác minh",
        new_appointment_at=vn(2027, 3, 20, 9),
        at=vn(2027, 3, 9, 9),
    )
    d2 = services.dossier_forward(dossier=d2, actor=a, at=vn(2027, 3, 10, 9))
    d2 = services.dossier_approve(dossier=d2, actor=a, at=vn(2027, 3, 11, 9))
    d2 = services.dossier_complete(
        dossier=d2, actor=a, result_number="13/GP", at=vn(2027, 3, 16, 9)
    )
    d3 = _intake(w, vn(2027, 3, 3, 9), name="Phạm Minh Tâm", id_number="096190000003")
    services.dossier_withdraw(dossier=d3, actor=a, reason="Không còn nhu cầu", at=vn(2027, 3, 4, 9))
    return [d1.code, d2.code, d3.code]


@pytest.fixture
def exported(world, tmp_path):
    """The history exported to a JSON lines file, then removed from the database."""
    with transaction.atomic():
        codes = _history(world)
        records = [export_record(Dossier.objects.get(code=code)) for code in codes]
        expected = {
            code: {k: getattr(Dossier.objects.get(code=code), k) for k in KEPT} for code in codes
        }
        transaction.set_rollback(True)
    path = tmp_path / "old-system.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path, records, expected


def run(path, *extra):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_dossiers", str(path), "--actor", "padmin", *extra, stdout=out, stderr=err
        )
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_valid_records_are_replayed_with_the_same_results(world, exported):
    path, records, expected = exported
    # when
    out, err, error = run(path)
    # then
    assert error is None, err
    assert "3 records: 3 imported, 0 rejected" in out
    assert "3/3 (100%)" in err
    for code, fields in expected.items():
        d = Dossier.objects.get(code=code)  # the previous system's code is kept
        assert {k: getattr(d, k) for k in KEPT} == fields
    actions = list(
        DossierEvent.objects.filter(dossier__code=records[1]["code"]).values_list(
            "action", flat=True
        )
    )
    assert actions == [e["action"] for e in records[1]["events"]]


def test_codes_are_kept_and_the_daily_series_moves_past_them(world, exported):
    path, _records, _expected = exported
    run(path)
    seq = DossierSequence.objects.get(unit=world.desk, day=vn(2027, 3, 1).date())
    assert seq.last >= 2
    # a new intake that day continues after the imported numbers
    d = _intake(world, vn(2027, 3, 1, 15), id_number="096190000009")
    assert d.code == f"000.00.15.H12-270301-{seq.last + 1:04d}"


def test_invalid_records_are_reported_with_line_and_reasons_and_nothing_partial(world, exported):
    # given: line 2 breaks a rule late (completes while waiting for the supplement), line 4 is
    # not JSON, line 5 misses its applicant
    path, records, _expected = exported
    broken = json.loads(json.dumps(records[1]))
    broken["events"] = [e for e in broken["events"] if e["action"] != "supplement"]
    lines = [
        json.dumps(records[0], ensure_ascii=False),
        json.dumps(broken, ensure_ascii=False),
        json.dumps(records[2], ensure_ascii=False),
        "{not json",
        json.dumps({**records[0], "code": "X-1", "applicant": None}),
    ]
    path.write_text("\n".join(lines) + "\n")
    applicants_before = Applicant.objects.count()
    # when
    out, err, error = run(path)
    # then
    assert error is not None
    assert "5 records: 2 imported, 3 rejected" in out
    assert "line 2: transition_not_allowed" in err
    assert "line 4: not valid JSON" in err
    assert "line 5: applicant: required object" in err
    assert not Dossier.objects.filter(code=records[1]["code"]).exists()
    assert Applicant.objects.count() == applicants_before + 2  # nothing left of line 2


def test_importing_twice_imports_nothing_twice(world, exported):
    path, _records, _expected = exported
    run(path)
    out, err, _error = run(path)
    assert "0 imported, 3 rejected" in out
    assert "already in the database" in err
    assert Dossier.objects.count() == 3


def test_dry_run_and_atomic_store_nothing(world, exported, tmp_path):
    path, records, _expected = exported
    out, _err, error = run(path, "--dry-run")
    assert error is None and "3 would be imported" in out
    assert Dossier.objects.count() == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        path.read_text() + json.dumps({**records[0], "code": "Y-1", "channel": 9}) + "\n"
    )
    out, err, error = run(bad, "--atomic", "--rejects", str(tmp_path / "rejects.jsonl"))
    assert error is not None and "line 4: channel" in err
    assert Dossier.objects.count() == 0
    assert json.loads((tmp_path / "rejects.jsonl").read_text())["code"] == "Y-1"


def test_a_previous_systems_history_is_not_judged_by_our_internal_process(world, exported):
    # given a dossier of the previous system that went from receipt to result with no
    # forward or approval recorded (its own process, not ours)
    path, records, _expected = exported
    legacy = {
        **records[0],
        "events": [e for e in records[0]["events"] if e["action"] not in ("forward", "approve")],
    }
    assert [e["action"] for e in legacy["events"]][-2:] == ["complete", "deliver"]
    path.write_text(json.dumps(legacy, ensure_ascii=False) + "\n")
    # when it is imported, then it is replayed as it happened
    out, err, error = run(path)
    assert error is None, err
    assert "0 rejected" in out
    d = Dossier.objects.get(code=legacy["code"])
    assert d.status == "delivered" and d.result_number == "12/GP"
    assert not d.events.filter(action="approve").exists()
