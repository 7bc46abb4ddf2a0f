from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the Cà Mau demo (organisations, calendar, accounts, procedures); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(interface=Interface.CLI):
            counts = demo_load()
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(self.style.SUCCESS("Cà Mau demo loaded."))
