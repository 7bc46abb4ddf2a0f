from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; print OK or the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
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
