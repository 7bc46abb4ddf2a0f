"""How a verification code reaches the citizen: e-mail through Django's mail backend (the
console backend in development), SMS through a pluggable sender.

`MOTCUA_SMS_SENDER` names a class with `send(self, to: str, text: str) -> None`; the default
writes the message to the log (a "console SMS" for development). A real gateway (an SMS
brand-name provider, Zalo ZNS) plugs in there without touching the account code.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
DEFAULT_SMS_SENDER = "motcua.accounts.senders.ConsoleSmsSender"


class SmsSender(Protocol):
    def send(self, to: str, text: str) -> None: ...


class ConsoleSmsSender:
    """Development: the SMS goes to the log (stdout with the default logging)."""

    def send(self, to: str, text: str) -> None:
        log.warning("SMS to %s: %s", to, text)


class LocmemSmsSender:
    """Tests: messages collect in `outbox`, like Django's locmem e-mail backend."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        LocmemSmsSender.outbox.append((to, text))


def sms_sender() -> SmsSender:
    path = getattr(settings, "MOTCUA_SMS_SENDER", "") or DEFAULT_SMS_SENDER
    sender: SmsSender = import_string(path)()
    return sender


def send_code(*, channel: str, recipient: str, code: str, minutes: int) -> None:
    text = _("Your MotCua verification code is %(code)s. It is valid for %(minutes)d minutes.") % {
        "code": code,
        "minutes": minutes,
    }
    if channel == "sms":
        sms_sender().send(recipient, text)
        return
    send_mail(_("Your MotCua verification code"), text, None, [recipient], fail_silently=False)
