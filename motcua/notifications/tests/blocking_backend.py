from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class BlockingBackend(BaseEmailBackend):
    """A mail server that takes the message and never answers (until the worker is killed):
    it writes MOTCUA_TEST_BLOCK_MARKER, then sleeps."""

    def send_messages(self, email_messages: Any) -> int:
        Path(os.environ["MOTCUA_TEST_BLOCK_MARKER"]).write_text("sending")
        time.sleep(120)
        return 0
