"""The document files' pages with the test client: a clerk opens a file, adds two documents and
closes it; the keeper may do the same; another agency's official gets 404; a report viewer and
a leader see no buttons and are refused on post; form errors are shown in Vietnamese beside
their fields and nothing is saved."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from motcua.core.audit_models import AuditRecord
from motcua.documents.enums import DocumentType, FileState
from motcua.documents.models import DocumentFile
from motcua.documents.services.files import document_file_add
from motcua.documents.tests.files_ui.conftest import (
    create_url,
    detail_url,
    file_form,
    list_url,
    text,
)
from motcua.documents.tests.registers.factories import (
    YEAR,
    make_file,
    make_incoming,
    make_outgoing,
    vn,
)


def _post(client: Any, name: str, document_file: DocumentFile, **data: Any) -> Any:
    return client.post(reverse(f"documents:{name}", args=[document_file.pk]), data)


def _ids(response: Any) -> list[tuple[str, int]]:
    """The (kind, id) of the file's rows, in their order."""
    import re

    body = response.content.decode()
    return [
        (kind, int(pk)) for kind, pk in re.findall(r'<tr data-kind="(\w+)" data-id="(\d+)"', body)
    ]


# --- the clerk's whole path -----------------------------------------------------------------------


def test_a_clerk_opens_a_file_adds_two_documents_and_closes_it(
    client: Any, world: SimpleNamespace
) -> None:
    decision = make_outgoing(world, number=5, issued=dt.date(YEAR, 3, 5))  # QĐ: permanent
    plan = make_incoming(
        world, arrival_number=12, arrived=vn(YEAR, 3, 9, 8, 0), subject="Kế hoạch phổ biến"
    )
    client.force_login(world.clerk)

    # the list offers to open a file; the form names the keeper among the agency's officials
    page = client.get(list_url())
    assert page.status_code == 200 and 'id="file-new"' in page.content.decode()
    form = client.get(create_url())
    assert form.status_code == 200
    assert "Sở Tư pháp" in text(form)
    assert f'<option value="{world.specialist.pk}"' in form.content.decode()

    # when: the clerk opens a file kept by the specialist
    response = client.post(
        create_url(), file_form(keeper=world.specialist.pk, description="Theo kế hoạch số 5")
    )

    # then: the file exists, and its page says so
    document_file = DocumentFile.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(document_file)
    assert document_file.file_code == "000.00.08.H12.2026.01.HCTP"
    assert document_file.keeper == world.specialist
    assert (document_file.retention_years, document_file.retention_permanent) == (None, False)
    page = client.get(response["Location"])
    assert "Đã mở hồ sơ 000.00.08.H12.2026.01.HCTP" in text(page)
    assert "Theo loại văn bản" in text(page)  # the retention is not fixed yet
    # both documents are offered to add
    body = page.content.decode()
    assert f'data-kind="outgoing" data-id="{decision.pk}"' in body
    assert f'data-kind="incoming" data-id="{plan.pk}"' in body

    # when: the clerk adds the decision, then the plan
    added = _post(client, "document_file_add", document_file, kind="outgoing", document=decision.pk)
    assert added.status_code == 302
    assert "Văn bản 05/QĐ-STP đã vào hồ sơ, là văn bản thứ 1." in text(
        client.get(added["Location"])
    )
    added = _post(client, "document_file_add", document_file, kind="incoming", document=plan.pk)
    assert added.status_code == 302

    # then: the two are in the file in that order, and no longer offered
    page = client.get(detail_url(document_file))
    assert _ids(page) == [("outgoing", decision.pk), ("incoming", plan.pk)]
    assert 'data-kind="outgoing" data-id' not in page.content.decode().split('id="add"')[1]
    # the closing says what it fixes: the decision's permanent retention, the dates
    assert "Vĩnh viễn" in text(page) and "Quyết định" in text(page)
    close = page.content.decode().split('id="close"')[1]
    assert "05/03/2026" in close and "06/03/2026" in close  # the plan's date: 3 days before arrival
    # the list of documents can be downloaded (the existing view)
    download = reverse("documents:document_file_download", args=[document_file.pk, "xlsx"])
    assert download in page.content.decode()

    # when: the clerk closes the file
    closed = _post(client, "document_file_close", document_file)

    # then: the file is closed with the retention and dates it showed; nothing more to do
    assert closed.status_code == 302
    document_file.refresh_from_db()
    assert document_file.state == FileState.CLOSED
    assert document_file.retention_permanent is True
    assert (document_file.opened_on, document_file.closed_on) == (
        dt.date(YEAR, 3, 5),
        dt.date(YEAR, 3, 6),
    )
    page = client.get(closed["Location"])
    assert "Đã kết thúc hồ sơ; thời hạn bảo quản: Vĩnh viễn." in text(page)
    body = page.content.decode()
    assert 'id="close-submit"' not in body and 'data-action="remove"' not in body
    assert 'id="add"' not in body and 'id="closed-note"' in body
    assert AuditRecord.objects.filter(action="document.file.close").count() == 1


def test_the_file_list_shows_each_file_with_its_counts_and_filters(
    client: Any, world: SimpleNamespace
) -> None:
    open_file = make_file(world)
    closed_file = make_file(
        world,
        file_notation="02.VP",
        title="Hồ sơ thi đua khen thưởng",
        state=FileState.CLOSED,
        retention_years=10,
        file_catalog=YEAR - 1,
    )
    document_file_add(
        actor=world.clerk, document_file=open_file, document=make_outgoing(world, number=1)
    )
    make_file(world, organisation=world.other, file_notation="09.SXD", keeper=world.outsider)
    client.force_login(world.clerk)

    page = client.get(list_url())

    body = page.content.decode()
    rows = [r for r in body.split("<tr ")[1:] if "data-id" in r]
    assert len(rows) == 2  # not the other department's file
    assert f'data-id="{open_file.pk}" data-state="open"' in body
    first = text(client.get(list_url(), {"q": "cải cách"}))
    assert "01.HCTP" in first and "02.VP" not in first
    assert "Lê Thị Chuyên" in first  # the keeper
    closed = text(client.get(list_url(), {"state": "closed"}))
    assert "02.VP" in closed and "10 năm" in closed and "Đã kết thúc" in closed
    assert "01.HCTP" not in closed
    by_year = text(client.get(list_url(), {"year": str(YEAR - 1)}))
    assert "02.VP" in by_year and "01.HCTP" not in by_year
    assert closed_file.pk  # (used)


def test_the_list_pages_by_25(client: Any, world: SimpleNamespace) -> None:
    for n in range(27):
        make_file(world, file_notation=f"{n:02d}.VP")
    client.force_login(world.clerk)
    first = client.get(list_url())
    assert first.content.decode().count("<tr data-id=") == 25
    assert 'rel="next"' in first.content.decode()
    second = client.get(list_url(), {"page": "2"})
    assert second.content.decode().count("<tr data-id=") == 2


# --- the keeper -----------------------------------------------------------------------------------


def test_the_keeper_adds_takes_out_and_closes(client: Any, world: SimpleNamespace) -> None:
    document_file = make_file(world, keeper=world.specialist)
    first = make_outgoing(world, number=7, document_type=DocumentType.CONG_VAN, notation="STP-HCTP")
    second = make_outgoing(world, number=8, document_type=DocumentType.BAO_CAO, notation="BC-STP")
    client.force_login(world.specialist)
    assert "01.HCTP" in text(client.get(list_url()))

    for document in (first, second):
        response = _post(
            client, "document_file_add", document_file, kind="outgoing", document=document.pk
        )
        assert response.status_code == 302
    response = _post(
        client, "document_file_remove", document_file, kind="outgoing", document=first.pk
    )
    assert response.status_code == 302
    page = client.get(detail_url(document_file))
    assert "Đã rút văn bản 07/STP-HCTP khỏi hồ sơ." in text(page)
    assert _ids(page) == [("outgoing", second.pk)]
    assert 'data-ordinal="1"' in page.content.decode()  # the second moved up
    assert "20 năm" in text(page)  # a report: 20 years

    response = _post(client, "document_file_close", document_file)

    document_file.refresh_from_db()
    assert response.status_code == 302 and document_file.state == FileState.CLOSED
    assert document_file.retention_years == 20


def test_a_specialist_opens_a_file_only_for_themselves(client: Any, world: SimpleNamespace) -> None:
    client.force_login(world.specialist)
    form = client.get(create_url())
    body = form.content.decode()
    assert 'id="keeper-self"' in body and f'value="{world.colleague.pk}"' not in body

    refused = client.post(create_url(), file_form(keeper=world.colleague.pk))

    assert refused.status_code == 422 and not DocumentFile.objects.exists()
    created = client.post(create_url(), file_form(keeper=world.specialist.pk))
    assert created.status_code == 302
    assert DocumentFile.objects.get().keeper == world.specialist


# --- who may not ----------------------------------------------------------------------------------


def test_another_agency_s_official_gets_404(client: Any, world: SimpleNamespace) -> None:
    document_file = make_file(world)
    document = make_outgoing(world, number=3)
    client.force_login(world.outsider)  # clerk and leader of Sở Xây dựng

    assert client.get(detail_url(document_file)).status_code == 404
    for name, data in (
        ("document_file_add", {"kind": "outgoing", "document": document.pk}),
        ("document_file_remove", {"kind": "outgoing", "document": document.pk}),
        ("document_file_close", {}),
    ):
        assert _post(client, name, document_file, **data).status_code == 404
    assert "01.HCTP" not in text(client.get(list_url()))
    document.refresh_from_db()
    assert document.document_file_id is None


def test_a_report_viewer_gets_no_buttons_and_is_refused_on_post(
    client: Any, world: SimpleNamespace
) -> None:
    document_file = make_file(world)
    document = make_outgoing(world, number=3)
    client.force_login(world.viewer)

    page = client.get(list_url())
    assert page.status_code == 200 and 'id="file-new"' not in page.content.decode()
    assert "01.HCTP" not in text(page)
    assert client.get(create_url()).status_code == 403
    refused = client.post(create_url(), file_form(keeper=world.viewer.pk, file_notation="99.X"))
    assert refused.status_code == 403
    assert "Chỉ văn thư của cơ quan" in text(refused)
    assert client.get(detail_url(document_file)).status_code == 404
    add = _post(client, "document_file_add", document_file, kind="outgoing", document=document.pk)
    assert add.status_code == 404
    assert DocumentFile.objects.count() == 1
    document.refresh_from_db()
    assert document.document_file_id is None


def test_a_leader_sees_the_file_without_buttons_and_is_refused_on_post(
    client: Any, world: SimpleNamespace
) -> None:
    document_file = make_file(world)
    document = make_outgoing(world, number=3)
    client.force_login(world.leader)

    page = client.get(detail_url(document_file))

    assert page.status_code == 200
    body = page.content.decode()
    for button in ('id="add"', 'id="close-submit"', 'data-action="remove"', 'data-action="add"'):
        assert button not in body
    add = _post(client, "document_file_add", document_file, kind="outgoing", document=document.pk)
    assert add.status_code == 403
    assert _post(client, "document_file_close", document_file).status_code == 403
    document.refresh_from_db()
    document_file.refresh_from_db()
    assert document.document_file_id is None and document_file.state == FileState.OPEN


def test_a_document_the_adder_cannot_see_is_not_found(client: Any, world: SimpleNamespace) -> None:
    document_file = make_file(world, keeper=world.specialist)
    hidden = make_incoming(world, arrival_number=4, assigned=False)  # registry only
    client.force_login(world.specialist)
    response = _post(
        client, "document_file_add", document_file, kind="incoming", document=hidden.pk
    )
    assert response.status_code == 404
    hidden.refresh_from_db()
    assert hidden.document_file_id is None


# --- form errors ----------------------------------------------------------------------------------


def test_form_errors_are_in_vietnamese_beside_their_fields_and_nothing_is_saved(
    client: Any, world: SimpleNamespace
) -> None:
    client.force_login(world.clerk)

    response = client.post(
        create_url(),
        file_form(file_notation="", title="", retention="years", keeper=world.specialist.pk),
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-summary"' in body
    assert 'id="id_file_notation_error">Trường này là bắt buộc.' in body
    assert 'id="id_title_error">Trường này là bắt buộc.' in body
    assert 'id="id_retention_years_error">Hãy ghi số năm bảo quản hồ sơ (từ 1 đến 200).' in body
    assert not DocumentFile.objects.exists()


def test_a_notation_the_service_refuses_is_shown_beside_it(
    client: Any, world: SimpleNamespace
) -> None:
    client.force_login(world.clerk)
    response = client.post(
        create_url(), file_form(file_notation="01 HCTP", keeper=world.specialist.pk)
    )
    assert response.status_code == 422
    assert 'id="id_file_notation_error">Không thể mở hồ sơ với thông tin đã nhập.' in (
        response.content.decode()
    )
    assert not DocumentFile.objects.exists()


def test_a_notation_already_used_this_year_is_refused_and_nothing_is_saved(
    client: Any, world: SimpleNamespace
) -> None:
    make_file(world)
    client.force_login(world.clerk)
    response = client.post(
        create_url(), file_form(title="Một hồ sơ khác", keeper=world.specialist.pk)
    )
    assert response.status_code == 409
    assert 'id="id_file_notation_error">Cơ quan đã có hồ sơ mang ký hiệu này' in (
        response.content.decode()
    )
    assert DocumentFile.objects.count() == 1


def test_a_number_of_years_and_permanent_are_kept(client: Any, world: SimpleNamespace) -> None:
    client.force_login(world.clerk)
    client.post(
        create_url(),
        file_form(retention="years", retention_years="15", keeper=world.specialist.pk),
    )
    client.post(
        create_url(),
        file_form(file_notation="02.HCTP", retention="permanent", keeper=world.specialist.pk),
    )
    files = {f.file_notation: f for f in DocumentFile.objects.all()}
    assert (files["01.HCTP"].retention_years, files["01.HCTP"].retention_permanent) == (15, False)
    assert (files["02.HCTP"].retention_years, files["02.HCTP"].retention_permanent) == (None, True)


def test_closing_an_empty_file_is_refused_with_a_message(
    client: Any, world: SimpleNamespace
) -> None:
    document_file = make_file(world)
    client.force_login(world.clerk)
    page = client.get(detail_url(document_file))
    assert 'id="close-empty"' in page.content.decode()
    response = _post(client, "document_file_close", document_file)
    assert response.status_code == 302
    assert "Không thể kết thúc hồ sơ chưa có văn bản nào." in text(client.get(response["Location"]))
    document_file.refresh_from_db()
    assert document_file.state == FileState.OPEN


@pytest.mark.parametrize("query", ["05/QĐ-STP", "5/QĐ-STP", "phê duyệt", "5"])
def test_the_add_search_finds_a_document_by_number_notation_or_summary(
    client: Any, world: SimpleNamespace, query: str
) -> None:
    document_file = make_file(world)
    wanted = make_outgoing(world, number=5)
    other = make_outgoing(world, number=6, subject="Về việc khác hẳn", notation="TB-STP")
    client.force_login(world.clerk)
    body = client.get(detail_url(document_file), {"q": query}).content.decode()
    results = body.split('id="add-results"')[1]
    assert f'data-id="{wanted.pk}"' in results
    assert f'data-id="{other.pk}"' not in results


def test_the_documents_home_and_menu_lead_to_the_files(client: Any, world: SimpleNamespace) -> None:
    make_file(world)
    client.force_login(world.clerk)
    home = client.get(reverse("documents:home"))
    body = home.content.decode()
    assert 'id="files-home"' in body and "Hồ sơ đang mở: 1" in text(home)
    assert f'<a href="{list_url()}" id="nav-files"' in body
    page = client.get(list_url())
    assert f'<a href="{list_url()}" id="nav-files" aria-current="page"' in page.content.decode()


def test_a_report_viewer_has_no_files_entry_in_the_menu(
    client: Any, world: SimpleNamespace
) -> None:
    client.force_login(world.viewer)
    assert 'id="nav-files"' not in client.get(reverse("documents:home")).content.decode()
