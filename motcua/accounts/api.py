from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.auth import AUTH

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    full_name: str
    kind: str
    organisation: str | None
    roles: list[str]


@router.get("/me", response=MeOut, auth=AUTH, operation_id="get_me")
def get_me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,  # type: ignore[union-attr]
        kind=user.kind,  # type: ignore[union-attr]
        organisation=user.organisation.agency_code if user.organisation else None,  # type: ignore[union-attr]
        roles=sorted(user.role_set()),  # type: ignore[union-attr]
    )
