"""The demo has an approved dossier of each procedure with a result paper of its own, so the back
office's result path (prepare → sign → seal → issue → release) can be tried on each."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.accounts.models import User
from motcua.backoffice.views._signing_panel import signing_panel
from motcua.dossiers.models import Dossier
from motcua.signatures.path import PathStep
from motcua.signatures.result_forms import RESULT_FORMS, result_form_for

pytestmark = pytest.mark.django_db


def test_an_approved_dossier_for_each_result_paper():
    call_command("load_demo", stdout=StringIO())
    leader = User.objects.get(username="lanhdao.anxuyen")
    for code in ("1.001193", "1.001612", "2.000815"):
        form = result_form_for(code)
        assert form in RESULT_FORMS
        dossier = (
            Dossier.objects.filter(procedure_version__procedure__code=code, status="in_progress")
            .exclude(current_step__ended_at=None)
            .get()
        )
        panel = signing_panel(leader, dossier)
        assert panel.path is not None and panel.path.path.current == PathStep.PREPARE
        assert panel.path.button_url == "#signing-new-result"
        assert panel.result_form.paper is form
