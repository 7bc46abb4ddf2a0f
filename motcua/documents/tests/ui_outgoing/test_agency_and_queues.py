"""Review findings on the outgoing pages: an official's agency is their own (a department under
the provincial committee is not a unit of it), "My drafts" are the reader's own drafts, a clerk
lands on the work waiting for them, a report viewer is offered no work, and the delivery shows
labels, never edXML codes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.accounts.enums import Role
from motcua.documents import selectors_outgoing as selectors
from motcua.documents.enums import DeliveryStatus, OutgoingState
from motcua.documents.services import outgoing as services
from motcua.documents.services.outgoing import RecipientInput
from motcua.documents.tests.factories import official
from motcua.documents.tests.ui_outgoing.conftest import at_state, ids, text_of
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

pytestmark = pytest.mark.django_db

S = OutgoingState
LIST = "documents:outgoing_list"


def nav_outgoing(response: Any) -> int:
    match = re.search(r'id="nav-outgoing" data-count="(\d+)"', response.content.decode())
    assert match
    return int(match.group(1))


@pytest.fixture
def dept(w: Any) -> Organisation:
    """A department the tree puts under the provincial committee (w.agency)."""
    return Organisation.objects.create(
        name="Sở Nội vụ",
        short_name="SNV",
        kind=OrganisationKind.DEPARTMENT,
        agency_code="000.09.00.H97",
        parent=w.agency,
    )


def test_a_department_clerk_numbers_and_drafts_for_the_department_only(client, w, dept):
    clerk = official(dept, Role.CLERK, full_name="Văn Thư Sở Nội Vụ")
    province_signed = at_state(w, S.SIGNED)
    own_signed = at_state(w, S.SIGNED, organisation=dept, drafting_unit=dept, drafter=clerk)
    assert selectors.issuing_agencies_for(clerk) == [dept]
    client.force_login(clerk)
    response = client.get(reverse(LIST), {"queue": "to_number"})
    assert ids(response) == [own_signed.pk]
    assert province_signed.pk not in ids(response)
    form = client.get(reverse("documents:outgoing_new")).content.decode()
    issuing = re.search(r'<select name="organisation".*?</select>', form, re.S)
    offered = re.findall(r'<option value="(\d+)"', issuing.group(0)) if issuing else []
    assert str(w.agency.pk) not in offered
    # the province's leaders sign for the province, not a department's division heads
    division = Organisation.objects.create(
        name="Phòng Tổ chức", kind=OrganisationKind.DIVISION, parent=dept
    )
    head = official(division, Role.LEADER, full_name="Trưởng Phòng Sở")
    assert head not in selectors.signers_for(w.agency)
    assert head in selectors.signers_for(dept)


def test_my_drafts_are_the_drafts_the_reader_wrote(client, w):
    mine = at_state(w, S.DRAFT)
    returned = at_state(w, S.RETURNED)
    # the reviewer is a leader of the drafting unit, the clerk of the agency: not their drafts
    for user in (w.reviewer, w.clerk, w.specialist):
        client.force_login(user)
        response = client.get(reverse(LIST), {"queue": "drafts"})
        assert ids(response) == [], user
        assert nav_outgoing(response) == 0, user
        assert selectors.outgoing_queue_counts(user)["drafts"] == 0
    client.force_login(w.drafter)
    response = client.get(reverse(LIST), {"queue": "drafts"})
    assert sorted(ids(response)) == sorted([mine.pk, returned.pk])
    assert nav_outgoing(response) == 2


def test_a_clerk_with_drafts_lands_on_the_work_waiting_for_them(client, w):
    at_state(w, S.DRAFT, drafter=w.clerk, drafting_unit=w.agency)
    at_state(w, S.SEALED)
    client.force_login(w.clerk)
    page = client.get(reverse(LIST)).content.decode()
    assert 'data-queue="to_send"' in page
    assert 'data-queue="drafts"' not in page
    # with nothing else waiting, the drafts are where the work is
    client.force_login(w.drafter)
    at_state(w, S.DRAFT)
    assert 'data-queue="drafts"' in client.get(reverse(LIST)).content.decode()


def test_a_report_viewer_is_offered_no_outgoing_work_on_the_documents_home(client, w):
    at_state(w, S.SIGNED)
    client.force_login(w.viewer)
    response = client.get(reverse("documents:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="home-outgoing-new"' not in page and "Dự thảo mới" not in text_of(response)
    assert 'id="home-register-paper"' not in page
    assert 'id="tile-out-' not in page
    assert 'id="home-metric"' in page and 'id="home-search"' in page
    # a drafter still gets the button and their tiles
    client.force_login(w.drafter)
    page = client.get(reverse("documents:home")).content.decode()
    assert 'id="home-outgoing-new"' in page and 'id="tile-out-drafts"' in page


def test_the_delivery_shows_labels_not_edxml_codes(client, w):
    doc = at_state(w, S.ISSUED)
    doc.recipients.all().delete()
    services._recipients_replace(doc, [RecipientInput(organisation=w.other)])
    recipient = doc.recipients.get()
    for status in (DeliveryStatus.ARRIVED, DeliveryStatus.ACCEPTED):
        services.recipient_record_status(recipient=recipient, status=status, description="")
    client.force_login(w.clerk)
    text = text_of(client.get(reverse("documents:outgoing_detail", args=[doc.pk])))
    assert "Đã vào sổ" in text and "Đã đến" in text
    assert "mã 03" not in text and "(03)" not in text and "(01)" not in text
