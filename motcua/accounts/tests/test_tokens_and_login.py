from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.accounts.models import ApiToken
from motcua.accounts.services import api_token_authenticate
from motcua.accounts.tests.factories import OfficialFactory, UserFactory
from motcua.core.audit_models import AuditRecord

pytestmark = pytest.mark.django_db


def test_api_token_command_prints_a_key_stored_only_hashed():
    # given
    user = OfficialFactory(username="machine")
    out = StringIO()
    # when
    call_command("api_token", "machine", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    # then
    token = ApiToken.objects.get(user=user)
    assert key.startswith("mc_") and len(key) > 30
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash
    assert api_token_authenticate(key) == user


def test_bearer_token_authenticates_api_and_revocation_stops_it(client: Client):
    user = OfficialFactory(username="machine2")
    out = StringIO()
    call_command("api_token", "machine2", stdout=out)
    key = out.getvalue().strip()
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 200
    assert resp.json()["username"] == "machine2"
    # when revoked
    call_command("api_token", "machine2", "--revoke", key[:8], stdout=StringIO())
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    # then
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthorized"
    assert AuditRecord.objects.filter(action="api_token_revoke", actor_id=None).exists()
    assert user.api_tokens.get().revoked_at is not None


def test_api_token_for_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody", stdout=StringIO())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("login", ["citizen1", "an@example.com", "AN@EXAMPLE.COM", "0912345678"])
def test_login_with_username_email_or_phone(client: Client, login: str):
    UserFactory(username="citizen1", email="an@example.com", phone="0912345678")
    resp = client.post("/accounts/login/", {"username": login, "password": "pass-1234"})
    assert resp.status_code == 302


def test_wrong_password_shows_vietnamese_error(client: Client):
    UserFactory(username="citizen2")
    resp = client.post("/accounts/login/", {"username": "citizen2", "password": "wrong"})
    assert resp.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in resp.content.decode()


def test_password_reset_sends_mail(client: Client, mailoutbox):
    UserFactory(username="citizen3", email="ba@example.com")
    resp = client.post("/accounts/password-reset/", {"email": "ba@example.com"})
    assert resp.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_admin_is_for_administrators_only(client: Client):
    from motcua.accounts.enums import Role

    officer = OfficialFactory(roles=[Role.COUNTER_OFFICER])
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302  # sent to the admin login
    admin = OfficialFactory(roles=[Role.PROVINCIAL_ADMIN], is_staff=True)
    client.force_login(admin)
    resp = client.get("/admin/")
    assert resp.status_code == 200
    assert client.get("/admin/core/auditrecord/").status_code == 200


def test_a_token_checked_recently_is_not_looked_up_again(
    settings: Any, django_assert_num_queries: Any
) -> None:
    from motcua.accounts.services import api_token_cache_clear, api_token_create

    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 3600
    api_token_cache_clear()
    user = OfficialFactory(username="machine3")
    _, key = api_token_create(username="machine3")
    first = api_token_authenticate(key)
    assert first == user
    # when used again, then no query, and each request gets its own instance
    with django_assert_num_queries(0):
        again = api_token_authenticate(key)
    assert again == user and again is not first
    api_token_cache_clear()


def test_revoking_or_deactivating_in_this_process_applies_at_once(settings: Any) -> None:
    from motcua.accounts.services import (
        api_token_cache_clear,
        api_token_create,
        api_token_revoke,
    )

    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 3600
    api_token_cache_clear()
    user = OfficialFactory(username="machine4")
    token, key = api_token_create(username="machine4")
    _, other_key = api_token_create(username="machine4")
    assert api_token_authenticate(key) == user
    assert api_token_authenticate(other_key) == user
    # when one token is revoked, then it stops at once
    api_token_revoke(token_id=token.pk)
    assert api_token_authenticate(key) is None
    # when the account is deactivated, then its other token stops at once too
    user.is_active = False
    user.save()
    assert api_token_authenticate(other_key) is None
    api_token_cache_clear()


def test_a_revocation_made_by_another_process_applies_after_the_cache_time(
    settings: Any,
) -> None:
    import time

    from django.utils import timezone

    from motcua.accounts.services import api_token_cache_clear, api_token_create

    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 0.2
    api_token_cache_clear()
    OfficialFactory(username="machine5")
    token, key = api_token_create(username="machine5")
    assert api_token_authenticate(key) is not None
    # given a revocation that bypasses this process (no signal reaches its cache)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    time.sleep(0.25)
    # then
    assert api_token_authenticate(key) is None
    api_token_cache_clear()


def test_a_token_read_by_another_thread_before_the_revocation_commits_is_dropped(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The cache is emptied again when the change commits: what a concurrent request cached in
    between (the row as it was before the commit) does not survive."""
    from django.db import transaction

    from motcua.accounts.services import (
        _token_cache,
        api_token_cache_clear,
        api_token_create,
        api_token_revoke,
    )

    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 3600
    api_token_cache_clear()
    OfficialFactory(username="machine6")
    token, _key = api_token_create(username="machine6")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        api_token_revoke(token_id=token.pk)
        # a request of another thread authenticated meanwhile and cached the old row
        _token_cache["stale"] = (0.0, token.user)
        assert "stale" in _token_cache
    # then, once committed
    assert "stale" not in _token_cache
    api_token_cache_clear()


def test_moving_a_unit_empties_the_token_cache(settings: Any) -> None:
    from motcua.accounts.services import _token_cache, api_token_cache_clear, api_token_create

    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 3600
    api_token_cache_clear()
    user = OfficialFactory(username="machine7")
    _, key = api_token_create(username="machine7")
    assert api_token_authenticate(key) == user and _token_cache
    # when the user's unit changes (its scope follows its place in the tree)
    user.organisation.name = "Đơn vị đổi tên"
    user.organisation.save()
    # then
    assert not _token_cache
    api_token_cache_clear()


@pytest.mark.parametrize(
    ("header", "status"),
    [("Bearer {key}", 200), ("bearer {key}", 200), ("Token {key}", 401), ("Bearer ", 401)],
)
def test_only_a_bearer_authorization_header_authenticates(
    client: Client, header: str, status: int
) -> None:
    from motcua.accounts.services import api_token_create

    OfficialFactory(username="machine8")
    _, key = api_token_create(username="machine8")
    resp = client.get("/api/v1/me", headers={"Authorization": header.format(key=key)})
    assert resp.status_code == status
    if status == 401:
        assert resp.json()["error"]["code"] == "unauthorized"
