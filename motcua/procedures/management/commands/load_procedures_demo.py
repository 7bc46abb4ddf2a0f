"""manage.py load_procedures_demo — the Cà Mau demo catalogue (after the organisations)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.procedures.services import procedures_load_demo


class Command(BaseCommand):
    help = "Load the demo procedure catalogue of Cà Mau (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(interface=Interface.CLI):
            result = procedures_load_demo()
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
