from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


class Command(BaseCommand):
    help = (
        "Read every active official mailbox (or those named) into incoming documents, and "
        "enqueue the e-mail deliveries whose retry time has come (run from cron every minute)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mailbox", type=int, action="append", default=[], help="only this mailbox (its id)"
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="enqueue one background task per mailbox instead of reading them here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.documents.services.mail import (
            email_deliveries_retry_due,
            mailbox_poll,
            mailboxes_active,
        )
        from motcua.documents.tasks_mail import poll_mailbox

        ids = options["mailbox"] or mailboxes_active()
        failed = 0
        with audit_context(interface=Interface.CLI):
            for mailbox_id in ids:
                if options["enqueue"]:
                    poll_mailbox.enqueue(mailbox_id)
                    self.stdout.write(f"mailbox {mailbox_id}: enqueued")
                    continue
                result = mailbox_poll(mailbox_id=mailbox_id)
                failed += bool(result.error)
                self.stdout.write(f"mailbox {mailbox_id}: {result.summary()}")
            retried = email_deliveries_retry_due()
        self.stdout.write(f"e-mail deliveries re-enqueued: {retried}")
        if failed:
            self.stderr.write(f"{failed} mailbox(es) could not be read")
