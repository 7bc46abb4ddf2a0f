from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from motcua.demo.services import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("vi"):
            rows = demo_logins()
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(r[0]) for r in rows)
        for username, role, where in rows:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {where}")
        self.stdout.write("")
