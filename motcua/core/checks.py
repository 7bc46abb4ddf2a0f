"""System checks of the core app (run by `manage.py check`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning

AUDIT_KEY_UNSET = "core.W001"
AUDIT_KEY_SHORT = "core.W002"
AUDIT_KEY_MIN_LENGTH = 32


def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production (`check --deploy`) the audit chain's key must come from the environment:
    derived from SECRET_KEY it is still outside the database, but it changes with it, and
    whoever reads the settings file has both."""
    key = str(getattr(settings, "MOTCUA_AUDIT_KEY", "") or "")
    hint = (
        "Set the environment variable MOTCUA_AUDIT_KEY to a random secret of at least "
        f"{AUDIT_KEY_MIN_LENGTH} characters (e.g. `python -c 'import secrets; "
        "print(secrets.token_urlsafe(48))'`), kept outside the database and its backups, "
        'before running `migrate` (docs/architecture.md, "Audit trail").'
    )
    if not key:
        return [
            CheckWarning(
                "MOTCUA_AUDIT_KEY is not set: the audit trail's chain is keyed with a key "
                "derived from SECRET_KEY.",
                hint=hint,
                id=AUDIT_KEY_UNSET,
            )
        ]
    if len(key) < AUDIT_KEY_MIN_LENGTH:
        return [
            CheckWarning(
                f"MOTCUA_AUDIT_KEY has fewer than {AUDIT_KEY_MIN_LENGTH} characters.",
                hint=hint,
                id=AUDIT_KEY_SHORT,
            )
        ]
    return []
