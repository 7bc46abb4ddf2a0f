"""Background jobs of the electronic exchange that run on a schedule rather than per document:
polling the national axis and re-enqueueing deliveries whose retry time has come. (Sending one
document or one status package is motcua.documents.tasks; what they call is
motcua.documents.services.exchange.)"""

from __future__ import annotations

from django_tasks import task

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


@task()
def poll_axis() -> dict[str, object]:
    """Take what waits on the axis for our agencies (see services.exchange.axis_poll)."""
    from motcua.documents.services.exchange import axis_poll

    with audit_context(interface=Interface.TASK):
        report = axis_poll()
    return {
        "received": report.received,
        "duplicates": report.duplicates,
        "statuses": report.statuses,
        "refused": report.refused,
        "errors": report.errors[:20],
    }


@task()
def retry_exchange() -> dict[str, int]:
    """Re-enqueue deliveries and status packages whose retry time has come."""
    from motcua.documents.services.exchange import exchange_retry_due

    with audit_context(interface=Interface.TASK):
        deliveries, statuses = exchange_retry_due()
    return {"deliveries": deliveries, "statuses": statuses}


@task()
def sync_directory() -> dict[str, int]:
    """Bring the agency directory in line with the axis's agency list."""
    from motcua.documents.services.exchange import directory_sync

    with audit_context(interface=Interface.TASK):
        report = directory_sync()
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "deactivated": report.deactivated,
    }
