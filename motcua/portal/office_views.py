"""Officials' pages for feedback about dossiers (phản ánh, kiến nghị), under /feedback/office/.

They live in the portal for now, beside the citizen side of the same feature; they belong in
the officials' workspace (motcua.backoffice) once it has room for them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.errors import DomainError
from motcua.feedback import selectors, services
from motcua.feedback.enums import FeedbackStatus
from motcua.portal.forms import AnswerForm, add_domain_errors
from motcua.portal.views._common import no_store, official_required, paginate

TABS = (
    (FeedbackStatus.OPEN, gettext_lazy("Waiting for an answer")),
    (FeedbackStatus.ANSWERED, gettext_lazy("Answered")),
    ("", gettext_lazy("All")),
)


@official_required
@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", FeedbackStatus.OPEN)
    if status not in FeedbackStatus.values:
        status = ""
    page = paginate(
        request, selectors.feedback_list_for_official(request.user, status=status), per_page=25
    )
    context = {"page": page, "status": status, "tabs": TABS}
    return no_store(render(request, "portal/office/feedback_list.html", context))


@official_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get_for_official(pk, request.user)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_answer(
                    actor=request.user, feedback=feedback, answer=form.cleaned_data["answer"]
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The answer has been sent to the applicant."))
                return redirect("portal:office_feedback")
        status = 422
    context = {"feedback": feedback, "dossier": feedback.dossier, "form": form}
    return no_store(render(request, "portal/office/feedback_detail.html", context, status=status))
