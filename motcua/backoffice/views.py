"""The officials' workspace: queues, counter intake, the dossier page, its actions and prints.

Interface only (STYLE): reads go through selectors, every change through
`motcua.dossiers.services`, whose DomainError is shown at the top of the page and beside the
fields it names. htmx only enhances: every page works with plain links and form posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.enums import Role
from motcua.accounts.policies import is_provincial_admin
from motcua.backoffice import selectors
from motcua.backoffice.forms import (
    ACTION_FORMS,
    ActionForm,
    AuditFilterForm,
    IntakeForm,
    PaperForm,
    procedure_choices,
)
from motcua.backoffice.permissions import actions_for
from motcua.calendar.selectors import calendar_for
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.selectors import audit_object_types, audit_record_list
from motcua.dossiers import registry, services
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.applicants import applicant_field_label
from motcua.dossiers.enums import (
    Action,
    DeliveryMethod,
    DossierStatus,
    EventKind,
    StepResult,
    event_label,
)
from motcua.dossiers.models import Applicant, Dossier, DossierEvent
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import organisation_get_by_code
from motcua.procedures.models import Procedure, ProcedureCase, RequiredPaper

S = DossierStatus
PAGE_SIZE = 25

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


# --- queues ------------------------------------------------------------------------------------

QUEUE_TABS: tuple[tuple[str, Any], ...] = (
    ("to_receive", gettext_lazy("Online dossiers to receive")),
    ("my_tasks", gettext_lazy("My tasks")),
    ("unit", gettext_lazy("My unit's dossiers")),
    ("due_soon", gettext_lazy("Due within one working day")),
    ("overdue", gettext_lazy("Overdue")),
)
DEADLINE_LABELS = {
    "early": gettext_lazy("Within time"),
    "risk": gettext_lazy("At risk"),
    "late": gettext_lazy("Late"),
}


def _default_queue(user: Any) -> str:
    if user.has_role(Role.COUNTER_OFFICER):
        return "to_receive"
    if is_provincial_admin(user):
        return "unit"
    return "my_tasks"


@dataclass
class QueueRow:
    dossier: Dossier
    state: str

    @property
    def state_label(self) -> str:
        return str(DEADLINE_LABELS[self.state])


@official_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    keys = [key for key, _label in QUEUE_TABS]
    queue = request.GET.get("queue", "")
    if queue not in keys:
        queue = _default_queue(user)
    q = request.GET.get("q", "").strip()[:100]
    dossiers = dossier_selectors.dossier_list_for_official(user, queue=queue, q=q)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    calendars: dict[int, Any] = {}  # one calendar per receiving unit, not one per row
    rows = []
    for d in page:
        if d.receiving_unit_id not in calendars:
            calendars[d.receiving_unit_id] = calendar_for(d.receiving_unit)
        rows.append(
            QueueRow(d, dossier_selectors.deadline_state(d, now, calendars[d.receiving_unit_id]))
        )
    tabs = [
        {
            "key": key,
            "label": label,
            "count": dossier_selectors.dossier_list_for_official(user, queue=key, q=q).count(),
            "query": urlencode({"queue": key, **({"q": q} if q else {})}),
        }
        for key, label in QUEUE_TABS
    ]
    context = {
        "queue": queue,
        "queue_label": dict(QUEUE_TABS)[queue],
        "q": q,
        "tabs": tabs,
        "page": page,
        "rows": rows,
        "page_query": urlencode({"queue": queue, **({"q": q} if q else {})}),
        "can_receive": selectors.intake_units_for(user).exists(),
        "book_units": selectors.tracking_book_units_for(user),
        "book_from": timezone.localdate().replace(day=1),
        "book_to": timezone.localdate(),
    }
    return render(request, "backoffice/home.html", context)


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not is_provincial_admin(request.user):
        raise PermissionDenied("audit trail")
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    records = audit_record_list(**{k: v for k, v in filters.items() if v})
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


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


# --- counter intake ----------------------------------------------------------------------------

INTAKE_FIELDS = {
    "procedure_code": "procedure",
    "code": "procedure",
    "case_code": "case",
    "channel": "channel",
    "receiving_unit": "receiving_unit",
    "applicant.id_number": "applicant_id_number",
    "applicant.kind": "applicant_kind",
    "applicant.full_name": "applicant_full_name",
}


@dataclass
class IntakeChoice:
    """What the intake page offers: the procedures, the chosen one, its cases and papers."""

    units: QuerySet[Organisation]
    procedures: list[Procedure]
    procedure: Procedure | None = None
    cases: list[ProcedureCase] = field(default_factory=list)
    case: ProcedureCase | None = None

    @property
    def papers(self) -> list[RequiredPaper]:
        return list(self.case.papers.all()) if self.case is not None else []

    @property
    def papers_key(self) -> str:
        """Which papers the rows on the page belong to (a changed case invalidates them)."""
        if self.procedure is None or self.case is None:
            return ""
        ids = ",".join(str(p.pk) for p in self.papers)
        return f"{self.procedure.code}|{self.case.code}|{ids}"


def _intake_choice(
    units: QuerySet[Organisation], procedure_code: str, case_code: str, pq: str = ""
) -> IntakeChoice:
    procedures = selectors.intake_procedures(units, pq)
    choice = IntakeChoice(units=units, procedures=procedures)
    by_code = {p.code: p for p in procedures}
    if procedure_code not in by_code and pq:
        # The chosen procedure stays choosable while the list is filtered.
        everything = {p.code: p for p in selectors.intake_procedures(units)}
        if procedure_code in everything:
            choice.procedures = [everything[procedure_code], *procedures]
            by_code[procedure_code] = everything[procedure_code]
    if procedure_code in by_code:
        choice.procedure = by_code[procedure_code]
    elif len(procedures) == 1:
        choice.procedure = procedures[0]
    if choice.procedure is not None and choice.procedure.current_version is not None:
        choice.cases = selectors.intake_cases(choice.procedure.current_version)
        by_case = {c.code: c for c in choice.cases}
        default = next((c for c in choice.cases if c.is_default), None)
        choice.case = by_case.get(case_code) or default or next(iter(choice.cases), None)
    return choice


def _intake_units(request: HttpRequest) -> QuerySet[Organisation]:
    units = selectors.intake_units_for(request.user)
    if not units.exists():
        raise PermissionDenied("not a counter officer")
    return units


def _initial_from_post(request: HttpRequest) -> dict[str, Any]:
    return {key: request.POST.get(key) for key in request.POST if not key.startswith("_")}


def _default_unit(request: HttpRequest, units: QuerySet[Organisation]) -> Organisation | None:
    own = getattr(request.user, "organisation_id", None)
    mine = units.filter(pk=own).first() if own is not None else None
    return mine or units.first()


def _applicant_initial(applicant: Applicant | None) -> dict[str, Any]:
    if applicant is None:
        return {}
    return {
        "applicant_kind": applicant.kind,
        "applicant_full_name": applicant.full_name,
        "applicant_phone": applicant.phone,
        "applicant_email": applicant.email,
        "applicant_address": applicant.address,
    }


def _paper_forms(
    choice: IntakeChoice,
    *,
    data: Any = None,
    files: Any = None,
    initial_from: dict[str, Any] | None = None,
) -> list[PaperForm]:
    out = []
    for index, paper in enumerate(choice.papers):
        prefix = f"paper-{index}"
        if data is not None:
            out.append(PaperForm(data, files, prefix=prefix, paper=paper))
            continue
        initial = {}
        if initial_from:
            initial = {
                name: initial_from.get(f"{prefix}-{name}")
                for name in ("seen", "copy_kind", "digitised", "reused")
                if initial_from.get(f"{prefix}-{name}") is not None
            }
        out.append(PaperForm(prefix=prefix, paper=paper, initial=initial))
    return out


def _render_intake(
    request: HttpRequest,
    choice: IntakeChoice,
    form: IntakeForm,
    papers: list[PaperForm],
    *,
    pq: str = "",
    status: int = 200,
    lookup: str = "",
) -> HttpResponse:
    labels = {i + 1: p.paper.name for i, p in enumerate(papers)}
    summary = _summary(form, *papers, labels=labels)
    context = {
        "form": form,
        "papers": papers,
        "choice": choice,
        "pq": pq,
        "summary": summary,
        "lookup": lookup,
        "files_lost": bool(summary) and any(p.is_bound for p in papers),
    }
    return render(request, "backoffice/intake.html", context, status=status)


def _intake_form(
    choice: IntakeChoice, data: Any = None, initial: dict[str, Any] | None = None
) -> IntakeForm:
    form = IntakeForm(
        data,
        procedures=choice.procedures,
        cases=choice.cases,
        units=choice.units,
        initial=initial,
    )
    # htmx: typing an ID number fetches a returning applicant's details (the "Find" button
    # does the same without JavaScript). POST, so that ID numbers stay out of URLs and logs;
    # only the applicant's fields are sent, not the whole form and its files.
    form.fields["applicant_id_number"].widget.attrs.update(
        {
            "hx-post": reverse("backoffice:intake_applicant"),
            # "lookup": an input of 6 characters or more (static/js/backoffice.js; an htmx
            # filter [this.value…] would need eval, which the Content-Security-Policy forbids).
            "data-lookup-min": "6",
            "hx-trigger": "lookup changed delay:500ms, change",
            "hx-target": "#applicant-details",
            "hx-swap": "innerHTML",
            "hx-params": ",".join(("applicant_id_number", *IntakeForm.APPLICANT_FIELDS)),
            "hx-sync": "this:replace",
        }
    )
    return form


@official_required
def dossier_new(request: HttpRequest) -> HttpResponse:
    units = _intake_units(request)
    if request.method != "POST":
        pq = request.GET.get("pq", "").strip()[:100]
        choice = _intake_choice(
            units, request.GET.get("procedure", ""), request.GET.get("case", ""), pq
        )
        unit = _default_unit(request, units)
        initial = {
            "procedure": choice.procedure.code if choice.procedure else "",
            "case": choice.case.code if choice.case else "",
            "receiving_unit": unit.pk if unit else None,
            "papers_key": choice.papers_key,
        }
        form = _intake_form(choice, initial=initial)
        return _render_intake(request, choice, form, _paper_forms(choice), pq=pq)

    post = request.POST
    choice = _intake_choice(units, post.get("procedure", ""), post.get("case", ""))
    if "_lookup" in post or "_refresh" in post:
        # No-JS paths: find a returning applicant / show the papers of the chosen case.
        initial = _initial_from_post(request)
        lookup = ""
        if "_lookup" in post:
            found = selectors.applicant_get_by_id_number(post.get("applicant_id_number", ""))
            initial.update(_applicant_initial(found))
            lookup = "found" if found else "new"
        same_papers = initial.get("papers_key") == choice.papers_key
        initial["papers_key"] = choice.papers_key
        initial["case"] = choice.case.code if choice.case else ""
        papers = _paper_forms(choice, initial_from=initial if same_papers else None)
        return _render_intake(
            request, choice, _intake_form(choice, initial=initial), papers, lookup=lookup
        )

    if post.get("papers_key", "") != choice.papers_key:
        # The case (or procedure) changed after the paper rows were drawn: draw them again.
        data = post.copy()
        data["papers_key"] = choice.papers_key
        form = _intake_form(choice, data=data)
        form.is_valid()
        form.add_error(
            None,
            _("The papers of the chosen case are shown below: fill them in and submit again."),
        )
        return _render_intake(request, choice, form, _paper_forms(choice), status=422)
    form = _intake_form(choice, data=post)
    papers = _paper_forms(choice, data=post, files=request.FILES)
    valid = [form.is_valid(), *(p.is_valid() for p in papers)]
    if not all(valid):
        return _render_intake(request, choice, form, papers, status=422)
    try:
        dossier = _create(request, form, papers)
    except DomainError as exc:
        _intake_error(form, papers, exc)
        return _render_intake(request, choice, form, papers, status=exc.http_status)
    messages.success(request, _("Dossier %(code)s has been received.") % {"code": dossier.code})
    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "?created=1")


# Which paper row each component sent to the service came from (for its field errors).
_ROWS_ATTR = "_component_rows"


def _create(request: HttpRequest, form: IntakeForm, papers: list[PaperForm]) -> Dossier:
    data = form.cleaned_data
    components, rows = [], []
    for index, paper_form in enumerate(papers):
        if not paper_form.handed_in:
            continue
        paper = paper_form.paper
        cleaned = paper_form.cleaned_data
        components.append(
            services.ComponentInput(
                name=paper.name,
                paper_code=paper.code,
                file=cleaned.get("file") or None,
                paper_original_seen=bool(cleaned.get("seen")),
                is_original=cleaned.get("copy_kind") == "original",
                digitised=bool(cleaned.get("digitised")),
                reused=bool(cleaned.get("reused")),
            )
        )
        rows.append(index)
    setattr(form, _ROWS_ATTR, rows)
    representative = None
    if data.get("representative_name"):
        representative = services.RepresentativeInput(
            full_name=data["representative_name"],
            id_number=data.get("representative_id_number", ""),
            authorisation=data.get("representative_authorisation", ""),
        )
    return services.dossier_create(
        actor=request.user,
        procedure_code=data["procedure"],
        case_code=data.get("case") or None,
        channel=data["channel"],
        receiving_unit=data["receiving_unit"],
        applicant=services.ApplicantInput(
            full_name=data["applicant_full_name"],
            id_number=data["applicant_id_number"],
            kind=data["applicant_kind"],
            phone=data.get("applicant_phone", ""),
            email=data.get("applicant_email", ""),
            address=data.get("applicant_address", ""),
        ),
        components=components,
        representative=representative,
    )


def _intake_error(form: IntakeForm, papers: list[PaperForm], exc: DomainError) -> None:
    form.add_error(None, str(exc.message))
    rows: list[int] = getattr(form, _ROWS_ATTR, [])
    for key, message in exc.fields.items():
        if key in INTAKE_FIELDS:
            _add_error(form, INTAKE_FIELDS[key], message)
            continue
        parts = key.split(".")
        if parts[0] == "components" and len(parts) > 1 and parts[1].isdigit():
            position = int(parts[1])
            if position < len(rows):
                papers[rows[position]].add_error("file", message)


@official_required
@require_GET
def intake_procedure_options(request: HttpRequest) -> HttpResponse:
    """htmx: the <option>s of the procedure list filtered by the search field."""
    units = _intake_units(request)
    pq = request.GET.get("pq", "").strip()[:100]
    chosen = request.GET.get("procedure", "")
    choice = _intake_choice(units, chosen, "", pq)
    return render(
        request,
        "backoffice/_procedure_options.html",
        {
            "options": procedure_choices(choice.procedures),
            "chosen": choice.procedure.code if choice.procedure else "",
            "pq": pq,
        },
    )


@official_required
@require_GET
def intake_papers(request: HttpRequest) -> HttpResponse:
    """htmx: the case list and the paper rows of the chosen procedure and case."""
    units = _intake_units(request)
    choice = _intake_choice(units, request.GET.get("procedure", ""), request.GET.get("case", ""))
    form = _intake_form(
        choice,
        initial={
            "procedure": choice.procedure.code if choice.procedure else "",
            "case": choice.case.code if choice.case else "",
            "papers_key": choice.papers_key,
        },
    )
    return render(
        request,
        "backoffice/_intake_papers.html",
        {"form": form, "choice": choice, "papers": _paper_forms(choice), "oob": True},
    )


@official_required
@require_POST
def intake_applicant(request: HttpRequest) -> HttpResponse:
    """htmx: the applicant's details, prefilled when the ID number is a returning applicant's."""
    units = _intake_units(request)
    initial = {name: request.POST.get(name, "") for name in IntakeForm.APPLICANT_FIELDS}
    id_number = request.POST.get("applicant_id_number", "")
    found = selectors.applicant_get_by_id_number(id_number)
    initial.update(_applicant_initial(found))
    choice = IntakeChoice(units=units, procedures=[])
    lookup = ""
    if id_number.strip():
        lookup = "found" if found else "new"
    return render(
        request,
        "backoffice/_intake_applicant.html",
        {"form": _intake_form(choice, initial=initial), "lookup": lookup},
    )


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


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


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
    from motcua.backoffice.applicant_views import correction_form  # it imports this module

    panels = []
    for action in actions_for(request.user, dossier):
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
    from motcua.backoffice.signing_views import signing_panel  # it imports this module

    return signing_panel(user, dossier)


@official_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    return _render_dossier(request, dossier)


ACTION_FIELDS = {
    "reason": "reason",
    "missing": "missing",
    "new_appointment_at": "new_appointment_at",
    "result_number": "result_number",
    "amount": "amount",
    "method": "method",
    "to_unit": "to_unit",
    "components": "papers",
}


def _run_action(action: str, dossier: Dossier, actor: Any, data: dict[str, Any]) -> Dossier:
    """The action's form values, as its service takes them, through the action registry."""
    if action not in registry.OFFERED:
        raise Http404("unknown action")
    kwargs = {
        name: value
        for name, value in data.items()
        if name in registry.parameters(action) and name not in ("at", "trusted", "notify")
    }
    if "components" in registry.parameters(action):
        kwargs["components"] = [
            services.ComponentInput(name=upload.name or "", file=upload)
            for upload in data.get("papers") or []
        ]
    if "result_file" in kwargs:
        kwargs["result_file"] = kwargs["result_file"] or None
    return registry.run(action, dossier=dossier, actor=actor, **kwargs)


@official_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    if action not in ACTION_FORMS:
        raise Http404("unknown action")
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    form = _action_form(action, dossier, request.POST, request.FILES)
    if not form.is_valid():
        return _render_dossier(request, dossier, failed=form, failed_action=action, status=422)
    try:
        dossier = _run_action(action, dossier, request.user, form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        for key, message in exc.fields.items():
            name = ACTION_FIELDS.get(key.split(".")[0])
            if action == Action.COMPLETE and key.startswith("components"):
                name = "result_file"
            if name:
                _add_error(form, name, message)
        fresh = dossier_selectors.dossier_get_by_code(dossier.code)
        return _render_dossier(
            request, fresh, failed=form, failed_action=action, error=exc, status=exc.http_status
        )
    messages.success(
        request,
        _("%(action)s: done for dossier %(code)s.")
        % {"action": _label(Action, action), "code": dossier.code},
    )
    return redirect("backoffice:dossier", code=dossier.code)


@official_required
@require_GET
def dossier_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A dossier's file, for those who may see the dossier (never the raw media URL)."""
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    component = selectors.dossier_component_get(dossier, pk)
    if component is None:
        raise Http404("no such file")
    inline = component.content_type in ("application/pdf", "image/jpeg", "image/png")
    name = component.original_filename or component.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        component.file.open("rb"),
        as_attachment=not inline,
        filename=name,
        content_type=component.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- prints ------------------------------------------------------------------------------------


def _pdf(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    inline = content_type == "application/pdf"
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


@official_required
@require_GET
def dossier_form_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """Forms 01–06 of a dossier as PDF, inline (printing refuses a form that does not apply)."""
    from motcua.dossiers import printing  # lazily: WeasyPrint is heavy to import

    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    content = printing.render_form(dossier, form, request=request)
    return _pdf(content, printing.form_filename(dossier, form))


def _date_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw},
            fields={name: _("expected YYYY-MM-DD")},
        ) from exc


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@official_required
@require_GET
def tracking_book(request: HttpRequest, agency_code: str, fmt: str) -> HttpResponse:
    """Form 07 of a unit for ?from=&to= (this month so far by default), as PDF or XLSX."""
    from motcua.dossiers import printing  # lazily: WeasyPrint is heavy to import

    unit = organisation_get_by_code(agency_code)
    if not selectors.unit_in_scope(request.user, unit):
        raise PermissionDenied("unit outside scope")
    today = timezone.localdate()
    date_from = _date_param(request, "from", today.replace(day=1))
    date_to = _date_param(request, "to", today)
    if date_to < date_from:
        raise ValidationFailed(_("“to” is before “from”."), fields={"to": _("before from")})
    if fmt == "xlsx":
        content = printing.render_tracking_book_xlsx(unit, date_from, date_to)
        filename = printing.tracking_book_filename(unit, date_from, date_to, "xlsx")
        return _pdf(content, filename, XLSX)
    content = printing.render_tracking_book_pdf(unit, date_from, date_to)
    return _pdf(content, printing.tracking_book_filename(unit, date_from, date_to, "pdf"))


@official_required
@require_GET
def tracking_book_go(request: HttpRequest) -> HttpResponse:
    """The no-JS form on the workspace page: unit, period and format → the book's address."""
    unit = organisation_get_by_code(request.GET.get("unit", ""))
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
    url = reverse("backoffice:tracking_book", kwargs={"agency_code": unit.agency_code, "fmt": fmt})
    params = {k: request.GET[k] for k in ("from", "to") if request.GET.get(k)}
    return redirect(f"{url}?{urlencode(params)}" if params else url)
