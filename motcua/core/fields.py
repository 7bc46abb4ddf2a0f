"""The field rules of motcua.core.validators as pydantic types for the API's schemas.

A broken rule is a pydantic error of type `motcua_field` whose context carries the message in
the user's language (motcua.api.validation shows it as the field's message)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import InitErrorDetails, PydanticCustomError

from motcua.core import validators as v


def field_error(exc: v.FieldError) -> PydanticCustomError:
    return PydanticCustomError("motcua_field", "{message}", {"message": str(exc.message)})


def run(check: Callable[[], Any]) -> Any:
    """`check()`, its FieldError as the pydantic error (inside a field validator)."""
    try:
        return check()
    except v.FieldError as exc:
        raise field_error(exc) from exc


def rule(check: Callable[[Any], Any]) -> AfterValidator:
    """`check` (a motcua.core.validators rule) as a pydantic validator."""

    def run(value: Any) -> Any:
        try:
            return check(value)
        except v.FieldError as exc:
            raise field_error(exc) from exc

    return AfterValidator(run)


def text(max_length: int, *, multiline: bool = False) -> AfterValidator:
    """A text of at most `max_length` characters, without control characters, stripped:
    `name: Annotated[str, text(255)]`."""
    return rule(lambda s: v.clean_text(s, max_length=max_length, multiline=multiline))


def error_at(loc: tuple[str | int, ...], value: Any, exc: v.FieldError) -> InitErrorDetails:
    """One error of a ValidationError raised by a model validator, at the field `loc`."""
    return InitErrorDetails(type=field_error(exc), loc=loc, input=value)


Phone = Annotated[str, rule(v.clean_phone)]
Email = Annotated[str, rule(v.clean_email)]
Amount = Annotated[int, rule(v.clean_amount)]
PastTime = Annotated[dt.datetime, rule(v.clean_past_time)]
FutureTime = Annotated[dt.datetime, rule(v.clean_future_time)]
