"""Counter intake at /dossiers/new/: the form, the returning applicant, errors saving nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.backoffice.tests.conftest import DAO, counter_intake, tiny_pdf
from motcua.dossiers.enums import DossierStatus
from motcua.dossiers.models import Applicant, Dossier, DossierComponent

pytestmark = pytest.mark.django_db

NEW = reverse("backoffice:dossier_new")
KEY_RE = re.compile(r'name="papers_key" value="([^"]*)"')


def papers_key(client) -> str:
    response = client.get(NEW, {"procedure": "9.000001"})
    match = KEY_RE.search(response.content.decode())
    assert match and match.group(1)
    return match.group(1)


def form_data(world, key: str, **overrides):
    data = {
        "procedure": "9.000001",
        "case": "TH1",
        "channel": "1",
        "receiving_unit": str(world.desk.pk),
        "applicant_id_number": "096188000123",
        "applicant_kind": "individual",
        "applicant_full_name": DAO,
        "applicant_phone": "0912000111",
        "applicant_email": "dao@example.com",
        "applicant_address": "Phường An Xuyên, Cà Mau",
        "papers_key": key,
        "paper-0-copy_kind": "original",
        "paper-1-copy_kind": "copy",
        "paper-1-seen": "on",
    }
    data.update(overrides)
    return data


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_only_counter_officers_receive(client, world):
    client.force_login(world.specialist)
    assert client.get(NEW).status_code == 403
    client.force_login(world.citizen)
    assert client.get(NEW).status_code == 403


def test_the_form_offers_the_desk_the_procedure_and_one_row_per_paper(client, world):
    client.force_login(world.counter)
    response = client.get(NEW, {"procedure": "9.000001"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="9.000001" selected' in html
    assert f'<option value="{world.desk.pk}" selected>' in html  # the officer's own desk
    assert 'id="paper-0" data-paper="GT1"' in html
    assert 'id="paper-1" data-paper="GT2"' in html
    assert 'name="paper-0-file"' in html and 'name="paper-0-seen"' in html
    # every visible input has a label
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html):
        if input_id in ("id_case",):  # hidden when the procedure has one case
            continue
        assert f'for="{input_id}"' in html or input_id == "error-summary", input_id


def test_counter_intake_happy_path(client, world, settings):
    # given
    client.force_login(world.counter)
    pdf = tiny_pdf()
    data = form_data(world, papers_key(client))
    data["paper-0-file"] = SimpleUploadedFile("don-de-nghi.pdf", pdf, "application/pdf")
    # when
    response = client.post(NEW, data)
    # then: received at once, with the scan and the seen original
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:dossier", args=[dossier.code]) + "?created=1"
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.receiving_unit == world.desk
    assert dossier.applicant.full_name == DAO and dossier.applicant.phone == "0912000111"
    scan, original = dossier.components.order_by("pk")
    assert scan.required_paper.code == "GT1" and scan.content_type == "application/pdf"
    assert scan.is_original and scan.digitised and scan.file.read() == pdf
    assert original.required_paper.code == "GT2" and original.paper_original_seen
    assert not original.is_original and not original.file
    # and the dossier page offers the receipt at once
    page = client.get(response["Location"])
    assert 'id="print-receipt"' in page.content.decode()
    assert reverse("backoffice:dossier_form", args=[dossier.code, "01"]) in page.content.decode()


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved(client, world, settings):
    client.force_login(world.counter)
    data = form_data(world, papers_key(client))
    data["paper-0-file"] = SimpleUploadedFile("don.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-summary"' in html
    assert 'href="#id_paper-0-file"' in html  # the summary links to the row's file field
    assert 'class="paper has-error" id="paper-0"' in html
    assert "don.pdf" in html  # the service's message names the file
    # the entered values are kept
    assert f'value="{DAO}"' in html and 'value="0912000111"' in html
    # nothing saved: no dossier, no applicant, no file
    assert Dossier.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert DossierComponent.objects.count() == 0
    assert media_files(settings) == []


def test_a_required_paper_needs_a_file_or_the_original_seen(client, world):
    client.force_login(world.counter)
    response = client.post(NEW, form_data(world, papers_key(client)))  # GT1 left empty
    assert response.status_code == 422
    assert 'class="paper has-error" id="paper-0"' in response.content.decode()
    assert Dossier.objects.count() == 0


def test_missing_applicant_data_shows_field_errors(client, world):
    client.force_login(world.counter)
    data = form_data(world, papers_key(client), applicant_full_name="", **{"paper-0-seen": "on"})
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'href="#id_applicant_full_name"' in html
    assert 'aria-invalid="true"' in html
    assert Dossier.objects.count() == 0


def test_a_unit_the_officer_cannot_act_in_is_refused(client, world):
    client.force_login(world.counter)
    data = form_data(world, papers_key(client), receiving_unit=str(world.other.pk))
    data["paper-0-seen"] = "on"
    response = client.post(NEW, data)
    assert response.status_code == 422
    assert 'href="#id_receiving_unit"' in response.content.decode()
    assert Dossier.objects.count() == 0


def test_changed_case_redraws_the_papers_instead_of_saving(client, world):
    client.force_login(world.counter)
    data = form_data(world, "9.000001|TH1|stale", **{"paper-0-seen": "on"})
    response = client.post(NEW, data)
    assert response.status_code == 422
    assert 'id="error-summary"' in response.content.decode()
    assert Dossier.objects.count() == 0


def test_returning_applicant_is_prefilled_by_id_number(client, world):
    # given an applicant who came before
    counter_intake(world, name="Võ Thị Sáu", id_number="079123456789")
    client.force_login(world.counter)
    # when htmx asks while the ID number is typed
    response = client.post(
        reverse("backoffice:intake_applicant"),
        {"applicant_id_number": "079123456789"},
        HTTP_HX_REQUEST="true",
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Võ Thị Sáu"' in html and 'id="lookup-found"' in html
    unknown = client.post(
        reverse("backoffice:intake_applicant"),
        {"applicant_id_number": "000000000000", "applicant_full_name": "Typed so far"},
    )
    assert 'id="lookup-new"' in unknown.content.decode()
    assert 'value="Typed so far"' in unknown.content.decode()
    # ID numbers never travel in a URL
    assert client.get(reverse("backoffice:intake_applicant")).status_code == 405


def test_returning_applicant_lookup_without_javascript(client, world):
    counter_intake(world, name="Võ Thị Sáu", id_number="079123456789")
    client.force_login(world.counter)
    data = form_data(world, papers_key(client), applicant_id_number="079123456789")
    data.update(applicant_full_name="", applicant_phone="", _lookup="1")
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Võ Thị Sáu"' in html and 'id="error-summary"' not in html
    assert Dossier.objects.count() == 1  # only the earlier one


def test_procedure_lookup_narrows_the_list_without_diacritics(client, world):
    from motcua.dossiers.tests.conftest import make_procedure

    make_procedure(code="9.000002", implementing=[world.dept], receiving=[world.desk])
    client.force_login(world.counter)
    url = reverse("backoffice:intake_procedures")
    both = client.get(url, {"pq": ""}).content.decode()
    assert 'value="9.000001"' in both and 'value="9.000002"' in both
    one = client.get(url, {"pq": "9.000002"}).content.decode()
    assert 'value="9.000002" selected' in one and 'value="9.000001"' not in one
    by_name = client.get(url, {"pq": "thu nghiem dac biet"}).content.decode()
    assert 'value="9.000001"' in by_name


def test_papers_fragment_for_htmx(client, world):
    client.force_login(world.counter)
    response = client.get(reverse("backoffice:intake_papers"), {"procedure": "9.000001"})
    html = response.content.decode()
    assert 'id="case-field"' in html
    assert 'id="papers" hx-swap-oob="true"' in html
    assert 'data-paper="GT2"' in html
