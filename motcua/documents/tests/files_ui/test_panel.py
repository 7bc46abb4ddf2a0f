"""The "Document files" panel on an incoming and an outgoing document's page: which file holds
the document, and putting it in one of the agency's open files."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from motcua.documents.enums import FileState, OutgoingState
from motcua.documents.services.files import document_file_add
from motcua.documents.tests.files_ui.conftest import detail_url, text
from motcua.documents.tests.registers.factories import make_file, make_incoming, make_outgoing


def _incoming_page(client: Any, pk: int) -> Any:
    return client.get(reverse("documents:incoming_detail", args=[pk]))


def _outgoing_page(client: Any, pk: int) -> Any:
    return client.get(reverse("documents:outgoing_detail", args=[pk]))


def _put(client: Any, kind: str, pk: int, file_pk: Any) -> Any:
    return client.post(
        reverse("documents:document_file_put", args=[kind, pk]), {"file-document_file": file_pk}
    )


def test_the_clerk_puts_an_incoming_document_in_an_open_file(
    client: Any, world: SimpleNamespace
) -> None:
    document_file = make_file(world)
    make_file(world, file_notation="02.VP", state=FileState.CLOSED)  # not offered
    document = make_incoming(world, arrival_number=9)
    client.force_login(world.clerk)

    page = _incoming_page(client, document.pk)

    body = page.content.decode()
    assert 'id="file-panel"' in body and "Chưa thuộc hồ sơ nào." in text(page)
    assert f'<option value="{document_file.pk}">2026.01.HCTP — ' in body
    assert "02.VP" not in body.split('id="file-panel"')[1]
    response = _put(client, "incoming", document.pk, document_file.pk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("documents:incoming_detail", args=[document.pk]))
    document.refresh_from_db()
    assert (document.document_file, document.file_ordinal) == (document_file, 1)
    page = _incoming_page(client, document.pk)
    assert "Văn bản đã vào hồ sơ 000.00.08.H12.2026.01.HCTP, là văn bản thứ 1." in text(page)
    assert "Thuộc hồ sơ 000.00.08.H12.2026.01.HCTP" in text(page)
    assert "Thứ tự trong hồ sơ 1 Trạng thái hồ sơ Đang mở" in text(page)
    assert detail_url(document_file) in page.content.decode()
    # its timeline says so in words
    assert "Đưa vào hồ sơ công việc" in text(page) and "file_add" not in text(page)


def test_the_outgoing_page_shows_its_file(client: Any, world: SimpleNamespace) -> None:
    document_file = make_file(world)
    document = make_outgoing(world, number=5)
    document_file_add(actor=world.clerk, document_file=document_file, document=document)
    client.force_login(world.clerk)
    page = _outgoing_page(client, document.pk)
    assert page.status_code == 200
    assert "Thuộc hồ sơ 000.00.08.H12.2026.01.HCTP — Hồ sơ cải cách hành chính năm 2026" in (
        text(page)
    )
    assert "Đưa vào hồ sơ công việc" in text(page)  # the timeline


def test_a_draft_has_no_panel(client: Any, world: SimpleNamespace) -> None:
    make_file(world)
    draft = make_outgoing(
        world, number=None, state=OutgoingState.DRAFT, register=None, issued_date=None
    )
    client.force_login(world.clerk)
    page = _outgoing_page(client, draft.pk)
    assert page.status_code == 200 and 'id="file-panel"' not in page.content.decode()


def test_the_leader_reads_the_panel_without_a_form_and_is_refused_on_post(
    client: Any, world: SimpleNamespace
) -> None:
    document_file = make_file(world)
    document = make_incoming(world, arrival_number=9)
    client.force_login(world.leader)
    body = _incoming_page(client, document.pk).content.decode()
    assert 'id="file-panel-none"' in body and 'id="file-put"' not in body
    assert _put(client, "incoming", document.pk, document_file.pk).status_code == 403
    document.refresh_from_db()
    assert document.document_file_id is None


def test_a_file_the_user_may_not_fill_is_refused_beside_the_panel(
    client: Any, world: SimpleNamespace
) -> None:
    mine = make_file(world, keeper=world.specialist)
    other = make_file(world, file_notation="02.HCTP", keeper=world.colleague)
    document = make_incoming(world, arrival_number=9)  # assigned to the division
    client.force_login(world.specialist)
    body = _incoming_page(client, document.pk).content.decode()
    assert f'value="{mine.pk}"' in body and f'value="{other.pk}"' not in body

    response = _put(client, "incoming", document.pk, other.pk)

    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Ông/Bà không thể đưa văn bản vào hồ sơ này." in page
    document.refresh_from_db()
    assert document.document_file_id is None
