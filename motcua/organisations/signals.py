"""Audit of desk scopes: changes to Organisation.desk_serves are recorded on the desk.

The automatic audit of registered models covers concrete fields only; a many-to-many change
(from services, the admin's filter_horizontal or a shell) arrives here as m2m_changed. Each
change is one "update" record on the desk with `{"desk_serves": [before, after]}` (ids).
"""

from __future__ import annotations

from typing import Any

from motcua.core.audit import audit_record
from motcua.organisations.models import Organisation

_BEFORE_CLEAR = "_desk_serves_before_clear"


def _record(desk: Organisation, before: set[int], after: set[int]) -> None:
    if before != after:
        audit_record(
            action="update", obj=desk, changes={"desk_serves": [sorted(before), sorted(after)]}
        )


def desk_serves_changed(
    sender: Any,
    instance: Organisation,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action == "pre_clear":
        related = instance.served_by_desks if reverse else instance.desk_serves
        setattr(instance, _BEFORE_CLEAR, set(related.values_list("pk", flat=True)))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    ids = set(pk_set or ()) if action != "post_clear" else getattr(instance, _BEFORE_CLEAR, set())
    added = action == "post_add"
    if not reverse:
        after = set(instance.desk_serves.values_list("pk", flat=True))
        _record(instance, after - ids if added else after | ids, after)
        return
    # organisation.served_by_desks.add(desk): `ids` are desks, `instance` the served unit.
    for desk in Organisation.objects.filter(pk__in=ids):
        after = set(desk.desk_serves.values_list("pk", flat=True))
        changed = {instance.pk}
        _record(desk, after - changed if added else after | changed, after)
