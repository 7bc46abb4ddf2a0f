"""`collectstatic` with the production storage (hashed, compressed names) succeeds: every
url() in a static stylesheet points at a file that is itself static (`make run` and every
release run it; a PDF-only stylesheet with font URLs once broke it)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_collectstatic_with_the_manifest_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0, stdout=StringIO())
    assert (tmp_path / "static" / "staticfiles.json").exists()
