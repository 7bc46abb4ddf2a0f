"""What the documents' pages share: the officials-only decorator, the error summary at the top
of a failed form, choice labels. (The workspace's own helpers live in the back office, an
interface app this domain app does not import.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

View = Callable[..., HttpResponseBase]


def official_required(view: View) -> View:
    """Logged in (else the login page) and an official or a superuser (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (getattr(user, "is_official", False) or user.is_superuser):
            raise PermissionDenied("officials only")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@dataclass
class SummaryItem:
    text: str
    href: str = ""


def error_summary(form: forms.Form) -> list[SummaryItem]:
    """The form's errors for backoffice/_error_summary.html: its own, then each field's,
    linked to the field."""
    if not form.is_bound:
        return []
    items = [SummaryItem(str(error)) for error in form.non_field_errors()]
    for bound in form:
        items.extend(
            SummaryItem(f"{bound.label}: {error}", f"#{bound.auto_id}") for error in bound.errors
        )
    return items


def choice_label(choices: Any, value: str) -> str:
    """The translated label of a stored value, or the value when it is not a choice."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
