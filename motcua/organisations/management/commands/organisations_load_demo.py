from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.organisations.services import organisations_load_demo


class Command(BaseCommand):
    help = "Create or refresh the Cà Mau demo agency tree (idempotent, keyed on agency codes)."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(interface=Interface.CLI):
            counts = organisations_load_demo()
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
