"""Counter intake: the new-dossier form, its htmx pieces (procedure list, papers of the
chosen case) and the returning-applicant lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import selectors
from motcua.backoffice.forms import IntakeForm, PaperForm, procedure_choices
from motcua.backoffice.views._common import _add_error, _summary, official_required
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Applicant, Dossier
from motcua.organisations.models import Organisation
from motcua.procedures.models import Procedure, ProcedureCase, RequiredPaper

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


def _fill_blanks(initial: dict[str, Any], found: Applicant | None) -> None:
    """A returning applicant's details fill only what the official has not typed yet: a lookup
    (one answering late included) never overwrites a field already filled in. The kind is a
    choice with a default, never "typed": it follows the applicant found."""
    for name, value in _applicant_initial(found).items():
        if name == "applicant_kind" or not str(initial.get(name) or "").strip():
            initial[name] = value


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
            # "changed": Enter (which announces a change) and then leaving the field look the
            # applicant up once, not twice.
            "hx-trigger": "lookup changed delay:500ms, change changed",
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
            _fill_blanks(initial, found)
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
    _fill_blanks(initial, found)
    choice = IntakeChoice(units=units, procedures=[])
    lookup = ""
    if id_number.strip():
        lookup = "found" if found else "new"
    return render(
        request,
        "backoffice/_intake_applicant.html",
        {"form": _intake_form(choice, initial=initial), "lookup": lookup},
    )
