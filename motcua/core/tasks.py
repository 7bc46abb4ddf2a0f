from __future__ import annotations

from django_tasks import task


@task()
def seal_audit_trail() -> int:
    """Seal every committed audit record still waiting for its place in the hash chain."""
    from motcua.core.audit import audit_seal_pending

    return audit_seal_pending()
