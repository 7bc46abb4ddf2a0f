from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.procedures.enums import Channel, OnlineLevel, ProcedureLevel
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.services import procedures_load_demo

pytestmark = pytest.mark.django_db


def test_demo_catalogue(camau: Any) -> None:
    # when
    result = procedures_load_demo()
    # then: every row with a national code, none invented
    assert result["procedures"] == 42 and result["created"] == 42
    assert result["skipped_without_code"] == 7
    assert result["missing_organisations"] == []
    assert result["fields"] == 15
    assert Procedure.objects.count() == 42
    assert not Procedure.objects.filter(code="").exists()

    birth = Procedure.objects.get(code="1.001193").current_version
    assert birth is not None
    assert birth.level == ProcedureLevel.COMMUNE
    assert birth.online_level == OnlineLevel.FULL
    assert set(birth.implementing_organisations.all()) == set(camau.communes)
    assert set(birth.receiving_organisations.all()) == set(camau.commune_centres)
    assert [(t.channel, t.amount, t.unit) for t in birth.time_limits.order_by("channel")] == [
        (1, 1, "working_days"),
        (2, 1, "working_days"),
        (3, 1, "working_days"),
    ]
    assert birth.fee_for(Channel.ONLINE).amount == 0  # type: ignore[union-attr]
    assert birth.default_case().papers.count() == 3  # type: ignore[union-attr]

    record = Procedure.objects.get(code="2.000488").current_version
    assert record is not None
    assert list(record.implementing_organisations.all()) == [camau.justice]
    assert list(record.receiving_organisations.all()) == [camau.centre]
    assert record.fee_for(1).amount == 200000  # type: ignore[union-attr]

    land = Procedure.objects.get(code="1.012784").current_version
    assert land is not None and list(land.implementing_organisations.all()) == [camau.agriculture]

    household = Procedure.objects.get(code="1.001612").current_version
    assert household is not None and household.cutoff == dt.time(15, 0)
    assert household.online_level == OnlineLevel.INFORMATION

    residence = Procedure.objects.get(code="1.004194").current_version
    assert residence is not None
    assert residence.fee_for(Channel.ONLINE).amount == 7000  # type: ignore[union-attr]
    assert residence.fee_for(Channel.COUNTER).amount == 15000  # type: ignore[union-attr]

    partial = Procedure.objects.get(code="1.000894").current_version
    assert partial is not None and partial.online_level == OnlineLevel.PARTIAL
    # conditional papers ("nếu ...") are optional
    marriage_papers = partial.default_case().papers.all()  # type: ignore[union-attr]
    assert [p.required for p in marriage_papers] == [True, True, False]


def test_demo_is_idempotent(camau: Any) -> None:
    procedures_load_demo()
    versions = ProcedureVersion.objects.count()
    again = procedures_load_demo()
    assert again["unchanged"] == 42 and again["created"] == 0 and again["updated"] == 0
    assert ProcedureVersion.objects.count() == versions


def test_demo_without_organisations_reports_them(db: None) -> None:
    result = procedures_load_demo()
    assert result["procedures"] == 42
    assert "commune People's Committees" in result["missing_organisations"]
