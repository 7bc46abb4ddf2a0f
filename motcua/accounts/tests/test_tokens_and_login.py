from __future__ import annotations

from io import StringIO

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
