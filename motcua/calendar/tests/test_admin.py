from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.enums import Role
from motcua.calendar.models import CalendarOverride
from motcua.calendar.tests.factories import make_user
from motcua.core.audit_models import AuditRecord

pytestmark = pytest.mark.django_db

ADD = "/admin/workcalendar/calendaroverride/add/"


def _form(**extra: str) -> dict[str, str]:
    return {"date": "2026-08-22", "is_working": "on", "reason": "Làm bù", "legal_reference": "",
            "organisation": "", **extra}  # fmt: skip


def test_provincial_admin_adds_an_override_in_the_admin(client: Client) -> None:
    admin = make_user(Role.PROVINCIAL_ADMIN, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/workcalendar/calendaroverride/").status_code == 200
    resp = client.post(ADD, _form())
    assert resp.status_code == 302
    override = CalendarOverride.objects.get()
    record = AuditRecord.objects.get(object_type="workcalendar.calendaroverride")
    assert record.interface == "admin"
    assert (record.actor_id, record.object_id) == (admin.pk, str(override.pk))
    # a duplicate province-wide date is refused by the form, nothing changes
    resp = client.post(ADD, _form(reason="again"))
    assert resp.status_code == 200
    assert resp.context["adminform"].form.errors
    assert CalendarOverride.objects.count() == 1


def test_staff_without_rights_cannot_edit(client: Client) -> None:
    client.force_login(make_user(is_staff=True))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _form()).status_code == 403
    assert not CalendarOverride.objects.exists()


def test_working_hours_admin_renders(client: Client) -> None:
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/workcalendar/workinghours/add/").status_code == 200
