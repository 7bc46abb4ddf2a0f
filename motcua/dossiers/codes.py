"""Dossier codes: `<receiving unit's agency code>-<YYMMDD>-<4-digit daily sequence>`.

Circular 01/2018 Art. 19. The generator is pluggable (settings.MOTCUA_DOSSIER_CODE_GENERATOR)
so that a province can switch to the Circular 03/2025 scheme without touching the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from motcua.dossiers.models import DossierSequence
from motcua.organisations.models import Organisation


def next_sequence(unit: Organisation, day: dt.date) -> int:
    """The next number of `unit`'s daily series, in one statement.

    The upsert takes the row lock of (unit, day) until the transaction ends, so concurrent
    intakes for one unit queue here and the numbers have no gap and no duplicate (a rolled
    back intake gives its number back). Services call this as late as they can."""
    table = DossierSequence._meta.db_table
    sql = (
        f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - our table name
        f"ON CONFLICT (unit_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit.pk, day])
        row = cursor.fetchone()
    return int(row[0])


def circular_01_2018(unit: Organisation, day: dt.date) -> str:
    return f"{unit.agency_code}-{day:%y%m%d}-{next_sequence(unit, day):04d}"


def generator() -> Callable[[Organisation, dt.date], str]:
    path = getattr(settings, "MOTCUA_DOSSIER_CODE_GENERATOR", "")
    return import_string(path) if path else circular_01_2018


def dossier_code_next(unit: Organisation, day: dt.date) -> str:
    return generator()(unit, day)
