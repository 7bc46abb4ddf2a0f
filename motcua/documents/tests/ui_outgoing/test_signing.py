"""Signing from the pages: the signer's "Ký số" (with its confirmation), the clerk's number,
the organisation's signature and the issue; the signed PDF, its preview before signing and its
public verification page, with the signatures' development PKI."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from motcua.documents.enums import OutgoingState
from motcua.documents.models import OutgoingDocument
from motcua.documents.services import outgoing as services
from motcua.documents.tests.ui_outgoing.conftest import draft, text_of

pytestmark = pytest.mark.django_db

S = OutgoingState


def step(client: Any, document: OutgoingDocument, action: str) -> Any:
    url = reverse("documents:outgoing_action", args=[document.pk, action])
    return client.post(url, {"confirm": "yes"})


def test_signed_numbered_sealed_and_issued_from_the_pages(client, w, signing_credentials):
    # given a draft approved for signature, and certificates for the signer and the agency
    signing_credentials(w)
    doc = services.outgoing_submit(actor=w.drafter, document=draft(w, reviewers=[]))
    assert doc.state == S.TO_SIGN
    # the signer reads the PDF first, then signs
    client.force_login(w.signer)
    confirm = client.get(reverse("documents:outgoing_action", args=[doc.pk, "sign"]))
    assert confirm.status_code == 200 and 'id="confirm-yes"' in confirm.content.decode()
    preview = client.get(reverse("documents:outgoing_preview_pdf", args=[doc.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    response = step(client, doc, "sign")
    assert response.status_code == 302
    assert "Ông/Bà đã ký số văn bản." in text_of(client.get(response["Location"]))
    # the clerk numbers it, applies the organisation's signature, issues it
    client.force_login(w.clerk)
    for action, state in (("number", S.NUMBERED), ("seal", S.SEALED), ("issue", S.ISSUED)):
        assert step(client, doc, action).status_code == 302, action
        assert OutgoingDocument.objects.get(pk=doc.pk).state == state
    doc.refresh_from_db()
    signed = doc.signed_document
    assert signed is not None
    page = client.get(reverse("documents:outgoing_detail", args=[doc.pk])).content.decode()
    verify = reverse("signatures:document", args=[signed.verification_code])
    assert f'href="{verify}"' in page
    download = client.get(reverse("documents:outgoing_signed_file", args=[doc.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # after the signature, the preview is gone: the signed PDF is the document
    assert client.get(reverse("documents:outgoing_preview_pdf", args=[doc.pk])).status_code == 404
    client.logout()
    assert client.get(verify).status_code == 200
