"""Dossier codes under concurrent intake need real row locks: PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_parallel_intakes_get_0001_to_0050(transactional_db, world):
    # given 50 counter officers' requests released at the same instant
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def intake(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.dossier_create(
                actor=world.counter,
                procedure_code="9.000001",
                channel=1,
                receiving_unit=world.desk,
                applicant=ApplicantInput(full_name=f"Người nộp {i}", id_number=f"0960{i:08d}"),
                at=vn(2027, 3, 1, 9, 0),
                trusted=True,
            )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(i,)) for i in range(50)]
    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert errors == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert codes == [f"000.00.15.H12-270301-{n:04d}" for n in range(1, 51)]
