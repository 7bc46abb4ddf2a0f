"""Data for bench_one_stop.py, run in the benchmark's database (DATABASE_URL set by the caller).

After `manage.py migrate` and `manage.py load_demo`: loads the demo procedure catalogue when no
procedure is received at the provincial desk yet, creates API tokens for the counter officer
and the citizen, and prints one JSON line: {"counter_token", "citizen_token", "procedure_code"}.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

DESK = "000.00.15.H12"  # the provincial public administration service centre
COUNTER_OFFICER = "tiepnhan.tinh"
CITIZEN = "congdan"


def main() -> int:
    import django

    django.setup()

    from motcua.accounts.services import api_token_create
    from motcua.core.audit import audit_context
    from motcua.core.audit_models import Interface
    from motcua.procedures.enums import OnlineLevel, ProcedureLevel
    from motcua.procedures.models import ProcedureVersion
    from motcua.procedures.services import procedures_load_demo

    def received_at_desk() -> list[ProcedureVersion]:
        versions = (
            ProcedureVersion.objects.filter(
                receiving_organisations__agency_code=DESK,
                level=ProcedureLevel.PROVINCE,
                procedure__current_version__isnull=False,
            )
            .select_related("procedure")
            .prefetch_related("time_limits")
            .distinct()
        )
        return [v for v in versions if v.procedure.current_version_id == v.pk]

    with audit_context(interface=Interface.CLI):
        versions = received_at_desk()
        if not versions:
            procedures_load_demo()
            versions = received_at_desk()
        if not versions:
            print(f"no provincial procedure is received at {DESK}", file=sys.stderr)
            return 1
        # Prefer a fully online procedure with a time limit (the due time is computed).
        versions.sort(
            key=lambda v: (
                v.online_level != OnlineLevel.FULL,
                not any(tl.case_id is None for tl in v.time_limits.all()),
                v.procedure.code,
            )
        )
        _, counter_key = api_token_create(username=COUNTER_OFFICER, name="bench_one_stop")
        _, citizen_key = api_token_create(username=CITIZEN, name="bench_one_stop")
    print(
        json.dumps(
            {
                "counter_token": counter_key,
                "citizen_token": citizen_key,
                "procedure_code": versions[0].procedure.code,
                "desk": DESK,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
