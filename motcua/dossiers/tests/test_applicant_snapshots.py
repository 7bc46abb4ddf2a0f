"""Each dossier keeps the applicant's details as filed (its own snapshot); only the receiving
desk corrects them, with a reason, an event and an audit record."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory
from motcua.core.audit_models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers import printing, services
from motcua.dossiers.applicants import dossier_correct_applicant
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.enums import EventKind
from motcua.dossiers.models import Applicant, Dossier, DossierEvent
from motcua.dossiers.policies import can_correct_applicant
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn
from motcua.dossiers.tests.test_printing import pdf_text

pytestmark = pytest.mark.django_db

X = "096188000777"


def counter_at(unit, officer, *, name: str, address: str = "", at=None) -> Dossier:
    return services.dossier_create(
        actor=officer,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=unit,
        applicant=ApplicantInput(full_name=name, id_number=X, address=address),
        at=at or vn(2026, 3, 1, 9, 0),
        trusted=True,  # a test writes history at explicit times
    )


def online(w, *, name: str, address: str, at) -> Dossier:
    return services.dossier_create(
        actor=w.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=X, address=address),
        at=at,
        trusted=True,
    )


def delivered(w, d: Dossier) -> Dossier:
    """Take `d` along the whole path to "result delivered"."""
    if d.status == S.SUBMITTED:
        d = services.dossier_receive(
            dossier=d, actor=w.counter, at=vn(2026, 3, 2, 9, 0), trusted=True
        )
    d = services.dossier_forward(
        dossier=d, actor=w.specialist, at=vn(2026, 3, 3, 9, 0), trusted=True
    )
    d = services.dossier_approve(dossier=d, actor=w.leader, at=vn(2026, 3, 3, 14, 0), trusted=True)
    d = services.dossier_complete(
        dossier=d, actor=w.leader, result_number="12/GP", at=vn(2026, 3, 4, 8, 0), trusted=True
    )
    d = services.dossier_deliver(
        dossier=d, actor=w.counter, method="desk", at=vn(2026, 3, 4, 9), trusted=True
    )
    assert d.status == S.DELIVERED
    return d


@pytest.fixture
def unit_b(world):
    """A second one-stop desk receiving the same procedure, with its own counter officer."""
    desk_b = OrgFactory(
        name="Bộ phận một cửa huyện B",
        parent=world.province,
        agency_code="000.21.30.H12",
        runs_one_stop_desk=True,
    )
    desk_b.desk_serves.set([world.dept])
    world.version.receiving_organisations.add(desk_b)
    officer = OfficialFactory(
        username="counter_b", organisation=desk_b, roles=[Role.COUNTER_OFFICER]
    )
    return desk_b, officer


def test_intake_at_another_unit_does_not_rename_the_applicant_of_a_filed_dossier(world, unit_b):
    # given unit A's dossier for X, with its receipt (form 01) and tracking-book row
    desk_b, officer_b = unit_b
    mine = counter_at(world.desk, world.counter, name="Trần Thị Thật", address="Phường 5")
    # when unit B receives a dossier with the same ID number, another name and address
    theirs = counter_at(desk_b, officer_b, name="Trần Văn Khác", address="Xã Tân Lộc")
    # then A's dossier still shows what was filed at A; B's shows what was filed at B
    mine = Dossier.objects.get(pk=mine.pk)
    assert (mine.applicant.full_name, mine.applicant.address) == ("Trần Thị Thật", "Phường 5")
    assert theirs.applicant.full_name == "Trần Văn Khác"
    assert theirs.applicant_id != mine.applicant_id
    # and so does A's reprinted form 01 and A's tracking book
    form = printing.render_form(mine, "01")
    assert b"%PDF" in form[:8]
    text = pdf_text(form)
    assert "Trần Thị Thật" in text and "Trần Văn Khác" not in text
    rows = printing.tracking_book_rows(world.desk, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [r.applicant for r in rows] == ["Trần Thị Thật"]


def test_a_citizens_new_submission_does_not_change_their_delivered_dossier(world):
    # given the citizen's first online dossier, delivered
    first = delivered(world, online(world, name="Lê Văn Dân", address="Ấp 1", at=vn(2026, 3, 1, 9)))
    # when they submit again online after moving house
    second = online(world, name="Lê Văn Dân", address="Ấp 7, xã Khánh Lâm", at=vn(2026, 4, 1, 9))
    # then the delivered dossier keeps the address it was filed with
    first = Dossier.objects.get(pk=first.pk)
    assert first.applicant.address == "Ấp 1"
    assert second.applicant.address == "Ấp 7, xã Khánh Lâm"
    assert first.applicant.user == second.applicant.user == world.citizen


def test_an_empty_contact_field_is_taken_from_the_same_sources_last_snapshot(world):
    first = online(world, name="Lê Văn Dân", address="Ấp 1", at=vn(2026, 3, 1, 9))
    second = online(world, name="Lê Văn Dân", address="", at=vn(2026, 3, 2, 9))
    assert second.applicant_id != first.applicant_id
    assert second.applicant.address == "Ấp 1"
    # an official's intake never reads a citizen's own snapshot (an ID number proves nothing)
    third = counter_at(world.desk, world.counter, name="Lê Văn Dân")
    assert third.applicant.address == "" and third.applicant.user is None


# --- correction ---------------------------------------------------------------------------


def corrected(d: Dossier, **changes: str) -> ApplicantInput:
    a = d.applicant
    values = {
        "full_name": a.full_name,
        "id_number": a.id_number,
        "kind": a.kind,
        "phone": a.phone,
        "email": a.email,
        "address": a.address,
    }
    return ApplicantInput(**{**values, **changes})


def test_the_receiving_desk_corrects_a_filed_dossier_with_an_event_and_an_audit_record(
    world, unit_b
):
    # given two dossiers for X at two units
    desk_b, officer_b = unit_b
    mine = counter_at(world.desk, world.counter, name="Trần Thị Thât", address="Phường 5")
    other = counter_at(desk_b, officer_b, name="Trần Thị Thật", address="Phường 5")
    # when A's counter officer corrects the typo in the name
    d = dossier_correct_applicant(
        dossier=mine,
        actor=world.counter,
        changes=corrected(mine, full_name="Trần Thị Thật"),
        reason="Gõ sai dấu tên",
    )
    # then A's dossier shows the corrected name, and nothing else changed
    d = Dossier.objects.get(pk=d.pk)
    assert d.applicant.full_name == "Trần Thị Thật" and d.status == S.RECEIVED
    assert Dossier.objects.get(pk=other.pk).applicant_id == other.applicant_id
    # and the timeline and the audit trail say who, why and what
    event = DossierEvent.objects.get(dossier=d, action=EventKind.CORRECT_APPLICANT)
    assert event.actor == world.counter and event.note == "Gõ sai dấu tên"
    assert event.data == {"fields": ["full_name"]}
    audit = AuditRecord.objects.get(action="dossier_correct_applicant", object_id=str(d.pk))
    assert audit.changes == {"applicant.full_name": ["Trần Thị Thât", "Trần Thị Thật"]}
    assert audit.note == "Gõ sai dấu tên" and audit.actor_id == world.counter.pk


def test_a_correction_of_a_row_shared_before_snapshots_copies_it(world):
    # given two dossiers sharing one applicant row (written before snapshots existed)
    first = counter_at(world.desk, world.counter, name="Trần Thị Thật")
    second = counter_at(world.desk, world.counter, name="Trần Thị Thật")
    Dossier.objects.filter(pk=second.pk).update(applicant=first.applicant)
    # when the first is corrected
    dossier_correct_applicant(
        dossier=first, actor=world.counter, changes=corrected(first, phone="0901000001"), reason="x"
    )
    # then only the first shows it
    assert Dossier.objects.get(pk=first.pk).applicant.phone == "0901000001"
    assert Dossier.objects.get(pk=second.pk).applicant.phone == ""
    assert Dossier.objects.get(pk=first.pk).applicant_id != first.applicant_id


@pytest.fixture
def viewer(world):
    return OfficialFactory(
        username="viewer", organisation=world.province, roles=[Role.REPORT_VIEWER]
    )


@pytest.mark.parametrize("who", ["specialist", "outsider", "counter_b", "viewer", "citizen"])
def test_anyone_but_the_receiving_desk_is_refused_and_nothing_is_saved(world, unit_b, viewer, who):
    # given a dossier received at A's desk
    d = counter_at(world.desk, world.counter, name="Trần Thị Thật", address="Phường 5")
    actor = {"counter_b": unit_b[1], "viewer": viewer}.get(who) or getattr(world, who)
    assert not can_correct_applicant(actor, d)
    # when someone else tries to correct it
    with pytest.raises(PermissionDenied):
        dossier_correct_applicant(
            dossier=d, actor=actor, changes=corrected(d, full_name="Kẻ Khác"), reason="x"
        )
    # then nothing changed
    assert Applicant.objects.get(pk=d.applicant_id).full_name == "Trần Thị Thật"
    assert not DossierEvent.objects.filter(action=EventKind.CORRECT_APPLICANT).exists()
    assert not AuditRecord.objects.filter(action="dossier_correct_applicant").exists()


@pytest.mark.parametrize("status", [S.RESULT_READY, S.DELIVERED])
def test_a_dossier_whose_processing_ended_is_no_longer_corrected(world, status):
    d = delivered(world, counter_at(world.desk, world.counter, name="Trần Thị Thật"))
    Dossier.objects.filter(pk=d.pk).update(status=status)  # the result issued, or delivered
    d = Dossier.objects.get(pk=d.pk)
    assert not can_correct_applicant(world.counter, d)
    with pytest.raises(Conflict):
        dossier_correct_applicant(
            dossier=d, actor=world.counter, changes=corrected(d, full_name="Khác"), reason="x"
        )
    assert Applicant.objects.get(pk=d.applicant_id).full_name == "Trần Thị Thật"


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"full_name": "Trần Thị Thật Mới"}, "  ", "reason"),
        ({"full_name": "  "}, "Sai tên", "applicant.full_name"),
        ({}, "Không đổi gì", None),
    ],
)
def test_a_correction_without_reason_or_with_bad_details_saves_nothing(
    world, changes, reason, field
):
    d = counter_at(world.desk, world.counter, name="Trần Thị Thật")
    assert can_correct_applicant(world.counter, d)
    with pytest.raises(ValidationFailed) as exc:
        dossier_correct_applicant(
            dossier=d, actor=world.counter, changes=corrected(d, **changes), reason=reason
        )
    if field is not None:
        assert field in exc.value.fields
    assert Applicant.objects.get(pk=d.applicant_id).full_name == "Trần Thị Thật"
    assert not DossierEvent.objects.filter(action=EventKind.CORRECT_APPLICANT).exists()
    assert not AuditRecord.objects.filter(action="dossier_correct_applicant").exists()


# --- the data migration -------------------------------------------------------------------


def test_the_migration_gives_each_dossier_sharing_a_row_its_own_copy(world, unit_b):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("motcua.dossiers.migrations.0003_applicant_snapshots")
    # given three dossiers sharing one row (as intakes wrote them before) and one on its own
    desk_b, officer_b = unit_b
    a1 = counter_at(world.desk, world.counter, name="Trần Thị Thật", address="Phường 5")
    a2 = counter_at(world.desk, world.counter, name="Trần Thị Thật")
    b1 = counter_at(desk_b, officer_b, name="Trần Thị Thật")
    alone = online(world, name="Lê Văn Dân", address="Ấp 1", at=vn(2026, 3, 1, 9))
    Dossier.objects.filter(pk__in=[a2.pk, b1.pk]).update(applicant=a1.applicant)
    shared = Applicant.objects.get(pk=a1.applicant_id)
    # when the migration runs (twice: the second run finds nothing to do)
    assert migration.split_shared_applicants(apps, None) == 2
    assert migration.split_shared_applicants(apps, None) == 0
    # then the oldest dossier keeps the row, the others have copies of it, the lone one is as was
    rows = {d.pk: d.applicant for d in Dossier.objects.select_related("applicant")}
    assert rows[a1.pk].pk == shared.pk
    assert len({rows[a1.pk].pk, rows[a2.pk].pk, rows[b1.pk].pk}) == 3
    for pk in (a2.pk, b1.pk):
        copy = rows[pk]
        assert (copy.full_name, copy.id_number, copy.address, copy.user_id) == (
            "Trần Thị Thật",
            X,
            "Phường 5",
            None,
        )
        assert copy.full_name_folded == shared.full_name_folded
        assert copy.created_at == shared.created_at
    assert rows[alone.pk].pk == alone.applicant_id
    # and a correction of one of them no longer reaches the others
    dossier_correct_applicant(
        dossier=Dossier.objects.get(pk=a2.pk),
        actor=world.counter,
        changes=corrected(Dossier.objects.get(pk=a2.pk), full_name="Trần Thị Thật Sửa"),
        reason="Sai tên",
    )
    assert Dossier.objects.get(pk=a1.pk).applicant.full_name == "Trần Thị Thật"


def test_a_corrected_dossier_exports_and_imports_back_with_its_corrected_details(world):
    import json

    from django.db import transaction

    from motcua.dossiers.importing import export_record, import_lines

    # given a dossier whose applicant's name was corrected, exported, then gone
    with transaction.atomic():
        d = counter_at(world.desk, world.counter, name="Trần Thị Thât")
        dossier_correct_applicant(
            dossier=d,
            actor=world.counter,
            changes=corrected(d, full_name="Trần Thị Thật"),
            reason="x",
        )
        record = export_record(Dossier.objects.get(pk=d.pk))
        transaction.set_rollback(True)
    # when it is imported (into another MotCua)
    result = import_lines([json.dumps(record, ensure_ascii=False)], actor=world.admin)
    # then it comes back with the corrected details
    assert result.rejected == [] and result.imported == 1
    assert Dossier.objects.get(code=record["code"]).applicant.full_name == "Trần Thị Thật"
