"""Manage the working-calendar overrides (make-up working days and swapped days off).

    manage.py calendar_override add 2026-08-22 --working --reason "..." [--reference "..."]
                                    [--org CODE]
    manage.py calendar_override add 2026-01-02 --day-off --reason "..." [--reference "..."]
                                    [--org CODE]
    manage.py calendar_override list [--year 2026] [--org CODE]
    manage.py calendar_override remove 2026-08-22 [--org CODE]
    manage.py calendar_override load-demo

Any bad input (date, duplicate, unknown agency code) stops with a message on stderr and a
non-zero exit status, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from motcua.calendar import parsing
from motcua.calendar.selectors import calendar_override_list, organisation_get_by_agency_code
from motcua.calendar.services import (
    calendar_load_demo_overrides,
    calendar_override_add,
    calendar_override_remove,
)
from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.core.errors import DomainError
from motcua.organisations.models import Organisation


class Command(BaseCommand):
    help = "Add, list or remove working-calendar overrides (make-up working days, days off)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        add = actions.add_parser("add", help="Add an override for one date.")
        add.add_argument("date", help="YYYY-MM-DD")
        kind = add.add_mutually_exclusive_group(required=True)
        kind.add_argument(
            "--working", dest="is_working", action="store_true", help="A working day."
        )
        kind.add_argument("--day-off", dest="is_working", action="store_false", help="A day off.")
        add.add_argument("--reason", required=True, help="Why (shown to users).")
        add.add_argument("--reference", default="", help="Legal reference, e.g. 12729/VPCP-KGVX.")
        add.add_argument("--org", default=None, help="Agency code; default: the whole province.")

        listing = actions.add_parser("list", help="List overrides.")
        listing.add_argument("--year", default=None, help="Only this year.")
        listing.add_argument(
            "--org", default=None, help="Only the overrides that apply to this agency code."
        )

        remove = actions.add_parser("remove", help="Remove the override of one date.")
        remove.add_argument("date", help="YYYY-MM-DD")
        remove.add_argument("--org", default=None, help="Agency code; default: the whole province.")

        actions.add_parser("load-demo", help="Add the known 2024–2026 swaps (idempotent).")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "add": self._add,
            "list": self._list,
            "remove": self._remove,
            "load-demo": self._load_demo,
        }[options["action"]]
        try:
            with audit_context(interface=Interface.CLI):
                handler(options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _organisation(self, code: str | None) -> Organisation | None:
        if code is None or not code.strip():
            return None
        return organisation_get_by_agency_code(code, field="org")

    def _add(self, options: dict[str, Any]) -> None:
        day = parsing.parse_date(options["date"])
        organisation = self._organisation(options["org"])
        override = calendar_override_add(
            day=day,
            is_working=options["is_working"],
            reason=options["reason"],
            legal_reference=options["reference"],
            organisation=organisation,
        )
        self.stdout.write(self.style.SUCCESS(_("Added: %(override)s") % {"override": override}))

    def _remove(self, options: dict[str, Any]) -> None:
        day = parsing.parse_date(options["date"])
        organisation = self._organisation(options["org"])
        calendar_override_remove(day=day, organisation=organisation)
        self.stdout.write(
            self.style.SUCCESS(_("Removed the override of %(date)s.") % {"date": day.isoformat()})
        )

    def _list(self, options: dict[str, Any]) -> None:
        year = parsing.parse_year(options["year"]) if options["year"] is not None else None
        organisation = self._organisation(options["org"])
        rows = calendar_override_list(
            year=year, organisation=organisation, every_organisation=organisation is None
        )
        count = 0
        for row in rows:
            count += 1
            kind = _("working day") if row.is_working else _("day off")
            scope = row.organisation.agency_code if row.organisation else _("province-wide")
            reference = f" [{row.legal_reference}]" if row.legal_reference else ""
            self.stdout.write(
                f"{row.date.isoformat()} {WEEKDAYS_ABBR[row.date.weekday()]}\t{kind}\t{scope}\t"
                f"{row.reason}{reference}"
            )
        if count == 0:
            self.stdout.write(_("No overrides."))

    def _load_demo(self, options: dict[str, Any]) -> None:
        created = calendar_load_demo_overrides()
        for override in created:
            self.stdout.write(_("Added: %(override)s") % {"override": override})
        self.stdout.write(
            self.style.SUCCESS(_("%(count)d override(s) added.") % {"count": len(created)})
        )
