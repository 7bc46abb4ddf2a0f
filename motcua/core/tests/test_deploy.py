"""Production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_deploy_passes_with_production_environment(tmp_path: Path):
    env = {
        **os.environ,
        "SECRET_KEY": "x7!" + "k" * 30 + "Q9#z" + "m" * 20,
        "DEBUG": "0",
        "MOTCUA_HTTPS": "1",
        "ALLOWED_HOSTS": "dichvucong.camau.gov.vn",
        "MOTCUA_PUBLIC_BASE_URL": "https://dichvucong.camau.gov.vn",
        "MOTCUA_AUDIT_KEY": "a" * 16 + "udit-key-outside-the-database" + "Z" * 8,
        "MOTCUA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
