"""Test-wide settings: immediate background tasks, in-memory e-mail, fast password hashing,
rate limits off."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.LANGUAGE_CODE = "vi"
    settings.MOTCUA_CALENDAR_RECHECK_SECONDS = 0  # tests change overrides behind the cache
    settings.MOTCUA_CATALOGUE_RECHECK_SECONDS = 0  # … and procedures, tokens, accounts
    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 0
    # Tests log in and register many times from 127.0.0.1; the rate-limit tests
    # (motcua/core/tests/test_ratelimit.py) turn the limits on with the values they test.
    settings.MOTCUA_RATE_LIMITS_ENABLED = False


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL row locks; this run uses SQLite")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
