"""The demo's official documents: every documents queue of the Sở Tư pháp logins has an
example, and after the development PKI one decision is signed, numbered, sealed and issued to
Sở Tài chính, where it arrives registered."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.documents.enums import IncomingState, OutgoingState, SignatureVerdict
from motcua.documents.models import IncomingDocument, OutgoingDocument

# The signatures tests' PKI settings (autouse) so that dev_pki_setup writes under tmp.
from motcua.signatures.tests.conftest import _signature_settings, dev_pki  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_documents_in_every_queue_and_one_issued():
    call_command("load_demo", stdout=StringIO())
    states = set(IncomingDocument.objects.values_list("state", flat=True))
    assert {IncomingState.RECEIVED, IncomingState.REGISTERED, IncomingState.ASSIGNED} <= states
    assert set(OutgoingDocument.objects.values_list("state", flat=True)) == {
        OutgoingState.TO_SIGN,
        OutgoingState.IN_REVIEW,
    }
    from motcua.signatures.demo import dev_pki_setup

    dev_pki_setup(usernames=["lanhdao.stp", "vanthu.stp", "chuyenvien.stp"], key_kind="ec-p256")
    out = StringIO()
    call_command("documents_demo_issue", stdout=out)
    assert "documents_issued_number: 01/QĐ-STP" in out.getvalue()
    issued = OutgoingDocument.objects.get(state=OutgoingState.ISSUED)
    received = IncomingDocument.objects.get(
        organisation__agency_code="000.00.03.H12", document_id=issued.document_id
    )
    assert received.state == IncomingState.REGISTERED and received.arrival_number == 1
    assert received.signature_verdict == SignatureVerdict.VALID
    call_command("documents_demo_issue", stdout=StringIO())  # idempotent
    assert OutgoingDocument.objects.filter(state=OutgoingState.ISSUED).count() == 1
