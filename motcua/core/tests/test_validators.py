"""The field rules (motcua.core.validators): one test per rule and its source."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from motcua.core import validators as v
from motcua.core.validators import FieldError

TODAY = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today_in_english():  # type: ignore[no-untyped-def]
    with time_machine.travel(TODAY, tick=False), translation.override("en"):
        yield


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07b", "line\nbreak", "tab\there", "\x85", "\ud800"])
def test_single_line_text_refuses_control_characters(bad):
    with pytest.raises(FieldError):
        v.clean_text(bad, max_length=100)


def test_multi_line_text_keeps_line_breaks_but_not_nul():
    assert v.clean_text("  một\r\nhai\tba ", multiline=True) == "một\r\nhai\tba"
    with pytest.raises(FieldError):
        v.clean_text("một\x00", multiline=True)


def test_text_is_nfc_stripped_and_at_most_the_column_length():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed with combining marks
    assert v.clean_text(f"  {decomposed} ", max_length=6) == "Nguyễn"
    with pytest.raises(FieldError, match="255"):
        v.clean_text("a" * 256, max_length=255)


def test_max_length_comes_from_the_model_field():
    from motcua.dossiers.models import Applicant

    assert v.max_length_of(Applicant, "phone") == 20
    assert v.max_length_of(Applicant, "full_name") == 255


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 (0) 912345678", "0912345678"),
        ("0290 3831 234", "02903831234"),  # Cà Mau fixed line: 0290 + 7 digits
        ("", ""),
    ],
)
def test_vietnamese_phone_numbers_are_stored_as_0_and_the_national_number(typed, stored):
    assert v.clean_phone(typed) == stored


@pytest.mark.parametrize(
    "bad",
    [
        "0" * 21,  # today a 500 on PostgreSQL
        "091234567",  # 8 digits after the 0
        "09123456789",  # a mobile number with 10 digits after the 0
        "84912345678",  # no + and no 0
        "0112345678",  # no network starts with 1
        "091234567a",
        "+1 202 555 0100",
    ],
)
def test_malformed_phone_numbers_are_refused(bad):
    with pytest.raises(FieldError):
        v.clean_phone(bad)


def test_email():
    assert v.clean_email(" an.nguyen@example.com ") == "an.nguyen@example.com"
    for bad in ("an.nguyen", "a@b@c", "x@example.com\x00", "a" * 250 + "@example.com"):
        with pytest.raises(FieldError):
            v.clean_email(bad)


def test_the_province_codes_are_the_63_of_circular_59_2021():
    assert len(v.PROVINCE_CODES) == 63
    assert v.PROVINCE_CODES["096"] == "Cà Mau" and v.PROVINCE_CODES["001"] == "Hà Nội"
    assert all("001" <= code <= "096" for code in v.PROVINCE_CODES)


@pytest.mark.parametrize(
    "number",
    [
        "096099001122",  # Cà Mau, male, 1999
        "096188000123",  # Cà Mau, female, 1988
        "001200000001",  # Hà Nội, male, 2000
        "079326123456",  # Hồ Chí Minh, female, 2026 (this year)
        " 096 099 001 122 ",
    ],
)
def test_valid_citizen_id_numbers(number):
    assert v.clean_id_number(number) == number.replace(" ", "")


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("09609900112", "12 digits"),
        ("0960990011223", "12 digits"),
        ("097099001122", "097"),  # no province has code 097
        ("003099001122", "003"),  # nor 003
        ("096227001122", "2027"),  # born next year
        ("096499001122", "2199"),  # century digit 4: the 2100s
    ],
)
def test_invalid_citizen_id_numbers(number, why):
    with pytest.raises(FieldError, match=why):
        v.clean_id_number(number)


def test_the_9_digit_cmnd_is_accepted_only_for_a_day_before_2025():
    assert v.clean_id_number("381234567", on=dt.date(2024, 12, 31)) == "381234567"
    with pytest.raises(FieldError, match="CMND"):
        v.clean_id_number("381234567", on=dt.date(2025, 1, 1))
    with pytest.raises(FieldError, match="CMND"):
        v.clean_id_number("381234567")  # today


def test_passport_and_organisation_numbers():
    assert v.clean_id_number("b1234567") == "B1234567"
    assert v.clean_id_number("2000123456", kind="organisation") == "2000123456"
    assert v.clean_id_number("2000123456-001", kind="organisation") == "2000123456-001"
    assert v.clean_id_number("096099001122", kind="organisation") == "096099001122"
    for bad in ("20001234", "2000123456-1", "ABC"):
        with pytest.raises(FieldError):
            v.clean_id_number(bad, kind="organisation")
    with pytest.raises(FieldError):
        v.clean_id_number("B1234567\x00")


def test_amounts():
    assert v.clean_amount(0) == 0 and v.clean_amount(v.MAX_AMOUNT) == v.MAX_AMOUNT
    for bad in (-1, v.MAX_AMOUNT + 1, 2**63, True, 1.5):
        with pytest.raises(FieldError):
            v.clean_amount(bad)


def test_times_are_within_a_sane_range():
    tz = dt.UTC
    assert v.clean_past_time(dt.datetime(2020, 1, 1, tzinfo=tz))
    for bad in (dt.datetime(9999, 12, 31, tzinfo=tz), dt.datetime(1, 1, 1, tzinfo=tz)):
        with pytest.raises(FieldError):
            v.clean_past_time(bad)
    assert v.clean_future_time(dt.datetime(2030, 1, 1, tzinfo=tz))
    with pytest.raises(FieldError):
        v.clean_future_time(dt.datetime(9999, 1, 1, tzinfo=tz))


def test_report_periods_are_at_most_ten_years():
    v.clean_period(dt.date(2016, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(FieldError):
        v.clean_period(dt.date(1990, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(FieldError):
        v.clean_period(dt.date(2025, 2, 1), dt.date(2025, 1, 1))
