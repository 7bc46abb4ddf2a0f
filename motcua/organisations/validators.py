"""Agency identifiers (mã định danh) per QCVN 102:2016 and Decision 20/2020/QĐ-TTg."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# LLL.LL.LL.XNN, read right to left: level-1 body (G central, H province), then levels 2, 3, 4.
AGENCY_CODE_13 = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# Decision 20/2020 allows longer identifiers: up to 35 characters of digits, A–Z and dots.
AGENCY_CODE_LONG = re.compile(r"^[0-9A-Z](?:[0-9A-Z.]{0,33}[0-9A-Z])?$")


def is_valid_agency_code(code: str) -> bool:
    if not code:
        return False
    if AGENCY_CODE_13.match(code):
        return True
    return len(code) > 13 and bool(AGENCY_CODE_LONG.match(code)) and ".." not in code


def validate_agency_code(code: str) -> None:
    if not is_valid_agency_code(code):
        raise ValidationError(
            _(
                "“%(code)s” is not a valid agency code: expected the form LLL.LL.LL.XNN "
                "(for example 000.00.00.H12) or up to 35 digits, capital letters and dots."
            ),
            code="invalid_agency_code",
            params={"code": code},
        )
