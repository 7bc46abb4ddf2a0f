from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.documents.exchange.axis import AxisError
from motcua.documents.services.exchange import axis_poll, exchange_retry_due


class Command(BaseCommand):
    help = (
        "Take the packages waiting on the national exchange axis (LGSP) for our agencies: "
        "getReceivedEdocList, getEdoc, register (or record the status), updateStatus done/fail; "
        "then re-enqueue deliveries and status packages whose retry time has come. Run from cron "
        "every few minutes. Configuration: MOTCUA_AXIS_URL, MOTCUA_AXIS_SYSTEM_ID, "
        "MOTCUA_AXIS_SECRET."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organ",
            action="append",
            dest="organs",
            help="Poll only this agency code (repeatable). Default: our agencies whose channel "
            "in the directory is the axis.",
        )
        parser.add_argument(
            "--no-retries", action="store_true", help="Do not re-enqueue due retries."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(interface=Interface.CLI):
            try:
                report = axis_poll(organ_ids=options["organs"])
            except AxisError as exc:
                raise CommandError(str(exc)) from exc
            retried = (0, 0) if options["no_retries"] else exchange_retry_due()
            from motcua.documents.exchange.nonces import nonces_purge

            nonces_purge()
        self.stdout.write(
            f"received: {report.received}, already held: {report.duplicates}, "
            f"statuses: {report.statuses}, refused: {report.refused}, "
            f"errors: {len(report.errors)}, retries enqueued: {retried[0]} deliveries, "
            f"{retried[1]} statuses"
        )
        for error in report.errors:
            self.stderr.write(error)
