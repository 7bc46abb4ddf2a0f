from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.accounts.policies import is_provincial_admin


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"is_provincial_admin": bool(user is not None and is_provincial_admin(user))}
