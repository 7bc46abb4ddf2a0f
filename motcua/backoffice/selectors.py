"""The few reads the back office needs beyond `motcua.dossiers.selectors`.

Interface code: small, scoped, read-only. Anything a second interface (API, portal, channels)
would need too belongs in the owning app's selectors instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from motcua.accounts import policies
from motcua.accounts.enums import Role
from motcua.dossiers.models import Applicant, Dossier, DossierComponent, StepRecord
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import organisation_list_active
from motcua.procedures.models import Procedure, ProcedureCase, ProcedureVersion
from motcua.procedures.selectors import procedure_list


def applicant_get_by_id_number(id_number: str) -> Applicant | None:
    """A returning applicant's details for the counter intake form, or None.

    An ID number typed in online proves nothing, so the rows are preferred by how far their
    details can be trusted: first the desk's own rows (linked to no account: entered by an
    official who saw the papers), then rows of an account whose ID number was verified to be
    this one; rows of unverified online accounts only when there is nothing else. Each dossier
    has its own row (the details as filed), so the most recently filed one first within each
    group."""
    id_number = (id_number or "").strip()
    if not id_number:
        return None
    trust = Case(
        When(user__isnull=True, then=Value(0)),
        When(
            user__id_number=id_number,
            user__portal_profile__id_number_verified_at__isnull=False,
            then=Value(1),
        ),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Applicant.objects.filter(id_number=id_number)
        .annotate(trust=trust)
        .order_by("trust", "-created_at", "-pk")
        .first()
    )


def intake_units_for(user: Any) -> QuerySet[Organisation]:
    """The units `user` may receive dossiers for at the counter: one-stop desks (and their own
    organisation) where they act as counter officer, in tree order."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    today = timezone.localdate()
    candidates = organisation_list_active(today).filter(
        Q(runs_one_stop_desk=True) | Q(pk=getattr(user, "organisation_id", None))
    )
    candidates = candidates.filter(pk__in=policies.organisations_in_scope(user).values("pk"))
    ids = [org.pk for org in candidates if policies.can_act_in(user, org, Role.COUNTER_OFFICER)]
    return Organisation.objects.filter(pk__in=ids).order_by("path")


def tracking_book_units_for(user: Any) -> QuerySet[Organisation]:
    """Units whose tracking book (form 07) `user` may print: desks in scope and their own unit."""
    return (
        organisation_list_active()
        .filter(pk__in=policies.organisations_in_scope(user).values("pk"))
        .filter(Q(runs_one_stop_desk=True) | Q(pk=getattr(user, "organisation_id", None)))
        .order_by("path")
    )


def unit_in_scope(user: Any, unit: Organisation) -> bool:
    return policies.organisations_in_scope(user).filter(pk=unit.pk).exists()


def intake_procedures(units: QuerySet[Organisation], q: str = "") -> list[Procedure]:
    """Active procedures that one of `units` may receive (or that name no receiving unit), most
    relevant first for `q` (diacritic-insensitive, as in the procedure catalogue search)."""
    procedures = procedure_list(q)
    version_ids = [p.current_version_id for p in procedures]
    receivable = set(
        ProcedureVersion.objects.filter(pk__in=version_ids)
        .filter(Q(receiving_organisations__in=units) | Q(receiving_organisations__isnull=True))
        .values_list("pk", flat=True)
    )
    return [p for p in procedures if p.current_version_id in receivable]


def intake_cases(version: ProcedureVersion) -> list[ProcedureCase]:
    """The cases of `version` with their papers, in the catalogue's order."""
    return list(version.cases.prefetch_related("papers").order_by("order", "pk"))


def forward_targets() -> QuerySet[Organisation]:
    """Units a dossier may be forwarded to (inter-agency processing): those that exist today."""
    return organisation_list_active().order_by("path")


def dossier_components(dossier: Dossier) -> QuerySet[DossierComponent]:
    return dossier.components.select_related("required_paper").order_by("pk")


def dossier_component_get(dossier: Dossier, pk: int) -> DossierComponent | None:
    return dossier.components.filter(pk=pk).exclude(file="").first()


def dossier_steps(dossier: Dossier) -> QuerySet[StepRecord]:
    return dossier.steps.select_related("organisation", "handled_by").order_by("order", "pk")
