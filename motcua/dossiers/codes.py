"""Dossier codes: `<receiving unit's agency code>-<YYMMDD>-<4-digit daily sequence>`.

Circular 01/2018 Art. 19. The generator is pluggable (settings.MOTCUA_DOSSIER_CODE_GENERATOR)
so that a province can switch to the Circular 03/2025 scheme without touching the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from motcua.dossiers.models import DossierSequence
from motcua.organisations.models import Organisation


def next_sequence(unit: Organisation, day: dt.date) -> int:
    """The next number of `unit`'s daily series; unique under concurrent intake (row lock)."""
    for _attempt in range(5):
        row = DossierSequence.objects.select_for_update().filter(unit=unit, day=day).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = DossierSequence.objects.create(unit=unit, day=day, last=0)
            except IntegrityError:
                continue  # another transaction created it first: lock theirs
            row = DossierSequence.objects.select_for_update().get(pk=row.pk)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
    raise RuntimeError("could not allocate a dossier number")


def circular_01_2018(unit: Organisation, day: dt.date) -> str:
    return f"{unit.agency_code}-{day:%y%m%d}-{next_sequence(unit, day):04d}"


def generator() -> Callable[[Organisation, dt.date], str]:
    path = getattr(settings, "MOTCUA_DOSSIER_CODE_GENERATOR", "")
    return import_string(path) if path else circular_01_2018


def dossier_code_next(unit: Organisation, day: dt.date) -> str:
    return generator()(unit, day)
