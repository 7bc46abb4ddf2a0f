from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.services import api_token_authenticate
from motcua.core.audit import audit_set_actor
from motcua.core.ratelimit import RateLimited, client_ip, rate_limit_check


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
            _count_failure(request)
            return None
        request.user = user
        audit_set_actor(user)
        return user


def _count_failure(request: HttpRequest) -> None:
    """Only tokens that fail are counted ("api_auth.ip"), so an authenticated request costs no
    query here. Over the limit the answer is 429 instead of 401; valid tokens from the same
    address keep working (one client retrying a revoked token must not stop its other jobs)."""
    result = rate_limit_check(("api_auth.ip", client_ip(request)))
    if not result.allowed:
        raise RateLimited(result.retry_after)


class Session(SessionAuth):
    """Browser session (the portal and back office call the API with their cookie)."""

    def __call__(self, request: HttpRequest) -> Any:
        # The CSRF check protects a logged-in session: without one there is nothing to protect,
        # and the answer is the API's 401 "unauthorized", not django-ninja's 403 "CSRF check
        # Failed" (which a client with a bad or missing bearer token used to get on a POST).
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            audit_set_actor(user)
        return user


bearer = BearerToken()
session = Session()
AUTH = [bearer, session]
