"""`manage.py import_dossiers FILE.jsonl`: dossiers from a previous system, through the services.

See motcua/dossiers/importing.py for the format and the rules. Rejected records are listed on
stderr with their line number and reasons (and written to --rejects FILE if given); nothing of
a rejected record is stored. Exit status 1 when any record was rejected.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.cli import resolve_actor
from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.core.progress import Progress
from motcua.dossiers.importing import import_lines


class Command(BaseCommand):
    help = "Import dossiers (JSON lines) exported from a previous system, through the services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON lines file ('-' for standard input)")
        parser.add_argument("--actor", help="username the actions are recorded under")
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, store nothing"
        )
        parser.add_argument(
            "--atomic", action="store_true", help="all or nothing: one transaction for the file"
        )
        parser.add_argument("--notify", action="store_true", help="send the notifications too")
        parser.add_argument("--rejects", help="write the rejected lines to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path == "-":
            lines = sys.stdin.read().splitlines()
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"No file {path}.")
            lines = file.read_text(encoding="utf-8-sig").splitlines()
        actor = resolve_actor(options["actor"])
        total = sum(1 for line in lines if line.strip())
        stderr = options.get("stderr") or sys.stderr
        progress = Progress(total, stream=stderr)
        rejected_lines: list[str] = []

        def on_line(number: int, error: str | None) -> None:
            if error is not None:
                stderr.write(f"\rline {number}: {error}\n")
                rejected_lines.append(lines[number - 1])
            progress.advance()

        with audit_context(actor=actor, interface=Interface.CLI):
            result = import_lines(
                lines,
                actor=actor,
                atomic=options["atomic"],
                dry_run=options["dry_run"],
                notify=options["notify"],
                on_line=on_line,
            )
        progress.finish()
        if options["rejects"] and rejected_lines:
            Path(options["rejects"]).write_text("\n".join(rejected_lines) + "\n", encoding="utf-8")
        verb = "would be imported" if options["dry_run"] else "imported"
        if options["atomic"] and result.rejected and not options["dry_run"]:
            verb = "imported (none kept: --atomic and some were rejected)"
        self.stdout.write(
            f"{total:,} records: {result.imported:,} {verb}, {len(result.rejected):,} rejected"
        )
        if result.due_differs:
            self.stdout.write(
                f"{len(result.due_differs):,} with a statutory due time that MotCua's calendar "
                f"computes differently from the record (kept MotCua's), e.g. line "
                f"{result.due_differs[0][0]} ({result.due_differs[0][1]})"
            )
        if result.rejected:
            raise CommandError(f"{len(result.rejected):,} records were rejected.", returncode=1)
