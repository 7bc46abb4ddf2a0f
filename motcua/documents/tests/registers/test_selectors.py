"""The registers' lines and columns, filters, scope and paging, from seeded documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import NotFound, ValidationFailed
from motcua.documents import selectors_registers as sel
from motcua.documents.enums import (
    Confidentiality,
    DocumentType,
    IncomingState,
    OutgoingState,
    RegisterKind,
    Urgency,
)
from motcua.documents.models import Register
from motcua.documents.tests.registers.factories import (
    YEAR,
    add_note,
    make_incoming,
    make_outgoing,
    vn,
)

pytestmark = pytest.mark.usefixtures("vi")


def _filters(world, **kwargs) -> sel.RegisterFilters:
    return sel.RegisterFilters(organisation=world.dept, **kwargs)


# --- outgoing register ----------------------------------------------------------------------------


def test_outgoing_register_lists_numbered_documents_in_number_order_with_the_form_columns(world):
    # given: two numbered decisions (out of order), a draft, and another agency's document
    second = make_outgoing(world, number=12, issued=dt.date(YEAR, 4, 2))
    first = make_outgoing(
        world, number=5, urgency=Urgency.URGENT, note="Gửi kèm phụ lục", issued_amount=6
    )
    make_outgoing(world, number=None, code_notation="", state=OutgoingState.DRAFT, issued_date=None)
    make_outgoing(
        world,
        number=1,
        notation="QĐ-SXD",
        organisation=world.other,
        register=world.other_outgoing_register,
    )

    # when
    qs = sel.outgoing_register_for(world.clerk, filters=_filters(world))
    rows = [sel.outgoing_register_row(d) for d in qs]

    # then
    assert [r.id for r in rows] == [first.pk, second.pk]
    row = rows[0]
    assert row.number_notation == "05/QĐ-STP"  # leading zero under 10
    assert row.date == dt.date(YEAR, 3, 5)
    assert row.type_and_summary == (
        "Quyết định về việc phê duyệt kế hoạch cải cách hành chính năm 2026"
    )
    assert row.signer == "Nguyễn Văn Giám"
    assert row.recipients == "UBND huyện Trần Văn Thời; Sở Nội vụ"
    assert row.keeper == "Văn phòng Sở Tư pháp"
    assert row.copies == 6
    assert row.sent_on == dt.date(YEAR, 3, 5)
    assert row.receipt == ""
    assert row.note == "Khẩn; Gửi kèm phụ lục"
    assert rows[1].number_notation == "12/QĐ-STP"


def test_outgoing_register_shows_a_revoked_document_as_revoked(world):
    make_outgoing(world, number=3, state=OutgoingState.REVOKED)
    qs = sel.outgoing_register_for(world.clerk, filters=_filters(world))
    [row] = [sel.outgoing_register_row(d) for d in qs]
    assert row.note == str(OutgoingState.REVOKED.label)


def test_outgoing_register_filters(world):
    # given
    decision = make_outgoing(world, number=1, issued=dt.date(YEAR, 1, 10))
    letter = make_outgoing(
        world,
        number=2,
        notation="STP-HCTP",
        document_type=DocumentType.CONG_VAN,
        subject="V/v góp ý dự thảo quy chế",
        issued=dt.date(YEAR, 2, 20),
        urgency=Urgency.EXPRESS,
    )
    last_year = make_outgoing(world, number=7, issued=dt.date(YEAR - 1, 12, 30))

    def ids(**kwargs):
        qs = sel.outgoing_register_for(world.clerk, filters=_filters(world, **kwargs))
        return [d.pk for d in qs]

    # then
    assert ids() == [last_year.pk, decision.pk, letter.pk]  # register, year, number
    assert ids(year=YEAR) == [decision.pk, letter.pk]
    assert ids(year=YEAR - 1) == [last_year.pk]
    assert ids(date_from=dt.date(YEAR, 2, 1), date_to=dt.date(YEAR, 2, 28)) == [letter.pk]
    assert ids(document_type=DocumentType.CONG_VAN) == [letter.pk]
    assert ids(urgency=Urgency.EXPRESS) == [letter.pk]
    assert ids(state=OutgoingState.ISSUED, year=YEAR) == [decision.pk, letter.pk]
    assert ids(register=world.outgoing_register, year=YEAR - 1) == [last_year.pk]
    assert ids(query="góp ý") == [letter.pk]
    assert ids(query="01/QĐ-STP", year=YEAR) == [decision.pk]
    assert ids(query="1/QĐ-STP", year=YEAR) == [decision.pk]


def test_outgoing_register_is_scoped_to_what_the_official_may_see(world):
    # given: an ordinary and a secret decision of the department
    ordinary = make_outgoing(world, number=1)
    secret = make_outgoing(
        world,
        number=1,
        register=Register.objects.create(
            organisation=world.dept,
            kind=RegisterKind.OUTGOING,
            name="Sổ văn bản mật",
            notation="STP",
            secret=True,
        ),
        confidentiality=Confidentiality.SECRET,
        drafter=world.leader,
    )

    def ids(user):
        return {d.pk for d in sel.outgoing_register_for(user, filters=_filters(world))}

    # then: the clerk sees both, a colleague of the drafting division only the ordinary one,
    # another department's clerk nothing
    assert ids(world.clerk) == {ordinary.pk, secret.pk}
    assert ids(world.colleague) == {ordinary.pk}
    assert ids(world.outsider) == set()
    assert ids(world.admin) == {ordinary.pk, secret.pk}


def test_a_document_with_several_reviewers_is_one_line(world):
    document = make_outgoing(world, number=1)
    document.reviewers.set([world.leader, world.colleague, world.specialist])
    qs = sel.outgoing_register_for(world.specialist, filters=_filters(world))
    assert [d.pk for d in qs] == [document.pk]


# --- incoming register ----------------------------------------------------------------------------


def test_incoming_register_lines_and_columns(world):
    # given
    later = make_incoming(world, arrival_number=8, arrived=vn(YEAR, 3, 20, 9, 0))
    first = make_incoming(
        world,
        arrival_number=7,
        urgency=Urgency.VERY_URGENT,
        note="Bản giấy",
    )
    make_incoming(world, arrival_number=None, state=IncomingState.RECEIVED, assigned=False)

    # when
    qs = sel.incoming_register_for(world.clerk, filters=_filters(world))
    rows = [sel.incoming_register_row(d) for d in qs]

    # then
    assert [r.id for r in rows] == [first.pk, later.pk]
    row = rows[0]
    assert row.arrival_date == dt.date(YEAR, 3, 9)
    assert row.arrival_number == 7
    assert row.author == "Ủy ban nhân dân huyện Trần Văn Thời"
    assert row.number_notation == "05/KH-UBND"
    assert row.date == dt.date(YEAR, 3, 6)
    assert row.type_and_summary == (
        "Kế hoạch triển khai công tác phổ biến, giáo dục pháp luật năm 2026"
    )
    assert row.receiver == "Phòng Hành chính tư pháp - Lê Thị Chuyên"
    assert row.passed_on == dt.date(YEAR, 3, 9)
    assert row.receipt == ""
    assert row.note.endswith("Bản giấy")


def test_incoming_register_arrival_period_is_in_vietnam_days(world):
    # 23:30 on 31 March in Vietnam is 16:30 UTC: a March arrival
    march = make_incoming(world, arrival_number=1, arrived=vn(YEAR, 3, 31, 23, 30))
    april = make_incoming(world, arrival_number=2, arrived=vn(YEAR, 4, 1, 0, 10))
    qs = sel.incoming_register_for(
        world.clerk,
        filters=_filters(world, date_from=dt.date(YEAR, 3, 1), date_to=dt.date(YEAR, 3, 31)),
    )
    assert [d.pk for d in qs] == [march.pk]
    qs = sel.incoming_register_for(
        world.clerk, filters=_filters(world, date_from=dt.date(YEAR, 4, 1))
    )
    assert [d.pk for d in qs] == [april.pk]


def test_incoming_register_search_and_scope(world):
    plan = make_incoming(world, arrival_number=1)
    invitation = make_incoming(
        world,
        arrival_number=31,
        sender="Bộ Tư pháp",
        code_number="120",
        code_notation="GM-BTP",
        document_type=DocumentType.GIAY_MOI,
        subject="Mời dự hội nghị trực tuyến",
        lead_unit=world.office,
        lead_official=None,
    )

    def ids(user, **kwargs):
        return [d.pk for d in sel.incoming_register_for(user, filters=_filters(world, **kwargs))]

    assert ids(world.clerk, query="Bộ Tư pháp") == [invitation.pk]
    assert ids(world.clerk, query="120/GM-BTP") == [invitation.pk]
    assert ids(world.clerk, query="31") == [invitation.pk]  # the arrival number
    assert ids(world.clerk, document_type=DocumentType.KE_HOACH) == [plan.pk]
    # the specialist sees what their division was given; the outsider nothing
    assert ids(world.specialist) == [plan.pk]
    assert ids(world.outsider) == []


# --- processing tracker ---------------------------------------------------------------------------


def test_processing_tracker_columns(world):
    # given: an assigned plan with co-units, two progress notes and a numbered reply
    plan = make_incoming(world, arrival_number=4, state=IncomingState.IN_PROGRESS)
    plan.co_units.set([world.office])
    add_note(plan, text="Đã dự thảo kế hoạch", percent=30, at=vn(YEAR, 3, 10, 9, 0))
    add_note(plan, text="Đã trình lãnh đạo ký", percent=80, at=vn(YEAR, 3, 12, 9, 0))
    make_outgoing(
        world,
        number=9,
        notation="STP-HCTP",
        document_type=DocumentType.CONG_VAN,
        response_for=plan,
    )
    make_incoming(world, arrival_number=5, assigned=False)  # registered, not assigned yet

    # when
    qs = sel.processing_tracker_for(world.leader, filters=_filters(world))
    rows = [sel.tracker_row(d, today=dt.date(YEAR, 3, 15)) for d in qs]

    # then
    assert [r.arrival_number for r in rows] == [4]
    row = rows[0]
    assert row.document == (
        "Kế hoạch số 05/KH-UBND ngày 06/03/2026 của Ủy ban nhân dân huyện Trần Văn Thời: "
        "Triển khai công tác phổ biến, giáo dục pháp luật năm 2026"
    )
    assert row.receiver == (
        "Phòng Hành chính tư pháp (chủ trì); Văn phòng Sở Tư pháp (phối hợp); Lê Thị Chuyên"
    )
    assert row.deadline == dt.date(YEAR, 3, 19)
    assert row.progress.endswith("(80%): Đã trình lãnh đạo ký")
    assert row.replies == "09/STP-HCTP"
    assert not row.overdue


def test_processing_tracker_marks_an_overdue_document(world):
    make_incoming(world, arrival_number=4, state=IncomingState.IN_PROGRESS)
    [document] = sel.processing_tracker_for(world.leader, filters=_filters(world))
    row = sel.tracker_row(document, today=dt.date(YEAR, 3, 25))
    assert row.overdue
    assert row.note.startswith("Quá hạn")


# --- parsing, paging, iterating -------------------------------------------------------------------


def test_filters_from_a_query_string(world):
    filters = sel.register_filters_parse(
        {
            "agency": "000.00.08.H12",
            "register": str(world.outgoing_register.pk),
            "date_from": "01/02/2026",
            "date_to": "2026-02-28",
            "type": "quyet_dinh",
            "urgency": "urgent",
            "state": "issued",
            "q": " cải cách ",
        },
        kind=RegisterKind.OUTGOING,
        default_year=YEAR,
    )
    assert filters.organisation == world.dept
    assert filters.register == world.outgoing_register
    assert filters.year is None  # a period was given: no default year
    assert (filters.date_from, filters.date_to) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert (filters.document_type, filters.urgency, filters.state) == (
        "quyet_dinh",
        "urgent",
        "issued",
    )
    assert filters.query == "cải cách"
    assert sel.register_filters_parse({}, kind="incoming", default_year=YEAR).year == YEAR


@pytest.mark.parametrize(
    "data",
    [
        {"year": "20x6"},
        {"date_from": "31/02/2026"},
        {"date_from": "2026-03-02", "date_to": "2026-03-01"},
        {"type": "memo"},
        {"state": "numbered"},  # an outgoing state asked of the incoming register
        {"q": "x" * 201},
    ],
)
def test_bad_filters_are_refused(world, data):
    with pytest.raises(ValidationFailed):
        sel.register_filters_parse(data, kind=RegisterKind.INCOMING)


def test_a_register_of_another_agency_is_not_found(world):
    with pytest.raises(NotFound):
        sel.register_filters_parse(
            {"agency": str(world.dept.pk), "register": str(world.other_outgoing_register.pk)},
            kind=RegisterKind.OUTGOING,
        )


def test_register_page(world):
    for number in range(1, 8):
        make_outgoing(world, number=number)
    qs = sel.outgoing_register_for(world.clerk, filters=_filters(world))
    page = sel.register_page(qs, sel.outgoing_register_row, page="2", per_page=3)
    assert [r.number_notation for r in page.rows] == ["04/QĐ-STP", "05/QĐ-STP", "06/QĐ-STP"]
    assert (page.number, page.num_pages, page.count, page.first_ordinal) == (2, 3, 7, 4)
    assert page.has_next and page.has_previous
    last = sel.register_page(qs, sel.outgoing_register_row, page="99", per_page=3)
    assert [r.number_notation for r in last.rows] == ["07/QĐ-STP"]


def test_export_rows_are_fetched_in_chunks_with_their_recipients(world):
    for number in range(1, 6):
        make_outgoing(world, number=number, recipients=(f"Nơi nhận {number}",))
    qs = sel.outgoing_register_for(world.clerk, filters=_filters(world))
    with CaptureQueriesContext(connection) as queries:
        rows = list(sel.register_rows(qs, sel.outgoing_register_row, chunk_size=2))
    assert [r.recipients for r in rows] == [f"Nơi nhận {n}" for n in range(1, 6)]
    recipient_queries = [q for q in queries if "documents_recipient" in q["sql"]]
    assert len(recipient_queries) == 3  # one per chunk of two documents, not one per line
