"""`manage.py generate_history --year 2025 --count 272000 --seed 1`: a synthetic year of dossiers.

See motcua/demo/history.py for what is generated and how the bulk path keeps the rules of
the dossiers' lifecycle. Deterministic for a seed on the same catalogue and calendar.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.accounts.cli import resolve_actor
from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.core.errors import DomainError
from motcua.core.progress import Progress
from motcua.demo.history import generate_history
from motcua.dossiers.models import Dossier


class Command(BaseCommand):
    help = "Generate a realistic year of dossiers (bulk, same rules as the services)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--count", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--actor", help="username the actions are recorded under")
        parser.add_argument(
            "--as-of",
            help="ISO date-time: actions later than this are not done yet (default: now, or "
            "the end of the year for a past year)",
        )
        parser.add_argument(
            "--via-services",
            action="store_true",
            help="call the dossier services for every action (slow; the reference path)",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--workers",
            type=int,
            help="processes sharing the batches (default: 2 on PostgreSQL, 1 on SQLite)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when dossiers were already submitted in that year (for make run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            as_of = dt.datetime.fromisoformat(options["as_of"])
            if timezone.is_naive(as_of):
                as_of = timezone.make_aware(as_of)
        if (
            options["if_empty"]
            and Dossier.objects.filter(submitted_at__year=options["year"]).exists()
        ):
            self.stdout.write(f"{options['year']} already has dossiers: nothing generated.")
            return
        actor = resolve_actor(options["actor"])
        # The raw stream: "\r" progress lines must not get the OutputWrapper's newline.
        progress = Progress(options["count"], stream=options.get("stderr") or sys.stderr)
        with audit_context(actor=actor, interface=Interface.CLI):
            try:
                result = generate_history(
                    year=options["year"],
                    count=options["count"],
                    seed=options["seed"],
                    actor=actor,
                    as_of=as_of,
                    via_services=options["via_services"],
                    batch_size=options["batch_size"],
                    progress=progress,
                    workers=options["workers"],
                )
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        progress.finish()
        statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(result.statuses.items()))
        self.stdout.write(
            f"{result.dossiers:,} dossiers in {result.seconds:.1f} s "
            f"({result.per_second:,.0f}/s): {statuses}"
        )
