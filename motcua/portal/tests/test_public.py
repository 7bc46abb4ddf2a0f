"""Public pages: home, procedure search and page, tracking, statistics."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from motcua.feedback import services as feedback_services
from motcua.feedback.tests.factories import dossier_online, dossier_received, dossier_result_ready
from motcua.procedures.models import Fee, Field, Procedure, ProcedureVersion, RequiredPaper

pytestmark = pytest.mark.django_db


def add_procedure(
    code: str, name: str, *, online_level: str = "full", field: Field | None = None, receiving=()
):
    procedure = Procedure.objects.create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name=name,
        level="commune",
        online_level=online_level,
        legal_basis="Nghị định 01/2021/NĐ-CP",
        steps="Bước 1: nộp hồ sơ.",
    )
    if field is not None:
        version.fields.set([field])
    version.receiving_organisations.set(receiving)
    Procedure.objects.filter(pk=procedure.pk).update(current_version=version)
    return version


def test_home_has_the_search_box(client, world):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/procedures/"' in html and 'name="q"' in html
    assert 'href="/register/"' in html


def test_search_ignores_diacritics_and_ranks_by_relevance(client, world):
    # given
    add_procedure("2.000001", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh")
    add_procedure("2.000002", "Đăng ký hộ kinh doanh")
    add_procedure("2.000003", "Cấp giấy phép xây dựng")
    # when
    response = client.get("/procedures/", {"q": "dang ky ho kinh doanh"})
    # then
    html = response.content.decode()
    names = re.findall(r'class="result-title">([^<]+)<', html)
    assert names == ["Đăng ký hộ kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"]
    assert "2 procedures found" in html


def test_search_d_equals_dj_and_filters(client, world):
    field = Field.objects.create(name="Hộ tịch", code="HT")
    add_procedure("1.000001", "Đăng ký khai sinh", field=field, receiving=[world.desk])
    add_procedure("1.000002", "Đăng ký kết hôn", online_level="information", field=field)
    html = client.get("/procedures/", {"q": "dang ky", "online_level": "full"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Đăng ký kết hôn" not in html
    html = client.get("/procedures/", {"field": str(field.pk)}).content.decode()
    assert "Đăng ký khai sinh" in html and "Đăng ký kết hôn" in html
    html = client.get("/procedures/", {"organisation": world.desk.agency_code}).content.decode()
    assert "Đăng ký khai sinh" in html and "Đăng ký kết hôn" not in html


def test_search_is_paginated(client, world):
    for i in range(25):
        add_procedure(f"3.{i:06d}", f"Thủ tục thử số {i}")
    page1 = client.get("/procedures/", {"q": "thu tuc"}).content.decode()
    page2 = client.get("/procedures/", {"q": "thu tuc", "page": 2}).content.decode()
    assert page1.count('class="result-title"') == 20
    assert page2.count('class="result-title"') == 5
    assert "q=thu+tuc&amp;page=2" in page1


def test_procedure_page_shows_what_a_citizen_needs(client, world):
    # given: the world's procedure, with a fee and a form template
    version = world.version
    Fee.objects.create(version=version, amount=50000, description="Lệ phí cấp phép")
    paper = RequiredPaper.objects.get(case__version=version, code="GT1")
    paper.form_template.save("mau-don.docx", ContentFile(b"PK\x03\x04 form"), save=True)
    # when
    response = client.get(f"/procedures/{version.procedure.code}/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Đơn đề nghị",
        "Bản sao CCCD",
        "5 working days",
        "50,000",
        "Trung tâm PVHCC tỉnh",
        "Submit online",
    ):
        assert text in html, text
    template_url = reverse("portal:paper_template", args=[version.procedure.code, paper.pk])
    assert template_url in html
    download = client.get(template_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")


def test_information_only_procedure_has_no_submit_button(client, world):
    add_procedure("4.000001", "Thủ tục chỉ thông tin", online_level="information")
    html = client.get("/procedures/4.000001/").content.decode()
    assert "Submit online" not in html


def test_unknown_procedure_is_404(client, world):
    assert client.get("/procedures/0.000000/").status_code == 404


def test_tracking_shows_status_and_masked_name_only(client, world):
    # given
    d = dossier_received(world, full_name="Nguyễn Thị Hồng Đào")
    # when
    response = client.get(f"/tracking/{d.code}")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="received"' in html
    assert "Nguyễn T. H. Đ." in html
    for private in ("Nguyễn Thị Hồng Đào", "096188000123", "dao@example.com", "0912345678"):
        assert private not in html
    assert 'id="tracking-steps"' in html and 'aria-current="step"' in html  # the open step
    assert '<meta name="robots" content="noindex">' in html


def test_tracking_path_is_exactly_the_qr_target(client, world):
    from motcua.dossiers.printing import public_tracking_url

    d = dossier_online(world)
    assert public_tracking_url(d.code).endswith(f"/tracking/{d.code}")
    assert reverse("portal:tracking", kwargs={"code": d.code}) == f"/tracking/{d.code}"
    assert client.get(f"/tracking/{d.code}/").status_code == 301


def test_tracking_form_redirects_and_unknown_code_is_404(client, world):
    d = dossier_online(world)
    response = client.get("/tracking/", {"code": f"  {d.code} "})
    assert response.status_code == 302 and response["Location"] == f"/tracking/{d.code}"
    missing = client.get("/tracking/000.00.15.H12-990101-9999")
    assert missing.status_code == 404
    assert 'id="error-summary"' in missing.content.decode()


def test_tracking_api_has_the_same_facts(client, world):
    d = dossier_received(world)
    body = client.get(f"/api/v1/portal/tracking/{d.code}").json()
    assert body["status"] == "received" and body["applicant"] == "Nguyễn T. H. Đ."
    assert "id_number" not in str(body)
    assert client.get("/api/v1/portal/tracking/nope").status_code == 404


def test_statistics_per_receiving_unit(client, world):
    a = dossier_result_ready(world)
    dossier_result_ready(world)
    feedback_services.rating_create(actor=world.citizen, dossier=a, level="very_satisfied")
    response = client.get("/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    row = re.search(rf'<tr data-unit="{re.escape(world.desk.agency_code)}">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = row.group(1)
    assert "<td>2</td>" in cells  # resolved
    assert "100.0%" in cells  # on time (early)
    assert "Very satisfied: 100.0%" in cells


def test_vietnamese_by_default_english_on_request(world):
    from django.test import Client

    vietnamese = Client().get("/")
    assert '<html lang="vi">' in vietnamese.content.decode()
    # an English browser still gets Vietnamese until English is chosen
    browser = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert '<html lang="vi">' in browser.content.decode()
    switched = Client()
    switched.post("/i18n/setlang/", {"language": "en", "next": "/procedures/"})
    assert '<html lang="en">' in switched.get("/procedures/").content.decode()


def test_context_processor_tells_the_login_page_about_oidc(rf, settings):
    from motcua.portal.context_processors import portal

    settings.MOTCUA_OIDC_ENABLED = True
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua"
    settings.MOTCUA_OIDC_LABEL = "VNeID"
    assert portal(rf.get("/")) == {"portal_oidc_enabled": True, "portal_oidc_label": "VNeID"}
    settings.MOTCUA_OIDC_ENABLED = False
    assert portal(rf.get("/"))["portal_oidc_enabled"] is False
