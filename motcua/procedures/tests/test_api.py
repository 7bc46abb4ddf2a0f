from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.procedures.tests.factories import OrganisationFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "motcua.procedures.tests.urls"


@pytest.fixture
def birth() -> Any:
    desk = OrganisationFactory.create(kind="service_centre", agency_code="000.01.88.H12")
    return ProcedureFactory.create(
        code="1.001193",
        version__name="Đăng ký khai sinh",
        version__cutoff=dt.time(15, 0),
        version__receiving_organisations=[desk],
        version__time_limits__amount=1,
        version__fees=[{"amount": 0, "collected": "none", "description": "Miễn lệ phí"}],
    )


def test_detail_shape(client: Client, birth: Any) -> None:
    response = client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.001193"
    assert body["name"] == "Đăng ký khai sinh"
    assert body["version"] == 1
    assert body["time_limits"] == [
        {"channel": 1, "amount": 1, "unit": "working_days"},
        {"channel": 2, "amount": 1, "unit": "working_days"},
        {"channel": 3, "amount": 1, "unit": "working_days"},
    ]
    assert body["cutoff"] == "15:00"
    assert body["receiving_units"] == ["000.01.88.H12"]
    assert body["level"] == "commune"
    assert body["online_level"] == "full" and body["online_level_national"] == 4
    assert body["fees"] == [
        {
            "channel": None,
            "amount": 0,
            "description": "Miễn lệ phí",
            "collected": "none",
            "exemptions": "",
        }
    ]
    (case,) = body["cases"]
    assert case["is_default"] is True
    assert [p["name"] for p in case["papers"]] == ["Tờ khai", "Giấy tờ tùy thân"]
    assert body["result"]["name"] == "Kết quả thử nghiệm"
    assert {"fields", "legal_basis", "implementing_units", "target_groups"} <= set(body)


def test_unknown_code_is_a_404_in_the_error_shape(client: Client, birth: Any) -> None:
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]
    assert isinstance(error["fields"], dict)


def test_list_search_and_pagination(client: Client, birth: Any) -> None:
    for i in range(3):
        ProcedureFactory.create(code=f"1.00000{i}", version__name=f"Đăng ký khai sinh lần {i}")
    response = client.get("/api/v1/procedures", {"q": "dang ky khai sinh", "page_size": "2"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4 and body["page"] == 1 and body["page_size"] == 2
    assert body["items"][0]["code"] == "1.001193"
    assert len(body["items"]) == 2
    page2 = client.get(
        "/api/v1/procedures", {"q": "dang ky khai sinh", "page_size": "2", "page": "2"}
    )
    assert len(page2.json()["items"]) == 2
    assert client.get("/api/v1/procedures", {"page": 9}).json()["items"] == []


def test_list_rejects_bad_parameters_in_the_error_shape(client: Client, birth: Any) -> None:
    response = client.get("/api/v1/procedures", {"level": "hamlet"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert client.get("/api/v1/procedures", {"page_size": 1000}).status_code == 422


def test_fields_list(client: Client, birth: Any) -> None:
    response = client.get("/api/v1/procedures/fields")
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_list_filters(client: Client, birth: Any) -> None:
    ProcedureFactory.create(code="2.000488", version__level="province")
    body = client.get("/api/v1/procedures", {"level": "province"}).json()
    assert [item["code"] for item in body["items"]] == ["2.000488"]
    body = client.get("/api/v1/procedures", {"organisation": "000.01.88.H12"}).json()
    assert [item["code"] for item in body["items"]] == ["1.001193"]
    assert client.get("/api/v1/procedures", {"online_level": "partial"}).json()["count"] == 0
