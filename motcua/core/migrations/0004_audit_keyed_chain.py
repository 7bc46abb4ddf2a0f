"""The audit chain becomes keyed (HMAC-SHA256 with MOTCUA_AUDIT_KEY, see core/audit.py).

Records sealed before keep the unkeyed SHA-256 they were sealed with (hash_version 1) and get
their `recorded_at` from `occurred_at`; then, if that chain is intact end to end, it is
re-sealed with the key (`audit_reseal_legacy`), so `audit_verify` keeps passing. A chain that
is already broken is left as it is: `audit_verify` keeps reporting where it breaks.

Set MOTCUA_AUDIT_KEY before running this migration (the key it re-seals with is the one every
later `audit_verify` needs), and stop the web and task workers of the previous release while
it runs (they would seal new records without the key).
"""

import django.utils.timezone
from django.db import migrations, models


def reseal_legacy(apps, schema_editor):  # type: ignore[no-untyped-def]
    from motcua.core.audit import audit_reseal_legacy

    audit_reseal_legacy(
        record_model=apps.get_model("core", "AuditRecord"),
        head_model=apps.get_model("core", "AuditChainHead"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_rate_limit_counter"),
    ]

    operations = [
        # Existing records were sealed with the unkeyed SHA-256 (version 1)...
        migrations.AddField(
            model_name="auditrecord",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "sha256"), (2, "hmac-sha256")], default=1
            ),
        ),
        # ...new ones are sealed with the key.
        migrations.AlterField(
            model_name="auditrecord",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "sha256"), (2, "hmac-sha256")], default=2
            ),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunSQL(
            "UPDATE core_auditrecord SET recorded_at = occurred_at",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunPython(reseal_legacy, migrations.RunPython.noop),
    ]
