"""The system check that MOTCUA_PUBLIC_BASE_URL is set outside development."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from motcua.dossiers.checks import PUBLIC_BASE_URL_UNSET, public_base_url_check


def ids(messages: list[checks.CheckMessage]) -> list[str | None]:
    return [message.id for message in messages]


def test_warns_when_debug_is_off_and_the_public_address_is_unset(settings: Any) -> None:
    settings.DEBUG = False
    settings.MOTCUA_PUBLIC_BASE_URL = ""

    messages = public_base_url_check()

    assert ids(messages) == [PUBLIC_BASE_URL_UNSET]
    assert messages[0].level == checks.WARNING
    assert "127.0.0.1:8000" in messages[0].msg


@pytest.mark.parametrize(
    ("debug", "base_url"),
    [(False, "https://dichvucong.camau.gov.vn"), (True, ""), (True, "https://x.example")],
)
def test_silent_in_development_or_when_the_address_is_set(
    settings: Any, debug: bool, base_url: str
) -> None:
    settings.DEBUG = debug
    settings.MOTCUA_PUBLIC_BASE_URL = base_url

    assert public_base_url_check() == []


def test_blank_counts_as_unset(settings: Any) -> None:
    settings.DEBUG = False
    settings.MOTCUA_PUBLIC_BASE_URL = "  "

    assert ids(public_base_url_check()) == [PUBLIC_BASE_URL_UNSET]


def test_registered_with_the_checks_that_run_at_start_and_with_deploy(settings: Any) -> None:
    settings.DEBUG = False
    settings.MOTCUA_PUBLIC_BASE_URL = ""

    assert PUBLIC_BASE_URL_UNSET in ids(checks.run_checks())
    assert PUBLIC_BASE_URL_UNSET in ids(checks.run_checks(include_deployment_checks=True))
    with pytest.raises(SystemCheckError, match=PUBLIC_BASE_URL_UNSET):
        call_command("check", "--deploy", fail_level="WARNING")
