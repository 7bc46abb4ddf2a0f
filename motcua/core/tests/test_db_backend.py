"""The PostgreSQL backend's amortised health check (motcua/core/db/postgresql/base.py), against a
real server: a backend killed under a connection is replaced when the connection was idle
long enough to be checked, and is not checked when it was used a moment ago."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def kill(pid: int) -> None:
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def new_request() -> None:
    connection.health_check_done = False  # what Django does when a request starts


def test_an_idle_connection_is_checked_and_replaced_when_its_backend_died(settings: Any):
    assert connection.health_check_enabled
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 0  # every connection counts as idle
    pid = backend_pid()
    kill(pid)
    # when the next request runs a query
    new_request()
    # then it gets a new backend instead of an error
    assert backend_pid() != pid


def test_a_connection_used_a_moment_ago_is_not_checked_again(settings: Any):
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 3600
    pid = backend_pid()
    kill(pid)
    new_request()
    # the check is skipped, so the dead connection fails this one request…
    with pytest.raises(OperationalError):
        backend_pid()
    # …and Django discards it at the end of the request, as without health checks
    connection.close_if_unusable_or_obsolete()
    new_request()
    assert backend_pid() != pid
