"""Login through OpenID Connect against the local test provider (tests/oidc_provider.py)."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
import requests
from django.test import Client

from motcua.accounts.models import Profile, User
from motcua.accounts.tests.factories import OfficialFactory, UserFactory
from tests.oidc_provider import OidcProvider

pytestmark = pytest.mark.django_db

CLAIMS = {
    "sub": "vneid-0001",
    "name": "Lê Văn Công",
    "id_number": "096200001111",
    "email": "cong@example.com",
    "email_verified": True,
    "phone_number": "0901234567",
}


@pytest.fixture
def idp(settings):  # type: ignore[no-untyped-def]
    with OidcProvider(client_id="motcua-portal", client_secret="s3cret") as provider:
        provider.claims = dict(CLAIMS)
        settings.MOTCUA_OIDC_ENABLED = True
        settings.MOTCUA_OIDC_ISSUER = provider.issuer
        settings.MOTCUA_OIDC_CLIENT_ID = "motcua-portal"
        settings.MOTCUA_OIDC_CLIENT_SECRET = "s3cret"
        yield provider


def login_via(client: Client, idp: OidcProvider, *, state: str | None = None):  # type: ignore[no-untyped-def]
    start = client.get("/login/oidc/", {"next": "/my/dossiers/"})
    assert start.status_code == 302 and start["Location"].startswith(f"{idp.issuer}/authorize?")
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    back = urlparse(consent.headers["Location"])
    query = back.query if state is None else back.query.split("&state=")[0] + f"&state={state}"
    return client.get(f"{back.path}?{query}")


def test_first_login_creates_a_verified_citizen_account(client, idp):
    # when
    response = login_via(client, idp)
    # then
    assert response.status_code == 302 and response["Location"] == "/my/dossiers/"
    user = User.objects.get(id_number="096200001111")
    assert (user.kind, user.full_name, user.email, user.phone) == (
        "citizen",
        "Lê Văn Công",
        "cong@example.com",
        "0901234567",
    )
    assert not user.has_usable_password()
    profile = Profile.objects.get(user=user)
    assert (profile.oidc_issuer, profile.oidc_subject) == (idp.issuer, "vneid-0001")
    assert profile.email_verified_at is not None
    assert client.get("/my/dossiers/").status_code == 200
    assert {"/.well-known/openid-configuration", "/authorize", "/token", "/jwks"} <= set(
        idp.requests
    )


def test_next_login_finds_the_same_account_by_subject(client, idp):
    login_via(client, idp)
    idp.claims = {**CLAIMS, "id_number": "096200009999", "name": "Lê Văn Công (đổi tên)"}
    again = Client()
    login_via(again, idp)
    assert User.objects.filter(kind="citizen").count() == 1
    assert User.objects.get().full_name == "Lê Văn Công (đổi tên)"


def test_an_existing_citizen_is_linked_by_id_number(client, idp):
    existing = UserFactory(id_number="096200001111", email="old@example.com")
    login_via(client, idp)
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.portal_profile.oidc_subject == "vneid-0001"
    assert existing.email == "old@example.com"  # the account's own address stays


def test_an_official_with_the_same_id_number_is_never_taken_over(client, idp):
    official = OfficialFactory(id_number="096200001111")
    login_via(client, idp)
    citizen = User.objects.get(kind="citizen")
    assert citizen.pk != official.pk


@pytest.mark.parametrize(
    ("tamper", "other_key"),
    [
        ({"aud": "someone-else"}, False),
        ({"iss": "https://evil.example"}, False),
        ({"nonce": "replayed"}, False),
        ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, False),
        ({}, True),
    ],
    ids=["aud", "iss", "nonce", "expired", "signature"],
)
def test_a_bad_id_token_is_refused(client, idp, tamper, other_key):
    idp.tamper = tamper
    idp.sign_with_other_key = other_key
    response = login_via(client, idp)
    assert response.status_code == 400
    assert not User.objects.filter(kind="citizen").exists()
    assert client.get("/my/dossiers/").status_code == 302  # not logged in


def test_a_wrong_state_is_refused(client, idp):
    response = login_via(client, idp, state="forged")
    assert response.status_code == 400
    assert not User.objects.exists()


def test_off_by_default(client, settings):
    settings.MOTCUA_OIDC_ENABLED = False
    assert client.get("/login/oidc/").status_code == 404
    assert "/login/oidc/" not in client.get("/register/").content.decode()


def test_a_self_declared_id_number_is_not_enough_to_take_over(client, idp):
    # given: somebody registered with this ID number and a password, other e-mail
    squatter = UserFactory(id_number="096200001111", email="squatter@example.com")
    Profile.objects.create(user=squatter)
    # when: the real person logs in through the provider
    login_via(client, idp)
    # then: a new account for them; the squatter's account stays unlinked
    real = User.objects.get(portal_profile__oidc_subject="vneid-0001")
    assert real.pk != squatter.pk
    assert real.portal_profile.id_number_verified_at is not None


def test_a_self_registered_account_with_the_same_verified_email_is_linked(client, idp):
    from django.utils import timezone

    mine = UserFactory(id_number="096200001111", email="cong@example.com")
    Profile.objects.create(user=mine, email_verified_at=timezone.now())
    login_via(client, idp)
    assert User.objects.get(portal_profile__oidc_subject="vneid-0001").pk == mine.pk
