"""Field messages of the API's validation errors in the active language.

pydantic describes each error in English (`msg`) and by a stable `type` with its context
(`ctx`: the expected values, the minimum length...). The API's error shape carries, for each
field, a message built from the type and the context through gettext, so that `fields` speak
the same language as the top-level `message`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _number(value: Any) -> str:
    """A bound as people write it: 0 rather than pydantic's 0.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _choices(expected: Any) -> str:
    """pydantic's "1, 2 or 3" / "'a' or 'b'" as a plain list, without the English "or"."""
    return ", ".join(part for part in re.split(r", | or ", str(expected)) if part)


def _required(ctx: Mapping[str, Any]) -> str:
    return _("required")


def _not_allowed(ctx: Mapping[str, Any]) -> str:
    return _("not allowed")


def _text(ctx: Mapping[str, Any]) -> str:
    return _("expected text")


def _text_too_short(ctx: Mapping[str, Any]) -> str:
    n = int(ctx.get("min_length", 1))
    return ngettext(
        "at least %(min_length)d character", "at least %(min_length)d characters", n
    ) % {"min_length": n}


def _text_too_long(ctx: Mapping[str, Any]) -> str:
    n = int(ctx.get("max_length", 0))
    return ngettext("at most %(max_length)d character", "at most %(max_length)d characters", n) % {
        "max_length": n
    }


def _pattern(ctx: Mapping[str, Any]) -> str:
    return _("not in the expected format")


def _whole_number(ctx: Mapping[str, Any]) -> str:
    return _("expected a whole number")


def _number_expected(ctx: Mapping[str, Any]) -> str:
    return _("expected a number")


def _boolean(ctx: Mapping[str, Any]) -> str:
    return _("expected true or false")


def _one_of(ctx: Mapping[str, Any]) -> str:
    return _("expected one of: %(expected)s") % {"expected": _choices(ctx.get("expected", ""))}


def _greater_than(ctx: Mapping[str, Any]) -> str:
    return _("must be greater than %(limit)s") % {"limit": _number(ctx.get("gt"))}


def _at_least(ctx: Mapping[str, Any]) -> str:
    return _("must be at least %(limit)s") % {"limit": _number(ctx.get("ge"))}


def _less_than(ctx: Mapping[str, Any]) -> str:
    return _("must be less than %(limit)s") % {"limit": _number(ctx.get("lt"))}


def _at_most(ctx: Mapping[str, Any]) -> str:
    return _("must be at most %(limit)s") % {"limit": _number(ctx.get("le"))}


def _multiple_of(ctx: Mapping[str, Any]) -> str:
    return _("must be a multiple of %(multiple)s") % {"multiple": _number(ctx.get("multiple_of"))}


def _json(ctx: Mapping[str, Any]) -> str:
    return _("invalid JSON")


def _datetime(ctx: Mapping[str, Any]) -> str:
    return _("expected a date and time like 2025-03-01T09:00:00+07:00")


def _date(ctx: Mapping[str, Any]) -> str:
    return _("expected YYYY-MM-DD")


def _time(ctx: Mapping[str, Any]) -> str:
    return _("expected a time like 09:00")


def _list(ctx: Mapping[str, Any]) -> str:
    return _("expected a list")


def _object(ctx: Mapping[str, Any]) -> str:
    return _("expected an object")


def _too_few(ctx: Mapping[str, Any]) -> str:
    n = int(ctx.get("min_length", 1))
    return ngettext("at least %(min_length)d item", "at least %(min_length)d items", n) % {
        "min_length": n
    }


def _too_many(ctx: Mapping[str, Any]) -> str:
    n = int(ctx.get("max_length", 0))
    return ngettext("at most %(max_length)d item", "at most %(max_length)d items", n) % {
        "max_length": n
    }


def _uuid(ctx: Mapping[str, Any]) -> str:
    return _("expected a UUID")


def _invalid(ctx: Mapping[str, Any]) -> str:
    return _("invalid value")


def _field_rule(ctx: Mapping[str, Any]) -> str:
    """motcua.core.fields: the rule's own message, already in the active language."""
    return str(ctx.get("message") or _("invalid value"))


# pydantic_core's error types (https://docs.pydantic.dev/latest/errors/validation_errors/).
_BY_TYPE: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": _required,
    "missing_argument": _required,
    "missing_keyword_only_argument": _required,
    "missing_positional_only_argument": _required,
    "extra_forbidden": _not_allowed,
    "unexpected_keyword_argument": _not_allowed,
    "unexpected_positional_argument": _not_allowed,
    "string_type": _text,
    "string_sub_type": _text,
    "string_unicode": _text,
    "string_too_short": _text_too_short,
    "string_too_long": _text_too_long,
    "string_pattern_mismatch": _pattern,
    "int_type": _whole_number,
    "int_parsing": _whole_number,
    "int_parsing_size": _whole_number,
    "int_from_float": _whole_number,
    "float_type": _number_expected,
    "float_parsing": _number_expected,
    "decimal_type": _number_expected,
    "decimal_parsing": _number_expected,
    "finite_number": _number_expected,
    "bool_type": _boolean,
    "bool_parsing": _boolean,
    "literal_error": _one_of,
    "enum": _one_of,
    "greater_than": _greater_than,
    "greater_than_equal": _at_least,
    "less_than": _less_than,
    "less_than_equal": _at_most,
    "multiple_of": _multiple_of,
    "json_invalid": _json,
    "json_type": _json,
    "datetime_type": _datetime,
    "datetime_parsing": _datetime,
    "datetime_from_date_parsing": _datetime,
    "datetime_object_invalid": _datetime,
    "timezone_aware": _datetime,
    "timezone_naive": _datetime,
    "date_type": _date,
    "date_parsing": _date,
    "date_from_datetime_parsing": _date,
    "date_from_datetime_inexact": _date,
    "time_type": _time,
    "time_parsing": _time,
    "list_type": _list,
    "tuple_type": _list,
    "set_type": _list,
    "frozen_set_type": _list,
    "iterable_type": _list,
    "dict_type": _object,
    "model_type": _object,
    "model_attributes_type": _object,
    "dataclass_type": _object,
    "dataclass_exact_type": _object,
    "too_short": _too_few,
    "too_long": _too_many,
    "uuid_type": _uuid,
    "uuid_parsing": _uuid,
    "motcua_field": _field_rule,
}


def validation_message(error: Mapping[str, Any]) -> str:
    """The message of one pydantic (or django-ninja) error in the active language; "invalid
    value" for a type without its own message."""
    describe = _BY_TYPE.get(str(error.get("type", "")), _invalid)
    ctx = error.get("ctx") or {}
    try:
        return describe(ctx)
    except (TypeError, ValueError):  # a context value of an unexpected shape
        return _invalid(ctx)
