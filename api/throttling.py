"""Throttling per API key (or per organisation for a signed-in session), counted in the cache.

A fixed window counted atomically: DRF's SimpleRateThrottle reads a list of past
request times and writes it back, so concurrent requests lose each other's counts and
every request moves the whole list to and from Redis. Here each request is one atomic
increment. If the cache cannot be reached, requests are let through (and logged):
throttling protects the service, it must not take it down.
"""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from operations.cache import count_in_window
from operations.client_address import client_address

from .models import OrganisationAPIKey
from .permissions import request_organisation

DEFAULT_RATE = "600/minute"


logger = logging.getLogger(__name__)


class OrganisationKeyThrottle(SimpleRateThrottle):
    """A budget of requests per key and window; a 429 carries Retry-After (DRF adds it from
    wait()): the seconds until the window turns."""

    scope = "api_key"
    seconds_to_wait: float | None = None

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        try:
            count = count_in_window(f"{key}:{window}", self.duration)
        except Exception:
            logger.warning("throttle counter unreachable; request let through", exc_info=True)
            return True
        if count <= self.num_requests:
            return True
        self.seconds_to_wait = (window + 1) * self.duration - now
        return False

    def wait(self):
        return self.seconds_to_wait

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", DEFAULT_RATE)

    def get_ident(self, request):
        # Only our own proxies' X-Forwarded-For entries, never one the client wrote.
        return client_address(request)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, OrganisationAPIKey):
            ident = f"key:{request.auth.pk}"
        else:
            organisation = request_organisation(request)
            if organisation is None:
                ident = f"anon:{self.get_ident(request)}"
            else:
                ident = f"org:{organisation.pk}"
        return f"throttle_{self.scope}_{ident}"


class EnforcementThrottle(OrganisationKeyThrottle):
    """A budget per enforcement officer (signed in) or municipal API key.

    Enforcers act for a municipality, not for an organisation, so a session is counted
    per person: two officers of one city do not share a budget, and a plate lookup
    cannot be run in bulk.
    """

    scope = "enforcement"

    def get_rate(self):
        return getattr(settings, "ENFORCEMENT_THROTTLE_RATE", "120/minute")

    def get_cache_key(self, request, view):
        if isinstance(request.auth, OrganisationAPIKey):
            ident = f"key:{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return f"throttle_{self.scope}_{ident}"
