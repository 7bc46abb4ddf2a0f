"""The officials' dossier page as rendered by the views that show it (the dossier, its
actions, the applicant's correction): summary, deadline, timeline, action panels, printable
forms, the signing panel and the correction form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.enums import Role
from motcua.backoffice import selectors
from motcua.backoffice.forms import ACTION_FORMS, ActionForm
from motcua.backoffice.permissions import actions_for
from motcua.backoffice.views._common import DEADLINE_LABELS, S, SummaryItem, _label, _summary
from motcua.backoffice.views._signing_panel import signing_panel
from motcua.core.errors import DomainError
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.applicants import applicant_field_label
from motcua.dossiers.enums import (
    Action,
    ApplicantKind,
    DeliveryMethod,
    EventKind,
    StepResult,
    event_label,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.policies import can_correct_applicant
from motcua.signatures.selectors import signed_document_result_number

# --- the dossier page --------------------------------------------------------------------------

FORM_LABELS = {
    "01": gettext_lazy("Print receipt (form 01)"),
    "02": gettext_lazy("Print supplement request (form 02)"),
    "03": gettext_lazy("Print refusal (form 03)"),
    "04": gettext_lazy("Print apology and new appointment (form 04)"),
    "05": gettext_lazy("Print notice of stopping (form 05)"),
    "06": gettext_lazy("Print control slip (form 06)"),
}
DANGER_ACTIONS = frozenset({Action.REFUSE, Action.STOP, Action.WITHDRAW})
MULTIPART_ACTIONS = frozenset({Action.SUPPLEMENT, Action.COMPLETE})


def printable_forms(dossier: Dossier) -> list[tuple[str, str]]:
    """The forms that apply to `dossier` now (printing refuses the others anyway)."""
    received = dossier.received_at is not None and dossier.status not in (S.SUBMITTED, S.REFUSED)
    applies = {
        "01": received,
        "02": dossier.supplement_count > 0,
        "03": dossier.status == S.REFUSED,
        "04": dossier.extension_count > 0,
        "05": dossier.status == S.STOPPED,
        "06": received,
    }
    return [(form, str(FORM_LABELS[form])) for form, ok in applies.items() if ok]


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass
class Detail:
    label: str
    value: Any
    kind: str = "text"  # "text", "time" or "list"


@dataclass
class TimelineEntry:
    event: DossierEvent
    label: str
    from_status: str
    to_status: str
    details: list[Detail]


# How an online dossier came in, when it says (Dossier.sub_channel holds a short code: "portal"
# from our portal, "zalo" from the chat channel; the demo's own marker is not shown).
SUB_CHANNELS = {"portal": gettext_lazy("through the public service portal"), "zalo": "Zalo"}


def _sub_channel_label(code: str) -> str:
    return str(SUB_CHANNELS.get(code, "")) if code else ""


def _timeline(dossier: Dossier) -> list[TimelineEntry]:
    entries = []
    for event in dossier_selectors.dossier_events(dossier):
        data = event.data or {}
        details: list[Detail] = []
        if data.get("missing"):
            details.append(Detail(_("Missing"), list(data["missing"]), "list"))
        if data.get("result_number"):
            details.append(Detail(_("Result number"), data["result_number"]))
        if data.get("amount"):
            details.append(Detail(_("Amount (VND)"), data["amount"]))
        if data.get("method"):
            details.append(Detail(_("Delivery method"), _label(DeliveryMethod, data["method"])))
        if event.action == Action.EXTEND and data.get("new_appointment_at"):
            when = _parse_time(data["new_appointment_at"])
            details.append(Detail(_("New appointment"), when, "time"))
        if data.get("paused_minutes"):
            details.append(Detail(_("Paused working minutes"), data["paused_minutes"]))
        if event.action == EventKind.CORRECT_APPLICANT and data.get("fields"):
            fields = [applicant_field_label(name) for name in data["fields"]]
            details.append(Detail(_("Corrected"), fields, "list"))
        if event.action in (Action.RECEIVE, Action.SUPPLEMENT) and data.get("due_at"):
            details.append(Detail(_("Statutory due time"), _parse_time(data["due_at"]), "time"))
        entries.append(
            TimelineEntry(
                event=event,
                label=event_label(event.action),
                from_status=_label(S, event.from_status) if event.from_status else "",
                to_status=_label(S, event.to_status) if event.to_status else "",
                details=details,
            )
        )
    return entries


@dataclass
class ActionPanel:
    action: str
    label: str
    form: ActionForm
    open: bool = False
    danger: bool = False
    multipart: bool = False


def _action_form(action: str, dossier: Dossier, data: Any = None, files: Any = None) -> ActionForm:
    return ACTION_FORMS[action](data, files, prefix=action, dossier=dossier)


def _render_dossier(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: ActionForm | None = None,
    failed_action: str = "",
    error: DomainError | None = None,
    status: int = 200,
    correction: forms.Form | None = None,
) -> HttpResponse:
    panels = []
    # A result prepared for signing is issued from the result path (its "issue" step completes
    # the dossier with that result's number): no second way to complete it, no number asked
    # twice. Without a signed result (a paper result), "complete" stays here.
    on_path = bool(signed_document_result_number(dossier))
    for action in actions_for(request.user, dossier):
        if action == Action.COMPLETE and on_path:
            continue
        form = failed if action == failed_action and failed is not None else None
        panels.append(
            ActionPanel(
                action=action,
                label=_label(Action, action),
                form=form or _action_form(action, dossier),
                open=form is not None,
                danger=action in DANGER_ACTIONS,
                multipart=action in MULTIPART_ACTIONS,
            )
        )
    summary: list[SummaryItem] = []
    if failed is not None:
        summary = _summary(failed, labels={0: _label(Action, failed_action)})
    elif correction is not None:
        summary = _summary(correction, labels={0: str(EventKind.CORRECT_APPLICANT.label)})
    elif error is not None:
        summary = [SummaryItem(str(error.message))]
    steps = list(selectors.dossier_steps(dossier))
    state = dossier_selectors.deadline_state(dossier)
    context = {
        "dossier": dossier,
        "deadline_state": state,
        "deadline_label": DEADLINE_LABELS[state],
        "components": list(selectors.dossier_components(dossier)),
        "timeline": _timeline(dossier),
        "sub_channel": _sub_channel_label(dossier.sub_channel),
        "steps": [(s, _label(Role, s.role), _label(StepResult, s.result)) for s in steps],
        "panels": panels,
        "summary": summary,
        "prints": printable_forms(dossier),
        "created": request.GET.get("created") == "1",
        "appointment_differs": bool(
            dossier.appointment_at and dossier.appointment_at != dossier.due_at
        ),
        "signing": _signing(request.user, dossier),
        "correction": correction or correction_form(request.user, dossier),
    }
    return render(request, "backoffice/dossier.html", context, status=status)


def _signing(user: Any, dossier: Dossier) -> Any:
    return signing_panel(user, dossier)


PREFIX = "correct"


class ApplicantCorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Applicant kind"), choices=ApplicantKind.choices)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=255)
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=32)
    phone = forms.CharField(
        label=gettext_lazy("Telephone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=255, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        help_text=gettext_lazy("Kept in the dossier's history and the audit trail."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def correction_form(user: Any, dossier: Dossier) -> ApplicantCorrectionForm | None:
    """The correction form filled with the dossier's details, for whom may use it; else None."""
    if not can_correct_applicant(user, dossier):
        return None
    a = dossier.applicant
    initial = {
        "kind": a.kind,
        "full_name": a.full_name,
        "id_number": a.id_number,
        "phone": a.phone,
        "email": a.email,
        "address": a.address,
    }
    return ApplicantCorrectionForm(initial=initial, prefix=PREFIX)
