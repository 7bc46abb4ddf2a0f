"""The released signed result is announced through the same outbox, with the release event."""

from __future__ import annotations

import pytest

from motcua.notifications.models import Notification
from motcua.signatures import services
from motcua.signatures.enums import DocumentKind
from motcua.signatures.tests import conftest as signatures_fixtures

# The signatures' world (a ward, its leader and clerk, a received dossier), not the dossiers' one.
world = signatures_fixtures.world
dev_pki = signatures_fixtures.dev_pki
_signature_settings = signatures_fixtures._signature_settings

pytestmark = pytest.mark.django_db


def test_released_result_is_announced_once_with_links_to_it(
    world, settings, django_capture_on_commit_callbacks, mailoutbox
):
    # given an approved dossier whose result is signed by the leader and the organisation,
    # and issued (a result is released only with or after the dossier's completion)
    settings.MOTCUA_PUBLIC_BASE_URL = "https://dichvucong.camau.gov.vn"
    w = world
    signatures_fixtures.approve(w)
    document = services.signed_document_create(
        actor=w.specialist,
        kind=DocumentKind.RESULT,
        dossier=w.dossier,
        number_notation="7/QĐ-UBND",
        title="Quyết định cấp giấy phép",
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    services.result_issue(document=document, actor=w.leader)
    mailoutbox.clear()
    # when it is released
    with django_capture_on_commit_callbacks(execute=True):
        services.result_release(document=document, actor=w.clerk)
    # then one message about the release event, with absolute links to the result
    note = Notification.objects.get(dossier=w.dossier, kind="result_released")
    assert note.state == "sent"
    assert note.event.action == "release_result"
    assert note.event.data["signed_document"] == document.verification_code
    assert [m.body for m in mailoutbox] == [note.body]
    assert (
        f"https://dichvucong.camau.gov.vn/signatures/v/{document.verification_code}/" in note.body
    )
    assert "https://dichvucong.camau.gov.vn/" in note.body.split("Xem và tải kết quả tại: ")[1]
    assert "chữ ký số" in note.body or "ký số" in note.body
