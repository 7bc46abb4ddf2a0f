"""Import of dossiers exported from a previous system (`manage.py import_dossiers FILE.jsonl`).

One JSON object per line: the export row of `selectors.dossier_export_row` (code,
receiving_unit, procedure_code, channel, status, submitted_at, received_at, due_at, ended_at,
delivered_at, supplement_count, ...) plus

    "applicant": {"full_name", "id_number", "kind"?, "phone"?, "email"?, "address"?}
    "events": [{"action", "at", "actor"?, "note"?, "data"?}, ...]   (in time order)

Each record is replayed through `motcua.dossiers.services` with the explicit event times, in its
own transaction: the services apply the same rules as for a live dossier (permissions of the
importing account, the transition table, clock start, statutory due time, pauses, steps), so a
record that breaks a rule is rejected whole, with its line number and the reasons, and nothing
of it is stored. After the replay the result is checked against the record (status, receipt,
end and delivery times, supplement count); a mismatch rejects the record. A different statutory
due time is not an error — MotCua's calendar decides it — but it is counted and reported.

- Codes: the record's `code` is kept (through the pluggable code generator, see
  `legacy_code`); when it has the form `<unit>-<YYMMDD>-<NNNN>` the unit's daily sequence is
  moved past NNNN so that new dossiers never reuse it. A code already in the database rejects
  the record (importing the same file twice imports nothing twice).
- Events: counter and postal dossiers are received when created (the "submit" and "receive"
  events are one step); online ones are created at "submit" and received at "receive". Every
  action is done by the importing account; the previous system's actor name is kept in the
  event's note ("[actor: …]").
- Notifications are not sent for imported history (unless `notify=True`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.dossiers import registry, services
from motcua.dossiers.codes import circular_01_2018
from motcua.dossiers.enums import Action, Channel, DeliveryMethod, DossierStatus
from motcua.dossiers.models import Dossier, DossierSequence
from motcua.organisations.models import Organisation

CODE_GENERATOR = "motcua.dossiers.importing.legacy_code"
CODE_RE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<number>\d{4,})$")
CHECKED_TIMES = ("received_at", "ended_at", "delivered_at")

_legacy: contextvars.ContextVar[str | None] = contextvars.ContextVar("legacy_code", default=None)


class Rejected(Exception):
    """The record cannot be imported; `reasons` say why."""

    def __init__(self, *reasons: str) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


def legacy_code(unit: Organisation, day: dt.date) -> str:
    """The code generator used during an import: the record's own code, with the unit's
    daily sequence moved past its number; outside an import, the Circular 01/2018 code."""
    code = _legacy.get()
    if not code:
        return circular_01_2018(unit, day)
    match = CODE_RE.match(code)
    if match and match["unit"] == unit.agency_code:
        try:
            code_day = dt.datetime.strptime(match["day"], "%y%m%d").date()
        except ValueError:
            code_day = None
        if code_day is not None:
            DossierSequence.objects.get_or_create(unit=unit, day=code_day)
            row = DossierSequence.objects.select_for_update().get(unit=unit, day=code_day)
            number = int(match["number"])
            if row.last < number:
                row.last = number
                row.save(update_fields=["last"])
    return code


@dataclass
class ImportResult:
    imported: int = 0
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)
    due_differs: list[tuple[int, str]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def export_record(dossier: Dossier) -> dict[str, Any]:
    """A dossier in the import format (the export row + applicant + events): what another
    MotCua, or this importer, reads back."""
    from motcua.dossiers.selectors import dossier_export_row

    row = dossier_export_row(dossier)
    a = dossier.applicant
    row["applicant"] = {
        "full_name": a.full_name,
        "id_number": a.id_number,
        "kind": a.kind,
        "phone": a.phone,
        "email": a.email,
        "address": a.address,
    }
    if dossier.sub_channel:
        row["sub_channel"] = dossier.sub_channel
    row["events"] = [
        {
            "action": e.action,
            "at": timezone.localtime(e.at).isoformat(),
            "actor": e.actor_name,
            "note": e.note,
            "data": e.data,
        }
        for e in dossier.events.order_by("at", "id")
    ]
    return row


def _time(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str) or not value:
        raise Rejected(f"{name}: missing time")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Rejected(f"{name}: “{value}” is not an ISO 8601 time") from exc
    if timezone.is_naive(parsed):
        raise Rejected(f"{name}: “{value}” has no UTC offset")
    return parsed


def _optional_time(record: dict[str, Any], name: str) -> dt.datetime | None:
    value = record.get(name)
    return None if value in (None, "") else _time(value, name)


@dataclass
class _Event:
    action: str
    at: dt.datetime
    actor: str
    note: str
    data: dict[str, Any]

    def note_with_actor(self) -> str:
        suffix = f"[actor: {self.actor}]" if self.actor else ""
        return " ".join(part for part in (self.note.strip(), suffix) if part)


def parse_record(line: str) -> tuple[dict[str, Any], list[_Event]]:
    """Check the shape of one line (no database access)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Rejected(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise Rejected("not a JSON object")
    problems = []
    for key in ("code", "receiving_unit", "procedure_code"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            problems.append(f"{key}: required")
    if record.get("channel") not in Channel.values:
        problems.append("channel: 1 (counter), 2 (online) or 3 (post)")
    applicant = record.get("applicant")
    if not isinstance(applicant, dict):
        problems.append("applicant: required object")
    else:
        for key in ("full_name", "id_number"):
            if not isinstance(applicant.get(key), str) or not applicant[key].strip():
                problems.append(f"applicant.{key}: required")
    if record.get("status") not in (None, *DossierStatus.values):
        problems.append(f"status: unknown “{record.get('status')}”")
    raw_events = record.get("events")
    events: list[_Event] = []
    if not isinstance(raw_events, list) or not raw_events:
        problems.append("events: a non-empty list is required")
        raw_events = []
    for index, raw in enumerate(raw_events):
        where = f"events[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: not an object")
            continue
        action = raw.get("action")
        if action not in Action.values:
            problems.append(f"{where}.action: unknown “{action}”")
            continue
        try:
            at = _time(raw.get("at"), f"{where}.at")
        except Rejected as exc:
            problems.extend(exc.reasons)
            continue
        data = raw.get("data") or {}
        if not isinstance(data, dict):
            problems.append(f"{where}.data: not an object")
            continue
        events.append(
            _Event(action, at, str(raw.get("actor") or ""), str(raw.get("note") or ""), data)
        )
    for before, after in itertools.pairwise(events):
        if after.at < before.at:
            problems.append(
                f"events: “{after.action}” at {after.at.isoformat()} is earlier than "
                f"the event before it"
            )
            break
    for name in ("submitted_at", "received_at", "due_at", "ended_at", "delivered_at"):
        try:
            _optional_time(record, name)
        except Rejected as exc:
            problems.extend(exc.reasons)
    if problems:
        raise Rejected(*problems)
    return record, events


def _reason(event: _Event) -> str:
    return str(event.data.get("reason") or event.note or "").strip()


def _apply(dossier: Dossier, event: _Event, actor: Any, *, notify: bool = False) -> Dossier:
    """Replay one event through the action registry, at its explicit time."""
    return registry.run(
        event.action,
        dossier=dossier,
        actor=actor,
        at=event.at,
        notify=notify,
        **_arguments(event),
    )


def _arguments(event: _Event) -> dict[str, Any]:
    """The service's arguments for `event`, from the previous system's record."""
    data = event.data
    note = event.note_with_actor()
    match event.action:
        case Action.RECEIVE | Action.APPROVE:
            return {"note": note}
        case Action.REFUSE | Action.STOP | Action.WITHDRAW:
            return {"reason": _reason(event)}
        case Action.REQUEST_SUPPLEMENT:
            missing = data.get("missing") or ([event.note] if event.note else [])
            if not isinstance(missing, list):
                missing = [str(missing)]
            return {"missing": [str(m) for m in missing], "note": note}
        case Action.SUPPLEMENT:
            return {"note": note or "Bổ sung hồ sơ (dữ liệu chuyển đổi)"}
        case Action.FORWARD:
            to_unit = None
            if data.get("to_unit"):
                to_unit = Organisation.objects.filter(agency_code=data["to_unit"]).first()
                if to_unit is None:
                    raise Rejected(f"forward: unknown unit “{data['to_unit']}”")
            return {"to_unit": to_unit, "note": note}
        case Action.REQUEST_PAYMENT:
            amount = data.get("amount")
            return {"amount": int(amount) if amount is not None else None, "note": note}
        case Action.CONFIRM_PAYMENT:
            return {"online": bool(data.get("online")), "note": note}
        case Action.COMPLETE:
            return {"result_number": str(data.get("result_number") or ""), "note": note}
        case Action.DELIVER:
            return {"method": str(data.get("method") or DeliveryMethod.DESK), "note": note}
        case Action.EXTEND:
            raw = data.get("new_appointment_at")
            new = _time(raw, "extend.data.new_appointment_at")
            return {"reason": _reason(event), "new_appointment_at": new}
    raise Rejected(f"{event.action}: cannot be replayed here")


def _check(dossier: Dossier, record: dict[str, Any]) -> list[str]:
    problems = []
    status = record.get("status")
    if status and dossier.status != status:
        problems.append(
            f"status: the events lead to “{dossier.status}”, the record says “{status}”"
        )
    for name in CHECKED_TIMES:
        expected = _optional_time(record, name)
        actual = getattr(dossier, name)
        if expected is not None and actual != expected:
            shown = actual.isoformat() if actual else "none"
            problems.append(
                f"{name}: the events give {shown}, the record says {expected.isoformat()}"
            )
    count = record.get("supplement_count")
    if count is not None and dossier.supplement_count != count:
        problems.append(
            f"supplement_count: the events give {dossier.supplement_count}, the record says {count}"
        )
    return problems


def import_record(
    record: dict[str, Any], events: list[_Event], actor: Any, *, notify: bool = False
) -> tuple[Dossier, bool]:
    """Replay one record through the services (call inside a transaction), at the record's
    explicit times and, unless `notify`, without messaging the applicant (both explicit
    parameters of the services, which the policy allows the importing provincial
    administrator). Returns the dossier and whether its statutory due time differs from the
    record's."""
    code = record["code"].strip()
    if Dossier.objects.filter(code=code).exists():
        raise Rejected(f"code: {code} is already in the database")
    unit = Organisation.objects.filter(agency_code=record["receiving_unit"].strip()).first()
    if unit is None:
        raise Rejected(f"receiving_unit: unknown agency code “{record['receiving_unit']}”")
    channel = record["channel"]
    queue = list(events)
    first = queue.pop(0)
    if first.action not in (Action.SUBMIT, Action.RECEIVE):
        raise Rejected("events: the first event must be “submit” (or “receive” at the counter)")
    created_at = first.at
    if channel != Channel.ONLINE:
        # Counter and post: received when created; a separate "receive" event is that moment.
        if first.action == Action.SUBMIT and queue and queue[0].action == Action.RECEIVE:
            created_at = queue.pop(0).at
    elif first.action != Action.SUBMIT:
        raise Rejected("events: an online dossier starts with “submit”")
    a = record["applicant"]
    token = _legacy.set(code)
    try:
        dossier = services.dossier_create(
            actor=actor,
            procedure_code=record["procedure_code"].strip(),
            channel=channel,
            receiving_unit=unit,
            applicant=services.ApplicantInput(
                full_name=str(a["full_name"]),
                id_number=str(a["id_number"]),
                kind=str(a.get("kind") or "individual"),
                phone=str(a.get("phone") or ""),
                email=str(a.get("email") or ""),
                address=str(a.get("address") or ""),
            ),
            case_code=record.get("case_code") or None,
            sub_channel=str(record.get("sub_channel") or ""),
            at=created_at,
            notify=notify,
        )
    finally:
        _legacy.reset(token)
    for event in queue:
        if event.action == Action.SUBMIT:
            raise Rejected("events: “submit” can only come first")
        dossier = _apply(dossier, event, actor, notify=notify)
    dossier.refresh_from_db()
    problems = _check(dossier, record)
    if problems:
        raise Rejected(*problems)
    expected_due = _optional_time(record, "due_at")
    return dossier, expected_due is not None and expected_due != dossier.due_at


@contextlib.contextmanager
def importing_codes() -> Iterator[None]:
    """Route the services' code generator through `legacy_code` for the import."""
    previous = getattr(settings, "MOTCUA_DOSSIER_CODE_GENERATOR", "")
    settings.MOTCUA_DOSSIER_CODE_GENERATOR = CODE_GENERATOR
    try:
        yield
    finally:
        settings.MOTCUA_DOSSIER_CODE_GENERATOR = previous


def import_lines(
    lines: Iterable[str],
    *,
    actor: Any,
    atomic: bool = False,
    dry_run: bool = False,
    notify: bool = False,
    on_line: Callable[[int, str | None], None] | None = None,
) -> ImportResult:
    """Import JSON lines; `on_line(number, error or None)` after each non-blank line.

    Each record in its own transaction (savepoint); with `atomic`, the whole file is one
    transaction that is rolled back if any record is rejected; with `dry_run`, everything is
    rolled back at the end.
    """
    result = ImportResult()
    outer = transaction.atomic() if (atomic or dry_run) else contextlib.nullcontext()
    with importing_codes(), outer:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            error: str | None = None
            try:
                record, events = parse_record(line)
                with transaction.atomic():
                    dossier, due_differs = import_record(record, events, actor, notify=notify)
                result.imported += 1
                result.codes.append(dossier.code)
                if due_differs:
                    result.due_differs.append((number, dossier.code))
            except Rejected as exc:
                result.rejected.append((number, exc.reasons))
                error = "; ".join(exc.reasons)
            except DomainError as exc:
                reasons = [f"{exc.code}: {exc.message}"] + [
                    f"{k}: {v}" for k, v in exc.fields.items()
                ]
                result.rejected.append((number, reasons))
                error = "; ".join(reasons)
            except IntegrityError as exc:
                result.rejected.append((number, [f"database: {exc}"]))
                error = str(exc)
            if on_line is not None:
                on_line(number, error)
        if (atomic and result.rejected) or dry_run:
            transaction.set_rollback(True)
    if atomic and result.rejected and not dry_run:
        result.imported = 0
        result.codes = []
    return result
