"""Search across official documents: diacritics ignored, number and notation, author, full
text of text PDFs, and only what the official may see."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts.enums import Role
from motcua.documents import pdftext, search
from motcua.documents.enums import Confidentiality, DocumentType
from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.documents.tests.search import helpers as h

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    """Subjects of the incoming documents the query finds (no scope)."""
    qs = search.search_incoming(IncomingDocument.objects.all(), query)
    return set(qs.values_list("subject", flat=True))


@pytest.fixture
def ubnd():  # type: ignore[no-untyped-def]
    return h.agency("Ủy ban nhân dân phường An Xuyên")


def test_diacritics_and_case_are_ignored(ubnd) -> None:  # type: ignore[no-untyped-def]
    # given
    h.incoming(ubnd, subject="Quyết định phê duyệt kế hoạch đào tạo")
    h.incoming(ubnd, subject="Đăng ký hộ kinh doanh")
    h.incoming(ubnd, subject="Báo cáo tình hình dịch bệnh")

    # then
    assert found("quyet dinh") == {"Quyết định phê duyệt kế hoạch đào tạo"}
    assert found("QUYẾT ĐỊNH") == {"Quyết định phê duyệt kế hoạch đào tạo"}
    assert found("dang ky") == {"Đăng ký hộ kinh doanh"}
    assert found("Đăng Ký") == {"Đăng ký hộ kinh doanh"}
    # every word must be there, in any order
    assert found("ke hoach quyet dinh") == {"Quyết định phê duyệt kế hoạch đào tạo"}
    assert found("quyet dinh dich benh") == set()


def test_number_and_notation(ubnd) -> None:  # type: ignore[no-untyped-def]
    # given
    h.incoming(ubnd, code_number="5", code_notation="QĐ-UBND", subject="số năm")
    h.incoming(ubnd, code_number="105", code_notation="QĐ-UBND", subject="số một trăm lẻ năm")
    h.incoming(ubnd, code_number="12", code_notation="KH-UBND", subject="kế hoạch")
    h.incoming(ubnd, code_number="123", code_notation="UBND-VX", subject="công văn")

    # then: the whole number and notation finds that document, not 105/QĐ-UBND
    assert found("05/QĐ-UBND") == {"số năm"}
    assert found("5/qd-ubnd") == {"số năm"}
    assert found("Số: 05/QĐ-UBND") == {"số năm"}
    assert found("105/QĐ-UBND") == {"số một trăm lẻ năm"}
    # the notation alone finds every number of it
    assert found("QĐ-UBND") == {"số năm", "số một trăm lẻ năm"}
    assert found("ubnd-vx") == {"công văn"}
    assert found("123/UBND-VX") == {"công văn"}


def test_author_and_signer(ubnd) -> None:  # type: ignore[no-untyped-def]
    h.incoming(ubnd, sender_name="Sở Tài chính tỉnh Cà Mau", subject="A")
    h.incoming(ubnd, sender_name="Sở Y tế", signer_name="Trần Thị Bích", subject="B")

    assert found("so tai chinh") == {"A"}
    assert found("ca mau") == {"A"}
    assert found("tran thi bich") == {"B"}


def test_outgoing_by_number_drafter_and_subject(ubnd) -> None:  # type: ignore[no-untyped-def]
    # given
    drafter = h.official(ubnd, Role.SPECIALIST)
    drafter.full_name = "Lê Văn Đức"
    drafter.save()
    doc = h.outgoing(
        ubnd,
        drafter,
        document_type=DocumentType.QUYET_DINH,
        subject="Về việc thành lập tổ công tác",
        code_number=7,
        code_notation="QĐ-UBND",
    )
    h.outgoing(ubnd, drafter, subject="Giấy mời họp")

    # when
    def out(query: str) -> set[int]:
        return set(
            search.search_outgoing(OutgoingDocument.objects.all(), query).values_list(
                "pk", flat=True
            )
        )

    # then
    assert out("07/QĐ-UBND") == {doc.pk}
    assert out("thanh lap to cong tac") == {doc.pk}
    assert out("quyet dinh") == {doc.pk}  # the type's name
    assert len(out("le van duc")) == 2


def test_full_text_of_a_text_pdf(ubnd, text_pdf) -> None:  # type: ignore[no-untyped-def]
    # given: a document whose summary says nothing of what its PDF says
    doc = h.incoming(ubnd, subject="Công văn số 1")
    h.incoming(ubnd, subject="Công văn số 2")
    assert found("xuat khau tom") == set()

    # when: its file is stored with the text extracted from the PDF
    h.incoming_file(doc, pdftext.extract(text_pdf))

    # then
    assert found("xuất khẩu tôm") == {"Công văn số 1"}
    assert found("xuat khau tom su") == {"Công văn số 1"}


def test_an_empty_query_finds_nothing(ubnd) -> None:  # type: ignore[no-untyped-def]
    h.incoming(ubnd, subject="Kế hoạch")
    assert found("") == set()
    assert found("  ,.; ") == set()
    assert (
        search.search_all_in(
            IncomingDocument.objects.all(), OutgoingDocument.objects.all(), " "
        ).hits
        == []
    )


def test_wildcards_and_quotes_are_not_search_syntax(ubnd) -> None:  # type: ignore[no-untyped-def]
    h.incoming(ubnd, subject="Tăng 50% ngân sách")
    h.incoming(ubnd, subject="Ý kiến của ông Nguyễn")
    assert found("%") == set()
    assert found("_") == set()
    assert found("' OR 1=1 --") == set()
    assert found("50% ngân sách") == {"Tăng 50% ngân sách"}
    assert found("'y kien'") == {"Ý kiến của ông Nguyễn"}


def test_the_search_follows_changes(ubnd) -> None:  # type: ignore[no-untyped-def]
    # given
    doc = h.incoming(ubnd, subject="Kế hoạch phòng chống lụt bão")
    assert found("lut bao") == {doc.subject}

    # when: the summary is corrected (as the services do: search_text recomputed and saved)
    doc.subject = "Kế hoạch phòng chống hạn hán"
    doc.search_text = search.search_text_for(doc)
    doc.save(update_fields=["subject", "search_text"])

    # then
    assert found("lut bao") == set()
    assert found("han han") == {doc.subject}


def test_an_official_of_another_agency_sees_nothing() -> None:
    # given: agency A's documents, and officials of A and of B
    a = h.agency("Sở Tài nguyên và Môi trường")
    b = h.agency("Sở Giáo dục và Đào tạo")
    clerk_a = h.official(a, Role.CLERK)
    clerk_b = h.official(b, Role.CLERK)
    leader_b = h.official(b, Role.LEADER)
    drafter = h.official(a, Role.SPECIALIST)
    h.incoming(a, subject="Quyết định giao đất")
    h.outgoing(a, drafter, subject="Quyết định thu hồi đất")

    # when / then
    assert {hit.kind for hit in search.search_all(clerk_a, "quyet dinh dat").hits} == {
        "incoming",
        "outgoing",
    }
    assert search.search_all(clerk_b, "quyet dinh dat").hits == []
    assert search.search_all(leader_b, "quyet dinh dat").hits == []
    assert search.search_all(clerk_b, "quyet dinh dat").counts == {"incoming": 0, "outgoing": 0}


def test_secret_documents_follow_the_visibility_rule() -> None:
    a = h.agency("Công an tỉnh")
    specialist = h.official(a, Role.SPECIALIST)
    clerk = h.official(a, Role.CLERK)
    h.incoming(a, subject="Kế hoạch bảo vệ", confidentiality=Confidentiality.SECRET)

    assert search.search_all(specialist, "ke hoach bao ve").hits == []
    assert len(search.search_all(clerk, "ke hoach bao ve").hits) == 1


def test_a_document_reached_through_two_co_units_is_listed_once() -> None:
    # given: a leader over two units that are both co-units of another agency's document
    other = h.agency("Sở Xây dựng")
    dept = h.agency("Sở Công Thương")
    unit_1 = h.agency("Phòng Quản lý thương mại", parent=dept)
    unit_2 = h.agency("Phòng Quản lý công nghiệp", parent=dept)
    leader = h.official(dept, Role.LEADER)
    doc = h.incoming(other, subject="Phối hợp kiểm tra thị trường")
    doc.co_units.set([unit_1, unit_2])

    # when
    page = search.search_all(leader, "kiem tra thi truong")

    # then
    assert [hit.document.pk for hit in page.hits] == [doc.pk]
    assert page.counts["incoming"] == 1


def test_search_all_mixes_kinds_newest_first_and_pages() -> None:
    # given: three incoming and two outgoing documents about the same thing, on five days
    a = h.agency("Sở Nông nghiệp")
    clerk = h.official(a, Role.CLERK)
    days = [dt.date(2025, 5, d) for d in (1, 2, 3, 4, 5)]
    docs = [
        h.incoming(a, subject="Phòng chống hạn mặn 1", arrival_date=h.at(days[0])),
        h.issued(a, clerk, days[1], subject="Phòng chống hạn mặn 2"),
        h.incoming(a, subject="Phòng chống hạn mặn 3", arrival_date=h.at(days[2])),
        h.issued(a, clerk, days[3], subject="Phòng chống hạn mặn 4"),
        h.incoming(a, subject="Phòng chống hạn mặn 5", arrival_date=h.at(days[4])),
    ]
    h.incoming(a, subject="Something else")

    # when
    pages = [search.search_all(clerk, "han man", page, page_size=2) for page in (1, 2, 3)]

    # then
    subjects = [[hit.document.subject[-1] for hit in p.hits] for p in pages]
    assert subjects == [["5", "4"], ["3", "2"], ["1"]]
    assert [p.has_next for p in pages] == [True, True, False]
    assert [p.has_previous for p in pages] == [False, True, True]
    assert pages[0].counts == {"incoming": 3, "outgoing": 2}
    assert pages[0].total == len(docs)
    assert not pages[0].more


def test_counts_stop_at_the_cap(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = h.agency("Sở Y tế")
    clerk = h.official(a, Role.CLERK)
    for i in range(4):
        h.incoming(a, subject=f"Tiêm chủng đợt {i}")
    monkeypatch.setattr(search, "COUNT_CAP", 3)

    page = search.search_all(clerk, "tiem chung")

    assert page.counts == {"incoming": 3, "outgoing": 0}
    assert page.more


def test_query_words() -> None:
    assert search.query_words("Quyết định  số: 5/QĐ-UBND, ngày") == [
        "quyet",
        "dinh",
        "so",
        "05/qd-ubnd",
        "ngay",
    ]
    assert len(search.query_words(" ".join(f"w{i}" for i in range(20)))) == (search.MAX_QUERY_WORDS)


def test_a_document_visible_in_several_ways_is_listed_once() -> None:
    # given: the clerk's own agency's document, also assigned to the clerk and to their unit
    a = h.agency("Sở Tư pháp")
    clerk = h.official(a, Role.CLERK)
    doc = h.incoming(a, subject="Rà soát văn bản quy phạm", lead_official=clerk, lead_unit=a)

    # when
    page = search.search_all(clerk, "ra soat van ban")

    # then
    assert [hit.document.pk for hit in page.hits] == [doc.pk]
    assert page.counts == {"incoming": 1, "outgoing": 0}
    assert not page.has_next


@pytest.mark.postgres
def test_search_statements_get_more_memory_on_postgresql() -> None:
    from django.db import connection

    def work_mem() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return str(cursor.fetchone()[0])

    before = work_mem()
    with search.search_work_mem():
        assert work_mem() == search.SEARCH_WORK_MEM
    assert before != search.SEARCH_WORK_MEM
