"""Sign-in with throttling, counted separately per address and per account.

Two attacks, two limits:

* One address trying passwords for many accounts (password spraying, or
  guessing user names). Its failures are counted per client address (the
  address our trusted proxies report, see `client_address`), whatever the user
  name: after LOGIN_ADDRESS_FAILURE_LIMIT failures the address is refused for
  LOGIN_WINDOW_SECONDS. User names that do not exist count like real ones.

* Many addresses guessing one account's password. Its failures are counted per
  user name, whatever the address. A hard lock here would let anyone keep a real
  user out for good, so the account only slows down: after
  LOGIN_ACCOUNT_FAILURE_LIMIT failures each further failure locks it for a
  moment that doubles (one minute, two, four …, at most LOGIN_WINDOW_SECONDS),
  and an address from which that user signed in successfully (remembered for
  LOGIN_KNOWN_ADDRESS_DAYS) is not held by the account lock at all, only by its
  own address limit. This is the "familiar location" rule of mature identity
  products: the attacker's guesses slow the attacker down, the user's own
  office or home keeps working.

A success clears the account's count, never the address's: otherwise an
attacker with one valid account could reset their address between guesses.
If the cache cannot be reached, sign-in goes on unthrottled (and it is logged):
the throttle protects the service, it must not take it down.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _

from .cache import count_in_window
from .client_address import client_address

logger = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def window_seconds() -> int:
    return _setting("LOGIN_WINDOW_SECONDS", 15 * 60)


def _account(username: str) -> str:
    # Hashed: a user name is any text the form accepts, a cache key is not.
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _address_key(address: str) -> str:
    return f"login-fail:addr:{address}"


def _account_keys(username: str) -> tuple[str, str]:
    account = _account(username)
    return f"login-fail:user:{account}", f"login-lock:user:{account}"


def _known_key(username: str, address: str) -> str:
    return f"login-known:{_account(username)}:{address}"


def account_lock_seconds(failures: int) -> int:
    """How long the account waits after its `failures`-th failure in a row: nothing below
    the limit, then one minute, doubling with each failure, capped at the window."""
    over = failures - _setting("LOGIN_ACCOUNT_FAILURE_LIMIT", 5)
    if over < 0:
        return 0
    first_lock = _setting("LOGIN_ACCOUNT_LOCK_SECONDS", 60)
    return min(first_lock * 2 ** min(over, 16), window_seconds())


def is_locked(request, username: str) -> bool:
    address = client_address(request)
    failures_key, lock_key = _account_keys(username)
    known_key = _known_key(username, address)
    found = cache.get_many([_address_key(address), lock_key, known_key])
    if (found.get(_address_key(address)) or 0) >= _setting("LOGIN_ADDRESS_FAILURE_LIMIT", 20):
        return True
    return lock_key in found and known_key not in found


def record_failure(request, username: str) -> None:
    count_in_window(_address_key(client_address(request)), window_seconds())
    failures_key, lock_key = _account_keys(username)
    failures = count_in_window(failures_key, window_seconds())
    lock_seconds = account_lock_seconds(failures)
    if lock_seconds:
        cache.set(lock_key, failures, lock_seconds)


def record_success(request, username: str) -> None:
    cache.delete_many(list(_account_keys(username)))
    days = _setting("LOGIN_KNOWN_ADDRESS_DAYS", 30)
    cache.set(_known_key(username, client_address(request)), True, days * 24 * 3600)


def _unless_cache_down(action, request, username: str, default=None):
    try:
        return action(request, username)
    except Exception:
        logger.warning("sign-in throttle unreachable; attempt let through", exc_info=True)
        return default


class ThrottledLoginView(auth_views.LoginView):
    """Django's LoginView, throttled per address and per account (see the module)."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if _unless_cache_down(is_locked, request, username, default=False):
            form = self.get_form()
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        _unless_cache_down(record_success, self.request, self.request.POST.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form):
        _unless_cache_down(record_failure, self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)
