"""Writes to the agency tree: create, update, close, desk scope, the Cà Mau demo.

Every function runs in one transaction (nothing is half-saved) and inside
`audit_context(actor=actor)`, so the automatic audit records (see apps.py) name the actor who
was passed, or the one of the surrounding request or command when none is.
Organisations are never deleted here: a unit that no longer exists is closed (`valid_to`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.audit import audit_context
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.organisations import demo_data
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

# A read, so it lives in selectors.py; also importable from here, next to the demo loader.
from motcua.organisations.selectors import organisation_get_province
from motcua.organisations.validators import validate_agency_code

if TYPE_CHECKING:
    # Not motcua.accounts.models.User: accounts depends on organisations, never the reverse.
    from django.contrib.auth.base_user import AbstractBaseUser as User

__all__ = [
    "EDITABLE_FIELDS",
    "organisation_close",
    "organisation_create",
    "organisation_get_province",
    "organisation_set_desk_scope",
    "organisation_update",
    "organisations_load_demo",
]

# The fields organisation_update() accepts.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "short_name",
        "kind",
        "agency_code",
        "agency_code_is_demo",
        "parent",
        "valid_from",
        "valid_to",
        "runs_one_stop_desk",
        "address",
        "email",
        "phone",
    }
)
_TEXT_FIELDS = frozenset({"name", "short_name", "agency_code", "address", "email", "phone"})


# --- Validation ------------------------------------------------------------------------------


def _clean_text(field: str, value: Any) -> Any:
    if field in _TEXT_FIELDS and isinstance(value, str):
        return nfc(value).strip()
    return value


def agency_code_error(code: str, *, exclude_pk: int | None = None) -> str | None:
    """Why `code` cannot be given to an organisation (other than `exclude_pk`), or None."""
    try:
        validate_agency_code(code)
    except DjangoValidationError as exc:
        return exc.messages[0]
    others = Organisation.objects.filter(agency_code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    holder = others.first()
    if holder is not None:
        return _("The agency code “%(code)s” is already used by “%(name)s”.") % {
            "code": code,
            "name": holder.name,
        }
    return None


def desk_scope_error(*, runs_one_stop_desk: bool, name: str, serves_any: bool) -> str | None:
    if serves_any and not runs_one_stop_desk:
        return _(
            "“%(name)s” does not run a one-stop desk, so it cannot receive dossiers for "
            "other organisations."
        ) % {"name": name}
    return None


def _failed(errors: dict[str, str]) -> ValidationFailed:
    if len(errors) == 1:
        message = next(iter(errors.values()))
    else:
        message = _("The organisation was not saved: please correct the marked fields.")
    return ValidationFailed(message, fields=errors)


def _validate(org: Organisation, *, check_code: bool = True) -> None:
    """Collect every problem at once, then raise a single ValidationFailed.

    `check_code=False` when the code is unchanged: a unit imported with a code that no longer
    passes the validator can still be renamed or closed.
    """
    errors: dict[str, str] = {}
    code_error = agency_code_error(org.agency_code, exclude_pk=org.pk) if check_code else None
    if code_error:
        errors["agency_code"] = code_error
    try:
        # Field checks (required, lengths, kind, e-mail) and Organisation.clean() (date range,
        # parent cycle, closed parent); the agency code was checked above with a clearer message.
        org.full_clean(exclude=["agency_code"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise _failed(errors)


def _save(org: Organisation, update_fields: Iterable[str] | None = None) -> None:
    try:
        with transaction.atomic():  # a savepoint, so the check below can still query
            org.save(update_fields=update_fields)
    except IntegrityError:
        # Two requests raced for the same code: the unique constraint caught the second one.
        code_error = agency_code_error(org.agency_code, exclude_pk=org.pk)
        if code_error is None:
            raise
        raise _failed({"agency_code": code_error}) from None


def _check_can_close(org: Organisation, valid_to: dt.date) -> None:
    late = (
        Organisation.objects.filter(path__startswith=org.path, valid_from__gt=valid_to)
        .exclude(pk=org.pk)
        .order_by("path")
        .first()
    )
    if late is not None:
        message = _(
            "The sub-unit “%(name)s” only starts after this end date: move it to another "
            "parent first."
        ) % {"name": late.name}
        raise _failed({"valid_to": message})


def _close_descendants(org: Organisation) -> None:
    """A unit cannot outlive its parent: close what is still open below `org`."""
    if org.valid_to is None:
        return
    open_below = (
        Organisation.objects.select_for_update()
        .filter(path__startswith=org.path)
        .exclude(pk=org.pk)
        .exclude(valid_to__lte=org.valid_to)
        .order_by("path")
    )
    for child in open_below:
        child.valid_to = org.valid_to
        child.save(update_fields=["valid_to", "updated_at"])


# --- Services --------------------------------------------------------------------------------


def organisation_create(
    *,
    actor: User | None = None,
    name: str,
    kind: str,
    agency_code: str,
    parent: Organisation | None = None,
    short_name: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    runs_one_stop_desk: bool = False,
    agency_code_is_demo: bool = False,
    address: str = "",
    email: str = "",
    phone: str = "",
) -> Organisation:
    org = Organisation(
        name=nfc(name).strip(),
        short_name=nfc(short_name).strip(),
        kind=kind,
        agency_code=agency_code.strip(),
        agency_code_is_demo=agency_code_is_demo,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        runs_one_stop_desk=runs_one_stop_desk,
        address=nfc(address).strip(),
        email=email.strip(),
        phone=phone.strip(),
    )
    with transaction.atomic(), audit_context(actor=actor):
        _validate(org)
        _save(org)
    return org


def _apply_changes(org: Organisation, changes: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for field, raw in changes.items():
        value = _clean_text(field, raw)
        if field == "parent":
            new_parent_id = value.pk if value is not None else None
            if new_parent_id != org.parent_id:
                org.parent = value
                changed.append(field)
        elif getattr(org, field) != value:
            setattr(org, field, value)
            changed.append(field)
    return changed


def organisation_update(
    *, organisation: Organisation, actor: User | None = None, **changes: Any
) -> Organisation:
    """Change any of EDITABLE_FIELDS; returns the saved row (and refreshes `organisation`).

    Setting `valid_to` closes the open sub-units on the same day (see organisation_close);
    turning `runs_one_stop_desk` off empties the desk's scope.
    """
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"organisation_update() cannot change: {', '.join(unknown)}")
    with transaction.atomic(), audit_context(actor=actor):
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = _apply_changes(org, changes)
        if changed:
            _validate(org, check_code="agency_code" in changed)
            closing_on = org.valid_to if "valid_to" in changed else None
            if closing_on is not None:
                _check_can_close(org, closing_on)
            _save(org, update_fields=[*changed, "updated_at"])
            if "runs_one_stop_desk" in changed and not org.runs_one_stop_desk:
                org.desk_serves.clear()
            if closing_on is not None:
                _close_descendants(org)
    organisation.refresh_from_db()
    return org


def organisation_close(
    *, organisation: Organisation, valid_to: dt.date, actor: User | None = None
) -> Organisation:
    """The unit stops existing after `valid_to` (inclusive); its row stays for history.

    Sub-units still open then are closed on the same day; a sub-unit that only starts later
    must be moved elsewhere first. The desk scope is kept as a record of what it served.
    """
    with transaction.atomic(), audit_context(actor=actor):
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if org.valid_to != valid_to:
            org.valid_to = valid_to
            _validate(org, check_code=False)
            _check_can_close(org, valid_to)
            _save(org, update_fields=["valid_to", "updated_at"])
        _close_descendants(org)
    organisation.refresh_from_db()
    return org


def organisation_set_desk_scope(
    *, desk: Organisation, served: list[Organisation], actor: User | None = None
) -> Organisation:
    """`desk` receives dossiers for exactly `served` from now on (recorded in the audit)."""
    with transaction.atomic(), audit_context(actor=actor):
        desk = Organisation.objects.select_for_update().get(pk=desk.pk)
        error = desk_scope_error(
            runs_one_stop_desk=desk.runs_one_stop_desk, name=desk.name, serves_any=bool(served)
        )
        if error:
            raise _failed({"desk_serves": error})
        desk.desk_serves.set(served)
    return desk


# --- Demo data -------------------------------------------------------------------------------


def _demo_values(unit: demo_data.DemoUnit, parent: Organisation | None) -> dict[str, Any]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent": parent,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "runs_one_stop_desk": unit.runs_one_stop_desk,
        "agency_code_is_demo": unit.agency_code_is_demo,
    }


def _differs(org: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    diff: dict[str, Any] = {}
    for field, value in values.items():
        if field == "parent":
            if org.parent_id != (value.pk if value is not None else None):
                diff[field] = value
        elif getattr(org, field) != value:
            diff[field] = value
    return diff


@transaction.atomic
def organisations_load_demo(*, actor: User | None = None) -> dict[str, int]:
    """Build the Cà Mau agency tree of the demo (see demo_data.py); idempotent.

    Units are keyed on their agency code: a missing one is created, one that differs from the
    demo in name, kind, parent, dates or desk flag is brought back to it, and desks gain any
    missing link to the units they serve (links added by hand are kept). Address, e-mail and
    telephone are never touched.
    """
    units = demo_data.demo_units()
    by_code: dict[str, Organisation] = {}
    tally: Counter[str] = Counter()
    with audit_context(actor=actor):
        for unit in units:
            parent = by_code[unit.parent_code] if unit.parent_code else None
            values = _demo_values(unit, parent)
            org = Organisation.objects.filter(agency_code=unit.agency_code).first()
            if org is None:
                org = organisation_create(agency_code=unit.agency_code, **values)
                tally["created"] += 1
            elif diff := _differs(org, values):
                org = organisation_update(organisation=org, **diff)
                tally["updated"] += 1
            else:
                tally["unchanged"] += 1
            by_code[unit.agency_code] = org
        for unit in units:
            if not unit.serves:
                continue
            desk = by_code[unit.agency_code]
            have = set(desk.desk_serves.values_list("pk", flat=True))
            missing = [by_code[code].pk for code in unit.serves if by_code[code].pk not in have]
            if missing:
                desk.desk_serves.add(*missing)
                tally["desk_links_added"] += len(missing)
    kinds = Counter(unit.kind for unit in units)
    return {
        "organisations_total": len(units),
        "organisations_created": tally["created"],
        "organisations_updated": tally["updated"],
        "organisations_unchanged": tally["unchanged"],
        "desk_links_added": tally["desk_links_added"],
        "provinces": kinds[OrganisationKind.PROVINCE],
        "departments": kinds[OrganisationKind.DEPARTMENT],
        "service_centres": kinds[OrganisationKind.SERVICE_CENTRE],
        "communes": kinds[OrganisationKind.COMMUNE],
        "wards": sum(1 for u in units if u.name.startswith("Ủy ban nhân dân phường")),
        "divisions": kinds[OrganisationKind.DIVISION],
        "districts": kinds[OrganisationKind.DISTRICT],
        "historical": sum(1 for u in units if u.valid_to is not None),
    }
