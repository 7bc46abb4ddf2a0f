"""Registration with a 6-digit code, the profile that prefills submissions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from motcua.accounts import citizens
from motcua.accounts.models import Profile, User, VerificationCode
from motcua.accounts.senders import LocmemSmsSender
from motcua.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "citizen",
    "full_name": "Trần Văn Bình",
    "id_number": "096099001234",
    "email": "binh@example.com",
    "phone": "",
    "address": "Phường 5, Cà Mau",
    "verify_by": "email",
    "password": "Ca-Mau-2027!",
    "password2": "Ca-Mau-2027!",
}


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def test_register_then_verify_by_email_logs_in(client, django_capture_on_commit_callbacks):
    # given: the registration form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", FORM)
    # then: an inactive account, a code by e-mail
    assert response.status_code == 302 and response["Location"] == "/register/verify/"
    user = User.objects.get(email="binh@example.com")
    assert not user.is_active and user.kind == "citizen" and user.id_number == "096099001234"
    assert Profile.objects.get(user=user).address == "Phường 5, Cà Mau"
    code = code_in(mail.outbox[-1].body)
    # when: a wrong code, then the right one
    wrong = client.post("/register/verify/", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and 'id="error-summary"' in wrong.content.decode()
    ok = client.post("/register/verify/", {"code": code})
    # then
    assert ok.status_code == 302 and ok["Location"] == "/my/dossiers/"
    user.refresh_from_db()
    assert user.is_active and user.portal_profile.email_verified_at is not None
    assert client.get("/my/dossiers/").status_code == 200  # logged in


def test_register_as_organisation_verified_by_sms(client, django_capture_on_commit_callbacks):
    data = {**FORM, "kind": "business", "email": "", "phone": "0912 345 678", "verify_by": "sms"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", data)
    user = User.objects.get(phone="0912345678")
    assert user.kind == "business"
    to, text = LocmemSmsSender.outbox[-1]
    assert to == "0912345678"
    client.post("/register/verify/", {"code": code_in(text)})
    user.refresh_from_db()
    assert user.is_active and user.portal_profile.phone_verified_at is not None


def test_register_errors_show_a_summary_and_keep_the_answers(client, world):
    data = {**FORM, "email": world.citizen.email, "password2": "other", "full_name": "Lê Thị C"}
    response = client.post("/register/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-summary"' in html and 'href="#id_password2"' in html
    assert 'value="Lê Thị C"' in html  # the rest of the form is kept
    weak = client.post("/register/", {**FORM, "password": "12345678", "password2": "12345678"})
    assert weak.status_code == 422 and 'href="#id_password"' in weak.content.decode()
    taken = client.post("/register/", {**FORM, "email": world.citizen.email.upper()})
    assert "already exists" in taken.content.decode()


def test_an_abandoned_registration_frees_its_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", FORM)
    User.objects.filter(email="binh@example.com").update(
        date_joined=timezone.now() - dt.timedelta(hours=1)
    )
    other = client.post("/register/", {**FORM, "full_name": "Chủ thật của e-mail"})
    assert other.status_code == 302
    assert User.objects.get(email="binh@example.com").full_name == "Chủ thật của e-mail"


def test_code_attempts_are_limited_and_codes_expire(world):
    user = world.citizen
    citizens.verification_send(user=user, channel="email")
    for _ in range(citizens.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            citizens.verification_confirm(user=user, code="not-it")
    with pytest.raises(ValidationFailed) as err:
        citizens.verification_confirm(user=user, code="whatever")
    assert "quá nhiều lần" in str(err.value.message)
    VerificationCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed) as err:
        citizens.verification_confirm(user=user, code="123456")
    assert "hết hạn" in str(err.value.message)


def test_a_new_code_waits_a_minute_and_replaces_the_old(world, django_capture_on_commit_callbacks):
    user = world.citizen
    with django_capture_on_commit_callbacks(execute=True):
        citizens.verification_send(user=user, channel="email")
    first = code_in(mail.outbox[-1].body)
    with pytest.raises(Conflict):
        citizens.verification_send(user=user, channel="email")
    VerificationCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        citizens.verification_send(user=user, channel="email")
    second = code_in(mail.outbox[-1].body)
    if first != second:
        with pytest.raises(ValidationFailed):
            citizens.verification_confirm(user=user, code=first)
    citizens.verification_confirm(user=user, code=second)


def test_profile_prefills_and_a_new_email_is_unverified(citizen_client, world):
    Profile.objects.create(user=world.citizen, address="Cà Mau", email_verified_at=timezone.now())
    page = citizen_client.get("/profile/").content.decode()
    assert 'value="citizen@example.com"' in page and 'value="Cà Mau"' in page
    response = citizen_client.post(
        "/profile/",
        {
            "full_name": "Phạm Văn D",
            "id_number": "012300678901",
            "phone": "0987654321",
            "email": "moi@example.com",
            "address": "Bạc Liêu",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=world.citizen.pk)
    assert (user.full_name, user.id_number, user.phone, user.email) == (
        "Phạm Văn D",
        "012300678901",
        "0987654321",
        "moi@example.com",
    )
    assert (
        user.portal_profile.address == "Bạc Liêu" and user.portal_profile.email_verified_at is None
    )


def test_profile_refuses_a_phone_of_another_account(citizen_client, world):
    world.counter.phone = "0911111111"
    world.counter.save()
    response = citizen_client.post(
        "/profile/", {"full_name": "X", "phone": "0911111111", "email": ""}
    )
    assert response.status_code == 422 and "already exists" in response.content.decode()


def test_officials_have_no_citizen_pages(client, world):
    client.force_login(world.counter)
    assert client.get("/profile/").status_code == 403
    assert client.get("/my/dossiers/").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/my/dossiers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
