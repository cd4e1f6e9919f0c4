"""GET /api/v1/bays/occupancy/ and its Server-Sent Events stream: the kerb now, for
navigation and fleet tools, without personal data and without an account."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.throttling import OrganisationKeyThrottle
from api.viewsets import VensterAPIMixin
from places import localtime
from places.fields import MAX_ID

from .. import live


class OccupancyQuerySerializer(serializers.Serializer):
    zone = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    municipality = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class OccupancySerializer(serializers.Serializer):
    bay = serializers.IntegerField()
    code = serializers.CharField()
    zone = serializers.IntegerField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    capacity = serializers.IntegerField(help_text="Vehicles the bay holds at once.")
    occupied = serializers.IntegerField(help_text="Vehicles checked in now.")
    expected = serializers.IntegerField(
        help_text="Bookings that cover this moment and have not checked in yet.")
    free = serializers.IntegerField(help_text="capacity - occupied - expected, at least 0.")


class OccupancyThrottle(OrganisationKeyThrottle):
    scope = "occupancy"

    def get_rate(self):
        return settings.OCCUPANCY_THROTTLE_RATE


class OccupancyStreamThrottle(OrganisationKeyThrottle):
    """Few streams per caller: each holds a server process for its whole length."""

    scope = "occupancy_stream"

    def allow_request(self, request, view):
        # only an opened stream costs a process; any other method is answered 405 at once
        return request.method != "GET" or super().allow_request(request, view)

    def get_rate(self):
        return settings.OCCUPANCY_STREAM_THROTTLE_RATE


class OccupancyView(VensterAPIMixin, APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [OccupancyThrottle]

    @extend_schema(parameters=[OccupancyQuerySerializer],
                   responses=OccupancySerializer(many=True),
                   summary="How full each bay is now",
                   description="Per bay: vehicles checked in now, bookings expected now and "
                               "the room left. No account needed; no personal data.")
    def get(self, request):
        return Response([bay.as_dict() for bay in _occupancy(request)])


class OccupancyStreamView(VensterAPIMixin, APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [OccupancyStreamThrottle]

    @extend_schema(parameters=[OccupancyQuerySerializer],
                   # each event's data is the list of bays (all at first, then those changed)
                   responses={(200, "text/event-stream"): OccupancySerializer(many=True)},
                   summary="Changes of bay occupancy as Server-Sent Events",
                   description="First a `snapshot` event with every bay, then an `occupancy` "
                               "event with the bays that changed, checked every few seconds. "
                               "The stream ends after a while with a `retry` hint; reconnect.")
    def get(self, request):
        query = _query(request)
        response = StreamingHttpResponse(_events(query), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # a proxy must pass each event on at once
        return response


def _query(request) -> dict[str, int | None]:
    query = OccupancyQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return {"zone_id": query.validated_data.get("zone"),
            "municipality_id": query.validated_data.get("municipality")}


def _occupancy(request) -> list[live.BayOccupancy]:
    return live.occupancy_now(localtime.now(), **_query(request))


def _event(name: str, bays: list[live.BayOccupancy]) -> str:
    data = json.dumps([bay.as_dict() for bay in bays], separators=(",", ":"))
    return f"event: {name}\nid: {int(time.time() * 1000)}\ndata: {data}\n\n"


def _events(query: dict[str, int | None]) -> Iterator[str]:
    """A snapshot, then the changes, until the stream's time is up."""
    interval = settings.OCCUPANCY_STREAM_INTERVAL_SECONDS
    ends = time.monotonic() + settings.OCCUPANCY_STREAM_SECONDS
    current = live.occupancy_now(localtime.now(), **query)
    yield f"retry: {int(interval * 1000)}\n\n"
    yield _event("snapshot", current)
    known = {bay.bay: bay for bay in current}
    while time.monotonic() < ends:
        time.sleep(interval)
        latest = live.occupancy_now(localtime.now(), **query)
        changed = live.changes(known, latest)
        if changed:
            yield _event("occupancy", changed)
        else:
            yield ": still here\n\n"  # a comment keeps proxies from closing an idle stream
        known = {bay.bay: bay for bay in latest}
