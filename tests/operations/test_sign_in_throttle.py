"""Sign-in throttling: per address across user names, per account across addresses, with
the client address taken from our own proxies' X-Forwarded-For entries only."""

import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from operations.client_address import client_address
from operations.login import account_lock_seconds
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"
PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    # A fast hasher: these tests sign in dozens of times, the throttle is what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def sign_in(username, password, client_ip, forwarded_for=None):
    """A post through our proxy: REMOTE_ADDR is the proxy, the client is in the header."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password},
                           REMOTE_ADDR=PROXY if forwarded_for is not False else client_ip,
                           HTTP_X_FORWARDED_FOR=forwarded_for or client_ip)
    return response.status_code, "_auth_user_id" in client.session


def test_wrong_passwords_for_made_up_names_do_not_lock_out_other_users(behind_one_proxy):
    UserFactory(username="bakker")
    for n in range(6):
        assert sign_in(f"made-up-{n}", "nope", "203.0.113.9") == (200, False)
    assert sign_in("bakker", PASSWORD, "198.51.100.7") == (302, True)


def test_an_address_that_tries_many_accounts_is_throttled_as_an_address(behind_one_proxy,
                                                                        settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    UserFactory(username="bakker")
    for n in range(8):
        assert sign_in(f"name-{n}", "nope", "203.0.113.9") == (200, False)
    assert sign_in("bakker", PASSWORD, "203.0.113.9") == (429, False)
    assert sign_in("bakker", PASSWORD, "198.51.100.7") == (302, True)


def test_a_signed_in_account_of_the_attacker_does_not_reset_its_address(behind_one_proxy,
                                                                       settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    UserFactory(username="attacker")
    for n in range(3):
        sign_in(f"victim-{n}", "nope", "203.0.113.9")
    assert sign_in("attacker", PASSWORD, "203.0.113.9") == (302, True)
    sign_in("victim-3", "nope", "203.0.113.9")
    assert sign_in("attacker", PASSWORD, "203.0.113.9") == (429, False)


def test_one_account_attacked_from_many_addresses_is_slowed_down(behind_one_proxy):
    UserFactory(username="bakker")
    for n in range(5):
        assert sign_in("bakker", "nope", f"203.0.113.{n + 10}") == (200, False)
    assert sign_in("bakker", PASSWORD, "203.0.113.99") == (429, False)


def test_the_real_user_still_signs_in_from_an_address_it_succeeded_from(behind_one_proxy):
    UserFactory(username="bakker")
    assert sign_in("bakker", PASSWORD, "198.51.100.7") == (302, True)
    for n in range(8):
        sign_in("bakker", "nope", f"203.0.113.{n + 10}")
    assert sign_in("bakker", PASSWORD, "203.0.113.50") == (429, False)
    assert sign_in("bakker", PASSWORD, "198.51.100.7") == (302, True)


def test_the_account_lock_is_short_and_grows_only_with_more_failures(settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_LOCK_SECONDS = 60
    assert [account_lock_seconds(n) for n in range(1, 10)] == [
        0, 0, 0, 0, 60, 120, 240, 480, 900]
    assert account_lock_seconds(10_000) == 900  # never longer than the window


def test_the_account_lock_lapses_by_itself(behind_one_proxy, settings):
    settings.LOGIN_ACCOUNT_LOCK_SECONDS = 1
    UserFactory(username="bakker")
    for n in range(5):
        sign_in("bakker", "nope", f"203.0.113.{n + 10}")
    assert sign_in("bakker", PASSWORD, "203.0.113.99") == (429, False)
    time.sleep(1.2)
    assert sign_in("bakker", PASSWORD, "203.0.113.99") == (302, True)


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    UserFactory(username="bakker")
    for n in range(3):
        sign_in(f"name-{n}", "nope", "203.0.113.9", forwarded_for=f"198.51.100.{n}")
    # Every try came from one connection; rotating the header did not make new addresses.
    assert sign_in("bakker", PASSWORD, "203.0.113.9", forwarded_for="198.51.100.77") == (
        429, False)


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "198.51.100.1", "10.0.0.2"),                    # no proxy trusted: the header is ignored
    (1, "1.2.3.4, 198.51.100.1", "198.51.100.1"),      # the client forged the leftmost entry
    (2, "1.2.3.4, 198.51.100.1, 10.0.0.1", "198.51.100.1"),
    (2, "198.51.100.1", "198.51.100.1"),                # the first proxy saw the client itself
    (1, "not-an-address", "10.0.0.2"),
    (1, "", "10.0.0.2"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_the_client_address_is_taken_from_trusted_proxies_only(settings, proxies, forwarded,
                                                                expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_refused_sign_in_says_why_in_dutch_and_english(behind_one_proxy, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1
    sign_in("someone", "nope", "203.0.113.9")
    for language, text in [("nl", "Te veel mislukte pogingen. Wacht een paar minuten"),
                           ("en", "Too many failed attempts. Wait a few minutes")]:
        response = Client(HTTP_ACCEPT_LANGUAGE=language).post(
            "/accounts/login/", {"username": "someone", "password": "nope"},
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert response.status_code == 429
        assert text in response.content.decode()
