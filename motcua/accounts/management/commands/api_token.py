from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import ApiToken
from motcua.accounts.services import api_token_create, api_token_revoke
from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Print a new API token for <username> (used as `Authorization: Bearer <token>`). "
        "--list shows a user's tokens; --revoke PREFIX revokes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument("--list", action="store_true", help="List the user's tokens.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token with this prefix.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        with audit_context(interface=Interface.CLI):
            try:
                if options["list"]:
                    for token in ApiToken.objects.filter(user__username=username).order_by("id"):
                        state = "revoked" if token.revoked_at else "active"
                        self.stdout.write(
                            f"{token.prefix}\t{state}\t{token.name}\t{token.created_at:%Y-%m-%d}"
                        )
                    return
                if options["revoke"]:
                    matches = list(
                        ApiToken.objects.filter(
                            user__username=username,
                            prefix=options["revoke"][: ApiToken.PREFIX_LENGTH],
                        )
                    )
                    if len(matches) != 1:
                        raise CommandError(
                            f"No single token of {username} starts with {options['revoke']!r}."
                        )
                    api_token_revoke(token_id=matches[0].pk)
                    self.stdout.write(f"Revoked {matches[0].prefix}…")
                    return
                _, key = api_token_create(username=username, name=options["name"])
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        self.stdout.write(key)
