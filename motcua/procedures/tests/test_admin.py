from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.enums import Role
from motcua.accounts.models import User
from motcua.procedures.models import ProcessStep
from motcua.procedures.tests.factories import OfficialFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = User.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    return client


def _management(prefix: str, total: int, initial: int) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_changelists_and_pages_render(admin_client: Client) -> None:
    procedure = ProcedureFactory.create(version__name="Đăng ký khai sinh")
    version = procedure.current_version
    assert admin_client.get(reverse("admin:procedures_procedure_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:procedures_procedure_changelist"), {"q": "khai sinh"})
    ).status_code == 200
    assert (
        admin_client.get(
            reverse("admin:procedures_procedure_change", args=[procedure.pk])
        ).status_code
        == 200
    )
    assert (
        admin_client.get(
            reverse("admin:procedures_procedureversion_change", args=[version.pk])  # type: ignore[union-attr]
        ).status_code
        == 200
    )


def test_process_steps_are_saved_through_the_service(admin_client: Client) -> None:
    version = ProcedureFactory.create().current_version
    assert version is not None
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
    prefix = "process_steps"
    data = {
        **_management("cases", 0, 0),
        **_management("time_limits", 0, 0),
        **_management("fees", 0, 0),
        **_management(prefix, 2, 0),
        f"{prefix}-0-order": 1,
        f"{prefix}-0-name": "Tiếp nhận",
        f"{prefix}-0-role": Role.COUNTER_OFFICER,
        f"{prefix}-0-budget_hours": "4",
        f"{prefix}-1-order": 2,
        f"{prefix}-1-name": "Thẩm định",
        f"{prefix}-1-role": Role.SPECIALIST,
        f"{prefix}-1-budget_hours": "16",
    }
    # over budget (3 working days = 24 h): refused with the form shown again
    too_long = {**data, f"{prefix}-1-budget_hours": "40"}
    response = admin_client.post(url, too_long)
    assert response.status_code == 200
    assert not ProcessStep.objects.exists()
    # within budget: saved
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert list(ProcessStep.objects.order_by("order").values_list("name", "budget_hours")) == [
        ("Tiếp nhận", 4),
        ("Thẩm định", 16),
    ]


def test_a_specialist_cannot_edit_the_process() -> None:
    version = ProcedureFactory.create().current_version
    assert version is not None
    user = OfficialFactory.create(roles=[Role.SPECIALIST], is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
    assert client.get(url).status_code in (302, 403)
