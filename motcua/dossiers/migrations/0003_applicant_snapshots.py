"""Each dossier gets its own applicant row (the details as filed; see dossiers/applicants.py).

Before, intakes shared one row per ID number and source, so one row could stand behind many
dossiers. The oldest dossier of such a row keeps it; every other dossier gets a copy of it with
the same creation time (the details as they are now: what they were when each dossier was filed
was overwritten and cannot be recovered). Plain ORM statements in batches: runs on SQLite and
PostgreSQL alike. Nothing to undo: the copies are valid rows on their own.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Count

BATCH = 500
COPIED = (
    "kind",
    "full_name",
    "full_name_folded",
    "id_number",
    "phone",
    "email",
    "address",
    "user_id",
)


def split_shared_applicants(apps: Any, schema_editor: Any) -> int:
    """Give every dossier sharing an applicant row a copy of its own; return how many."""
    Applicant = apps.get_model("dossiers", "Applicant")
    Dossier = apps.get_model("dossiers", "Dossier")
    shared = list(
        Dossier.objects.values("applicant_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("applicant_id")
        .values_list("applicant_id", flat=True)
    )
    moved_total = 0
    for start in range(0, len(shared), BATCH):
        chunk = shared[start : start + BATCH]
        originals = {a.pk: a for a in Applicant.objects.filter(pk__in=chunk)}
        dossiers = Dossier.objects.filter(applicant_id__in=chunk).order_by(
            "applicant_id", "created_at", "pk"
        )
        seen: set[int] = set()
        moved, copies = [], []
        for dossier in dossiers.only("pk", "applicant_id"):
            if dossier.applicant_id not in seen:
                seen.add(dossier.applicant_id)  # the oldest dossier keeps the row
                continue
            original = originals[dossier.applicant_id]
            copies.append(Applicant(**{name: getattr(original, name) for name in COPIED}))
            moved.append(dossier)
        Applicant.objects.bulk_create(copies, batch_size=BATCH)
        for dossier, copy in zip(moved, copies, strict=True):
            original = originals[dossier.applicant_id]
            copy.created_at, copy.updated_at = original.created_at, original.updated_at
            dossier.applicant_id = copy.pk
        # bulk_update writes the values as set (auto_now fields are not touched)
        Applicant.objects.bulk_update(copies, ["created_at", "updated_at"], batch_size=BATCH)
        Dossier.objects.bulk_update(moved, ["applicant"], batch_size=BATCH)
        moved_total += len(moved)
    return moved_total


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_idempotency_fingerprint"),
    ]

    operations = [
        migrations.RunPython(split_shared_applicants, migrations.RunPython.noop, elidable=True),
    ]
