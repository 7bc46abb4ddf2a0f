"""What every view of the officials' workspace shares: the officials-only decorator, htmx
detection, the error summary at the top of a failed form, choice labels.

No view module imports another view module: what two of them share lives here (or in
`_dossier_page`, `_signing_panel`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy

from motcua.dossiers.enums import DossierStatus

S = DossierStatus


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


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


DEADLINE_LABELS = {
    "early": gettext_lazy("Within time"),
    "risk": gettext_lazy("At risk"),
    "late": gettext_lazy("Late"),
}


# --- errors ------------------------------------------------------------------------------------


@dataclass
class SummaryItem:
    text: str
    href: str = ""


def _summary(*forms_: forms.Form, labels: dict[int, str] | None = None) -> list[SummaryItem]:
    """The error summary at the top of a failed form: non-field errors, then each field's,
    linked to the field. `labels` prefixes the field labels of the form at that position."""
    items: list[SummaryItem] = []
    for index, form in enumerate(forms_):
        if not form.is_bound:
            continue
        prefix = (labels or {}).get(index, "")
        for error in form.non_field_errors():
            items.append(SummaryItem(str(error)))
        for bound in form:
            for error in bound.errors:
                label = f"{prefix} — {bound.label}" if prefix else str(bound.label)
                items.append(SummaryItem(f"{label}: {error}", f"#{bound.auto_id}"))
    return items


def _add_error(form: forms.Form, name: str | None, message: str) -> None:
    if name is None or name in form.fields:
        form.add_error(name, message)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value
