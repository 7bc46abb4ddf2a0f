from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings


class Command(BaseCommand):
    help = (
        "Verify the digital signatures of a PDF file and print the report as JSON "
        '({"verdict", "reason", "signatures": [...]}).'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the PDF file.")
        parser.add_argument(
            "--trust-root",
            action="append",
            default=[],
            metavar="PEM",
            help="Trust this root CA instead of settings.MOTCUA_TRUST_ROOTS (repeatable).",
        )
        parser.add_argument(
            "--exit-code",
            action="store_true",
            help="Exit with 1 when the verdict is invalid, 2 when indeterminate.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.signatures.verification import verify_pdf

        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        if options["trust_root"]:
            with override_settings(MOTCUA_TRUST_ROOTS=options["trust_root"]):
                report = verify_pdf(data)
        else:
            report = verify_pdf(data)
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        if options["exit_code"] and report.verdict != "valid":
            raise SystemExit(1 if report.verdict == "invalid" else 2)
