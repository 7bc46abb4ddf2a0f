from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from motcua.organisations.validators import (
    AGENCY_CODE_13,
    is_valid_agency_code,
    validate_agency_code,
)


@pytest.mark.parametrize(
    "code",
    [
        "000.00.00.H12",  # Cà Mau (believed)
        "000.00.00.G22",  # Government Office
        "000.01.20.H12",
        "123.45.67.Z99",
        "000.00.00.H12.0001",  # longer identifier (Decision 20/2020)
        "A" * 35,
        "0000.00.00.H12",  # not the 13-character form, but a valid long identifier
        "H12." + "1" * 31,
    ],
)
def test_valid_codes(code: str) -> None:
    assert is_valid_agency_code(code)
    validate_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.00.h12",  # lowercase
        "00.000.00.H12",  # wrong groups
        "000.00.0.H12",
        "000.00.00.H1",
        "000-00-00-H12",
        "A" * 36,  # 36 characters
        "H12." + "1" * 32,
        ".000.00.00.H12",
        "000.00.00.H12.",
        "000..00.00.H12",
        " 000.00.00.H12",
        "000.00.00.H12 ",
        "000.00.00.Ħ12",
    ],
)
def test_invalid_codes(code: str) -> None:
    assert not is_valid_agency_code(code)
    with pytest.raises(ValidationError) as exc:
        validate_agency_code(code)
    assert exc.value.code == "invalid_agency_code"


@given(st.from_regex(AGENCY_CODE_13, fullmatch=True))
def test_every_13_character_code_matching_the_pattern_is_valid(code: str) -> None:
    assert is_valid_agency_code(code)


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.", min_size=14, max_size=40))
def test_long_codes_follow_the_length_and_dot_rules(code: str) -> None:
    expected = (
        len(code) <= 35 and not code.startswith(".") and not code.endswith(".") and ".." not in code
    )
    assert is_valid_agency_code(code) == expected


@given(st.text(min_size=1, max_size=40).filter(lambda s: any(c.islower() for c in s)))
def test_lowercase_is_never_valid(code: str) -> None:
    assert not is_valid_agency_code(code)
