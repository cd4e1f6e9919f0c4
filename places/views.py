"""Public pages: thin views that read and render."""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from operations.cache import count_in_window
from operations.client_address import client_address

from . import localtime, public

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def per_address_limit(view):
    """At most PUBLIC_PAGE_RATE requests a minute from one address (counted atomically in
    the shared cache); the rest get a 429 with Retry-After. Without a cache, let through."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"public-page:{client_address(request)}:{window}"
        try:
            count = count_in_window(key, WINDOW_SECONDS)
        except Exception:  # the limit protects the service, it must not take it down
            logger.warning("public page counter unreachable; request let through",
                           exc_info=True)
            count = 0
        if count > settings.PUBLIC_PAGE_RATE:
            response = HttpResponse(_("Too many requests. Please try again in a minute."),
                                    status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(int((window + 1) * WINDOW_SECONDS - now) + 1)
            return response
        return view(request, *args, **kwargs)

    return limited


@require_safe
@per_address_limit
def zone_rules(request, key):
    """A zone's loading rules for anyone: what a municipality links from its website."""
    zone = public.find_zone(key)
    if zone is None:
        raise Http404
    today = localtime.now().date()
    bays = public.active_bays(zone)
    return render(request, "places/zone_rules.html", {
        "zone": zone, "today": today,
        "week": public.rules_week(zone, today),
        "ahead": public.rules_ahead(zone, today),
        "bays": public.bay_rows(bays, today),
        "limits": public.zone_limits(zone, today),
        "own_windows": public.bays_with_own_windows(zone, today),
        "map_data": public.map_data(zone, bays),
    })
