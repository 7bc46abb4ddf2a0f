from __future__ import annotations

from typing import Any

import pytest

from motcua.core.errors import NotFound
from motcua.procedures.enums import OnlineLevel, ProcedureLevel, ProcedureStatus
from motcua.procedures.selectors import procedure_get_by_code, procedure_list, search_rank
from motcua.procedures.tests.factories import (
    FieldFactory,
    OrganisationFactory,
    ProcedureFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> dict[str, Any]:
    civil = FieldFactory.create(name="Hộ tịch")
    land = FieldFactory.create(name="Đất đai")
    desk = OrganisationFactory.create(kind="service_centre")
    names = {
        "2.000528": "Đăng ký khai sinh có yếu tố nước ngoài",
        "1.001193": "Đăng ký khai sinh",
        "1.004884": "Đăng ký lại khai sinh",
        "1.000689": "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        "1.000894": "Đăng ký kết hôn",
        "1.012812": "Hòa giải tranh chấp đất đai",
    }
    procedures = {}
    for code, name in names.items():
        procedures[code] = ProcedureFactory.create(
            code=code,
            version__name=name,
            version__fields=[land if "đất" in name else civil],
            version__receiving_organisations=[desk] if code == "1.012812" else None,
            version__level=ProcedureLevel.PROVINCE if code == "1.012812" else "commune",
        )
    ProcedureFactory.create(
        code="1.099999",
        version__name="Đăng ký khai sinh (cũ)",
        version__status=ProcedureStatus.ABOLISHED,
    )
    return {"civil": civil, "land": land, "desk": desk, **procedures}


def codes(procedures: list[Any]) -> list[str]:
    return [p.code for p in procedures]


def test_search_without_diacritics_ranks_the_exact_name_first(catalogue: Any) -> None:
    found = codes(procedure_list(q="dang ky khai sinh"))
    assert found[0] == "1.001193"
    # all words in the name, contiguous before scattered
    assert found == ["1.001193", "2.000528", "1.000689", "1.004884"]


@pytest.mark.parametrize(
    "q", ["Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "đang ky khai sinh", "dang  ky   khai sinh"]
)
def test_search_ignores_case_diacritics_and_d_with_stroke(catalogue: Any, q: str) -> None:
    assert codes(procedure_list(q=q))[0] == "1.001193"


def test_search_d_and_stroke_d_are_the_same(catalogue: Any) -> None:
    assert codes(procedure_list(q="dat dai")) == ["1.012812"]
    assert codes(procedure_list(q="đất đai")) == ["1.012812"]


def test_search_by_code_and_prefix(catalogue: Any) -> None:
    assert codes(procedure_list(q="1.001193")) == ["1.001193"]
    assert codes(procedure_list(q="1.00119")) == ["1.001193"]
    # words still being typed
    assert codes(procedure_list(q="ket ho"))[0] == "1.000894"
    assert procedure_list(q="khong co thu tuc nay") == []


def test_filters(catalogue: Any) -> None:
    assert codes(procedure_list(field=catalogue["land"])) == ["1.012812"]
    assert codes(procedure_list(field="Đất đai")) == ["1.012812"]
    assert codes(procedure_list(field=str(catalogue["land"].pk))) == ["1.012812"]
    assert procedure_list(field="Không có") == []
    assert codes(procedure_list(level="province")) == ["1.012812"]
    assert codes(procedure_list(organisation=catalogue["desk"].agency_code)) == ["1.012812"]
    assert len(procedure_list(online_level=OnlineLevel.FULL)) == 6
    assert procedure_list(online_level=OnlineLevel.PARTIAL) == []
    assert codes(procedure_list(q="khai sinh", level="province")) == []


def test_inactive_procedures_are_hidden_unless_asked(catalogue: Any) -> None:
    assert "1.099999" not in codes(procedure_list(q="khai sinh"))
    assert "1.099999" in codes(procedure_list(q="khai sinh", include_inactive=True))


def test_get_by_code(catalogue: Any) -> None:
    assert procedure_get_by_code("1.001193").current_version.name == "Đăng ký khai sinh"  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        procedure_get_by_code("9.999999")


def test_rank_tiers() -> None:
    assert search_rank("1.001193", "1.001193", "dang ky khai sinh")[0] == 0  # type: ignore[index]
    assert search_rank("khai sinh", "1", "dang ky khai sinh")[0] == 1  # type: ignore[index]
    assert search_rank("kha si", "1", "dang ky khai sinh")[0] == 2  # type: ignore[index]
    assert search_rank("hai", "1", "dang ky khai sinh")[0] == 3  # type: ignore[index]
    assert search_rank("xyz", "1", "dang ky khai sinh") is None
