"""System checks of the dossiers app (`manage.py check`, also run when the server starts)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning

PUBLIC_BASE_URL_UNSET = "dossiers.W001"


def public_base_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Outside development, the links printed as QR codes (form 01's tracking page, a signed
    document's verification page) need MOTCUA_PUBLIC_BASE_URL: without it they point to the
    development server, http://127.0.0.1:8000, which no citizen can open."""
    if settings.DEBUG or str(getattr(settings, "MOTCUA_PUBLIC_BASE_URL", "") or "").strip():
        return []
    return [
        CheckWarning(
            "MOTCUA_PUBLIC_BASE_URL is not set: the QR codes and links printed on receipts "
            "(form 01) and signed documents point to the development server, "
            "http://127.0.0.1:8000.",
            hint="Set the environment variable MOTCUA_PUBLIC_BASE_URL to the public address "
            "of the portal, e.g. https://dichvucong.camau.gov.vn.",
            id=PUBLIC_BASE_URL_UNSET,
        )
    ]
