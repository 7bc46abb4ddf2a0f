"""What the accounts app removes once it is of no use: verification codes expired long ago and
portal registrations never verified. Run daily by `manage.py purge_drafts` (the window is
`motcua.core.retention`'s)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef

from motcua.accounts.citizens import abandoned_registrations
from motcua.accounts.models import User, VerificationCode
from motcua.core.audit import audit_record
from motcua.core.retention import PURGE_BATCH_SIZE, delete_in_batches, retention_cutoff


def verification_codes_purge(
    *,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
) -> int:
    """Deletes verification codes that expired before the start of the day `older_than` ago
    (used and replaced codes expire too); returns how many. Only an unexpired code can be
    confirmed, and the resend interval looks at the last minute, so none of these is read again.
    """
    cutoff = retention_cutoff(older_than, now)
    expired = VerificationCode.objects.filter(expires_at__lt=cutoff)
    if dry_run:
        return expired.count()

    def delete(ids: list[Any]) -> None:
        VerificationCode.objects.filter(pk__in=ids).delete()
        audit_record(
            action="portal_verification_codes_purge",
            object_type="portal.verificationcode",
            changes={"cutoff": cutoff, "codes": len(ids)},
            note=f"{len(ids)} verification code(s) expired before {cutoff:%Y-%m-%d}",
        )

    return delete_in_batches(
        lambda: list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size]),
        delete,
        batch_size,
    )


def abandoned_registrations_purge(
    *,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
    in_use: Sequence[Exists],
) -> int:
    """Deletes portal registrations never verified: inactive, never logged in, no verified
    contact, registered before the start of the day `older_than` ago and no code asked for
    since, and named by none of the subqueries `in_use` (each over `OuterRef("pk")`, the
    account: the apps above this one say what keeps an account, e.g.
    `dossiers.retention.accounts_in_use()`, its dossiers and applicants); returns how many.
    Such an account cannot log in; the person registers again. (A new registration with the
    same e-mail or phone frees them sooner: `citizens._release_abandoned`.) Each account's
    deletion is in the audit trail (User is recorded on delete) beside one record per batch."""
    cutoff = retention_cutoff(older_than, now)
    abandoned = (
        abandoned_registrations(cutoff)
        .filter(portal_profile__isnull=False)  # registered on the portal, not made elsewhere
        .exclude(
            Exists(VerificationCode.objects.filter(user=OuterRef("pk"), created_at__gte=cutoff))
        )
    )
    for subquery in in_use:
        abandoned = abandoned.exclude(subquery)
    if dry_run:
        return abandoned.count()

    def delete(ids: list[Any]) -> None:
        User.objects.filter(pk__in=ids).delete()  # profile and codes go with them
        audit_record(
            action="portal_registrations_purge",
            object_type="accounts.user",
            changes={"cutoff": cutoff, "accounts": len(ids), "ids": ids},
            note=f"{len(ids)} registration(s) never verified, made before {cutoff:%Y-%m-%d}",
        )

    return delete_in_batches(
        lambda: list(
            abandoned.select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        ),
        delete,
        batch_size,
    )
