"""The applicant's details a dossier was filed with: written once per dossier, corrected only
through `dossier_correct_applicant`.

Each dossier has its own `Applicant` row, a snapshot of the details as they were when the
dossier was filed. Nothing that happens later (the same person filing again at another unit,
a citizen filing again online with a new address, a change to a portal account) rewrites it:
the forms reprinted from it, the tracking book and the exports keep showing what was filed.
Only the desk that received the dossier may correct a mistake in it, with a reason, on the
dossier's timeline and in the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed
from motcua.dossiers import policies
from motcua.dossiers.enums import EventKind
from motcua.dossiers.models import Applicant, Dossier, DossierEvent

if TYPE_CHECKING:
    from motcua.dossiers.services import ApplicantInput

# What a snapshot holds, in the order the audit record and the timeline list them.
SNAPSHOT_FIELDS = ("kind", "full_name", "id_number", "phone", "email", "address")
# Left empty in a new filing, these are taken from the same source's previous snapshot.
CARRIED_OVER = ("phone", "email", "address")


def applicant_snapshot_create(*, data: ApplicantInput, submitter: Any) -> Applicant:
    """A new applicant row for a dossier being filed (the caller has checked `data`).

    An ID number typed in proves nothing, so a filing only reads earlier snapshots of its own
    source: those of citizen account `submitter` for an online submission, those linked to no
    account (entered by an official) for a counter, postal or imported intake. A contact field
    left empty is taken from the most recent of them; nothing is ever written to them."""
    id_number = data.id_number.strip()
    rows = Applicant.objects.filter(id_number=id_number)
    rows = rows.filter(user=submitter) if submitter is not None else rows.filter(user__isnull=True)
    previous = rows.order_by("-created_at", "-pk").first()
    applicant = Applicant(
        id_number=id_number, user=submitter, kind=data.kind, full_name=data.full_name.strip()
    )
    for attr in CARRIED_OVER:
        value = getattr(data, attr).strip()
        if not value and previous is not None:
            value = getattr(previous, attr)
        setattr(applicant, attr, value)
    applicant.save()
    return applicant


def applicant_field_label(name: str) -> str:
    """The label of a snapshot field (for the timeline's "corrected" list)."""
    return capfirst(str(getattr(Applicant._meta.get_field(name), "verbose_name", name)))


def _snapshot_values(applicant: Applicant) -> dict[str, str]:
    return {name: getattr(applicant, name) for name in SNAPSHOT_FIELDS}


@transaction.atomic
def dossier_correct_applicant(
    *, dossier: Dossier, actor: Any, changes: ApplicantInput, reason: str
) -> Dossier:
    """Correct the applicant's details of one filed dossier (a typo seen at the desk).

    Allowed to a counter officer of the receiving unit until processing has ended
    (`policies.ensure_can_correct_applicant`); a reason is required. `changes` holds the whole
    corrected details (empty contact fields stay empty: a correction may remove a wrong phone
    number). Only this dossier's snapshot changes; the account the dossier is shown in (its
    owner) does not. Recorded as a `correct_applicant` event on the timeline (the names of the
    corrected fields and the reason) and an audit record with the values before and after."""
    from motcua.dossiers.services.intake import _check_applicant  # intake imports this module

    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("receiving_unit")
        .get(pk=dossier.pk)
    )
    policies.ensure_can_correct_applicant(actor, dossier)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reason for the correction."), fields={"reason": _("required")}
        )
    _check_applicant(changes)
    applicant = Applicant.objects.select_for_update().get(pk=dossier.applicant_id)
    before = _snapshot_values(applicant)
    after = {name: str(getattr(changes, name) or "").strip() for name in SNAPSHOT_FIELDS}
    changed = [name for name in SNAPSHOT_FIELDS if before[name] != after[name]]
    if not changed:
        raise ValidationFailed(
            _("These are already the applicant's details: there is nothing to correct."),
            code="nothing_to_correct",
        )
    if Dossier.objects.filter(applicant_id=applicant.pk).exclude(pk=dossier.pk).exists():
        # A row still shared with another dossier (written before snapshots): this dossier gets
        # its own copy, the other dossiers keep theirs untouched.
        applicant = Applicant(user_id=applicant.user_id)
    for name in SNAPSHOT_FIELDS:
        setattr(applicant, name, after[name])
    applicant.save()
    if dossier.applicant_id != applicant.pk:
        dossier.applicant = applicant
        dossier.save(update_fields=["applicant", "updated_at"])
    DossierEvent.objects.create(
        dossier=dossier,
        action=EventKind.CORRECT_APPLICANT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=str(actor)[:255] if getattr(actor, "is_authenticated", False) else "",
        at=timezone.now(),
        from_status=dossier.status,
        to_status=dossier.status,
        note=reason,
        data={"fields": changed},
    )
    audit_record(
        action=f"dossier_{EventKind.CORRECT_APPLICANT}",
        obj=dossier,
        actor=actor,
        changes={f"applicant.{name}": [before[name], after[name]] for name in changed},
        note=reason,
    )
    return dossier
