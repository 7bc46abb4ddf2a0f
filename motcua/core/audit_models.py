"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HashVersion(models.IntegerChoices):
    """How a record's `hash` is computed (core/audit.py). Stored values never change."""

    # Plain SHA-256: anyone who can write to the database can recompute it. Sealed before the
    # chain was keyed; migration 0004 re-seals an intact legacy chain with the key.
    SHA256 = 1, "sha256"
    # HMAC-SHA256 with MOTCUA_AUDIT_KEY, a key kept outside the database.
    HMAC_SHA256 = 2, "hmac-sha256"


class Interface(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    ADMIN = "admin", _("Administration")
    TASK = "task", _("Background task")
    CLI = "cli", _("Command line")
    SYSTEM = "system", _("System")


class AuditRecord(models.Model):
    """One change. Never updated or deleted: `hash` chains each record to the previous one."""

    # Sealed into the chain right after the writing transaction commits (see core/audit.py):
    # until then seq and hash are empty.
    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    # Plain values, not foreign keys: deleting a user or an object must not rewrite history.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_repr = models.CharField(_("actor"), max_length=255, blank=True)
    interface = models.CharField(_("interface"), max_length=16, choices=Interface.choices)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    hash_version = models.PositiveSmallIntegerField(
        choices=HashVersion.choices, default=HashVersion.HMAC_SHA256
    )
    # When the record was written (occurred_at may be an earlier, explicit time): how long it
    # has been waiting for its seal.
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '…'} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("Audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Audit records are append-only")


class AuditChainHead(models.Model):
    """A single row, locked while a record is appended, that holds the chain's tip.

    It also lets `audit_verify` notice that the newest records were deleted.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"
