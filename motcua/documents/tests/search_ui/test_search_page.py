"""The search page and the lists' text filters: diacritics ignored, within the official's
scope, explained in Vietnamese when there is nothing to search."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import UserFactory
from motcua.documents import search
from motcua.documents.enums import Confidentiality, DocumentType
from motcua.documents.tests.search import helpers as h
from motcua.documents.tests.search_ui.conftest import Agencies, result_ids, text

pytestmark = pytest.mark.django_db

SEARCH = reverse("documents:search")


def decision(org: Any, **fields: Any) -> Any:
    values = {
        "code_number": "5",
        "code_notation": "QĐ-UBND",
        "document_type": DocumentType.QUYET_DINH,
        "subject": "Về việc phê duyệt kế hoạch phòng chống hạn mặn",
        "sender_name": "Ủy ban nhân dân tỉnh Cà Mau",
    }
    return h.incoming(org, **{**values, **fields})


def test_finds_without_diacritics_and_marks_the_words(client: Any, agencies: Agencies) -> None:
    # given: a decision received by A, an outgoing plan of A, and an unrelated document
    received = decision(agencies.a)
    sent = h.outgoing(
        agencies.a,
        agencies.specialist,
        subject="Kế hoạch phòng chống hạn mặn mùa khô",
        document_type=DocumentType.KE_HOACH,
    )
    h.incoming(agencies.a, subject="Giấy mời họp giao ban")
    client.force_login(agencies.clerk)

    # when
    by_number = client.get(SEARCH, {"q": "quyet dinh 05"})
    by_words = client.get(SEARCH, {"q": "han man"})

    # then
    assert result_ids(by_number) == [("incoming", received.pk)]
    assert set(result_ids(by_words)) == {("incoming", received.pk), ("outgoing", sent.pk)}
    page = by_words.content.decode()
    assert "<mark>hạn</mark> <mark>mặn</mark>" in page
    assert reverse("documents:incoming_detail", args=[received.pk]) in page
    assert reverse("documents:outgoing_detail", args=[sent.pk]) in page
    assert "2 văn bản" in text(by_words)
    assert "05/QĐ-UBND" in text(by_number) and "Văn bản đến" in text(by_number)


def test_another_agencys_documents_never_appear(client: Any, agencies: Agencies) -> None:
    # given: the same words in documents of A and of B, and a secret one of A
    mine = decision(agencies.a)
    theirs = decision(agencies.b)
    theirs_out = h.outgoing(agencies.b, agencies.b_clerk, subject="Phòng chống hạn mặn")
    secret = decision(agencies.a, confidentiality=Confidentiality.SECRET, code_number="6")

    # when / then: A's clerk (a keeper of secrets) sees A's only
    client.force_login(agencies.clerk)
    response = client.get(SEARCH, {"q": "han man"})
    assert set(result_ids(response)) == {("incoming", mine.pk), ("incoming", secret.pk)}
    # A's specialist: not the secret one, nor anything of B
    client.force_login(agencies.specialist)
    assert result_ids(client.get(SEARCH, {"q": "han man"})) == [("incoming", mine.pk)]
    # B's clerk: B's only
    client.force_login(agencies.b_clerk)
    response = client.get(SEARCH, {"q": "han man"})
    assert set(result_ids(response)) == {("incoming", theirs.pk), ("outgoing", theirs_out.pk)}
    # nor by its number
    assert ("incoming", secret.pk) not in result_ids(client.get(SEARCH, {"q": "06/QĐ-UBND"}))


def test_empty_short_and_punctuation_queries_are_explained(client: Any, agencies: Agencies) -> None:
    decision(agencies.a)
    client.force_login(agencies.clerk)

    empty = text(client.get(SEARCH))
    assert "Nhập điều bạn cần tìm" in empty
    assert "05/QĐ-UBND" in empty  # an example
    short = client.get(SEARCH, {"q": "a"})
    assert "quá ngắn" in text(short) and result_ids(short) == []
    punctuation = client.get(SEARCH, {"q": "… ?!"})
    assert "chỉ có dấu câu" in text(punctuation) and result_ids(punctuation) == []
    none = text(client.get(SEARCH, {"q": "khong co gi nhu the"}))
    assert "Không tìm thấy văn bản nào" in none and "“khong co gi nhu the”" in none


def test_full_text_of_a_pdf_is_searched_and_said_so(client: Any, agencies: Agencies) -> None:
    # given: the words only in the text of the document's PDF
    doc = decision(agencies.a, subject="Công văn về việc thủy sản")
    h.incoming_file(doc, "Đẩy mạnh xuất khẩu tôm sú sang thị trường châu Âu")
    client.force_login(agencies.clerk)

    # when
    response = client.get(SEARCH, {"q": "tom su chau au"})

    # then
    assert result_ids(response) == [("incoming", doc.pk)]
    assert "Các từ được tìm thấy trong nội dung, tệp đính kèm" in text(response)


def test_results_are_paged(client: Any, agencies: Agencies) -> None:
    # given: more results than a page holds, newest first
    docs = [
        h.incoming(
            agencies.a,
            subject=f"Báo cáo thủy lợi số {i}",
            arrival_date=h.at(dt.date(2025, 3, 1) + dt.timedelta(days=i)),
        )
        for i in range(search.PAGE_SIZE + 3)
    ]
    client.force_login(agencies.clerk)

    # when
    first = client.get(SEARCH, {"q": "thuy loi"})
    second = client.get(SEARCH, {"q": "thuy loi", "page": "2"})

    # then
    assert [pk for _kind, pk in result_ids(first)] == [d.pk for d in docs[::-1][:20]]
    assert [pk for _kind, pk in result_ids(second)] == [d.pk for d in docs[::-1][20:]]
    assert 'id="search-next"' in first.content.decode()
    assert 'id="search-prev"' in second.content.decode()
    assert 'id="search-next"' not in second.content.decode()
    assert 'start="21"' in second.content.decode()


def test_only_officials_search(client: Any, agencies: Agencies) -> None:
    assert client.get(SEARCH, {"q": "han man"}).status_code == 302  # to the login page
    client.force_login(UserFactory())  # a citizen
    assert client.get(SEARCH, {"q": "han man"}).status_code == 403


def test_the_lists_text_filters_ignore_diacritics(client: Any, agencies: Agencies) -> None:
    # given
    received = decision(agencies.a)
    decision(agencies.b)
    sent = h.outgoing(
        agencies.a,
        agencies.specialist,
        code_number=5,
        code_notation="QĐ-UBND",
        document_type=DocumentType.QUYET_DINH,
        subject="Quyết định thành lập tổ công tác",
    )
    h.outgoing(agencies.a, agencies.specialist, subject="Công văn khác")
    client.force_login(agencies.clerk)

    # when
    incoming = client.get(
        reverse("documents:incoming_list"), {"queue": "all", "q": "quyet dinh 05"}
    )
    outgoing = client.get(
        reverse("documents:outgoing_list"), {"queue": "all", "q": "quyet dinh 05"}
    )

    # then
    rows = re.findall(r'<tr data-id="(\d+)"', incoming.content.decode())
    assert rows == [str(received.pk)]
    assert re.findall(r'<tr data-id="(\d+)"', outgoing.content.decode()) == [str(sent.pk)]
