"""`manage.py purge_drafts [--days N] [--dry-run]`: what the citizen portal no longer needs.

Meant to run daily from cron. Removes open submission drafts not updated for N days (default
`MOTCUA_DRAFT_RETENTION_DAYS`, 30) with their staged files, staged files left behind by deleted
or submitted drafts, verification codes expired N days ago and registrations never verified
within N days. Submitted drafts stay (they link their dossier). The work is done by
`motcua.dossiers.retention` (drafts) and `motcua.accounts.retention` (codes, registrations).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.accounts import retention as account_retention
from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.core.retention import retention_period
from motcua.dossiers import retention as dossier_retention


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n} bytes" if unit == "B" else f"{n} bytes ({value:.1f} {unit})"
        value /= 1024
    return f"{n} bytes"  # pragma: no cover - the loop always returns


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"a whole number of days, at least 1 (not {value!r})")
    return days


class Command(BaseCommand):
    help = (
        "Remove abandoned submission drafts and their files, expired verification codes and "
        "registrations never verified (run daily from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=_days,
            default=None,
            help="Keep what was touched within this many days (at least 1; default: the "
            "MOTCUA_DRAFT_RETENTION_DAYS setting, 30).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be removed; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = (
            dt.timedelta(days=options["days"])
            if options["days"] is not None
            else retention_period()
        )
        dry_run = options["dry_run"]
        now = timezone.now()
        kwargs: dict[str, Any] = {"older_than": older_than, "now": now, "dry_run": dry_run}
        with audit_context(interface=Interface.CLI):
            drafts = dossier_retention.drafts_purge(**kwargs)
            codes = account_retention.verification_codes_purge(**kwargs)
            accounts = account_retention.abandoned_registrations_purge(
                **kwargs, in_use=dossier_retention.accounts_in_use()
            )
        verb = "would remove" if dry_run else "removed"
        since = timezone.localtime(drafts.cutoff).strftime("%Y-%m-%d")
        if dry_run:
            self.stdout.write("dry run: nothing is changed")
        self.stdout.write(
            f"open drafts not updated since {since} ({older_than.days} days): {verb} "
            f"{drafts.drafts} draft(s), {drafts.files} file(s), {_size(drafts.bytes)}"
        )
        self.stdout.write(
            f"files left behind by deleted or submitted drafts: {verb} "
            f"{drafts.orphan_files} file(s), {_size(drafts.orphan_bytes)}"
        )
        self.stdout.write(f"verification codes expired before {since}: {verb} {codes}")
        self.stdout.write(f"registrations never verified, made before {since}: {verb} {accounts}")
        if not dry_run:
            self.stdout.write(
                f"total: {drafts.drafts} draft(s), {drafts.files + drafts.orphan_files} "
                f"file(s), {_size(drafts.freed_bytes)} freed"
            )
        if drafts.storage_errors:
            raise CommandError(
                f"{drafts.storage_errors} file(s) could not be deleted (see the log); "
                "the next run tries them again"
            )
