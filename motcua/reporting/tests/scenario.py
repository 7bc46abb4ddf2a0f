"""Hand-built dossiers covering every column of form 06a for March 2027 (1 Mar is a Monday).

Procedure 9.000001: 5 working days, received at the provincial desk, processed by the
department; 9.000002 at the ward's desk. Expected figures for 1–31 Mar 2027 at the desk:

    letter  what                                         06a columns
    A  received 24 Feb, due 3 Mar, done 2 Mar               carried_over, resolved_early
    B  online, received 1 Mar, due 8 Mar, done 8 Mar        received_online, resolved_on_time
    C  2 Mar, due 9 Mar, extended 8 Mar, done 11 Mar        counter, resolved_late
    D  3 Mar, two supplement requests, done 5 Mar           counter, resolved_late (>1 supplement)
    E  8 Mar, withdrawn 9 Mar                               counter, resolved_early
    F  online, refused 10 Mar                               —
    G  online, submitted 30 Mar, not received               —
    H  15 Mar, due 22 Mar, open                             counter, in_progress_overdue
    I  29 Mar, due 5 Apr, open                              counter, in_progress_within_time
    J  16 Mar, due 23 Mar, paused since 17 Mar              counter, in_progress_within_time
    K  10 Mar, due 17 Mar, paused since 19 Mar              counter, in_progress_overdue
    L  by post 4 Mar, due 11 Mar, done 5 Mar                counter_post, resolved_early
    M  11 Jan, done 12 Jan                                  —
    N  1 Apr                                                —
    O  15 Feb, due 22 Feb, open                             carried_over, in_progress_overdue
    P  11 Mar, stopped 12 Mar                               counter, resolved_early
    Q  (ward) 2 Mar, done 3 Mar                             counter, resolved_early
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn

MARCH = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))

DESK_EXPECTED = {
    "received_total": 12,
    "received_online": 1,
    "received_counter_post": 9,
    "carried_over": 2,
    "resolved_total": 7,
    "resolved_early": 4,
    "resolved_on_time": 1,
    "resolved_late": 2,
    "in_progress_total": 5,
    "in_progress_within_time": 2,
    "in_progress_overdue": 3,
}
WARD_EXPECTED = {
    "received_total": 1,
    "received_online": 0,
    "received_counter_post": 1,
    "carried_over": 0,
    "resolved_total": 1,
    "resolved_early": 1,
    "resolved_on_time": 0,
    "resolved_late": 0,
    "in_progress_total": 0,
    "in_progress_within_time": 0,
    "in_progress_overdue": 0,
}

_people = iter(range(1, 10_000))


def _applicant() -> ApplicantInput:
    n = next(_people)
    return ApplicantInput(full_name=f"Nguyễn Văn Thử {n}", id_number=f"0961880{n:05d}")


def intake(w: Any, at: dt.datetime, channel: int = 1, *, ward: bool = False) -> Dossier:
    actor = w.citizen if channel == 2 else w.admin
    return services.dossier_create(
        actor=actor,
        procedure_code="9.000002" if ward else "9.000001",
        channel=channel,
        receiving_unit=w.ward_desk if ward else w.desk,
        applicant=_applicant(),
        at=at,
        trusted=True,
    )


def received(w: Any, at: dt.datetime, channel: int = 1, **kw: Any) -> Dossier:
    d = intake(w, at, channel, **kw)
    if channel == 2:
        d = services.dossier_receive(
            dossier=d, actor=w.admin, at=at + dt.timedelta(hours=2), trusted=True
        )
    return d


def complete(w: Any, d: Dossier, at: dt.datetime) -> Dossier:
    """Through the internal process to the result: the appraisal handed on to the leader, the
    leader's approval, the result issued (complete needs the approval)."""
    d = services.dossier_forward(dossier=d, actor=w.admin, at=at, trusted=True)
    d = services.dossier_approve(dossier=d, actor=w.admin, at=at, trusted=True)
    return services.dossier_complete(
        dossier=d, actor=w.admin, result_number="01/GP", at=at, trusted=True
    )


def build_march(w: Any) -> dict[str, Dossier]:
    a = w.admin
    out: dict[str, Dossier] = {}
    out["A"] = complete(w, received(w, vn(2027, 2, 24, 9)), vn(2027, 3, 2, 10))
    out["B"] = complete(w, received(w, vn(2027, 3, 1, 8), channel=2), vn(2027, 3, 8, 15))
    c = received(w, vn(2027, 3, 2, 9))
    c = services.dossier_extend(
        dossier=c,
        actor=a,
        reason="Cần xác minh thêm",
        new_appointment_at=vn(2027, 3, 12, 9),
        at=vn(2027, 3, 8, 9),
        trusted=True,
    )
    out["C"] = complete(w, c, vn(2027, 3, 11, 9))
    d = received(w, vn(2027, 3, 3, 9))
    for request, answer in (
        (vn(2027, 3, 3, 10), vn(2027, 3, 3, 14)),
        (vn(2027, 3, 4, 9), vn(2027, 3, 4, 10)),
    ):
        d = services.dossier_request_supplement(
            dossier=d, actor=a, missing=["Bản sao"], at=request, trusted=True
        )
        d = services.dossier_supplement(dossier=d, actor=a, note="Đã nộp", at=answer, trusted=True)
    out["D"] = complete(w, d, vn(2027, 3, 5, 9))
    out["E"] = services.dossier_withdraw(
        dossier=received(w, vn(2027, 3, 8, 9)),
        actor=a,
        reason="Rút",
        at=vn(2027, 3, 9, 9),
        trusted=True,
    )
    out["F"] = services.dossier_refuse(
        dossier=intake(w, vn(2027, 3, 10, 8), channel=2),
        actor=a,
        reason="Sai thẩm quyền",
        at=vn(2027, 3, 10, 9),
        trusted=True,
    )
    out["G"] = intake(w, vn(2027, 3, 30, 20), channel=2)
    out["H"] = received(w, vn(2027, 3, 15, 9))
    out["I"] = received(w, vn(2027, 3, 29, 9))
    out["J"] = services.dossier_request_supplement(
        dossier=received(w, vn(2027, 3, 16, 9)),
        actor=a,
        missing=["Ảnh"],
        at=vn(2027, 3, 17, 9),
        trusted=True,
    )
    out["K"] = services.dossier_request_supplement(
        dossier=received(w, vn(2027, 3, 10, 9)),
        actor=a,
        missing=["Ảnh"],
        at=vn(2027, 3, 19, 9),
        trusted=True,
    )
    out["L"] = complete(w, received(w, vn(2027, 3, 4, 9), channel=3), vn(2027, 3, 5, 9))
    out["M"] = complete(w, received(w, vn(2027, 1, 11, 9)), vn(2027, 1, 12, 9))
    out["N"] = received(w, vn(2027, 4, 1, 9))
    out["O"] = received(w, vn(2027, 2, 15, 9))
    out["P"] = services.dossier_stop(
        dossier=received(w, vn(2027, 3, 11, 9)),
        actor=a,
        reason="Dừng",
        at=vn(2027, 3, 12, 9),
        trusted=True,
    )
    out["Q"] = complete(w, received(w, vn(2027, 3, 2, 9), ward=True), vn(2027, 3, 3, 9))
    return out
