"""The dossier page's views: the dossier, its actions (dispatched through the action registry)
and its files.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import selectors
from motcua.backoffice.forms import ACTION_FORMS
from motcua.backoffice.views._common import _add_error, _label, official_required
from motcua.backoffice.views._dossier_page import _action_form, _render_dossier
from motcua.core.errors import DomainError
from motcua.dossiers import registry, services
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.enums import Action
from motcua.dossiers.models import Dossier


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
