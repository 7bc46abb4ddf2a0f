"""Compute a due time with the working calendar.

    manage.py deadline --start "2027-02-05 10:00" --amount 5 --unit working_days \
        [--cutoff 15:00] [--org 000.00.00.H12]

The last line of the output is the due time in ISO 8601 with its UTC offset; the lines before
it explain the clock start. --start is local time (Asia/Ho_Chi_Minh) unless it has an offset.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.calendar import parsing
from motcua.calendar.deadlines import UNITS
from motcua.calendar.selectors import deadline_get, organisation_get_by_agency_code
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = "Print the due time of a dossier (ISO 8601 with offset on the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help='Receipt time, e.g. "2027-02-05 10:00".')
        parser.add_argument("--amount", required=True, help="Time limit, a whole number >= 0.")
        parser.add_argument("--unit", required=True, help=f"One of: {', '.join(UNITS)}.")
        parser.add_argument("--cutoff", default=None, help="Receipt cut-off hour, e.g. 15:00.")
        parser.add_argument("--org", default=None, help="Agency code whose calendar applies.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = parsing.parse_start(options["start"], field="--start")
            amount = parsing.parse_amount(options["amount"], field="--amount")
            unit = parsing.parse_unit(options["unit"], field="--unit")
            cutoff = parsing.parse_cutoff(options["cutoff"], field="--cutoff")
            organisation = None
            if options["org"] is not None and options["org"].strip():
                organisation = organisation_get_by_agency_code(options["org"], field="--org")
            result = deadline_get(
                start=start, amount=amount, unit=unit, cutoff=cutoff, organisation=organisation
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        calendar_name = organisation.name if organisation else _("province-wide calendar")
        self.stdout.write(
            _("Received: %(time)s (%(calendar)s)")
            % {"time": result.received_at.isoformat(), "calendar": calendar_name}
        )
        self.stdout.write(_("Clock starts: %(time)s") % {"time": result.clock_start.isoformat()})
        self.stdout.write(
            _("Due after %(amount)d %(unit)s:") % {"amount": result.amount, "unit": result.unit}
        )
        self.stdout.write(result.due_at.isoformat())
