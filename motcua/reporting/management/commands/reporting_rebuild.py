"""`manage.py reporting_rebuild`: recompute every DossierFact from the dossiers.

Needed once on a database that had dossiers before the reporting tables existed, or after
dossiers were written without `Dossier.save()` (a bulk load by another tool). Idempotent.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.progress import Progress
from motcua.dossiers.models import Dossier
from motcua.reporting.facts import facts_rebuild

MAX_BATCH = 50_000


class Command(BaseCommand):
    help = "Recompute the reporting facts (DossierFact) of every dossier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        # One statement per batch names its ids: PostgreSQL takes at most 65,535 parameters.
        if not 1 <= options["batch_size"] <= MAX_BATCH:
            raise CommandError(f"--batch-size must be between 1 and {MAX_BATCH:,}.")
        progress = Progress(Dossier.objects.count(), stream=options.get("stderr") or sys.stderr)
        written = facts_rebuild(batch_size=options["batch_size"], progress=progress.advance)
        seconds = progress.finish()
        self.stdout.write(f"{written:,} dossiers counted in the statistics ({seconds:.1f} s).")
