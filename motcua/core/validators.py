"""Field rules, written once: the API's schemas, the forms and the services all use them.

Each `clean_*` function takes what a person typed and returns the value to store, or raises
`FieldError` with a message in the user's language. `form_validator` adapts a rule to a Django
form field; motcua.core.fields adapts them to pydantic (the API's 422).

Sources of the rules:

- ID numbers of individuals (`clean_id_number`). The personal identification number printed on
  the citizen identity card (CCCD, now "thẻ căn cước") has 12 digits, laid out by Circular
  59/2021/TT-BCA, art. 7 (kept by Decree 70/2024/NĐ-CP under the Law on Identity 26/2023/QH15):
  the 3-digit code of the province where the birth was registered (Annex I of the Circular:
  `PROVINCE_CODES` below), 1 digit for the century of birth and sex (0 male / 1 female born
  1900–1999, 2/3 2000–2099, 4/5 2100–2199, 6/7 2200–2299, 8/9 2300–2399), 2 digits for the last
  two digits of the birth year, then 6 random digits. A birth year after this year is refused.
  The old 9-digit identity card (CMND) is no longer valid after 31 December 2024 (Law on Identity
  26/2023/QH15, art. 46(1): "CMND còn thời hạn sử dụng đến sau ngày 31 tháng 12 năm 2024 thì có
  giá trị sử dụng đến hết ngày 31 tháng 12 năm 2024"): it is accepted only for a dossier filed on
  or before that day (a previous system's history loaded with its own time). A number with
  letters is taken as a passport number (a foreigner, or a citizen who shows their passport).
- Organisations: their enterprise code is their tax code (Law on Enterprises 59/2020/QH14,
  art. 29): 10 digits, or 10 + "-" + 3 digits for a dependent unit (a branch); a household
  business is registered under its owner's personal identification number (Decree 168/2025/
  NĐ-CP), so 12 digits checked as above are accepted too.
- Telephone numbers: Vietnamese numbers after the 2017–2018 renumbering (MIC Circular
  22/2014/TT-BTTTT, national numbering plan): mobile numbers are 0 + 9 digits starting with 3, 5,
  7, 8 or 9; fixed lines 0 + 2 + a 2-digit area code and 7 digits (10 digits after the 0). Written
  with 0 or +84; spaces, dots, dashes and brackets are ignored; stored as 0 + the national number.
- Texts: no NUL or other control character (PostgreSQL refuses NUL in text and answered 500),
  no lone surrogate; NFC (one spelling of each Vietnamese letter); stripped; at most the model
  field's `max_length` (`max_length_of`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class FieldError(ValueError):
    """A value a person typed breaks a field rule; `message` is in the user's language."""

    def __init__(self, message: str | _StrPromise) -> None:
        super().__init__(str(message))
        self.message = message


# --- texts ------------------------------------------------------------------------------------

# Line breaks and tabs are allowed in multi-line texts (notes, reasons); nothing else below 0x20,
# no DEL or C1 control, no lone surrogate (it cannot be encoded in UTF-8).
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_character(text: str) -> bool:
    """Whether `text` holds a character no single-line field accepts (NUL included)."""
    return _SINGLE_LINE_BAD.search(text) is not None


def max_length_of(model: type[models.Model], field: str) -> int:
    """The column's length: the limit the database enforces."""
    length = getattr(model._meta.get_field(field), "max_length", None)
    if length is None:
        raise ValueError(f"{model.__name__}.{field} has no max_length")
    return int(length)


def clean_text(value: Any, *, max_length: int | None = None, multiline: bool = False) -> str:
    """NFC, stripped, without control characters, at most `max_length` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(_("expected text"))
    bad = (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(value)
    if bad is not None:
        raise FieldError(_("contains a control character that is not allowed"))
    text = unicodedata.normalize("NFC", value).strip()
    if max_length is not None and len(text) > max_length:
        raise FieldError(
            ngettext_lazy(
                "at most %(max_length)d character", "at most %(max_length)d characters", max_length
            )
            % {"max_length": max_length}
        )
    return text


# --- e-mail and telephone ---------------------------------------------------------------------

EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit; Django's EmailField default


def clean_email(value: Any) -> str:
    text = clean_text(value, max_length=EMAIL_MAX_LENGTH)
    if not text:
        return ""
    try:
        validate_email(text)
    except DjangoValidationError as exc:
        raise FieldError(_("Enter an e-mail address like name@example.com.")) from exc
    return text


PHONE_MAX_LENGTH = 20  # the phone columns (accounts.User.phone, dossiers.Applicant.phone)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^[35789][0-9]{8}$")
_FIXED = re.compile(r"^2[0-9]{9}$")


def clean_phone(value: Any) -> str:
    """A Vietnamese telephone number as 0 + the national number ("" stays "")."""
    text = clean_text(value, max_length=40)
    if not text:
        return ""
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = ""
    if national.startswith("0"):  # +84 0912…: the 0 written twice
        national = national[1:]
    if not (_MOBILE.match(national) or _FIXED.match(national)):
        raise FieldError(_("Enter a telephone number like 0912345678 or +84912345678."))
    return "0" + national


# --- ID numbers -------------------------------------------------------------------------------

# Circular 59/2021/TT-BCA, Annex I: the codes of the provinces and centrally run cities where
# a birth is registered (the first three digits of a personal identification number).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
# Law on Identity 26/2023/QH15, art. 46(1): the 9-digit CMND is valid until the end of 2024.
CMND_VALID_UNTIL = dt.date(2024, 12, 31)
ID_NUMBER_MAX_LENGTH = 20  # the shortest ID column (accounts.User.id_number)

_DIGITS = re.compile(r"^[0-9]+$")
_TAX_CODE = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,20}$")


def cccd_birth_year(number: str) -> int:
    """The birth year a 12-digit personal identification number encodes."""
    century = int(number[3]) // 2
    return 1900 + 100 * century + int(number[4:6])


def check_cccd(number: str, *, today: dt.date | None = None) -> None:
    """Raise FieldError unless `number` is a well-formed 12-digit personal identification
    number (Circular 59/2021/TT-BCA, art. 7)."""
    if len(number) != 12 or not _DIGITS.match(number):
        raise FieldError(_("A citizen ID number has 12 digits."))
    if number[:3] not in PROVINCE_CODES:
        raise FieldError(
            _("The first 3 digits (%(code)s) are not the code of a province.")
            % {"code": number[:3]}
        )
    today = today or timezone.localdate()
    if cccd_birth_year(number) > today.year:
        raise FieldError(
            _("Digits 4 to 6 give a birth year (%(year)d) in the future.")
            % {"year": cccd_birth_year(number)}
        )


def clean_id_number(value: Any, *, kind: str = "individual", on: dt.date | None = None) -> str:
    """An individual's ID number (12-digit CCCD, 9-digit CMND until the end of 2024, or a
    passport number) or an organisation's tax code; `on` is the day the number is used (the
    dossier's filing day; today if not given). Spaces are dropped, letters upper-cased."""
    text = clean_text(value, max_length=40)
    if not text:
        return ""
    number = re.sub(r"[\s.]", "", text).upper()
    today = timezone.localdate()
    on = on or today
    if kind == "organisation":
        if _TAX_CODE.match(number):
            return number
        if len(number) == 12 and _DIGITS.match(number):
            check_cccd(number, today=today)  # a household business: its owner's number
            return number
        raise FieldError(
            _("Enter the enterprise or tax code: 10 digits, or 10 digits, a dash and 3 digits.")
        )
    if _DIGITS.match(number):
        if len(number) == 12:
            check_cccd(number, today=today)
            return number
        if len(number) == 9:
            if on > CMND_VALID_UNTIL:
                raise FieldError(
                    _(
                        "The 9-digit identity card (CMND) is no longer valid since "
                        "1 January 2025: enter the 12-digit citizen ID number."
                    )
                )
            return number
        raise FieldError(_("A citizen ID number has 12 digits."))
    if not _PASSPORT.match(number) or len(number) > ID_NUMBER_MAX_LENGTH:
        raise FieldError(
            _("Enter the 12-digit citizen ID number (or a passport number: letters and digits).")
        )
    return number


# --- amounts and dates ------------------------------------------------------------------------

# Fees and charges in VND: far below the PositiveBigIntegerField's 9.2e18, far above any fee.
MAX_AMOUNT = 1_000_000_000_000


def clean_amount(value: Any, *, maximum: int = MAX_AMOUNT) -> int:
    """A whole amount of VND in [0, maximum]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("expected a whole number"))
    amount: int = value
    if amount < 0:
        raise FieldError(_("must be at least %(limit)s") % {"limit": 0})
    if amount > maximum:
        raise FieldError(
            _("must be at most %(limit)s") % {"limit": f"{maximum:,}".replace(",", ".")}
        )
    return amount


EARLIEST_DAY = dt.date(1900, 1, 1)  # birth dates; nothing the platform records is older
EARLIEST_RECORD_DAY = dt.date(1990, 1, 1)  # dossiers, events, reports: before any one-stop desk
FUTURE_YEARS = 5  # appointments and deadlines: at most this far ahead


def latest_day(years_ahead: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + years_ahead)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years_ahead, day=28)


def clean_date(value: dt.date, *, earliest: dt.date, latest: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < earliest:
        raise FieldError(_("must be on or after %(day)s") % {"day": earliest.strftime("%d/%m/%Y")})
    if day > latest:
        raise FieldError(_("must be on or before %(day)s") % {"day": latest.strftime("%d/%m/%Y")})
    return value


def clean_past_time(value: dt.datetime) -> dt.datetime:
    """When something already happened: from 1990 up to today (no year 9999)."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clean_date(local.date(), earliest=EARLIEST_RECORD_DAY, latest=latest_day())
    return value


def clean_future_time(value: dt.datetime) -> dt.datetime:
    """An appointment or deadline: from 1990 up to FUTURE_YEARS ahead."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clean_date(local.date(), earliest=EARLIEST_RECORD_DAY, latest=latest_day(FUTURE_YEARS))
    return value


# Report periods: the longest the reports are built and measured for (docs/reporting.md: the
# ten years 2016–2025 by organisation or procedure, within the 5-second target).
MAX_PERIOD_DAYS = 3660


def clean_period(date_from: dt.date, date_to: dt.date, *, max_days: int = MAX_PERIOD_DAYS) -> None:
    """Raise FieldError unless [date_from, date_to] is a period of at most `max_days` days."""
    if date_to < date_from:
        raise FieldError(_("before the start of the period"))
    if (date_to - date_from).days + 1 > max_days:
        raise FieldError(_("a period of at most %(years)d years") % {"years": max_days // 366})


# --- adapters ---------------------------------------------------------------------------------


def errors_of(checks: dict[str, Callable[[], Any]]) -> dict[str, str]:
    """Run each named check; the message of each that fails, by field name (for a service's
    ValidationFailed)."""
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except FieldError as exc:
            errors[name] = str(exc.message)
    return errors


def form_validator(rule: Callable[[Any], Any]) -> Callable[[Any], None]:
    """A Django form-field validator from a rule (the rule's cleaning is not kept: use the
    form's clean_<field> for that)."""

    def validate(value: Any) -> None:
        try:
            rule(value)
        except FieldError as exc:
            raise DjangoValidationError(exc.message) from exc

    return validate


def form_clean(rule: Callable[[Any], Any], value: Any) -> Any:
    """The rule's cleaned value, or the form's ValidationError."""
    try:
        return rule(value)
    except FieldError as exc:
        raise DjangoValidationError(exc.message) from exc


# --- Django form fields -----------------------------------------------------------------------


class TextField(forms.CharField):
    """A CharField under `clean_text`: no control characters, NFC, stripped."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return str(form_clean(lambda v: clean_text(v, multiline=self.multiline), text))


class PhoneField(TextField):
    """A Vietnamese telephone number, kept as 0 + the national number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        return str(form_clean(clean_phone, super().to_python(value)))


class EmailField(forms.EmailField):
    """Django's EmailField under `clean_text` (no control character)."""

    def to_python(self, value: Any) -> str:
        return str(form_clean(clean_email, super().to_python(value)))
