from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.core.audit import (
    audit_pending_count,
    audit_seal_grace,
    audit_seal_pending,
    audit_unsealed_overdue,
    audit_verify_chain,
)

OVERDUE_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chain; print OK or the first broken link, and the "
        "records left unsealed longer than MOTCUA_AUDIT_SEAL_GRACE_SECONDS. Exits non-zero "
        "when the chain is broken or a record waited too long."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Do not seal records that are still waiting for their place in the chain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Found before sealing: sealing them now does not undo the time they could be edited.
        now = timezone.now()
        overdue = list(audit_unsealed_overdue(now=now)[: OVERDUE_SHOWN + 1])
        overdue_count = audit_unsealed_overdue(now=now).count() if overdue else 0
        if not options["no_seal"]:
            sealed = audit_seal_pending()
            if sealed:
                self.stderr.write(f"sealed {sealed} record(s) that were waiting")
        pending = audit_pending_count()
        if pending:
            self.stderr.write(f"{pending} record(s) not sealed yet (not checked)")
        result = audit_verify_chain(
            on_progress=lambda n: self.stderr.write(f"… {n} records checked")
        )
        if result.ok:
            self.stdout.write(f"OK: {result.checked} records, chain intact")
        else:
            self.stdout.write(
                f"BROKEN at record #{result.broken_seq}: {result.reason} "
                f"({result.checked} records before it are intact)"
            )
            if result.broken_seq == 1 and result.reason == "content does not match its hash":
                self.stdout.write(
                    "  (every record failing from #1 on is also what a MOTCUA_AUDIT_KEY other "
                    "than the one the trail was sealed with looks like)"
                )
        if overdue:
            minutes = audit_seal_grace().total_seconds() / 60
            self.stdout.write(
                f"UNSEALED: {overdue_count} record(s) waited more than {minutes:g} minutes for "
                "their seal (until sealed a record can be changed or deleted without a trace; "
                "is the task worker running `seal_audit_trail`?):"
            )
            for record in overdue[:OVERDUE_SHOWN]:
                waited = int((now - record.recorded_at).total_seconds() // 60)
                self.stdout.write(
                    f"  id {record.pk}: {record.action} {record.object_type}:{record.object_id} "
                    f"by {record.actor_repr or '-'}, written {record.recorded_at.isoformat()} "
                    f"({waited} min)"
                )
            if overdue_count > OVERDUE_SHOWN:
                self.stdout.write(f"  … and {overdue_count - OVERDUE_SHOWN} more")
        if not result.ok:
            raise CommandError("audit trail chain is broken")
        if overdue:
            raise CommandError("audit records were left unsealed too long")
