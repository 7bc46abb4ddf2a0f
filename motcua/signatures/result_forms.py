"""Result templates shaped like the real papers some procedures issue (DOMAIN §2, §8, §15).

A procedure whose national code is listed here issues its result on its own form instead of the
generic result document (signatures/result.html): the birth-registration extract (Trích lục khai
sinh, civil-status forms of the Ministry of Justice), the household-business registration
certificate (Giấy chứng nhận đăng ký hộ kinh doanh, Decree 168/2025 and its forms) and the
certification of a copy from the original (lời chứng "Chứng thực bản sao đúng với bản chính",
Decree 23/2015). Each form names the details the official fills in when preparing the result
(some pre-filled from the dossier); the layouts follow the published forms as we know them:
confirm them against the forms in force before production use.

Pure apart from `gettext_lazy` labels: no ORM, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc

TEXT, DATE, LINES, NUMBER = "text", "date", "lines", "number"


@dataclass(frozen=True)
class Detail:
    """One detail the official fills in; `prefill` reads it from the dossier's applicant."""

    name: str
    label: Promise
    kind: str = TEXT
    required: bool = True
    default: str = ""
    max_length: int = 255
    prefill: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class ResultForm:
    key: str
    title: str  # printed (Vietnamese: the document's language)
    template: str
    procedures: frozenset[str]
    details: tuple[Detail, ...]
    sign_title: str = ""  # the line above the signer's position, if the form has one
    notation_hint: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


def _applicant_name(applicant: Any) -> str:
    return str(getattr(applicant, "full_name", "") or "")


def _applicant_id(applicant: Any) -> str:
    return str(getattr(applicant, "id_number", "") or "")


def _applicant_address(applicant: Any) -> str:
    return str(getattr(applicant, "address", "") or "")


def _copy_book(_applicant: Any) -> str:
    """This year's first book of certified copies ("01/2026-SCT/BS"); the desk may change it."""
    from django.utils import timezone

    return f"01/{timezone.localdate().year}-SCT/BS"


BIRTH_EXTRACT = ResultForm(
    key="birth_extract",
    title="TRÍCH LỤC KHAI SINH",
    template="signatures/results/birth_extract.html",
    procedures=frozenset({"1.001193", "1.004884"}),
    sign_title="NGƯỜI KÝ TRÍCH LỤC",
    notation_hint="12/TLKS",
    details=(
        Detail("full_name", _("Child's full name")),
        Detail("birth_date", _("Date of birth"), kind=DATE),
        Detail("sex", _("Sex"), default="Nam", max_length=10),
        Detail("ethnicity", _("Ethnic group"), default="Kinh", max_length=50),
        Detail("nationality", _("Nationality"), default="Việt Nam", max_length=50),
        Detail("birth_place", _("Place of birth")),
        Detail("home_town", _("Home town"), required=False),
        Detail("personal_id", _("Personal identification number"), required=False, max_length=12),
        Detail("mother_name", _("Mother's full name"), required=False),
        Detail("mother_birth_year", _("Mother's year of birth"), required=False, max_length=4),
        Detail("mother_residence", _("Mother's residence"), required=False),
        Detail("father_name", _("Father's full name"), required=False),
        Detail("father_birth_year", _("Father's year of birth"), required=False, max_length=4),
        Detail("father_residence", _("Father's residence"), required=False),
        Detail("register_book", _("Register book number"), required=False, max_length=30),
    ),
)

HOUSEHOLD_BUSINESS = ResultForm(
    key="household_business",
    title="GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
    template="signatures/results/household_business.html",
    procedures=frozenset({"1.001612", "2.000720", "2.000575"}),
    notation_hint="15/GCN-HKD",
    details=(
        Detail(
            "business_number",
            _("Household business number"),
            max_length=13,
            prefill=_applicant_id,
        ),
        Detail("business_name", _("Name of the household business")),
        Detail("address", _("Business address"), prefill=_applicant_address),
        Detail("phone", _("Telephone"), required=False, max_length=20),
        Detail("business_lines", _("Business lines (one per line, with the VSIC code)"), LINES),
        Detail("capital", _("Business capital (VND)"), kind=NUMBER, max_length=15),
        Detail("owner_name", _("Owner's full name"), prefill=_applicant_name),
        Detail("owner_sex", _("Owner's sex"), default="Nam", max_length=10),
        Detail("owner_birth_date", _("Owner's date of birth"), kind=DATE),
        Detail("owner_ethnicity", _("Owner's ethnic group"), default="Kinh", max_length=50),
        Detail("owner_id", _("Owner's personal identification number"), prefill=_applicant_id),
        Detail("owner_address", _("Owner's address"), prefill=_applicant_address),
        Detail("first_registered", _("First registered on"), kind=DATE, required=False),
        Detail("change_count", _("Registration change number"), required=False, max_length=3),
    ),
)

CERTIFIED_COPY = ResultForm(
    key="certified_copy",
    title="LỜI CHỨNG CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
    template="signatures/results/certified_copy.html",
    procedures=frozenset({"2.000815"}),
    sign_title="NGƯỜI THỰC HIỆN CHỨNG THỰC",
    notation_hint="125",
    details=(
        Detail("paper_name", _("Paper certified (name, number, issuer)"), max_length=500),
        Detail("pages", _("Number of pages"), kind=NUMBER, default="1", max_length=3),
        Detail("copies", _("Number of copies"), kind=NUMBER, default="1", max_length=3),
        Detail("register_book", _("Certification book"), max_length=30, prefill=_copy_book),
        Detail("fee", _("Fee collected (VND)"), kind=NUMBER, required=False, max_length=9),
    ),
)

RESULT_FORMS: tuple[ResultForm, ...] = (BIRTH_EXTRACT, HOUSEHOLD_BUSINESS, CERTIFIED_COPY)


def result_form_for(procedure_code: str) -> ResultForm | None:
    """The result form of the procedure with national code `procedure_code`, if it has one."""
    return next((f for f in RESULT_FORMS if procedure_code in f.procedures), None)


class DetailError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def initial_details(form: ResultForm, applicant: Any) -> dict[str, str]:
    """What the form's details start as: their defaults and what the dossier's applicant says."""
    return {
        d.name: (d.prefill(applicant) if d.prefill is not None and applicant is not None else "")
        or d.default
        for d in form.details
    }


def clean_details(
    form: ResultForm, values: Mapping[str, Any], applicant: Any = None
) -> dict[str, Any]:
    """The details as printed (NFC, dates as dd/mm/yyyy with the date in words where the form
    has it, amounts grouped and in words), or DetailError naming each bad one. A detail left
    out takes its initial value (`initial_details`)."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    initial = initial_details(form, applicant)
    for detail in form.details:
        raw = values.get(detail.name)
        text = nfc(str(raw if raw is not None else "").strip()) or initial[detail.name]
        if "\x00" in text or any(ord(c) < 32 and c not in "\n\r\t" for c in text):
            errors[detail.name] = str(_("contains characters that cannot be printed"))
            continue
        if not text:
            if detail.required:
                errors[detail.name] = str(_("required"))
            out[detail.name] = ""
            continue
        if len(text) > detail.max_length:
            errors[detail.name] = str(_("at most %(n)d characters")) % {"n": detail.max_length}
            continue
        if detail.kind == DATE:
            day = _parse_date(raw if isinstance(raw, dt.date) else text)
            if day is None:
                errors[detail.name] = str(_("a date as dd/mm/yyyy"))
                continue
            out[detail.name] = day.strftime("%d/%m/%Y")
            out[f"{detail.name}_words"] = date_in_words(day)
        elif detail.kind == NUMBER:
            digits = text.replace(".", "").replace(",", "").replace(" ", "")
            if not digits.isdigit():
                errors[detail.name] = str(_("a whole number"))
                continue
            amount = int(digits)
            out[detail.name] = f"{amount:,}".replace(",", ".")
            out[f"{detail.name}_words"] = number_in_words(amount)
        elif detail.kind == LINES:
            out[detail.name] = [line.strip() for line in text.splitlines() if line.strip()]
        else:
            out[detail.name] = text
    if errors:
        raise DetailError(errors)
    return out


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = dt.datetime.strptime(str(value), fmt).date()
        except ValueError:
            continue
        return day if 1900 <= day.year <= 2100 else None
    return None


# --- Vietnamese numbers in words (dates of birth and amounts are written out on these forms) --

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _below_thousand(n: int, *, full: bool) -> str:
    """0 < n < 1000; `full`: a group after a higher one ("không trăm linh năm")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def number_in_words(n: int) -> str:
    """``number_in_words(2026)`` → "hai nghìn không trăm hai mươi sáu"."""
    if n == 0:
        return "không"
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    scales = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        words.append(_below_thousand(group, full=index < len(groups) - 1))
        if scales[index]:
            words.append(scales[index])
    return " ".join(words)


def date_in_words(day: dt.date) -> str:
    """ "ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi sáu" (the extract writes
    the date of birth out in words; days 1–9 are "mùng …", month 4 is "tư")."""
    day_words = number_in_words(day.day)
    if day.day < 10:
        day_words = f"mùng {day_words}"
    month = "tư" if day.month == 4 else number_in_words(day.month)
    return f"ngày {day_words}, tháng {month}, năm {number_in_words(day.year)}"
