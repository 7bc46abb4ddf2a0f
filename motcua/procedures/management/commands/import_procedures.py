"""manage.py import_procedures FILE.json — import a national procedure package."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.procedures import national
from motcua.procedures.services import procedures_import


class Command(BaseCommand):
    help = (
        "Import procedures from a national JSON package (a list of records, or "
        '{"data": [...]} / {"items": [...]}). Invalid records are reported with their code and '
        "failing key and skipped; unchanged records create no new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON package, or - for standard input")
        parser.add_argument(
            "--actor", help="user name the changes are made as (default: the system)"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="exit with an error status when any record is invalid",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
            ) from exc
        try:
            records = national.load_package(raw)
        except national.PackageError as exc:
            raise CommandError(str(exc)) from exc

        actor = None
        if options.get("actor"):
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(_("No user is named “%(name)s”.") % {"name": options["actor"]})

        with audit_context(actor=actor, interface=Interface.CLI):
            report = procedures_import(actor=actor, records=records)

        for problem in report.invalid:
            label = problem.code or _("record %(number)d (no MATTHC)") % {
                "number": problem.index + 1
            }
            self.stderr.write(f"{label}: {problem.field or '-'}: {problem.message}")
        self.stdout.write(
            _(
                "%(total)d records: %(created)d created, %(updated)d updated (new version), "
                "%(unchanged)d unchanged, %(invalid)d invalid."
            )
            % {"total": len(records), **report.as_dict()}
        )
        if report.invalid:
            codes = ", ".join(p.code or f"#{p.index + 1}" for p in report.invalid)
            self.stdout.write(_("Invalid (skipped): %(codes)s") % {"codes": codes})
            if options.get("strict"):
                raise CommandError(_("Some records are invalid."))
