"""Throttling per API key (or per organisation for a signed-in session), counted in the cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import OrganisationAPIKey
from .permissions import request_organisation

DEFAULT_RATE = "600/minute"


class OrganisationKeyThrottle(SimpleRateThrottle):
    """A budget of requests per key; a 429 carries Retry-After (DRF adds it from wait())."""

    scope = "api_key"

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", DEFAULT_RATE)

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
