"""The dossier page: what it shows, the actions offered, actions run through the services,
files served only to those who may see the dossier, printed forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from motcua.backoffice.permissions import actions_for
from motcua.backoffice.tests.conftest import counter_intake, online_submission, tiny_pdf, vn
from motcua.backoffice.views.dossier import _run_action
from motcua.dossiers import services
from motcua.dossiers.enums import DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ComponentInput

pytestmark = pytest.mark.django_db


def page(code: str) -> str:
    return reverse("backoffice:dossier", args=[code])


def act(code: str, action: str) -> str:
    return reverse("backoffice:dossier_action", args=[code, action])


def offered(response) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', response.content.decode())


# --- what each official may do --------------------------------------------------------------------


def test_specialist_sees_forward_but_not_approve_and_the_leader_sees_approve(client, world):
    dossier = counter_intake(world)  # at the department's appraisal step
    client.force_login(world.specialist)
    specialist = offered(client.get(page(dossier.code)))
    assert "forward" in specialist and "request_supplement" in specialist
    assert "approve" not in specialist and "stop" not in specialist
    assert "receive" not in specialist and "deliver" not in specialist
    assert "complete" not in specialist  # the leader's approval step is still ahead
    client.force_login(world.leader)
    leader = offered(client.get(page(dossier.code)))
    assert "stop" in leader and "extend" in leader
    assert "approve" not in leader and "complete" not in leader  # not at the approval step yet
    # once forwarded to the approval step, the leader (only) may approve, or hand the step to
    # another organisation
    services.dossier_forward(dossier=dossier, actor=world.specialist)
    leader = offered(client.get(page(dossier.code)))
    assert "approve" in leader and "forward" in leader and "complete" not in leader
    client.force_login(world.specialist)
    specialist = offered(client.get(page(dossier.code)))
    assert "approve" not in specialist and "forward" not in specialist


def test_counter_officer_sees_receive_and_refuse_on_an_online_submission(client, world):
    dossier = online_submission(world)
    client.force_login(world.counter)
    response = client.get(page(dossier.code))
    assert response.status_code == 200
    assert offered(response) == ["receive", "refuse", "request_supplement", "withdraw"]
    client.force_login(world.specialist)  # the department has nothing to do yet
    assert client.get(page(dossier.code)).status_code == 200
    assert offered(client.get(page(dossier.code))) == []


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("counter", ["withdraw"]),
        ("specialist", ["request_supplement", "forward", "request_payment", "extend"]),
        (
            "leader",
            ["request_supplement", "forward", "request_payment", "extend", "stop"],
        ),
        ("outsider", []),
        ("citizen", []),
    ],
)
def test_actions_for_mirrors_the_services(world, who, expected):
    dossier = counter_intake(world)
    assert actions_for(getattr(world, who), dossier) == expected


def test_every_offered_action_passes_the_services_permission_check(world):
    # given dossiers in several states
    submitted = online_submission(world, id_number="1")
    received = counter_intake(world, id_number="2")
    paused = services.dossier_request_supplement(
        dossier=counter_intake(world, id_number="3"), actor=world.specialist, missing=["x"]
    )
    at_approval = services.dossier_forward(
        dossier=counter_intake(world, id_number="4"), actor=world.specialist
    )
    approved = services.dossier_approve(
        dossier=services.dossier_forward(
            dossier=counter_intake(world, id_number="5"), actor=world.specialist
        ),
        actor=world.leader,
    )
    ready = services.dossier_complete(
        dossier=services.dossier_approve(
            dossier=services.dossier_forward(
                dossier=counter_intake(world, id_number="6"), actor=world.specialist
            ),
            actor=world.leader,
        ),
        actor=world.leader,
        result_number="1/GP",
    )
    users = [world.counter, world.specialist, world.leader, world.outsider, world.admin]
    # then: everything offered is something the service lets that user do (checked by running
    # it inside a savepoint that is rolled back)
    data = {
        "reason": "r",
        "missing": ["x"],
        "note": "",
        "method": "desk",
        "result_number": "1",
        "new_appointment_at": vn(2027, 6, 1, 9, 0),
        "papers": [SimpleUploadedFile("a.pdf", tiny_pdf())],
    }
    for dossier in (submitted, received, paused, at_approval, approved, ready):
        for user in users:
            for action in actions_for(user, dossier):
                sid = transaction.savepoint()
                fresh = Dossier.objects.get(pk=dossier.pk)
                # forward at the approval step: hand it to another organisation
                to_unit = world.outsider.organisation if fresh.pk == at_approval.pk else None
                _run_action(action, fresh, user, {**data, "to_unit": to_unit})
                transaction.savepoint_rollback(sid)


# --- running actions ------------------------------------------------------------------------------


def test_posting_an_action_runs_it(client, world):
    dossier = online_submission(world)
    client.force_login(world.counter)
    response = client.post(act(dossier.code, "receive"), {"receive-note": "Đủ hồ sơ"})
    assert response.status_code == 302 and response["Location"] == page(dossier.code)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.events.filter(action="receive", note="Đủ hồ sơ").exists()


def test_posting_a_forbidden_action_shows_the_error_and_changes_nothing(client, world):
    dossier = counter_intake(world)
    events = DossierEvent.objects.count()
    client.force_login(world.specialist)
    response = client.post(act(dossier.code, "approve"), {"approve-note": "ok"})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-summary"' in html
    refreshed = Dossier.objects.get(pk=dossier.pk)
    assert refreshed.status == dossier.status
    assert refreshed.current_step_id == dossier.current_step_id
    assert DossierEvent.objects.count() == events


def test_an_action_not_allowed_in_this_status_is_a_conflict(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    response = client.post(act(dossier.code, "receive"))
    assert response.status_code == 409
    assert 'id="error-summary"' in response.content.decode()


def test_refusing_needs_a_reason(client, world):
    dossier = online_submission(world)
    client.force_login(world.counter)
    response = client.post(act(dossier.code, "refuse"), {"refuse-reason": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'href="#id_refuse-reason"' in html
    assert 'id="action-refuse" data-action="refuse" open' in html  # the failed form stays open
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


def test_request_supplement_one_line_per_missing_paper(client, world):
    dossier = counter_intake(world)
    client.force_login(world.specialist)
    response = client.post(
        act(dossier.code, "request_supplement"),
        {"request_supplement-missing": "Bản sao CCCD\r\n\r\n  Ảnh 4x6  \r\n"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action="request_supplement")
    assert event.data["missing"] == ["Bản sao CCCD", "Ảnh 4x6"]
    # the page now shows the pause and offers the supplement to the counter officer
    client.force_login(world.counter)
    html = client.get(page(dossier.code)).content.decode()
    assert 'id="supplement-count">1<' in html
    assert 'data-action="supplement"' in html
    assert 'data-form="02"' in html


def test_supplement_on_behalf_with_files_resumes_the_clock(client, world, time_machine):
    dossier = services.dossier_request_supplement(
        dossier=counter_intake(world), actor=world.specialist, missing=["Ảnh 4x6"]
    )
    time_machine.move_to(vn(2027, 3, 2, 9, 30), tick=False)
    client.force_login(world.counter)
    response = client.post(
        act(dossier.code, "supplement"),
        {"supplement-papers": [SimpleUploadedFile("anh.pdf", tiny_pdf())]},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.paused_minutes == 8 * 60
    assert dossier.components.filter(kind="supplement", original_filename="anh.pdf").exists()


def test_extend_takes_a_vietnam_local_time(client, world):
    dossier = counter_intake(world)
    client.force_login(world.leader)
    response = client.post(
        act(dossier.code, "extend"),
        {"extend-reason": "Cần xác minh", "extend-new_appointment_at": "2027-03-19T09:00"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.appointment_at == vn(2027, 3, 19, 9, 0)
    html = client.get(page(dossier.code)).content.decode()
    assert 'id="appointment-at">19/03/2027 09:00' in html
    assert 'data-form="04"' in html


def _approved(world) -> Dossier:
    """A dossier through appraisal and the leader's approval: its result may be issued."""
    dossier = services.dossier_forward(dossier=counter_intake(world), actor=world.specialist)
    return services.dossier_approve(dossier=dossier, actor=world.leader)


def test_complete_with_result_file_then_deliver(client, world):
    dossier = _approved(world)
    client.force_login(world.leader)
    response = client.post(
        act(dossier.code, "complete"),
        {
            "complete-result_number": "15/GP",
            "complete-result_file": SimpleUploadedFile("kq.pdf", tiny_pdf()),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.components.filter(kind="result").count() == 1
    client.force_login(world.counter)
    assert client.post(act(dossier.code, "deliver"), {"deliver-method": "desk"}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DELIVERED


def test_a_bad_result_file_is_shown_on_its_field(client, world):
    dossier = _approved(world)
    client.force_login(world.leader)
    response = client.post(
        act(dossier.code, "complete"),
        {
            "complete-result_number": "15/GP",
            "complete-result_file": SimpleUploadedFile("kq.pdf", b"plain text"),
        },
    )
    assert response.status_code == 422
    assert 'href="#id_complete-result_file"' in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.IN_PROGRESS


def test_unknown_action_is_404(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    assert client.post(act(dossier.code, "submit")).status_code == 404
    assert client.get(act(dossier.code, "receive")).status_code == 405


# --- what the page shows --------------------------------------------------------------------------


def test_page_shows_header_components_timeline_and_steps(client, world):
    dossier = counter_intake(
        world,
        components=[
            ComponentInput(paper_code="GT1", file=SimpleUploadedFile("don.pdf", tiny_pdf())),
            ComponentInput(paper_code="GT2", paper_original_seen=True),
        ],
    )
    client.force_login(world.specialist)
    response = client.get(page(dossier.code))
    html = response.content.decode()
    assert f'data-code="{dossier.code}" data-status="received"' in html
    assert 'id="due-at">08/03/2027 09:30<' in html
    assert html.count('data-component="') == 2
    scan = dossier.components.get(required_paper__code="GT1")
    assert reverse("backoffice:dossier_file", args=[dossier.code, scan.pk]) in html
    assert "/media/" not in html  # files are never linked directly
    assert re.findall(r'data-event="([a-z_]+)"', html) == ["submit", "receive"]
    assert 'data-step="1"' in html and 'data-step="2"' in html
    assert 'data-form="01"' in html and 'data-form="06"' in html and 'data-form="03"' not in html


def test_outsider_and_citizen_cannot_open_the_page(client, world):
    dossier = online_submission(world)
    client.force_login(world.outsider)
    assert client.get(page(dossier.code)).status_code == 404
    assert client.post(act(dossier.code, "refuse"), {"refuse-reason": "x"}).status_code == 404
    client.force_login(world.citizen)  # the owner, but this is the officials' workspace
    assert client.get(page(dossier.code)).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


def test_unknown_code_is_404(client, world):
    client.force_login(world.counter)
    assert client.get(page("000.00.15.H12-270301-9999")).status_code == 404


# --- files and prints -----------------------------------------------------------------------------


def test_file_download_is_permission_checked(client, world):
    pdf = tiny_pdf()
    dossier = counter_intake(
        world, components=[ComponentInput(paper_code="GT1", file=SimpleUploadedFile("d.pdf", pdf))]
    )
    other = counter_intake(world, id_number="2")
    component = dossier.components.get()
    url = reverse("backoffice:dossier_file", args=[dossier.code, component.pk])
    client.force_login(world.specialist)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Disposition"].startswith("inline")
    # a file of this dossier under another dossier's code is not found
    wrong = reverse("backoffice:dossier_file", args=[other.code, component.pk])
    assert client.get(wrong).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.citizen)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_receipt_pdf_inline_and_forms_that_do_not_apply(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    response = client.get(reverse("backoffice:dossier_form", args=[dossier.code, "01"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF-")
    # a refusal slip for a dossier that was received, not refused
    refused = client.get(reverse("backoffice:dossier_form", args=[dossier.code, "03"]))
    assert refused.status_code == 422
    client.force_login(world.outsider)
    assert (
        client.get(reverse("backoffice:dossier_form", args=[dossier.code, "01"])).status_code == 404
    )


def test_receipt_pdf_really_renders(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    response = client.get(reverse("backoffice:dossier_form", args=[dossier.code, "01"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_tracking_book_pdf_and_xlsx_in_scope_only(client, world, monkeypatch):
    from motcua.dossiers import printing

    seen = []
    monkeypatch.setattr(
        printing, "render_tracking_book_pdf", lambda u, f, t: seen.append((u, f, t)) or b"%PDF-"
    )
    monkeypatch.setattr(printing, "render_tracking_book_xlsx", lambda u, f, t: b"PK\x03\x04")
    code = world.desk.agency_code
    client.force_login(world.counter)
    pdf = client.get(
        reverse("backoffice:tracking_book", args=[code, "pdf"]),
        {"from": "2027-02-01", "to": "2027-02-28"},
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert seen == [(world.desk, dt.date(2027, 2, 1), dt.date(2027, 2, 28))]
    xlsx = client.get(reverse("backoffice:tracking_book", args=[code, "xlsx"]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    assert xlsx["Content-Disposition"].startswith("attachment")
    bad = client.get(reverse("backoffice:tracking_book", args=[code, "pdf"]), {"from": "hôm qua"})
    assert bad.status_code == 422
    go = client.get(reverse("backoffice:tracking_book_go"), {"unit": code, "format": "xlsx"})
    assert go.status_code == 302 and go["Location"].endswith("tracking-book.xlsx")
    client.force_login(world.outsider)
    assert client.get(reverse("backoffice:tracking_book", args=[code, "pdf"])).status_code == 403
