"""manage.py export_procedures FILE.json — the catalogue as a national package."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.procedures.selectors import procedure_export_national


class Command(BaseCommand):
    help = (
        "Write the current version of every procedure as a national JSON package (a list of "
        "records) that import_procedures reads back unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the JSON, or - for standard output")
        parser.add_argument(
            "--code", action="append", dest="codes", help="only this procedure (repeatable)"
        )
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2)")

    def handle(self, *args: Any, **options: Any) -> None:
        records = procedure_export_national(options.get("codes"))
        text = json.dumps(records, ensure_ascii=False, indent=options["indent"] or None)
        if options["file"] == "-":
            sys.stdout.write(text + "\n")
            return
        Path(options["file"]).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            _("%(count)d procedures written to %(file)s.")
            % {"count": len(records), "file": options["file"]}
        )
