"""Documents filed at the same moment into one file get 1…n, no gap and no duplicate: the file's
own row is locked by every change (PostgreSQL only: SQLite has no row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.documents.services.files import document_file_add, document_file_create
from motcua.documents.tests.registers.factories import make_outgoing, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_concurrent_additions_get_consecutive_places(transactional_db):
    # given: one open file and eight numbered decisions
    world = make_world()
    document_file = document_file_create(
        actor=world.clerk,
        organisation=world.dept,
        file_notation="01.HCTP",
        title="Hồ sơ thử đồng thời",
        keeper=world.specialist,
    )
    documents = [make_outgoing(world, number=n) for n in range(1, THREADS + 1)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def clerk(document: OutgoingDocument) -> None:
        try:
            barrier.wait(timeout=60)
            document_file_add(actor=world.clerk, document_file=document_file, document=document)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    # when: all added at once
    threads = [threading.Thread(target=clerk, args=(d,)) for d in documents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then
    assert errors == []
    places = sorted(
        [
            *OutgoingDocument.objects.filter(document_file=document_file).values_list(
                "file_ordinal", flat=True
            ),
            *IncomingDocument.objects.filter(document_file=document_file).values_list(
                "file_ordinal", flat=True
            ),
        ]
    )
    assert places == list(range(1, THREADS + 1))
