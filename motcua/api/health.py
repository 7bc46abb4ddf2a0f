"""GET /api/v1/health: the process answers (no authentication, no database).

For load balancers and for the benchmarks, which measure every endpoint beside this one.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str


@router.get("/health", response=HealthOut, auth=None, operation_id="get_health")
def get_health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}
