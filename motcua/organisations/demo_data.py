"""The Cà Mau demo agency tree, as data (no database access here).

Codes follow QCVN 102:2016, `LLL.LL.LL.XNN` read right to left: `H12` is the province, the
next group a unit directly under it, the one before that a unit under that one. Real codes are
unknown for everything but the province, so the others are generated, stable between runs and
flagged `agency_code_is_demo`:

- provincial bodies, in the order of `data/camau_departments.csv`: 000.00.01.H12 … 000.00.16.H12
- communes and wards, in the order of `data/camau_communes.csv`: 000.00.20.H12 … 000.00.83.H12
- a unit under one of those (NN): 000.MM.NN.H12; each commune's service centre is MM = 01
- districts abolished on 1 July 2025: 000.00.90.H12 upwards (000.00.90.H05 under old Bạc Liêu)
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from motcua.core.text import nfc
from motcua.organisations.enums import OrganisationKind

DATA_DIR = Path(__file__).resolve().parent / "data"

PROVINCE_CODE = "000.00.00.H12"  # DOMAIN §1: believed to be Cà Mau's code (confirm)
PROVINCE_NAME = "Ủy ban nhân dân tỉnh Cà Mau"
# Two-tier local government and the merged province from 1 July 2025 (Resolutions
# 202/2025/QH15 and 1655/NQ-UBTVQH15); the units they abolished existed until the day before.
REFORM_DAY = dt.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = dt.date(2025, 6, 30)

FIRST_COMMUNE_NUMBER = 20
FIRST_DISTRICT_NUMBER = 90
CENTRE_NUMBER = 1  # the commune's service centre, under commune NN: 000.01.NN.H12

# (name, short name, name of the provincial body it belongs to)
DEPARTMENT_DIVISIONS: tuple[tuple[str, str, str], ...] = (
    ("Phòng Đăng ký kinh doanh", "Phòng ĐKKD", "Sở Tài chính tỉnh Cà Mau"),
    # A public service unit rather than a division, but the tree has no finer kind for it.
    ("Văn phòng đăng ký đất đai", "VP ĐKĐĐ", "Sở Nông nghiệp và Môi trường tỉnh Cà Mau"),
)
# Communes (CSV names) that get internal divisions in the demo.
COMMUNES_WITH_DIVISIONS: tuple[str, ...] = ("An Xuyên", "Bạc Liêu", "An Trạch")


@dataclass(frozen=True)
class DemoUnit:
    agency_code: str
    name: str
    kind: str
    short_name: str = ""
    parent_code: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    runs_one_stop_desk: bool = False
    agency_code_is_demo: bool = True
    serves: tuple[str, ...] = ()  # agency codes the desk receives dossiers for


def agency_code(*, level2: int, level3: int = 0, level4: int = 0, body: str = "H12") -> str:
    return f"{level4:03d}.{level3:02d}.{level2:02d}.{body}"


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: nfc(v).strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _is_service_centre(row: dict[str, str]) -> bool:
    return row["name"].startswith("Trung tâm Phục vụ hành chính công")


def demo_units() -> list[DemoUnit]:
    """Every demo unit, parents before children."""
    province = DemoUnit(
        agency_code=PROVINCE_CODE,
        name=PROVINCE_NAME,
        short_name="UBND tỉnh Cà Mau",
        kind=OrganisationKind.PROVINCE,
        agency_code_is_demo=False,
    )
    units: list[DemoUnit] = [province]

    departments = _read_csv("camau_departments.csv")
    department_codes = {
        row["name"]: agency_code(level2=number) for number, row in enumerate(departments, start=1)
    }
    plain_departments = [
        department_codes[r["name"]] for r in departments if not _is_service_centre(r)
    ]
    for row in departments:
        centre = _is_service_centre(row)
        units.append(
            DemoUnit(
                agency_code=department_codes[row["name"]],
                name=row["name"],
                short_name=row["short_name"],
                kind=OrganisationKind.SERVICE_CENTRE if centre else OrganisationKind.DEPARTMENT,
                parent_code=PROVINCE_CODE,
                runs_one_stop_desk=centre,
                # The provincial centre receives for the bodies of the province and for the
                # Provincial People's Committee itself.
                serves=(PROVINCE_CODE, *plain_departments) if centre else (),
            )
        )
    divisions_so_far: dict[str, int] = {}
    for name, short_name, department in DEPARTMENT_DIVISIONS:
        level2 = int(department_codes[department].split(".")[2])
        divisions_so_far[department] = number = divisions_so_far.get(department, 0) + 1
        units.append(
            DemoUnit(
                agency_code=agency_code(level2=level2, level3=number),
                name=name,
                short_name=short_name,
                kind=OrganisationKind.DIVISION,
                parent_code=department_codes[department],
            )
        )

    for offset, row in enumerate(_read_csv("camau_communes.csv")):
        number = FIRST_COMMUNE_NUMBER + offset
        ward = row["type"] == "phuong"
        level = "phường" if ward else "xã"
        place = f"{level} {row['name']}"
        code = agency_code(level2=number)
        units.append(
            DemoUnit(
                agency_code=code,
                name=f"Ủy ban nhân dân {place}",
                short_name=f"UBND {place}",
                kind=OrganisationKind.COMMUNE,
                parent_code=PROVINCE_CODE,
                valid_from=REFORM_DAY,
            )
        )
        units.append(
            DemoUnit(
                agency_code=agency_code(level2=number, level3=CENTRE_NUMBER),
                name=f"Trung tâm Phục vụ hành chính công {place}",
                short_name=f"TTPVHCC {place}",
                kind=OrganisationKind.SERVICE_CENTRE,
                parent_code=code,
                valid_from=REFORM_DAY,
                runs_one_stop_desk=True,
                serves=(code,),
            )
        )
        if row["name"] in COMMUNES_WITH_DIVISIONS:
            economy = "Phòng Kinh tế, Hạ tầng và Đô thị" if ward else "Phòng Kinh tế"
            for level3, division, short_name in (
                (CENTRE_NUMBER + 1, "Phòng Văn hóa - Xã hội", "Phòng VH-XH"),
                (CENTRE_NUMBER + 2, economy, "Phòng KT-HT-ĐT" if ward else "Phòng KT"),
            ):
                units.append(
                    DemoUnit(
                        agency_code=agency_code(level2=number, level3=level3),
                        name=f"{division} {place}",
                        short_name=short_name,
                        kind=OrganisationKind.DIVISION,
                        parent_code=code,
                        valid_from=REFORM_DAY,
                    )
                )

    old_bac_lieu = agency_code(level2=0, body="H05")
    units += [
        DemoUnit(
            agency_code=old_bac_lieu,
            name="Ủy ban nhân dân tỉnh Bạc Liêu",
            short_name="UBND tỉnh Bạc Liêu",
            kind=OrganisationKind.PROVINCE,
            valid_to=LAST_DAY_BEFORE_REFORM,
        ),
        DemoUnit(
            agency_code=agency_code(level2=FIRST_DISTRICT_NUMBER, body="H05"),
            name="Ủy ban nhân dân thành phố Bạc Liêu",
            short_name="UBND thành phố Bạc Liêu",
            kind=OrganisationKind.DISTRICT,
            parent_code=old_bac_lieu,
            valid_to=LAST_DAY_BEFORE_REFORM,
        ),
    ]
    for number, place in enumerate(("huyện Đầm Dơi", "thành phố Cà Mau"), FIRST_DISTRICT_NUMBER):
        units.append(
            DemoUnit(
                agency_code=agency_code(level2=number),
                name=f"Ủy ban nhân dân {place}",
                short_name=f"UBND {place}",
                kind=OrganisationKind.DISTRICT,
                parent_code=PROVINCE_CODE,
                valid_to=LAST_DAY_BEFORE_REFORM,
            )
        )
    return units
