from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


class Command(BaseCommand):
    help = (
        "Create the development PKI under var/pki (CA, CRL, TSA, certificates of the demo "
        "officials and their organisations) and register the signing credentials; idempotent. "
        "Never for production: see docs/signatures.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--key", choices=["rsa2048", "ec-p256"], default="rsa2048", help="Key type of new keys."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.signatures import config
        from motcua.signatures.demo import dev_pki_setup

        with audit_context(interface=Interface.CLI):
            counts = dev_pki_setup(key_kind=options["key"])
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(self.style.SUCCESS(f"Development PKI ready in {config.pki_dir()}"))
