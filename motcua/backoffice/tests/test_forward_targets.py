"""The "forward to" list of the dossier page: grouped, in Vietnamese alphabetical order, without
the unit that holds the dossier."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import OrgFactory
from motcua.backoffice.forms import (
    COMMUNE_UNITS,
    COMMUNES,
    PROVINCIAL_AGENCIES,
    ForwardForm,
    vietnamese_sort_key,
)
from motcua.backoffice.tests.conftest import counter_intake
from motcua.organisations.enums import OrganisationKind

pytestmark = pytest.mark.django_db

K = OrganisationKind


@pytest.fixture
def more_units(world: Any) -> dict[str, Any]:
    """Units created in an order (and so primary keys and paths) unlike their names'."""
    ward = OrgFactory(name="Ủy ban nhân dân phường An Xuyên", kind=K.COMMUNE, parent=world.province)
    commune = OrgFactory(name="Ủy ban nhân dân xã Đất Mũi", kind=K.COMMUNE, parent=world.province)
    other_ward = OrgFactory(
        name="Ủy ban nhân dân phường Bạc Liêu", kind=K.COMMUNE, parent=world.province
    )
    return {
        "ward": ward,
        "commune": commune,
        "other_ward": other_ward,
        "ward_centre": OrgFactory(
            name="Trung tâm Phục vụ hành chính công phường An Xuyên",
            kind=K.SERVICE_CENTRE,
            parent=ward,
        ),
        "division": OrgFactory(
            name="Phòng Văn hóa - Xã hội phường An Xuyên", kind=K.DIVISION, parent=ward
        ),
        "police": OrgFactory(name="Công an tỉnh Cà Mau", parent=world.province),
        "board": OrgFactory(name="Ban Quản lý Khu kinh tế tỉnh Cà Mau", parent=world.province),
        "office": OrgFactory(name="Văn phòng Ủy ban nhân dân tỉnh", parent=world.province),
        "closed": OrgFactory(
            name="Ủy ban nhân dân huyện Đầm Dơi",
            kind=K.DISTRICT,
            parent=world.province,
            valid_to="2025-06-30",
        ),
    }


def groups(form: ForwardForm) -> list[tuple[str, list[str]]]:
    """[(group label, [unit names])] as the <select> shows them, after the empty choice."""
    choices = list(form.fields["to_unit"].choices)
    assert choices[0][0] == ""
    return [
        (label, [name.rsplit(" (", 1)[0] for _value, name in units]) for label, units in choices[1:]
    ]


def test_units_are_grouped_and_sorted_by_level_then_vietnamese_name(
    world: Any, more_units: dict[str, Any]
) -> None:
    # given: a dossier at the department's appraisal step
    dossier = counter_intake(world)
    assert dossier.current_unit == world.dept

    # when
    shown = groups(ForwardForm(prefix="forward", dossier=dossier))

    # then: the department holding the dossier is not offered, nor the closed district
    assert shown == [
        (
            str(PROVINCIAL_AGENCIES),
            [
                "UBND tỉnh",
                "Ban Quản lý Khu kinh tế tỉnh Cà Mau",
                "Công an tỉnh Cà Mau",
                "Sở Xây dựng",
                "Trung tâm PVHCC tỉnh",
                "Văn phòng Ủy ban nhân dân tỉnh",
            ],
        ),
        (
            str(COMMUNES),
            [
                "Ủy ban nhân dân phường An Xuyên",
                "Ủy ban nhân dân phường Bạc Liêu",
                "Ủy ban nhân dân xã Đất Mũi",
            ],
        ),
        (
            str(COMMUNE_UNITS),
            [
                "Phòng Văn hóa - Xã hội phường An Xuyên",
                "Trung tâm Phục vụ hành chính công phường An Xuyên",
            ],
        ),
    ]


def test_the_unit_holding_the_dossier_cannot_be_chosen(world: Any) -> None:
    dossier = counter_intake(world)

    form = ForwardForm(
        {"forward-to_unit": str(world.dept.pk), "forward-note": ""},
        prefix="forward",
        dossier=dossier,
    )

    assert not form.is_valid()
    assert "to_unit" in form.errors
    other = ForwardForm({"forward-to_unit": str(world.other.pk)}, prefix="forward", dossier=dossier)
    assert other.is_valid(), other.errors
    assert other.cleaned_data["to_unit"] == world.other


def test_the_dossier_page_shows_the_groups(client: Any, world: Any, more_units: Any) -> None:
    dossier = counter_intake(world)
    client.force_login(world.specialist)

    html = client.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()

    select = re.search(r'<select name="forward-to_unit".*?</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<optgroup label="([^"]+)"', select.group(0)) == [
        str(PROVINCIAL_AGENCIES),
        str(COMMUNES),
        str(COMMUNE_UNITS),
    ]
    assert f'value="{world.dept.pk}"' not in select.group(0)


def test_vietnamese_sort_key() -> None:
    names = [
        "Ủy ban",
        "Sở Y tế",
        "Đầm Dơi",
        "Dân",
        "Ăn",
        "An",
        "Âm",
        "Bạc",
        "Bác",
        "Ba",
        "Ơn",
        "Ôn",
        "On",
        "Ba 10",
        "Ba 2",
    ]

    assert sorted(names, key=vietnamese_sort_key) == [
        "An",
        "Ăn",
        "Âm",
        "Ba",
        "Ba 2",
        "Ba 10",
        "Bác",
        "Bạc",
        "Dân",
        "Đầm Dơi",
        "On",
        "Ôn",
        "Ơn",
        "Sở Y tế",
        "Ủy ban",
    ]
