"""Default retention for the legal normative documents an agency receives (laws, ordinances,
orders, decrees, circulars): 10 years, the demo's default for documents received for
information and guidance (Circular 10/2022/TT-BNV keeps them at the issuer permanently; the
receiver keeps its copy while it applies). Editable per organisation, like the other defaults."""

from django.db import migrations

TYPES = ("luat", "phap_lenh", "lenh", "nghi_dinh", "thong_tu", "thong_tu_lien_tich")
YEARS = 10


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    for document_type in TYPES:
        if not RetentionPeriod.objects.filter(
            organisation__isnull=True, document_type=document_type
        ).exists():
            RetentionPeriod.objects.create(
                organisation=None, document_type=document_type, years=YEARS
            )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    RetentionPeriod.objects.filter(organisation__isnull=True, document_type__in=TYPES).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_legal_normative_types")]

    operations = [migrations.RunPython(seed, unseed)]
