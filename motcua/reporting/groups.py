"""Row keys of a grouped report: receiving unit, field of activity or procedure.

- organisation: key = the receiving unit's agency code, name = its name, in tree order;
- field: key = the field's code, else its name; a procedure version with several fields is
  counted under its first field (the first one attached), so that the rows add up to the
  total; versions without a field go under NO_FIELD_KEY;
- procedure: key = the procedure's national code, name = the current version's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.organisations.models import Organisation
from motcua.procedures.models import ProcedureVersion

NO_FIELD_KEY = "_none"


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    sort: tuple[str, ...]


@dataclass(frozen=True)
class VersionInfo:
    procedure_id: int
    procedure_code: str
    procedure_name: str
    field_key: str
    field_name: str


def version_info(version_ids: Iterable[int]) -> dict[int, VersionInfo]:
    ids = set(version_ids)
    if not ids:
        return {}
    rows = ProcedureVersion.objects.filter(pk__in=ids).values_list(
        "pk", "procedure_id", "procedure__code", "name", "procedure__current_version__name"
    )
    first_field: dict[int, tuple[str, str]] = {}
    through = ProcedureVersion.fields.through
    for version_id, code, name in (
        through.objects.filter(procedureversion_id__in=ids)
        .order_by("id")
        .values_list("procedureversion_id", "field__code", "field__name")
    ):
        first_field.setdefault(version_id, (code or name, name))
    out = {}
    for pk, procedure_id, code, name, current_name in rows:
        field_key, field_name = first_field.get(pk, (NO_FIELD_KEY, _("No field")))
        out[pk] = VersionInfo(procedure_id, code, current_name or name, field_key, field_name)
    return out


class GroupResolver:
    """Maps (receiving unit id, version id) to the row it belongs to."""

    def __init__(self, group_by: str, pairs: Iterable[tuple[int, int]]) -> None:
        pairs = list(pairs)
        self.group_by = group_by
        self.versions = version_info(v for _u, v in pairs)
        self.units: dict[int, tuple[str, str, str]] = {}
        if group_by == "organisation":
            self.units = {
                pk: (code, name, path)
                for pk, code, name, path in Organisation.objects.filter(
                    pk__in={u for u, _v in pairs}
                ).values_list("pk", "agency_code", "name", "path")
            }

    def group(self, unit_id: int, version_id: int) -> Group:
        if self.group_by == "organisation":
            code, name, path = self.units.get(unit_id, (str(unit_id), str(unit_id), ""))
            return Group(code, name, (path, code))
        info = self.versions.get(version_id)
        if info is None:
            return Group(str(version_id), str(version_id), ("~", str(version_id)))
        if self.group_by == "field":
            last = "~" if info.field_key == NO_FIELD_KEY else ""
            return Group(info.field_key, info.field_name, (last, info.field_name))
        return Group(info.procedure_code, info.procedure_name, (info.procedure_code,))

    def version_ids_for_key(self, key: str) -> list[int]:
        """The versions whose rows fall under `key` (field and procedure groupings)."""
        if self.group_by == "field":
            return [pk for pk, info in self.versions.items() if info.field_key == key]
        return [pk for pk, info in self.versions.items() if info.procedure_code == key]
