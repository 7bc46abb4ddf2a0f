"""Document files (hồ sơ công việc): open, add, remove, close; retention; who may."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.audit_models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.documents.enums import DocumentType, FileState, IncomingState, OutgoingState
from motcua.documents.models import DocumentEvent, RetentionPeriod
from motcua.documents.selectors_registers import document_file_rows, retention_for
from motcua.documents.services.files import (
    document_file_add,
    document_file_close,
    document_file_create,
    document_file_remove,
)
from motcua.documents.tests.registers.factories import (
    YEAR,
    make_file,
    make_incoming,
    make_outgoing,
    vn,
)

pytestmark = pytest.mark.usefixtures("vi")


def _create(world, actor=None, **kwargs):
    values = {
        "organisation": world.dept,
        "file_notation": "01.HCTP",
        "title": "Hồ sơ cải cách hành chính năm 2026",
        "keeper": world.specialist,
        "file_catalog": YEAR,
    }
    values.update(kwargs)
    return document_file_create(actor=actor or world.clerk, **values)


# --- the default retention table ------------------------------------------------------------------


def test_the_default_retention_periods_are_seeded(db):
    defaults = dict(
        RetentionPeriod.objects.filter(organisation__isnull=True).values_list(
            "document_type", "years"
        )
    )
    assert set(defaults) == set(DocumentType.values)  # every type has a default
    assert defaults[DocumentType.QUYET_DINH] is None  # permanent
    assert defaults[DocumentType.NGHI_QUYET] is None
    assert defaults[DocumentType.QUY_CHE] is None
    assert defaults[DocumentType.KE_HOACH] == 20
    assert defaults[DocumentType.BAO_CAO] == 20
    assert defaults[DocumentType.CONG_VAN] == 10
    assert defaults[DocumentType.GIAY_MOI] == 5
    assert defaults[DocumentType.GIAY_GIOI_THIEU] == 5


def test_an_organisation_s_own_retention_wins_over_the_default(world):
    RetentionPeriod.objects.create(
        organisation=world.dept, document_type=DocumentType.CONG_VAN, years=15
    )
    assert retention_for(world.dept, DocumentType.CONG_VAN).years == 15
    assert retention_for(world.other, DocumentType.CONG_VAN).years == 10
    assert retention_for(world.dept, DocumentType.QUYET_DINH).permanent


# --- create ---------------------------------------------------------------------------------------


def test_a_clerk_opens_a_file_for_a_keeper(world):
    document_file = _create(world)
    assert document_file.file_code == "000.00.08.H12.2026.01.HCTP"
    assert document_file.state == FileState.OPEN
    assert document_file.keeper == world.specialist
    assert AuditRecord.objects.filter(
        action="document.file.create", object_id=str(document_file.pk)
    ).exists()


def test_an_official_opens_a_file_they_keep_but_not_one_for_someone_else(world):
    own = _create(world, actor=world.specialist, keeper=world.specialist)
    assert own.keeper == world.specialist
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.specialist, keeper=world.colleague, file_notation="02")


def test_an_official_of_another_agency_cannot_open_a_file_here(world):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.outsider, keeper=None)
    with pytest.raises(PermissionDenied):  # nor make one of their own officials keep it
        _create(world, actor=world.clerk, keeper=world.outsider)


def test_the_file_code_is_unique_in_the_catalogue(world):
    _create(world)
    with pytest.raises(Conflict):
        _create(world)
    assert _create(world, file_catalog=YEAR + 1).file_code == "000.00.08.H12.2027.01.HCTP"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"file_notation": ""},
        {"file_notation": "01 HCTP"},
        {"title": "  "},
        {"retention_years": 0},
        {"file_catalog": 26},
    ],
)
def test_a_file_written_wrong_is_refused(world, kwargs):
    with pytest.raises(ValidationFailed):
        _create(world, **kwargs)


# --- add and remove -------------------------------------------------------------------------------


def test_documents_go_in_the_file_in_order(world):
    # given
    document_file = _create(world)
    plan = make_incoming(world, arrival_number=1)
    decision = make_outgoing(world, number=5)

    # when
    document_file_add(actor=world.specialist, document_file=document_file, document=plan)
    document_file_add(actor=world.clerk, document_file=document_file, document=decision)

    # then
    plan.refresh_from_db()
    decision.refresh_from_db()
    assert (plan.document_file_id, plan.file_ordinal) == (document_file.pk, 1)
    assert (decision.document_file_id, decision.file_ordinal) == (document_file.pk, 2)
    assert [r.number_notation for r in document_file_rows(document_file)] == [
        "05/KH-UBND",
        "05/QĐ-STP",
    ]
    assert DocumentEvent.objects.filter(incoming=plan, action="file_add").exists()
    assert AuditRecord.objects.filter(action="document.file.add").count() == 2


def test_removing_a_document_moves_the_later_ones_up(world):
    document_file = _create(world)
    documents = [make_outgoing(world, number=n) for n in (1, 2, 3)]
    for document in documents:
        document_file_add(actor=world.clerk, document_file=document_file, document=document)

    document_file_remove(actor=world.clerk, document_file=document_file, document=documents[0])

    for document in documents:
        document.refresh_from_db()
    assert (documents[0].document_file_id, documents[0].file_ordinal) == (None, None)
    assert [documents[1].file_ordinal, documents[2].file_ordinal] == [1, 2]
    assert DocumentEvent.objects.filter(outgoing=documents[0], action="file_remove").exists()
    with pytest.raises(ValidationFailed):  # no longer there
        document_file_remove(actor=world.clerk, document_file=document_file, document=documents[0])


def test_a_document_goes_in_one_file_only(world):
    first = _create(world)
    second = _create(world, file_notation="02.HCTP")
    decision = make_outgoing(world, number=5)
    document_file_add(actor=world.clerk, document_file=first, document=decision)
    with pytest.raises(Conflict):
        document_file_add(actor=world.clerk, document_file=first, document=decision)
    with pytest.raises(Conflict):
        document_file_add(actor=world.clerk, document_file=second, document=decision)


def test_only_numbered_or_registered_documents_of_the_agency_go_in(world):
    document_file = _create(world)
    draft = make_outgoing(
        world, number=None, code_notation="", state=OutgoingState.DRAFT, issued_date=None
    )
    received = make_incoming(
        world, arrival_number=None, state=IncomingState.RECEIVED, assigned=False
    )
    theirs = make_outgoing(
        world,
        number=1,
        notation="QĐ-SXD",
        organisation=world.other,
        register=world.other_outgoing_register,
    )
    for document in (draft, received):
        with pytest.raises(ValidationFailed):
            document_file_add(actor=world.clerk, document_file=document_file, document=document)
    with pytest.raises((ValidationFailed, PermissionDenied)):
        document_file_add(actor=world.admin, document_file=document_file, document=theirs)


def test_an_official_of_another_agency_is_refused(world):
    # given: a file of the department; the other department's clerk and leader
    document_file = _create(world)
    decision = make_outgoing(world, number=5)

    # when / then: they may not add, remove or close
    with pytest.raises(PermissionDenied):
        document_file_add(actor=world.outsider, document_file=document_file, document=decision)
    document_file_add(actor=world.clerk, document_file=document_file, document=decision)
    with pytest.raises(PermissionDenied):
        document_file_remove(actor=world.outsider, document_file=document_file, document=decision)
    with pytest.raises(PermissionDenied):
        document_file_close(actor=world.outsider, document_file=document_file)
    decision.refresh_from_db()
    assert decision.document_file_id == document_file.pk


def test_a_colleague_who_does_not_keep_the_file_is_refused(world):
    document_file = _create(world)
    plan = make_incoming(world, arrival_number=1)
    with pytest.raises(PermissionDenied):
        document_file_add(actor=world.colleague, document_file=document_file, document=plan)


def test_the_keeper_cannot_file_a_document_they_cannot_see(world):
    document_file = _create(world)
    # given to the office, not to the keeper's division
    invitation = make_incoming(world, arrival_number=2, lead_unit=world.office, lead_official=None)
    with pytest.raises(PermissionDenied):
        document_file_add(actor=world.specialist, document_file=document_file, document=invitation)


# --- close ----------------------------------------------------------------------------------------


def test_closing_sets_the_dates_and_the_longest_retention(world):
    # given: an invitation (5 years), a plan (20 years) and an official letter (10 years)
    document_file = _create(world)
    invitation = make_incoming(
        world,
        arrival_number=1,
        document_type=DocumentType.GIAY_MOI,
        arrived=vn(YEAR, 2, 3, 8, 0),
    )
    plan = make_incoming(world, arrival_number=2, arrived=vn(YEAR, 3, 9, 8, 0))
    letter = make_outgoing(
        world,
        number=8,
        notation="STP-HCTP",
        document_type=DocumentType.CONG_VAN,
        issued=dt.date(YEAR, 4, 15),
    )
    for document in (invitation, plan, letter):
        document_file_add(actor=world.specialist, document_file=document_file, document=document)

    # when
    closed = document_file_close(actor=world.specialist, document_file=document_file)

    # then
    assert closed.state == FileState.CLOSED
    assert closed.opened_on == dt.date(YEAR, 1, 31)  # the invitation's own date
    assert closed.closed_on == dt.date(YEAR, 4, 15)  # the latest document's date
    assert (closed.retention_years, closed.retention_permanent) == (20, False)
    record = AuditRecord.objects.get(action="document.file.close")
    assert record.changes["retention_years"] == 20


def test_a_decision_makes_the_file_permanent(world):
    document_file = _create(world)
    for document in (
        make_outgoing(world, number=1),
        make_incoming(world, arrival_number=1, document_type=DocumentType.GIAY_MOI),
    ):
        document_file_add(actor=world.clerk, document_file=document_file, document=document)
    closed = document_file_close(actor=world.clerk, document_file=document_file)
    assert (closed.retention_years, closed.retention_permanent) == (None, True)


def test_the_file_s_own_retention_is_kept(world):
    document_file = _create(world, retention_years=50)
    document_file_add(
        actor=world.clerk, document_file=document_file, document=make_outgoing(world, number=1)
    )
    closed = document_file_close(actor=world.clerk, document_file=document_file)
    assert (closed.retention_years, closed.retention_permanent) == (50, False)


def test_the_organisation_s_own_retention_is_used(world):
    RetentionPeriod.objects.create(
        organisation=world.dept, document_type=DocumentType.KE_HOACH, years=30
    )
    document_file = _create(world)
    document_file_add(
        actor=world.clerk,
        document_file=document_file,
        document=make_incoming(world, arrival_number=1),
    )
    assert document_file_close(actor=world.clerk, document_file=document_file).retention_years == 30


def test_an_empty_file_is_not_closed(world):
    document_file = _create(world)
    with pytest.raises(ValidationFailed):
        document_file_close(actor=world.clerk, document_file=document_file)


def test_without_a_retention_row_the_built_in_default_applies(world):
    # The rows seeded by the migrations are editable; with none left (deleted, or a database
    # flushed by a transactional test) the built-in table still gives công văn 10 years.
    RetentionPeriod.objects.filter(document_type=DocumentType.CONG_VAN).delete()
    document_file = _create(world)
    document_file_add(
        actor=world.clerk,
        document_file=document_file,
        document=make_outgoing(
            world, number=1, notation="STP-HCTP", document_type=DocumentType.CONG_VAN
        ),
    )
    closed = document_file_close(actor=world.clerk, document_file=document_file)
    assert (closed.retention_years, closed.retention_permanent) == (10, False)


def test_a_closed_file_refuses_every_change(world):
    # given: a closed file with one decision
    document_file = _create(world)
    inside = make_outgoing(world, number=1)
    document_file_add(actor=world.clerk, document_file=document_file, document=inside)
    document_file_close(actor=world.clerk, document_file=document_file)
    outside = make_outgoing(world, number=2)

    # when / then
    with pytest.raises(Conflict):
        document_file_add(actor=world.clerk, document_file=document_file, document=outside)
    with pytest.raises(Conflict):
        document_file_remove(actor=world.clerk, document_file=document_file, document=inside)
    with pytest.raises(Conflict):
        document_file_close(actor=world.clerk, document_file=document_file)
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.document_file_id == document_file.pk
    assert outside.document_file_id is None


def test_make_file_helper_builds_a_file(world):
    assert make_file(world).file_code == "000.00.08.H12.2026.01.HCTP"


def test_the_built_in_default_applies_when_no_row_is_left(world):
    # A test database flushed by a transactional test (or an administrator deleting the
    # province's rows) keeps the built-in retention table.
    from motcua.documents.models import RetentionPeriod
    from motcua.documents.selectors_registers import retention_for
    from motcua.organisations.tests.factories import make_organisation

    RetentionPeriod.objects.all().delete()
    organisation = make_organisation()
    assert retention_for(organisation, "quyet_dinh").permanent
    assert retention_for(organisation, "bao_cao").years == 20
    assert retention_for(organisation, "thong_tu").years == 10
