from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.services import api_token_authenticate
from motcua.core.audit import audit_set_actor


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # django-ninja reads request.headers, which builds a dict of every header of the
        # request; on the hottest reads that is a measurable share of the work.
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        audit_set_actor(user)
        return user


class Session(SessionAuth):
    """Browser session (the portal and back office call the API with their cookie)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            audit_set_actor(user)
        return user


bearer = BearerToken()
session = Session()
AUTH = [bearer, session]
