"""Pure rules of the one-stop process shared by the services, the forms and the reports."""

from __future__ import annotations

import datetime as dt

from motcua.calendar.deadlines import TZ
from motcua.dossiers.enums import StepResult


def classify(ended: dt.datetime, due: dt.datetime) -> str:
    """DOMAIN §4: end date vs due date, by calendar date in Vietnam time:
    earlier → early, same day → on time, later → late."""
    end_day = ended.astimezone(TZ).date()
    due_day = due.astimezone(TZ).date()
    if end_day < due_day:
        return StepResult.EARLY
    if end_day == due_day:
        return StepResult.ON_TIME
    return StepResult.LATE
