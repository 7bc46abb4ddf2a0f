"""Live demo dossiers in every state, so that the workspace queues are not empty.

Idempotent: does nothing when the demo's own dossiers exist. Goes through the services, with
explicit times in the recent past (relative to today), as a migration from a previous system
would.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendar import deadlines as dl
from motcua.calendar.selectors import calendar_for
from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.organisations.selectors import organisation_get_by_code
from motcua.procedures.enums import OnlineLevel
from motcua.procedures.selectors import procedure_current_version

WARD_DESK = "000.01.20.H12"
PROVINCE_DESK = "000.00.15.H12"
MARKER = "demo-live"
NAMES = [
    "Nguyễn Thị Hồng Đào",
    "Trần Văn Bình",
    "Lê Thị Cúc",
    "Phạm Minh Đức",
    "Huỳnh Thị Én",
    "Võ Văn Phúc",
    "Đặng Thị Giang",
    "Bùi Quốc Huy",
    "Đỗ Thị Kim",
    "Hồ Văn Long",
    "Ngô Thị Mai",
    "Dương Văn Nam",
    "Lý Thị Oanh",
    "Trương Văn Phát",
    "Mai Thị Quyên",
]
# (procedure code, desk, officer, specialist, leader)
WARD = ("tiepnhan.anxuyen", "chuyenvien.anxuyen", "lanhdao.anxuyen")
JUSTICE = ("tiepnhan.tinh", "chuyenvien.stp", "lanhdao.stp")
PLAN: list[tuple[str, str, tuple[str, str, str], str]] = [
    ("1.001193", WARD_DESK, WARD, "delivered"),
    ("1.000894", WARD_DESK, WARD, "result_ready"),
    ("1.004873", WARD_DESK, WARD, "in_progress"),
    ("1.004884", WARD_DESK, WARD, "received"),
    ("1.001612", WARD_DESK, WARD, "supplement_requested"),
    ("1.000894", WARD_DESK, WARD, "submitted"),  # online: a procedure offered online
    ("1.004194", WARD_DESK, WARD, "awaiting_payment"),
    ("1.004222", WARD_DESK, WARD, "extended"),
    ("1.001022", WARD_DESK, WARD, "late"),
    ("2.000635", WARD_DESK, WARD, "submitted"),
    ("2.000488", PROVINCE_DESK, JUSTICE, "received"),
    ("2.000488", PROVINCE_DESK, JUSTICE, "in_progress"),
    ("2.000488", PROVINCE_DESK, JUSTICE, "submitted"),
    ("2.000488", PROVINCE_DESK, JUSTICE, "delivered"),
    ("2.000488", PROVINCE_DESK, JUSTICE, "withdrawn"),
]


def _offered_online(code: str) -> bool:
    """Only procedures offered online (partly or fully) take online submissions."""
    return procedure_current_version(code).online_level != OnlineLevel.INFORMATION


def _users(*names: str) -> list[User]:
    return [User.objects.get(username=n) for n in names]


@transaction.atomic
def dossiers_load_demo(*, now: dt.datetime | None = None, seed: int = 7) -> dict[str, int]:
    if Dossier.objects.filter(sub_channel=MARKER).exists():
        return {"demo_dossiers_created": 0}
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = now or timezone.now()
    citizen = User.objects.get(username="congdan")
    created = 0
    with audit_context(interface=Interface.CLI):
        for index, (code, desk_code, staff, target) in enumerate(PLAN):
            desk = organisation_get_by_code(desk_code)
            counter, specialist, leader = _users(*staff)
            cal = calendar_for(desk)
            # Received a few working days ago (further back for finished or late ones).
            back = {"delivered": 6, "late": 12, "result_ready": 4}.get(target, rng.randint(1, 3))
            day = timezone.localtime(now).date()
            for _ in range(back):
                day = day - dt.timedelta(days=1)
                while not dl.is_working_day(cal, day):
                    day = day - dt.timedelta(days=1)
            at = dt.datetime.combine(
                day, dt.time(8, 0) if index % 2 else dt.time(14, 0), tzinfo=dl.TZ
            )
            online = target == "submitted" or (index % 3 == 0 and _offered_online(code))
            name = NAMES[index % len(NAMES)]
            d = services.dossier_create(
                actor=citizen if online else counter,
                procedure_code=code,
                channel=2 if online else 1,
                receiving_unit=desk,
                applicant=services.ApplicantInput(
                    full_name=name if not online else citizen.full_name,
                    id_number=f"0960{index:08d}" if not online else "096088001234",
                    email="" if not online else citizen.email,
                ),
                sub_channel=MARKER,
                at=at,
                trusted=True,
            )
            created += 1
            step = at

            def later(hours: float, cal: dl.WorkCalendar = cal) -> dt.datetime:
                nonlocal step
                step = min(dl.extend_due(cal, step, dt.timedelta(hours=hours)), now)
                return step

            if target == "submitted":
                continue
            if d.status == "submitted":
                d = services.dossier_receive(dossier=d, actor=counter, at=later(0.5), trusted=True)
            if target == "received":
                continue
            if target == "withdrawn":
                services.dossier_withdraw(
                    dossier=d,
                    actor=citizen if d.owner_id == citizen.pk else counter,
                    reason="Không còn nhu cầu",
                    at=later(2),
                    trusted=True,
                )
                continue
            if target == "supplement_requested":
                services.dossier_request_supplement(
                    dossier=d,
                    actor=specialist,
                    missing=["Bản sao Giấy chứng nhận quyền sử dụng đất"],
                    at=later(2),
                    trusted=True,
                )
                continue
            if target == "awaiting_payment":
                services.dossier_request_payment(
                    dossier=d, actor=specialist, amount=20000, at=later(2), trusted=True
                )
                continue
            d = services.dossier_forward(dossier=d, actor=specialist, at=later(3), trusted=True)
            if target in ("in_progress", "late"):
                continue
            if target == "extended":
                services.dossier_extend(
                    dossier=d,
                    actor=specialist,
                    reason="Cần xác minh tại nơi cư trú",
                    new_appointment_at=dl.extend_due(
                        cal, d.appointment_at or now, dt.timedelta(hours=24)
                    ),
                    at=later(1),
                    trusted=True,
                )
                continue
            d = services.dossier_approve(dossier=d, actor=leader, at=later(2), trusted=True)
            d = services.dossier_complete(
                dossier=d,
                actor=leader,
                result_number=f"{index + 1:02d}/KQ",
                at=later(1),
                trusted=True,
            )
            if target == "delivered":
                services.dossier_deliver(
                    dossier=d, actor=counter, method="desk", at=later(1), trusted=True
                )
    return {"demo_dossiers_created": created}


__all__: list[Any] = ["dossiers_load_demo"]
