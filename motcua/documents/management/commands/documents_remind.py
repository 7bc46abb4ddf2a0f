"""`manage.py documents_remind [--days-before N]`: remind the assignees of open incoming
documents due within N days (2) or overdue, once a day per document; prints how many were
reminded. Run from cron once a day (e.g. `0 7 * * *`); a second run the same day reminds
nobody again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


class Command(BaseCommand):
    help = (
        "Remind the assignees of open incoming documents due soon or overdue (once a day per "
        "document; run from cron once a day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before",
            type=int,
            default=2,
            help="remind this many days before the deadline (default 2)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.documents.services.incoming import incoming_remind_due

        with audit_context(interface=Interface.CLI):
            count = incoming_remind_due(days_before=options["days_before"])
        self.stdout.write(f"documents reminded: {count}")
