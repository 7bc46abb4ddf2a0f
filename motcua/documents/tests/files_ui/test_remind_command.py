"""`manage.py documents_remind` and the task: the assignees of an incoming document due soon
are reminded once a day, and again once it is overdue."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from motcua.documents.services import incoming as svc
from motcua.documents.tests.factories import world
from motcua.documents.tests.ui_incoming.conftest import SCAN, fields
from motcua.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _remind() -> str:
    out = io.StringIO()
    call_command("documents_remind", stdout=out)
    return out.getvalue().strip()


def _assigned_due_tomorrow() -> Any:
    w = world()
    w.specialist.email = "chuyenvien@example.vn"
    w.specialist.save()
    document = svc.incoming_register_paper(
        actor=w.clerk, organisation=w.agency, fields=fields(), files=[SCAN]
    )
    svc.incoming_assign(
        actor=w.leader,
        document=document,
        lead_unit=w.unit,
        lead_official=w.specialist,
        deadline=timezone.localdate() + dt.timedelta(days=1),
    )
    return document


def test_the_command_reminds_once_a_day() -> None:
    document = _assigned_due_tomorrow()

    assert _remind() == "documents reminded: 1"
    assert _remind() == "documents reminded: 0"  # the same day: nobody again

    later = timezone.now() + dt.timedelta(days=3)  # overdue by then
    with time_machine.travel(later, tick=False):
        assert _remind() == "documents reminded: 1"
        assert _remind() == "documents reminded: 0"
    due = Notification.objects.filter(kind="document_due", recipient="chuyenvien@example.vn")
    assert due.count() == 2
    assert document.events.filter(action="remind").count() == 2


def test_the_task_reminds_like_the_command() -> None:
    from motcua.documents.tasks import remind_due_documents

    _assigned_due_tomorrow()
    assert remind_due_documents.call() == 1
    assert remind_due_documents.call() == 0
    assert _remind() == "documents reminded: 0"
