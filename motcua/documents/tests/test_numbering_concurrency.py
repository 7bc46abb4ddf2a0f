"""Outgoing numbers under concurrency need real row locks: PostgreSQL only. 100 clerks' requests
released at once get 01…100 with no gap and no duplicate, and a transaction that fails after
taking its number gives it back."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from motcua.documents.models import OutgoingDocument
from motcua.documents.services import outgoing as svc
from motcua.documents.tests.factories import signed_outgoing, world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 100
# PostgreSQL's default max_connections is 100 and other tests may hold some: 25 clerks number
# four documents each, all released at the same instant.
THREADS = 25


def test_a_hundred_concurrent_numbers_have_no_gap_and_no_duplicate(transactional_db):
    w = world()
    docs = [signed_outgoing(w) for _ in range(N)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def clerk(t: int) -> None:
        try:
            barrier.wait(timeout=60)
            for i in range(t, N, THREADS):
                number(i)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    def number(i: int) -> None:
        if i % 10 == 3:
            # every tenth request fails after taking its number: the number comes back
            with pytest.raises(RuntimeError), transaction.atomic():
                svc.outgoing_number(actor=w.clerk, document=docs[i])
                raise RuntimeError("fails after numbering")
        svc.outgoing_number(actor=w.clerk, document=docs[i])

    threads = [threading.Thread(target=clerk, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(OutgoingDocument.objects.values_list("code_number", flat=True))
    assert numbers == list(range(1, N + 1))
