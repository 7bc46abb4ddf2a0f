from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.audit_models import AuditRecord
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _form(org: Organisation, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent": org.parent_id or "",
        "agency_code": org.agency_code,
        "valid_from": "",
        "valid_to": "",
        "address": "",
        "email": "",
        "phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_changelist_filters_and_search(admin_client: Client) -> None:
    make_organisation(name="Sở Tư pháp tỉnh Cà Mau", agency_code="000.00.08.H12")
    url = reverse("admin:organisations_organisation_changelist")
    for query in ("", "?q=08.H12", "?q=Tư pháp", "?active=yes", "?active=no", "?kind=department"):
        response = admin_client.get(url + query)
        assert response.status_code == 200
    assert "Sở Tư pháp tỉnh Cà Mau" in admin_client.get(url + "?q=08.H12").content.decode()


def test_add_and_change_pages_render(admin_client: Client) -> None:
    org = make_organisation(runs_one_stop_desk=True, kind=OrganisationKind.SERVICE_CENTRE)
    assert admin_client.get(reverse("admin:organisations_organisation_add")).status_code == 200
    change = reverse("admin:organisations_organisation_change", args=[org.pk])
    assert admin_client.get(change).status_code == 200
    autocomplete = reverse("admin:autocomplete") + (
        "?app_label=organisations&model_name=organisation&field_name=parent&term=th"
    )
    assert admin_client.get(autocomplete).status_code == 200


def test_reparenting_in_the_admin_updates_paths_and_is_audited(admin_client: Client) -> None:
    # given
    root = make_organisation()
    other = make_organisation()
    child = make_organisation(parent=root)
    grandchild = make_organisation(parent=child)
    url = reverse("admin:organisations_organisation_change", args=[child.pk])
    # when
    response = admin_client.post(url, _form(child, parent=other.pk))
    # then
    assert response.status_code == 302
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{other.pk}/{child.pk}/{grandchild.pk}/"
    record = AuditRecord.objects.filter(object_id=str(child.pk), action="update").get()
    assert record.interface == "admin"
    assert record.changes["parent_id"] == [root.pk, other.pk]


def test_admin_refuses_a_cycle(admin_client: Client) -> None:
    root = make_organisation()
    child = make_organisation(parent=root)
    url = reverse("admin:organisations_organisation_change", args=[root.pk])
    response = admin_client.post(url, _form(root, parent=child.pk))
    assert response.status_code == 200  # the form again, with the error
    assert "parent" in response.context["adminform"].form.errors
    root.refresh_from_db()
    assert root.parent_id is None


def test_admin_refuses_a_scope_without_a_desk(admin_client: Client) -> None:
    served = make_organisation()
    org = make_organisation(kind=OrganisationKind.DEPARTMENT)
    url = reverse("admin:organisations_organisation_change", args=[org.pk])
    response = admin_client.post(url, _form(org, desk_serves=[served.pk]))
    assert response.status_code == 200
    assert "desk_serves" in response.context["adminform"].form.errors
    # with the desk flag on, it saves
    response = admin_client.post(url, _form(org, desk_serves=[served.pk], runs_one_stop_desk="on"))
    assert response.status_code == 302
    assert list(org.desk_serves.all()) == [served]


def test_admin_add(admin_client: Client) -> None:
    parent = make_organisation()
    url = reverse("admin:organisations_organisation_add")
    response = admin_client.post(
        url,
        {
            "name": "Sở Y tế tỉnh Cà Mau",
            "kind": OrganisationKind.DEPARTMENT,
            "agency_code": "000.00.12.H12",
            "parent": parent.pk,
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(agency_code="000.00.12.H12")
    assert org.path == f"/{parent.pk}/{org.pk}/"
    response = admin_client.post(
        url, {"name": "Trùng", "kind": OrganisationKind.DEPARTMENT, "agency_code": "000.00.12.H12"}
    )
    assert response.status_code == 200
    assert "agency_code" in response.context["adminform"].form.errors
