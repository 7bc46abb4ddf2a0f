from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.documents.exchange.axis import AxisError
from motcua.documents.services.exchange import directory_sync


class Command(BaseCommand):
    help = (
        "Synchronise the agency directory with the national exchange axis's agency list "
        "(getAgencyList): new agencies added, names and contacts updated, agencies that left the "
        "axis deactivated; our own agencies and the peers' are left as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(interface=Interface.CLI):
            try:
                report = directory_sync()
            except AxisError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"added: {report.created}, updated: {report.updated}, unchanged: {report.unchanged}, "
            f"deactivated: {report.deactivated}"
        )
