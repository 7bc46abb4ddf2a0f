"""API v1 /reports: shape, authentication, scopes, parameter errors."""

from __future__ import annotations

import pytest

from motcua.accounts.services import api_token_create
from motcua.reporting.one_stop import COLUMN_NAMES
from motcua.reporting.tests.scenario import DESK_EXPECTED, build_march

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/one-stop"
MARCH = {"from": "2027-03-01", "to": "2027-03-31"}


@pytest.fixture
def march(rworld):
    return build_march(rworld)


def test_one_stop_shape_with_a_token(client, rworld, march):
    # given
    _token, key = api_token_create(username=rworld.admin.username)
    # when
    response = client.get(
        URL, {**MARCH, "group_by": "organisation"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"rows", "total"}
    assert body["period"] == {"from": "2027-03-01", "to": "2027-03-31"}
    desk = next(row for row in body["rows"] if row["key"] == "000.00.15.H12")
    assert desk["name"] == "Trung tâm PVHCC tỉnh"
    assert {k: desk[k] for k in COLUMN_NAMES} == DESK_EXPECTED
    assert set(body["total"]) == set(COLUMN_NAMES)


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"from", "to"}),
        ({"from": "2027-13-01", "to": "2027-03-31"}, {"from"}),
        ({"from": "2027-03-31", "to": "2027-03-01"}, {"to"}),
        ({**MARCH, "group_by": "colour"}, {"group_by"}),
        ({**MARCH, "unit": "999.99.99.Z99"}, {"unit"}),
    ],
)
def test_bad_parameters_answer_422_with_fields(client, rworld, params, fields):
    client.force_login(rworld.admin)
    response = client.get(URL, params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields


def test_anonymous_and_citizens_are_refused(client, rworld):
    assert client.get(URL, MARCH).status_code == 401
    client.force_login(rworld.citizen)
    response = client.get(URL, MARCH)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("admin", {"000.00.15.H12", "000.01.20.H12"}),
        ("viewer", {"000.00.15.H12", "000.01.20.H12"}),  # report viewer at the province
        ("specialist", {"000.00.15.H12"}),  # the department: the dossiers it processes
        ("counter", {"000.00.15.H12"}),
        ("ward_leader", {"000.01.20.H12"}),  # a leader: the ward and its desk
        ("ward_counter", {"000.01.20.H12"}),
        ("outsider", set()),
    ],
)
def test_each_official_sees_own_scope(client, rworld, march, user, expected):
    client.force_login(getattr(rworld, user))
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    assert {row["key"] for row in response.json()["rows"]} == expected


def test_a_unit_outside_the_scope_is_forbidden(client, rworld, march):
    client.force_login(rworld.ward_leader)
    response = client.get(URL, {**MARCH, "unit": "000.00.15.H12"})
    assert response.status_code == 403
    assert "unit" in response.json()["error"]["fields"]
    assert client.get(URL, {**MARCH, "unit": "000.00.20.H12"}).status_code == 200


def test_index766_savings_and_dashboard_endpoints(client, rworld, march):
    client.force_login(rworld.admin)
    index = client.get("/api/v1/reports/index766", MARCH).json()
    assert [i["code"] for i in index["indicators"]] == [
        "2.1",
        "2.2",
        "3.1",
        "3.3",
        "3.6",
        "4.1",
        "4.2",
        "4.3",
        "5.4",
    ]
    for item in index["indicators"]:
        assert set(item) >= {
            "numerator",
            "denominator",
            "rate",
            "threshold",
            "points",
            "score",
            "drill",
        }
    assert index["trend"][0]["month"] == "2027-03"
    assert "estimated_saving" in index["savings"]
    savings = client.get("/api/v1/reports/savings", MARCH).json()
    assert savings["online_dossiers"] == 1
    assert savings["estimated_saving"] == savings["default_assumption"]["saving_per_dossier"]
    dashboard = client.get("/api/v1/reports/dashboard", MARCH).json()
    assert dashboard["summary"]["received"] == 11
    assert client.get("/api/v1/reports/index766", {"from": "x"}).status_code == 422
