from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Officials land in their workspace, citizens and businesses in their dossiers."""
    user = request.user
    if getattr(user, "is_official", False) or user.is_superuser:
        return redirect("backoffice:home")
    try:
        return redirect(reverse("portal:my_dossiers"))
    except NoReverseMatch:
        return redirect("/")
