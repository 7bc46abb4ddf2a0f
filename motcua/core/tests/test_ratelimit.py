"""Rate limits: database counters shared by all web processes, and the pages and API they guard.

The test settings turn the limits off (conftest.py); each test here turns on the scopes it
tests, with small limits."""

from __future__ import annotations

import datetime as dt
import re
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from motcua.accounts.models import User, VerificationCode
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import OfficialFactory, UserFactory
from motcua.core.ratelimit import (
    RateLimitResult,
    client_ip,
    rate_limit_check,
    rate_limit_hit,
    rate_limit_message,
    rate_limit_purge,
    rate_limit_undo,
)
from motcua.core.ratelimit_models import RateLimitCounter

pytestmark = pytest.mark.django_db

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # a window boundary for windows of 1 min to 1 h

REGISTRATION = {
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


@pytest.fixture
def limit(settings):
    """Limits on, every scope unlimited until the test sets it: limit("login.ip", 2)."""
    settings.MOTCUA_RATE_LIMITS_ENABLED = True
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 0
    settings.MOTCUA_RATE_LIMITS = {}

    def set_limit(scope: str, attempts: int, seconds: int = 600) -> None:
        settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, scope: (attempts, seconds)}

    return set_limit


def assert_refused(response, *, window: int = 600) -> str:
    """429, Retry-After within the window, the message in the page's language (Vietnamese
    unless English was chosen); returns the page."""
    assert response.status_code == 429, response.status_code
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= window
    body = response.content.decode()
    language = response["Content-Language"]
    with translation.override(language):
        assert rate_limit_message(retry_after) in body
    return body


# --- counting -------------------------------------------------------------------------------


def test_a_fixed_window_allows_the_limit_then_refuses_until_it_ends():
    # given a limit of 3 a minute
    def hit(at: dt.datetime) -> RateLimitResult:
        return rate_limit_hit("test.scope", "10.0.0.1", 3, 60, now=at)

    # when
    first = [hit(T0 + dt.timedelta(seconds=s)) for s in (0, 10, 20)]
    fourth = hit(T0 + dt.timedelta(seconds=45, microseconds=500_000))
    last_moment = hit(T0 + dt.timedelta(seconds=59))
    next_window = hit(T0 + dt.timedelta(seconds=60))
    # then
    assert [r.allowed for r in first] == [True, True, True]
    assert [r.count for r in first] == [1, 2, 3]
    assert not fourth.allowed and fourth.count == 4 and fourth.scope == "test.scope"
    assert fourth.retry_after == 15  # 14.5 s left, rounded up
    assert not last_moment.allowed and last_moment.retry_after == 1
    assert next_window.allowed and next_window.count == 1 and next_window.retry_after == 0


def test_scopes_and_keys_count_apart_and_keys_are_stored_hashed():
    rate_limit_hit("login.ip", "10.0.0.1", 5, 60, now=T0)
    rate_limit_hit("login.ip", "10.0.0.1", 5, 60, now=T0)
    rate_limit_hit("login.ip", "10.0.0.2", 5, 60, now=T0)
    rate_limit_hit("login.username", "10.0.0.1", 5, 60, now=T0)
    rows = sorted(RateLimitCounter.objects.values_list("key", "count"), key=lambda r: r[0])
    assert sorted(count for _key, count in rows) == [1, 1, 2]
    assert all("10.0.0" not in key for key, _count in rows)
    assert all(re.fullmatch(r"login\.(ip|username):[0-9a-f]{40}", key) for key, _count in rows)


def test_check_stops_at_the_first_refusal_and_undo_gives_the_counts_back(limit):
    # given
    limit("login.ip", 1)
    limit("login.username", 5)
    checks = (("login.ip", "10.0.0.1"), ("login.username", "an"))
    allowed = rate_limit_check(*checks, now=T0)
    # when: over the address's limit
    refused = rate_limit_check(*checks, now=T0)
    # then: the name was not counted a second time
    assert allowed.allowed and len(allowed.hits) == 2
    assert not refused.allowed and refused.scope == "login.ip" and len(refused.hits) == 1
    assert sorted(RateLimitCounter.objects.values_list("count", flat=True)) == [1, 2]
    # when the allowed attempt is given back
    rate_limit_undo(allowed)
    assert sorted(RateLimitCounter.objects.values_list("count", flat=True)) == [0, 1]


def test_limits_off_or_a_scope_without_limit_cost_no_query(
    settings, limit, django_assert_num_queries
):
    limit("login.ip", 1)
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "tracking.ip": None}
    with django_assert_num_queries(0):
        for _ in range(3):
            assert rate_limit_check(("tracking.ip", "10.0.0.1"), ("unknown.scope", "x")).allowed
            assert rate_limit_check(("login.ip", "")).allowed  # no key: nothing to count
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    with django_assert_num_queries(0):
        for _ in range(3):
            assert rate_limit_check(("login.ip", "10.0.0.1")).allowed


def test_purge_deletes_the_ended_windows_only():
    # given a window that ended and one still open
    rate_limit_hit("test.scope", "a", 5, 60, now=T0)
    rate_limit_hit("test.scope", "b", 5, 3600, now=T0)
    # when
    deleted = rate_limit_purge(now=T0 + dt.timedelta(minutes=2))
    # then
    assert deleted == 1
    assert RateLimitCounter.objects.get().expires_at == T0 + dt.timedelta(hours=1)


def test_purge_command_deletes_what_has_ended_by_now():
    now = timezone.now()
    rate_limit_hit("test.scope", "old", 5, 60, now=now - dt.timedelta(hours=1))
    rate_limit_hit("test.scope", "current", 5, 3600, now=now)
    out = StringIO()
    call_command("purge_rate_limits", stdout=out)
    assert "deleted 1 " in out.getvalue()
    assert RateLimitCounter.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_hits_on_separate_connections_share_one_counter():
    # given 8 threads, each with its own database connection, released at the same instant
    threads_n, hits_n = 8, 25
    barrier = threading.Barrier(threads_n)
    counts: list[int] = []
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(hits_n):
                counts.append(rate_limit_hit("test.scope", "10.0.0.1", 100, 600, now=T0).count)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(threads_n)]
    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then: every hit got its own number, none lost, one row
    assert errors == []
    assert sorted(counts) == list(range(1, threads_n * hits_n + 1))
    assert RateLimitCounter.objects.get().count == threads_n * hits_n


# --- the client's address -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "", "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not configured: header ignored
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged left part ignored
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),  # one subscriber's block
        (0, "::ffff:203.0.113.7", "", "203.0.113.7"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.MOTCUA_TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_ip(request) == expected


def test_x_forwarded_for_does_not_escape_the_limit_unless_proxies_are_configured(
    client: Client, settings, limit
):
    limit("login.ip", 1)
    bad = {"username": "nobody", "password": "wrong"}

    def post(forwarded: str):
        return client.post("/accounts/login/", bad, headers={"X-Forwarded-For": forwarded})

    assert post("198.51.100.1").status_code == 200
    assert_refused(post("198.51.100.2"))
    # with one trusted proxy in front, the header names the client
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 1
    assert post("198.51.100.3").status_code == 200
    assert_refused(post("198.51.100.3"))


# --- pages ----------------------------------------------------------------------------------


def test_login_failures_are_limited_per_address_and_showing_the_form_is_free(client: Client, limit):
    # given
    limit("login.ip", 2, 900)
    user = UserFactory(username="an")
    for _ in range(5):
        assert client.get("/accounts/login/").status_code == 200
    # when: two wrong passwords, then the right one
    for _ in range(2):
        wrong = client.post("/accounts/login/", {"username": "an", "password": "x"})
        assert wrong.status_code == 200
    refused = client.post("/accounts/login/", {"username": "an", "password": "pass-1234"})
    # then: refused before the password is checked, in Vietnamese
    page = assert_refused(refused, window=900)
    assert refused["Content-Language"] == "vi" and "Đăng nhập" in page  # the page's menu
    user.refresh_from_db()
    assert user.last_login is None
    # another address is not affected
    other = client.post(
        "/accounts/login/", {"username": "an", "password": "pass-1234"}, REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 302


def test_successful_logins_are_not_counted(client: Client, limit):
    limit("login.ip", 1)
    limit("login.username", 1)
    UserFactory(username="an")
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "an", "password": "pass-1234"})
        assert response.status_code == 302
    assert set(RateLimitCounter.objects.values_list("count", flat=True)) == {0}


def test_login_failures_are_limited_per_login_name_from_any_address(client: Client, limit):
    limit("login.username", 2)
    UserFactory(username="an", email="an@example.com")
    for n, name in enumerate(["an@example.com", " AN@example.com "]):
        response = client.post(
            "/accounts/login/", {"username": name, "password": "x"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 200
    refused = client.post(
        "/accounts/login/",
        {"username": "an@EXAMPLE.com", "password": "pass-1234"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert_refused(refused)
    other = {"username": "someone-else", "password": "x"}
    assert client.post("/accounts/login/", other, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_message_is_english_when_english_is_chosen(client: Client, limit):
    limit("login.ip", 1)
    client.cookies["django_language"] = "en"
    client.post("/accounts/login/", {"username": "an", "password": "x"})
    refused = client.post("/accounts/login/", {"username": "an", "password": "x"})
    page = assert_refused(refused)
    assert refused["Content-Language"] == "en"
    assert re.search(r"Too many attempts in a short time\. Try again in \d+ minutes?\.", page)


def test_the_message_is_vietnamese_by_default(client: Client, limit):
    limit("login.ip", 1)
    client.post("/accounts/login/", {"username": "an", "password": "x"})
    page = client.post("/accounts/login/", {"username": "an", "password": "x"}).content.decode()
    assert re.search(r"Vui lòng thử lại sau \d+ phút", page)


def test_password_reset_requests_are_limited_per_address_and_per_email(client: Client, limit):
    limit("password_reset.ip", 2)
    limit("password_reset.email", 1)
    UserFactory(username="an", email="an@example.com")
    assert client.get("/accounts/password-reset/").status_code == 200
    assert client.post("/accounts/password-reset/", {"email": "an@example.com"}).status_code == 302
    assert len(mail.outbox) == 1
    # the same address again, from elsewhere: refused, no second e-mail
    assert_refused(
        client.post(
            "/accounts/password-reset/", {"email": "AN@example.com"}, REMOTE_ADDR="10.0.0.5"
        )
    )
    assert len(mail.outbox) == 1
    # a third request from the first address, whatever the e-mail address
    assert client.post("/accounts/password-reset/", {"email": "b@example.com"}).status_code == 302
    assert_refused(client.post("/accounts/password-reset/", {"email": "c@example.com"}))
    assert client.get("/accounts/password-reset/").status_code == 200


def test_registration_is_limited_per_address_and_a_refused_one_creates_nothing(
    client: Client, limit, django_capture_on_commit_callbacks
):
    # given
    limit("register.ip", 1, 3600)
    assert client.get("/register/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/register/", REGISTRATION).status_code == 302
    users, codes = User.objects.count(), VerificationCode.objects.count()
    # when
    other = {**REGISTRATION, "email": "chi@example.com", "id_number": "096099005678"}
    refused = client.post("/register/", other)
    # then
    assert_refused(refused, window=3600)
    assert (User.objects.count(), VerificationCode.objects.count()) == (users, codes)
    assert len(mail.outbox) == 1
    assert client.get("/register/").status_code == 200  # the form page stays free


def test_codes_to_one_phone_number_are_limited_from_any_address(
    client: Client, limit, django_capture_on_commit_callbacks
):
    # given one code sent by SMS to 0912 345 678
    limit("code_send.recipient", 1, 3600)
    sms = {**REGISTRATION, "email": "", "phone": "0912 345 678", "verify_by": "sms"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/register/", sms).status_code == 302
    users = User.objects.count()
    # when someone else registers the same number, written differently
    other = Client()
    refused = other.post("/register/", {**sms, "phone": "0912.345.678"}, REMOTE_ADDR="10.0.0.7")
    # then
    assert_refused(refused, window=3600)
    assert User.objects.count() == users


def test_a_registration_the_service_rejects_gives_its_code_count_back(client: Client, limit):
    limit("code_send.ip", 1, 3600)
    weak = {**REGISTRATION, "password": "12345678", "password2": "12345678"}
    assert client.post("/register/", weak).status_code == 422  # rejected by the service
    assert client.post("/register/", REGISTRATION).status_code == 302  # still allowed


def test_new_codes_are_limited_per_account(
    client: Client, limit, django_capture_on_commit_callbacks
):
    # given a registration (its code is not counted per account: there was none yet)
    limit("code_send.user", 2, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", REGISTRATION)

    def resend():
        VerificationCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/register/verify/resend/", {"channel": "email"})

    # when: a request within the minute is refused by the service, and not counted
    too_soon = client.post("/register/verify/resend/", {"channel": "email"})
    assert too_soon.status_code == 302
    assert resend().status_code == 302
    assert resend().status_code == 302
    refused = resend()
    # then
    assert_refused(refused, window=3600)
    assert len(mail.outbox) == 3  # the registration's code and two new ones


def test_code_confirmations_are_limited_per_address(
    client: Client, limit, django_capture_on_commit_callbacks
):
    limit("code_confirm.ip", 2, 900)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", REGISTRATION)
    for _ in range(3):
        assert client.get("/register/verify/").status_code == 200
    for _ in range(2):
        assert client.post("/register/verify/", {"code": "000000"}).status_code == 422
    assert_refused(client.post("/register/verify/", {"code": "000000"}), window=900)


def test_tracking_lookups_are_limited_per_address(client: Client, limit):
    limit("tracking.ip", 2)
    assert client.get("/tracking/").status_code == 200  # the form itself is not a lookup
    for _ in range(2):
        assert client.get("/tracking/000.00.15.H12-270301-0001").status_code == 404
    assert_refused(client.get("/tracking/000.00.15.H12-270301-0002"))
    assert client.get("/tracking/").status_code == 200
    other = client.get("/tracking/000.00.15.H12-270301-0002", REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 404


# --- API ------------------------------------------------------------------------------------


def test_failed_bearer_tokens_are_limited_with_the_api_error_shape(client: Client, limit):
    limit("api_auth.ip", 2, 300)
    wrong = {"Authorization": "Bearer mc_not-a-token"}
    for _ in range(2):
        assert client.get("/api/v1/me", headers=wrong).status_code == 401
    refused = client.get("/api/v1/me", headers=wrong)
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 300
    with translation.override("vi"):
        message = rate_limit_message(retry_after)
    assert refused.json() == {"error": {"code": "rate_limited", "message": message, "fields": {}}}
    # a request without a token is not counted: it is simply unauthorised
    assert client.get("/api/v1/me").status_code == 401


def test_a_valid_token_costs_no_rate_limit_query_even_from_a_limited_address(
    client: Client, settings, limit
):
    # given an address over its limit of failed tokens
    OfficialFactory(username="machine")
    _token, key = api_token_create(username="machine")
    good = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/me", headers=good).status_code == 200  # marks the token used
    limit("api_auth.ip", 1, 300)
    for _ in range(2):
        client.get("/api/v1/me", headers={"Authorization": "Bearer mc_wrong"})
    counters = RateLimitCounter.objects.count()
    # when a valid token is used, limits on and off
    with CaptureQueriesContext(connection) as with_limits:
        assert client.get("/api/v1/me", headers=good).status_code == 200
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    with CaptureQueriesContext(connection) as without_limits:
        assert client.get("/api/v1/me", headers=good).status_code == 200
    # then: the same queries, none about rate limits, nothing counted
    assert len(with_limits.captured_queries) == len(without_limits.captured_queries)
    table = RateLimitCounter._meta.db_table
    assert not any(table in q["sql"] for q in with_limits.captured_queries)
    assert RateLimitCounter.objects.count() == counters
    assert set(RateLimitCounter.objects.values_list("count", flat=True)) == {2}


def test_the_admin_login_is_limited_like_ours(client: Client, limit):
    limit("login.ip", 2)
    assert client.get("/admin/login/").status_code == 200  # showing the form is free
    for _ in range(2):
        page = client.post("/admin/login/", {"username": "an", "password": "x"})
        assert page.status_code == 200  # the form again, with Django's error
    assert_refused(client.post("/admin/login/", {"username": "an", "password": "x"}))


# --- the per-name login counter: one per account ---------------------------------------------

FULL_WIDTH_ADMIN = "ａｄｍｉｎ"  # full-width letters, NFKC "admin"
MATH_BOLD_ADMIN = "\U0001d41a\U0001d41d\U0001d426\U0001d422\U0001d427"  # 𝐚𝐝𝐦𝐢𝐧, NFKC "admin"


def login_counts() -> list[int]:
    return sorted(
        RateLimitCounter.objects.filter(key__startswith="login.username:").values_list(
            "count", flat=True
        )
    )


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_nfkc_spellings_of_a_username_share_one_counter(client: Client, limit, url):
    # given an administrator "admin" and a limit of 2 failures per login name
    limit("login.username", 2)
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    # when: wrong passwords as full-width, then mathematical bold "admin", from two addresses
    for n, name in enumerate([FULL_WIDTH_ADMIN, MATH_BOLD_ADMIN]):
        response = client.post(url, {"username": name, "password": "x"}, REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 200
    # then: one counter; the plain name, even with the right password, is refused
    assert login_counts() == [2]
    refused = client.post(
        url, {"username": "admin", "password": "pass-1234"}, REMOTE_ADDR="10.0.1.9"
    )
    assert_refused(refused)


def test_username_email_and_phone_of_one_account_share_one_counter(client: Client, limit):
    limit("login.username", 2)
    user = UserFactory(username="binh", email="binh@example.com", phone="0912345678")
    for n, name in enumerate(["binh", "BINH@example.com"]):
        response = client.post(
            "/accounts/login/", {"username": name, "password": "x"}, REMOTE_ADDR=f"10.0.2.{n}"
        )
        assert response.status_code == 200
    assert login_counts() == [2]
    refused = client.post(
        "/accounts/login/",
        {"username": " 0912345678 ", "password": "pass-1234"},
        REMOTE_ADDR="10.0.2.9",
    )
    assert_refused(refused)
    user.refresh_from_db()
    assert user.last_login is None


def test_names_of_no_account_share_a_counter_up_to_nfkc_and_case(client: Client, limit):
    limit("login.username", 2)
    UserFactory(username="an")
    for n, name in enumerate(["Ghost", " ＧＨＯＳＴ "]):  # full-width letters
        response = client.post(
            "/accounts/login/", {"username": name, "password": "x"}, REMOTE_ADDR=f"10.0.3.{n}"
        )
        assert response.status_code == 200
    assert login_counts() == [2]
    assert_refused(
        client.post(
            "/accounts/login/",
            {"username": "\U0001d420host", "password": "x"},  # mathematical bold g
            REMOTE_ADDR="10.0.3.9",
        )
    )
    # an existing account is not touched by guesses at names that do not exist
    ok = client.post("/accounts/login/", {"username": "an", "password": "pass-1234"})
    assert ok.status_code == 302


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_a_successful_login_in_another_spelling_gives_its_count_back(client: Client, limit, url):
    limit("login.username", 2)
    UserFactory(username="admin", email="admin@example.com", is_staff=True, is_superuser=True)
    client.post(url, {"username": "admin@example.com", "password": "x"})
    assert login_counts() == [1]
    ok = client.post(url, {"username": FULL_WIDTH_ADMIN, "password": "pass-1234"})
    assert ok.status_code == 302
    assert login_counts() == [1]  # the failure stays, the success was given back


def test_the_account_is_not_looked_up_when_limits_are_off(client: Client, settings):
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    UserFactory(username="an")
    client.post("/accounts/login/", {"username": "an", "password": "x"})  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/login/", {"username": "an", "password": "x"})
    assert response.status_code == 200
    # only the backend's own lookup: no second one for the limiter, nothing counted
    user_table = User._meta.db_table
    lookups = [q for q in queries.captured_queries if f'FROM "{user_table}"' in q["sql"]]
    assert len(lookups) == 1
    assert not RateLimitCounter.objects.exists()
