"""Actions lock the dossier's own rows only (issue 11.1): the procedure version and the units are
shared by every dossier of a unit, so another transaction holding them must not make an action
wait. Needs real row locks: PostgreSQL only."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _counter_intake(w, n: int) -> Dossier:
    return services.dossier_create(
        actor=w.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=f"Người nộp {n}", id_number=f"0960{n:08d}"),
    )


def _online(w, n: int) -> Dossier:
    return services.dossier_create(
        actor=w.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=f"Người nộp {n}", id_number=f"0961{n:08d}"),
    )


def _approved(w, n: int) -> Dossier:
    d = services.dossier_forward(dossier=_counter_intake(w, n), actor=w.specialist)
    return services.dossier_approve(dossier=d, actor=w.leader)


class _Holder(threading.Thread):
    """Another connection holding every organisation row and the procedure version row locked
    for update until told to let go.

    `FOR NO KEY UPDATE` is the lock any UPDATE of those rows takes (an administrator renaming
    the unit, a sibling dossier's action that locked them as the old code did, which took the
    stronger FOR UPDATE). A plain `FOR UPDATE` held elsewhere would also block PostgreSQL's own
    foreign-key checks (`FOR KEY SHARE`, taken by every row inserted that refers to the unit:
    a step, an event), which no application lock can avoid."""

    def __init__(self, version_id: int) -> None:
        super().__init__(daemon=True)
        self.version_id = version_id
        self.holding = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT id FROM organisations_organisation FOR NO KEY UPDATE")
                cursor.execute(
                    "SELECT id FROM procedures_procedureversion WHERE id = %s FOR NO KEY UPDATE",
                    [self.version_id],
                )
                self.holding.set()
                self.release.wait(timeout=60)
                cursor.execute("ROLLBACK")
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.holding.set()
        finally:
            conn.close()


def test_every_action_completes_while_the_shared_rows_are_locked(world):
    # given a dossier ready for each action, prepared before the shared rows are taken
    w = world
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ready: dict[str, tuple[Dossier, Callable[[Dossier], Dossier]]] = {
        "receive": (
            _online(w, 1),
            lambda d: services.dossier_receive(dossier=d, actor=w.counter),
        ),
        "refuse": (
            _online(w, 2),
            lambda d: services.dossier_refuse(dossier=d, actor=w.counter, reason="Thiếu giấy"),
        ),
        "request_supplement": (
            _counter_intake(w, 3),
            lambda d: services.dossier_request_supplement(
                dossier=d, actor=w.specialist, missing=["Bản sao CCCD"]
            ),
        ),
        "supplement": (
            services.dossier_request_supplement(
                dossier=_counter_intake(w, 4), actor=w.specialist, missing=["Bản sao CCCD"]
            ),
            lambda d: services.dossier_supplement(
                dossier=d,
                actor=w.counter,
                components=[ComponentInput(name="CCCD", file=SimpleUploadedFile("a.pdf", pdf))],
            ),
        ),
        "forward": (
            _counter_intake(w, 5),
            lambda d: services.dossier_forward(dossier=d, actor=w.specialist),
        ),
        "approve": (
            services.dossier_forward(dossier=_counter_intake(w, 6), actor=w.specialist),
            lambda d: services.dossier_approve(dossier=d, actor=w.leader),
        ),
        "request_payment": (
            _counter_intake(w, 7),
            lambda d: services.dossier_request_payment(dossier=d, actor=w.specialist, amount=1),
        ),
        "confirm_payment": (
            services.dossier_request_payment(
                dossier=_counter_intake(w, 8), actor=w.specialist, amount=1
            ),
            lambda d: services.dossier_confirm_payment(dossier=d, actor=w.counter),
        ),
        "complete": (
            _approved(w, 9),
            lambda d: services.dossier_complete(dossier=d, actor=w.leader, result_number="1/GP"),
        ),
        "deliver": (
            services.dossier_complete(dossier=_approved(w, 10), actor=w.leader, result_number="2"),
            lambda d: services.dossier_deliver(dossier=d, actor=w.counter),
        ),
        "extend": (
            _counter_intake(w, 11),
            lambda d: services.dossier_extend(
                dossier=d,
                actor=w.leader,
                reason="Cần xác minh",
                new_appointment_at=d.due_at + (d.due_at - d.received_at),
            ),
        ),
        "stop": (
            _counter_intake(w, 12),
            lambda d: services.dossier_stop(dossier=d, actor=w.leader, reason="Dừng"),
        ),
        "withdraw": (
            _counter_intake(w, 13),
            lambda d: services.dossier_withdraw(dossier=d, actor=w.counter, reason="Rút"),
        ),
        "release_result": (
            _approved(w, 14),
            lambda d: services.dossier_result_released(
                dossier_id=d.pk, actor=w.leader, document_code="KQ-1"
            ),
        ),
    }
    holder = _Holder(w.version.pk)
    holder.start()
    assert holder.holding.wait(timeout=30) and holder.error is None
    # a lock wait fails fast instead of hanging the test
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    done: dict[str, str] = {}
    try:
        # when every action runs on a dossier of that unit, with its shared rows held
        for action, (dossier, act) in ready.items():
            done[action] = act(dossier).status
        intake = _counter_intake(w, 15)  # a new counter intake at the unit too
    finally:
        holder.release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    # then each one completed
    assert done == {
        "receive": S.RECEIVED,
        "refuse": S.REFUSED,
        "request_supplement": S.SUPPLEMENT_REQUESTED,
        "supplement": S.RECEIVED,
        "forward": S.IN_PROGRESS,
        "approve": S.IN_PROGRESS,
        "request_payment": S.AWAITING_PAYMENT,
        "confirm_payment": S.RECEIVED,
        "complete": S.RESULT_READY,
        "deliver": S.DELIVERED,
        "extend": S.RECEIVED,
        "stop": S.STOPPED,
        "withdraw": S.WITHDRAWN,
        "release_result": S.IN_PROGRESS,
    }
    assert intake.status == S.RECEIVED
