from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.accounts.models import User
from motcua.core.audit import audit_verify_chain
from motcua.dossiers.models import Dossier
from motcua.organisations.models import Organisation
from motcua.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_load_demo_is_complete_and_idempotent():
    # when loaded twice
    call_command("load_demo", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Procedure.objects.count())
    dossiers = Dossier.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    # then the second run changes nothing
    assert (Organisation.objects.count(), User.objects.count(), Procedure.objects.count()) == counts
    assert Dossier.objects.count() == dossiers >= 15
    assert Procedure.objects.count() >= 40
    assert Organisation.objects.filter(kind="commune").count() == 64
    assert set(Dossier.objects.values_list("status", flat=True)) >= {
        "submitted",
        "received",
        "in_progress",
        "supplement_requested",
        "result_ready",
        "delivered",
    }
    assert audit_verify_chain().ok


def test_demo_logins_are_printed_and_work(client):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "tiepnhan.tinh" in text and "congdan" in text and "motcua-demo" in text
    assert client.login(username="tiepnhan.tinh", password="motcua-demo")
