"""Reads of the agency tree. Dates are inclusive: a unit exists on valid_from and valid_to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.text import fold
from motcua.core.validators import has_control_character
from motcua.organisations.models import Organisation


@dataclass
class OrganisationNode:
    organisation: Organisation
    children: list[OrganisationNode] = field(default_factory=list)


def _active_q(on: dt.date | None) -> Q:
    day = on or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def organisation_get_by_code(code: str) -> Organisation:
    code = code.strip()
    # A code no column could hold (a NUL byte is an error on PostgreSQL) is not looked up.
    possible = len(code) <= 64 and not has_control_character(code)
    org = Organisation.objects.filter(agency_code=code).first() if possible else None
    if org is None:
        raise NotFound(
            _("No organisation has the agency code “%(code)s”.") % {"code": code},
            fields={"agency_code": code},
        )
    return org


def organisation_get_province() -> Organisation:
    """The province this installation serves (settings.MOTCUA_PROVINCE_CODE)."""
    return organisation_get_by_code(settings.MOTCUA_PROVINCE_CODE)


def organisation_list_active(on: dt.date | None = None) -> QuerySet[Organisation]:
    """Units that exist on `on` (today by default)."""
    return Organisation.objects.filter(_active_q(on))


def organisation_list_descendants(
    org: Organisation, include_self: bool = True
) -> QuerySet[Organisation]:
    """Every unit below `org`, at any depth, historical ones included."""
    qs = Organisation.objects.filter(path__startswith=org.path)
    return qs if include_self else qs.exclude(pk=org.pk)


def organisation_list_desks(*, on: dt.date | None = None) -> QuerySet[Organisation]:
    """One-stop desks that exist on `on` (today by default)."""
    return Organisation.objects.filter(_active_q(on), runs_one_stop_desk=True)


def organisation_get_receiving_desks(
    org: Organisation, *, on: dt.date | None = None
) -> QuerySet[Organisation]:
    """The desks that receive dossiers for `org` on `on` (today by default).

    A desk serves the units in its scope and, unless one of them has a desk of its own, the
    units below them: a division of a department is received for by the department's desk,
    a commune by its own centre even though the province's centre serves the province.
    """
    chain = [*org.ancestors_ids(), org.pk]  # from the root down to org
    through = Organisation.desk_serves.through
    links = through.objects.filter(
        to_organisation_id__in=chain,
        from_organisation__in=organisation_list_desks(on=on),
    ).values_list("from_organisation_id", "to_organisation_id")
    desks_by_served: dict[int, set[int]] = defaultdict(set)
    for desk_id, served_id in links:
        desks_by_served[served_id].add(desk_id)
    for served_id in reversed(chain):
        if desks_by_served[served_id]:
            return Organisation.objects.filter(pk__in=desks_by_served[served_id])
    return Organisation.objects.none()


def organisation_tree(
    *, root: Organisation | None = None, active_on: dt.date | None = None
) -> list[OrganisationNode]:
    """The agency tree as nested nodes, children sorted by name.

    `root` limits it to one subtree (the list then holds that one node); `active_on` keeps
    only the units that exist on that day (a unit whose parent is left out hangs from its
    nearest ancestor that is kept, or becomes a root). Without it, historical units are in.
    """
    qs = organisation_list_descendants(root) if root is not None else Organisation.objects.all()
    if active_on is not None:
        qs = qs.filter(_active_q(active_on))
    nodes = {org.pk: OrganisationNode(org) for org in qs.order_by("path")}
    roots: list[OrganisationNode] = []
    for node in nodes.values():
        parent = next(
            (nodes[pk] for pk in reversed(node.organisation.ancestors_ids()) if pk in nodes),
            None,
        )
        (parent.children if parent is not None else roots).append(node)

    def sort(level: list[OrganisationNode]) -> None:
        level.sort(key=lambda n: (fold(n.organisation.name), n.organisation.agency_code))
        for child in level:
            sort(child.children)

    sort(roots)
    return roots
