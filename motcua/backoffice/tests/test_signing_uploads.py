"""Uploading a result PDF in the back office: active content removed with a warning, an
encrypted file refused with the reason beside the field (422), nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.backoffice.tests.test_signing import _frozen, ready  # noqa: F401 - fixtures
from motcua.signatures.models import SignedDocument
from motcua.signatures.tests import conftest as signatures_conftest
from motcua.signatures.tests.test_uploads import _active_pdf, _encrypted_pdf

pytestmark = pytest.mark.django_db

dev_pki = signatures_conftest.dev_pki
world = signatures_conftest.world
_signature_settings = signatures_conftest._signature_settings


def test_upload_with_active_content_is_cleaned_and_an_encrypted_one_refused(
    client: Client,
    ready: Any,  # noqa: F811 - the fixture
) -> None:
    w = ready
    url = f"/office/dossiers/{w.dossier.code}/signatures/new/result/"
    client.force_login(w.leader)
    # an encrypted PDF: refused, the reason beside the file field, nothing saved
    locked = SimpleUploadedFile("kq.pdf", _encrypted_pdf(), content_type="application/pdf")
    response = client.post(url, {"result-source": "upload", "result-file": locked})
    assert response.status_code == 422
    html = response.content.decode()
    assert "mật khẩu" in html
    assert not SignedDocument.objects.exists()
    # a PDF with scripts: accepted without them, and the official is told
    active = SimpleUploadedFile("kq.pdf", _active_pdf(), content_type="application/pdf")
    response = client.post(url, {"result-source": "upload", "result-file": active}, follow=True)
    assert response.status_code == 200
    assert "nội dung chủ động" in response.content.decode()
    assert SignedDocument.objects.count() == 1
