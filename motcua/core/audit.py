"""Recording changes: who, when, which object, what changed, through which interface.

Services call `audit_record(...)` for domain actions; models registered with `audit_register`
are recorded automatically on every create, update and delete (that is how Django admin edits
are caught). The actor and interface come from `audit_context`, set by the web middleware, the
API authentication, management commands and background tasks.

Records are chained with an HMAC-SHA256 keyed by `audit_key()` (MOTCUA_AUDIT_KEY, kept outside
the database): whoever can write to the database can edit a record, but cannot compute the
links that would hide the edit. Records sealed before the chain was keyed (HashVersion.SHA256)
are re-sealed by migration 0004 when their chain is intact; `audit_verify_chain` reports any
left.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from motcua.core.audit_models import AuditChainHead, AuditRecord, HashVersion, Interface

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
HASH_VERSION = HashVersion.HMAC_SHA256  # what new records are sealed with
# The development key is derived from SECRET_KEY under its own label, so that it is not the
# SECRET_KEY itself (which signs sessions and tokens).
_DEV_KEY_LABEL = b"motcua.core.audit.chain-key.v1"


@dataclass(frozen=True)
class _Context:
    actor: Any = None  # a user, or a zero-argument callable returning one (lazy request.user)
    interface: str = Interface.SYSTEM


_DEFAULT_CONTEXT = _Context()
_context: contextvars.ContextVar[_Context] = contextvars.ContextVar(
    "motcua_audit_context",
    default=_DEFAULT_CONTEXT,
)


@contextlib.contextmanager
def audit_context(*, actor: Any = None, interface: str | None = None) -> Iterator[None]:
    current = _context.get()
    token = _context.set(
        _Context(
            actor=actor if actor is not None else current.actor,
            interface=interface or current.interface,
        )
    )
    try:
        yield
    finally:
        _context.reset(token)


def audit_set_actor(actor: Any) -> None:
    """Used by authentication that happens after the middleware (API bearer tokens)."""
    current = _context.get()
    _context.set(_Context(actor=actor, interface=current.interface))


def current_interface() -> str:
    return _context.get().interface


def _resolve_actor(actor: Any) -> tuple[int | None, str]:
    if callable(actor) and not isinstance(actor, models.Model):
        actor = actor()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, str(getattr(actor, "username", "") or actor)[:255]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return str(value)


def audit_key() -> bytes:
    """The chain's HMAC key: MOTCUA_AUDIT_KEY, else (development, tests) one derived from
    SECRET_KEY; `check --deploy` warns when MOTCUA_AUDIT_KEY is unset (core.W001)."""
    key = str(getattr(settings, "MOTCUA_AUDIT_KEY", "") or "")
    if key:
        return key.encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), _DEV_KEY_LABEL, hashlib.sha256).digest()


def _canonical(record: AuditRecord) -> bytes:
    """Version 1's payload (the fields chained before keying)."""
    payload = {
        "seq": record.seq,
        "occurred_at": record.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": record.actor_id,
        "actor_repr": record.actor_repr,
        "interface": record.interface,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "changes": record.changes,
        "note": record.note,
        "prev_hash": record.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _canonical_v2(record: AuditRecord) -> bytes:
    payload = json.loads(_canonical(record))
    payload["recorded_at"] = record.recorded_at.astimezone(dt.UTC).isoformat(
        timespec="microseconds"
    )
    payload["hash_version"] = int(HashVersion.HMAC_SHA256)
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(record: AuditRecord, *, version: int | None = None) -> str:
    """The record's link: its `hash_version`'s (or `version`'s) digest of its content and the
    previous record's hash."""
    version = int(version if version is not None else record.hash_version)
    if version == HashVersion.SHA256:
        return hashlib.sha256(_canonical(record)).hexdigest()
    if version == HashVersion.HMAC_SHA256:
        return hmac.new(audit_key(), _canonical_v2(record), hashlib.sha256).hexdigest()
    raise ValueError(f"unknown audit hash version {version}")


def _object_type(obj: Any) -> str:
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor: Any = None,
    interface: str | None = None,
    occurred_at: dt.datetime | None = None,
) -> AuditRecord:
    """Write one record inside the caller's transaction; it is sealed into the hash chain as
    soon as that transaction commits (so that concurrent writers never wait on the chain)."""
    ctx = _context.get()
    actor_id, actor_repr = _resolve_actor(actor if actor is not None else ctx.actor)
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or obj.pk or ""
        object_repr = object_repr or str(obj)
    record = AuditRecord(
        occurred_at=occurred_at or timezone.now(),
        actor_id=actor_id,
        actor_repr=actor_repr,
        interface=interface or ctx.interface,
        action=action[:64],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:255],
        changes=_jsonable(changes or {}),
        note=note,
    )
    record.save()
    _schedule_seal()
    return record


def _seal_after_commit() -> None:
    """Sealing runs as a background task, so a request pays one small insert for it."""
    from motcua.core.tasks import seal_audit_trail

    seal_audit_trail.enqueue()


def _schedule_seal() -> None:
    """One sealing pass per transaction, after it commits (nothing if it rolls back)."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(entry[1] is _seal_after_commit for entry in conn.run_on_commit):
        return
    transaction.on_commit(_seal_after_commit)


def audit_seal_pending(*, batch: int = 2000) -> int:
    """Give every committed, unsealed record its place in the chain; returns how many.

    The chain head row is locked (SKIP LOCKED: if another process is sealing, it will take
    these records too, or the next write or `audit_verify` will)."""
    sealed = 0
    while True:
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update(skip_locked=True).filter(id=1).first()
            if head is None:
                if AuditChainHead.objects.filter(id=1).exists():
                    return sealed  # another sealer holds the head
                AuditChainHead.objects.get_or_create(id=1)
                continue
            rows = list(AuditRecord.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not rows:
                return sealed
            for record in rows:
                record.seq = head.last_seq + 1
                record.prev_hash = head.last_hash
                record.hash_version = HASH_VERSION
                record.hash = compute_hash(record)
                head.last_seq = record.seq
                head.last_hash = record.hash
            AuditRecord.objects.bulk_update(rows, ["seq", "prev_hash", "hash", "hash_version"])
            head.save(update_fields=["last_seq", "last_hash"])
        sealed += len(rows)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_pending_count() -> int:
    return AuditRecord.objects.filter(seq__isnull=True).count()


def audit_seal_grace() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "MOTCUA_AUDIT_SEAL_GRACE_SECONDS", 300)))


def audit_unsealed_overdue(*, now: dt.datetime | None = None) -> models.QuerySet[AuditRecord]:
    """Records written longer than MOTCUA_AUDIT_SEAL_GRACE_SECONDS ago and still unsealed.

    Until it is sealed a record can be changed or deleted without a trace, so one waiting for
    long means the sealing task is not running (or someone keeps it from running)."""
    cutoff = (now or timezone.now()) - audit_seal_grace()
    return AuditRecord.objects.filter(seq__isnull=True, recorded_at__lt=cutoff).order_by("id")


def audit_verify_chain(*, on_progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the sealed chain in order; report the first record whose link does not hold."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    unkeyed: int | None = None
    qs = AuditRecord.objects.filter(seq__isnull=False).order_by("seq")
    for record in qs.iterator(chunk_size=2000):
        if record.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"record #{expected_seq} is missing (deleted)"
            )
        if record.prev_hash != expected_prev:
            return VerifyResult(
                False, checked, record.seq, "previous-hash link does not match the record before"
            )
        if record.hash_version not in HashVersion.values or not hmac.compare_digest(
            compute_hash(record), record.hash or ""
        ):
            return VerifyResult(False, checked, record.seq, "content does not match its hash")
        if record.hash_version != HASH_VERSION and unkeyed is None:
            # Its link holds, but anyone who can write to the database could have made it:
            # reported once the walk finds no earlier-breaking link further on.
            unkeyed = record.seq
        expected_prev = record.hash or ""
        expected_seq += 1
        checked += 1
        if on_progress and checked % 10000 == 0:
            on_progress(checked)
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"the chain head names record #{head.last_seq}, but the trail ends at #{checked}",
        )
    if unkeyed is not None:
        return VerifyResult(
            False,
            unkeyed - 1,
            unkeyed,
            "sealed with the unkeyed SHA-256 of version 1, which anyone who can write to the "
            "database can recompute (left unkeyed by migration 0004, or forged since)",
        )
    return VerifyResult(True, checked)


def audit_reseal_legacy(
    *, record_model: Any = AuditRecord, head_model: Any = AuditChainHead, batch: int = 2000
) -> int:
    """Re-seal a chain sealed before keying (HashVersion.SHA256) with the key; returns how many
    records were re-sealed. Run once, by migration 0004, before any keyed record exists.

    Only a legacy chain that verifies intact end to end (every link, the head) is re-sealed:
    a broken one is left as it is, so that `audit_verify` keeps reporting where it breaks
    instead of the upgrade blessing an edit. The models are parameters for the migration's
    historical models."""
    sealed = record_model.objects.filter(seq__isnull=False)
    if not sealed.filter(hash_version=HashVersion.SHA256).exists():
        return 0

    def batches() -> Iterator[list[Any]]:
        last = 0
        while True:
            rows = list(sealed.filter(seq__gt=last).order_by("seq")[:batch])
            if not rows:
                return
            yield rows
            last = rows[-1].seq

    expected_prev, expected_seq = GENESIS_HASH, 1
    for rows in batches():
        for record in rows:
            intact = (
                record.seq == expected_seq
                and record.prev_hash == expected_prev
                and record.hash_version == HashVersion.SHA256
                and compute_hash(record, version=HashVersion.SHA256) == record.hash
            )
            if not intact:
                logger.warning(
                    "audit trail: the unkeyed chain is broken at record #%s; left unkeyed",
                    expected_seq,
                )
                return 0
            expected_prev, expected_seq = record.hash, expected_seq + 1
    head = head_model.objects.filter(id=1).first()
    if head is None or head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        logger.warning("audit trail: the chain head does not match the unkeyed chain; left")
        return 0
    previous, count = GENESIS_HASH, 0
    for rows in batches():
        for record in rows:
            record.prev_hash = previous
            record.hash_version = HASH_VERSION
            record.hash = compute_hash(record)
            previous = record.hash
        record_model.objects.bulk_update(rows, ["prev_hash", "hash", "hash_version"])
        count += len(rows)
    head.last_hash = previous
    head.save(update_fields=["last_hash"])
    return count


# --- Automatic recording of registered models ----------------------------------------------

_registered: dict[type[models.Model], frozenset[str]] = {}
_SKIP_ALWAYS = frozenset({"updated_at", "last_login"})
# Secrets are recorded as a short fingerprint: the trail shows that they changed, never them.
_FINGERPRINT = frozenset({"password"})
_BEFORE_ATTR = "_audit_before"


def _snapshot(instance: models.Model, exclude: frozenset[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name in _SKIP_ALWAYS:
            continue
        value = field.value_from_object(instance)
        if field.name in _FINGERPRINT:
            value = "fp:" + hashlib.sha256(str(value).encode()).hexdigest()[:12] if value else ""
        data[field.attname] = _jsonable(value)
    return data


def _on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None or instance._state.adding:
        setattr(instance, _BEFORE_ATTR, None)
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE_ATTR, _snapshot(old, _registered[sender]) if old else None)


def _on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    after = _snapshot(instance, _registered[sender])
    before = getattr(instance, _BEFORE_ATTR, None) or {}
    if created:
        changes = {k: [None, v] for k, v in after.items()}
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changes:
            return
    audit_record(action="create" if created else "update", obj=instance, changes=changes)


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    before = _snapshot(instance, _registered[sender])
    audit_record(action="delete", obj=instance, changes={k: [v, None] for k, v in before.items()})


def audit_register(model: type[models.Model], *, exclude: tuple[str, ...] = ()) -> None:
    """Record every create/update/delete of `model` (call from AppConfig.ready)."""
    if model in _registered:
        return
    _registered[model] = frozenset(exclude)
    uid = f"motcua-audit-{model._meta.label}"
    pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_on_post_save, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_on_post_delete, sender=model, dispatch_uid=uid + "-del")
