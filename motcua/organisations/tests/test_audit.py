from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from motcua.core.audit import audit_context
from motcua.core.audit_models import AuditRecord, Interface
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.organisations.services import (
    organisation_close,
    organisation_create,
    organisation_set_desk_scope,
    organisation_update,
    organisations_load_demo,
)
from motcua.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(username="quantri", password="x")


def _records(org: Organisation) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(
            object_type="organisations.organisation", object_id=str(org.pk)
        ).order_by("id")
    )


def test_create_update_and_close_are_recorded_with_the_actor(editor) -> None:
    # when
    org = organisation_create(
        actor=editor,
        name="Ủy ban nhân dân huyện Đầm Dơi",
        kind=OrganisationKind.DISTRICT,
        agency_code="000.00.90.H12",
    )
    organisation_update(organisation=org, actor=editor, short_name="UBND huyện Đầm Dơi")
    organisation_close(organisation=org, actor=editor, valid_to=dt.date(2025, 6, 30))
    # then
    create, rename, close = _records(org)
    assert [r.action for r in (create, rename, close)] == ["create", "update", "update"]
    assert {r.actor_id for r in (create, rename, close)} == {editor.pk}
    assert {r.actor_repr for r in (create, rename, close)} == {"quantri"}
    assert create.changes["agency_code"] == [None, "000.00.90.H12"]
    assert "path" not in create.changes
    assert rename.changes == {"short_name": ["", "UBND huyện Đầm Dơi"]}
    assert close.changes == {"valid_to": [None, "2025-06-30"]}


def test_the_passed_actor_wins_over_the_surrounding_context(editor) -> None:
    other = get_user_model().objects.create_user(username="nguoikhac", password="x")
    with audit_context(actor=other, interface=Interface.WEB):
        org = organisation_create(
            actor=editor, name="Sở A", kind=OrganisationKind.DEPARTMENT, agency_code="000.00.01.H98"
        )
        organisation_update(organisation=org, name="Sở B")  # no actor: the context's
    create, rename = _records(org)
    assert create.actor_id == editor.pk and create.interface == "web"
    assert rename.actor_id == other.pk


def test_cascaded_closes_are_recorded_with_the_actor(editor) -> None:
    parent = make_organisation()
    child = make_organisation(parent=parent)
    organisation_close(organisation=parent, valid_to=dt.date(2025, 6, 30), actor=editor)
    (record,) = [r for r in _records(child) if r.action == "update"]
    assert record.actor_id == editor.pk
    assert record.changes == {"valid_to": [None, "2025-06-30"]}


def test_desk_scope_changes_are_recorded_on_the_desk(editor) -> None:
    a, b = make_organisation(), make_organisation()
    desk = make_organisation(kind=OrganisationKind.SERVICE_CENTRE, runs_one_stop_desk=True)
    organisation_set_desk_scope(desk=desk, served=[a], actor=editor)
    organisation_set_desk_scope(desk=desk, served=[b], actor=editor)
    organisation_update(organisation=desk, runs_one_stop_desk=False, actor=editor)
    scope = [r for r in _records(desk) if "desk_serves" in r.changes]
    assert [r.changes["desk_serves"] for r in scope] == [
        [[], [a.pk]],
        [[a.pk], []],  # set() removes the old ...
        [[], [b.pk]],  # ... then adds the new
        [[b.pk], []],  # turning the desk off empties its scope
    ]
    assert {r.actor_id for r in scope} == {editor.pk}


def test_reverse_side_changes_are_recorded_on_the_desk() -> None:
    unit = make_organisation()
    desk = make_organisation(kind=OrganisationKind.SERVICE_CENTRE, runs_one_stop_desk=True)
    unit.served_by_desks.add(desk)
    unit.served_by_desks.clear()
    scope = [r.changes["desk_serves"] for r in _records(desk) if "desk_serves" in r.changes]
    assert scope == [[[], [unit.pk]], [[unit.pk], []]]


def test_failed_calls_leave_no_audit_record(editor) -> None:
    make_organisation(agency_code="000.00.01.H98")
    before = AuditRecord.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - ValidationFailed; only the trail matters here
        organisation_create(
            actor=editor, name="X", kind=OrganisationKind.DEPARTMENT, agency_code="000.00.01.H98"
        )
    assert AuditRecord.objects.count() == before


def test_demo_load_is_attributed(editor) -> None:
    organisations_load_demo(actor=editor)
    records = AuditRecord.objects.filter(object_type="organisations.organisation")
    assert records.filter(action="create").count() == 157
    assert set(records.values_list("actor_id", flat=True)) == {editor.pk}
