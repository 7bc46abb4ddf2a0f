from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


class Command(BaseCommand):
    help = (
        "Demo: issue one signed decision of Sở Tư pháp to Sở Tài chính (run after "
        "signatures_dev_pki); idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.documents.demo import documents_demo_issue

        with audit_context(interface=Interface.CLI):
            counts = documents_demo_issue()
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
