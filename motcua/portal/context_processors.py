"""Template context for pages outside the portal that link to it (the login page's
"Log in with VNeID" button). Add "motcua.portal.context_processors.portal" to TEMPLATES."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.portal.oidc import oidc_enabled, oidc_label


def portal(request: HttpRequest) -> dict[str, Any]:
    return {"portal_oidc_enabled": oidc_enabled(), "portal_oidc_label": oidc_label()}
