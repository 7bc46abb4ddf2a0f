from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import audit_pending_count, audit_seal_pending, audit_verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; print OK or the first broken link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Do not seal records that are still waiting for their place in the chain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
            return
        self.stdout.write(
            f"BROKEN at record #{result.broken_seq}: {result.reason} "
            f"({result.checked} records before it are intact)"
        )
        raise CommandError("audit trail chain is broken")
