"""The main pages, rendered in Vietnamese, carry no English and no ISO dates in their text.

A page's text (what a person reads: tags, scripts, styles and attributes removed) is checked for
English words that slipped through (Django's own messages, raw enum values, asn1crypto's field
names, English notes) and for ISO 8601 dates and months (2026-12-06, 2025-01)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode

from motcua.backoffice.tests.conftest import counter_intake, online_submission
from motcua.dossiers.models import DossierEvent

# Words no Vietnamese page should show (a word list, not a dictionary: each was seen once).
ENGLISH = re.compile(
    r"\b(password|this|must|characters?|too short|release_result|portal|defaults?|estimate"
    r"|confirmed|common name|organization|country|none|create|update|delete|server error"
    r"|page not found|the|and|your|you|email)\b",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b(19|20)\d\d-(0[1-9]|1[0-2])(-\d\d)?\b")
# "bạn" is not how MotCua addresses people: "Ông/Bà".
OTHER_ADDRESS = re.compile(r"(?<!\w)(bạn|anh/chị|quý khách)(?!\w)", re.IGNORECASE)


def page_text(content: bytes) -> str:
    text = content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    # The language switch names the other language in that language, on purpose.
    return re.sub(r"\s+", " ", text.replace("English", ""))


def english_in(content: bytes) -> list[str]:
    text = page_text(content)
    found = [m.group(0) for m in ENGLISH.finditer(text)]
    found += [m.group(0) for m in ISO_DATE.finditer(text)]
    found += [m.group(0) for m in OTHER_ADDRESS.finditer(text)]
    return found


@pytest.fixture
def dossiers(world: Any) -> Any:
    at_counter = counter_intake(world)
    online = online_submission(world)
    online.sub_channel = "portal"
    online.save(update_fields=["sub_channel"])
    # given: a result released electronically, recorded by the signatures app
    DossierEvent.objects.create(
        dossier=at_counter,
        action="release_result",
        at=timezone.now(),
        from_status=at_counter.status,
        data={"signed_document": "ABCDEFGH"},
    )
    return at_counter, online


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/procedures/",
        "/tracking/",
        "/statistics/",
        "/register/",
        "/accounts/login/",
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/reset/x/y/",
        "/signatures/verify/",
        "/no-such-page/",
    ],
)
def test_public_pages_are_all_vietnamese(client, world, path) -> None:  # type: ignore[no-untyped-def]
    assert english_in(client.get(path).content) == []


@pytest.mark.django_db
def test_password_rules_and_errors_are_vietnamese(client, world) -> None:  # type: ignore[no-untyped-def]
    # given: the link of a password-reset e-mail
    user = world.citizen
    uid = urlsafe_base64_encode(str(user.pk).encode())
    link = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")
    form_url = link.headers["Location"]
    # when: the citizen chooses a password that is too short, too common and only digits
    response = client.post(form_url, {"new_password1": "1234", "new_password2": "1234"})
    # then: the rules and the errors are Vietnamese and say "Ông/Bà"
    assert response.status_code == 200
    text = page_text(response.content)
    assert "Mật khẩu quá ngắn" in text
    assert english_in(response.content) == []


@pytest.mark.django_db
def test_dossier_pages_are_all_vietnamese(client, world, dossiers) -> None:  # type: ignore[no-untyped-def]
    at_counter, online = dossiers
    client.force_login(world.counter)
    for path in (
        "/office/",
        f"/office/dossiers/{at_counter.code}/",
        f"/office/dossiers/{online.code}/",
        "/reports/",
        "/reports/savings/",
        "/reports/index766/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert english_in(response.content) == [], path
    timeline = page_text(client.get(f"/office/dossiers/{at_counter.code}/").content)
    assert "Trả kết quả điện tử" in timeline


@pytest.mark.django_db
def test_the_citizens_timeline_names_the_released_result(client, world, dossiers) -> None:  # type: ignore[no-untyped-def]
    _at_counter, online = dossiers
    online.events.create(action="release_result", at=timezone.now(), from_status=online.status)
    client.force_login(world.citizen)
    response = client.get(f"/my/dossiers/{online.code}/")
    assert response.status_code == 200
    assert "Trả kết quả điện tử" in page_text(response.content)
    assert english_in(response.content) == []


def test_certificate_names_read_without_english_field_names() -> None:
    from asn1crypto.x509 import Name

    from motcua.signatures.verification import readable_name

    name = Name.build(
        {"country_name": "VN", "organization_name": "Sở Tư pháp", "common_name": "MotCua CA"}
    )
    assert readable_name(name) == "MotCua CA, Sở Tư pháp"


def test_iso_times_and_months_read_the_vietnamese_way() -> None:
    from django.utils import translation

    from motcua.core.templatetags.motcua_dates import iso_date, iso_datetime, month_label

    with translation.override("vi"):
        assert iso_datetime("2026-12-06T15:32:35+00:00") == "06/12/2026 22:32"
        assert month_label("2025-01") == "tháng 01/2025"
        assert iso_date("2026-12-06") == "06/12/2026"
    assert iso_datetime("not a time") == ""


@pytest.mark.django_db
def test_no_field_that_may_be_required_says_optional(client, world) -> None:  # type: ignore[no-untyped-def]
    # the code goes to the e-mail or the telephone; the profile keeps at least one of them
    register = page_text(client.get("/register/").content)
    assert "Địa chỉ thư điện tử (không bắt buộc)" not in register
    assert "Số điện thoại (không bắt buộc)" not in register
    assert "Bắt buộc nếu nhận mã qua thư điện tử" in register
    client.force_login(world.citizen)
    profile = page_text(client.get("/profile/").content)
    assert "(không bắt buộc)" in profile  # the address is optional
    assert "Số điện thoại (không bắt buộc)" not in profile
    assert "Cần ít nhất một trong hai" in profile
