"""The applicant's messages about one dossier event: the one entry point the dossier services
call, inside the transaction that records the event.

`dossier_notify(dossier=, event=, kind=)` must be called inside that transaction, with the
event row it describes; what is sent is fixed then (the payload is built from that event, not
from "the latest event" after commit).
"""

from __future__ import annotations

from django.db import transaction

from motcua.dossiers.models import Dossier, DossierEvent


def dossier_notify(*, dossier: Dossier, event: DossierEvent | None, kind: str) -> None:
    """Queue the applicant's messages about `event` (of kind `kind`)."""
    from motcua.notifications.tasks import notify_applicant

    pk = dossier.pk
    transaction.on_commit(lambda: notify_applicant.enqueue(pk, kind))
