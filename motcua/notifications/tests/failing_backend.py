from __future__ import annotations

from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail transport that is down (for the retry tests)."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("SMTP down")
