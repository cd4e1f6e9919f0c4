"""GET /cds/metrics/sessions and /cds/metrics/aggregates: CDS Metrics 1.0 as CSV.

The spec requires authorization here (sessions show when each vehicle came and went):
a municipality's API key, or a signed-in member of a municipality's organisation, who
see their own municipality (a regional organisation and a superuser see all).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api.authentication import OrganisationAPIKeyAuthentication
from console.scoping import NOTHING, Scope, scope_of
from organisations.models import Organisation
from places import localtime
from places.models import LoadingBay

from . import metrics
from .geo import BBox, distance_cm
from .query import BadQuery, CurbQuery, instant, parse
from .views import acceptable, error, read_only

MEDIA_TYPE = "application/vnd.cds+csv"
VERSION = "1.0"
CONTENT_TYPE = f"{MEDIA_TYPE};version={VERSION}"
DEFAULT_DAYS = 7
LONGEST_PERIOD = dt.timedelta(days=92)


def metrics_scope(request) -> Scope:
    try:
        found = OrganisationAPIKeyAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return NOTHING
    if found is not None:
        organisation = found[1].organisation
        if organisation.kind != Organisation.Kind.MUNICIPALITY:
            return NOTHING
        if organisation.municipality is None:
            return Scope(everything=True)
        return Scope(municipality=organisation.municipality)
    return scope_of(request.user)


def metrics_view(build):
    """Authorise, negotiate, parse the period and the place; ``build`` returns CSV rows."""

    @read_only
    def view(request):
        scope = metrics_scope(request)
        if scope.nothing:
            response = error(request, 401, "unauthorized", _(
                "The CDS Metrics need a municipality's API key or a municipal sign-in."))
            response["WWW-Authenticate"] = "Api-Key"
            return response
        if not acceptable(request, MEDIA_TYPE, wildcards=("*/*", "text/*", "text/csv")):
            return error(request, 406, "not_acceptable",
                         f"This endpoint speaks {CONTENT_TYPE}.", [CONTENT_TYPE])
        try:
            period = _period(request.GET)
            place = _place(request.GET)
            bays = _bays(scope, parse(request.GET))
            columns, rows = build(request, scope, period, place, bays)
        except BadQuery as exc:
            return error(request, 400, "bad_param", exc.description, exc.details)
        response = HttpResponse(_csv(columns, rows), content_type=CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        return response

    view.__name__ = build.__name__
    view.__doc__ = build.__doc__
    return view


def _period(params) -> tuple[dt.datetime, dt.datetime]:
    end = instant(params["end_time"], "end_time") if params.get("end_time") else localtime.now()
    start = (instant(params["start_time"], "start_time") if params.get("start_time")
             else end - dt.timedelta(days=DEFAULT_DAYS))
    if start >= end:
        raise BadQuery(_("start_time must be before end_time."), ["start_time", "end_time"])
    if end - start > LONGEST_PERIOD:
        raise BadQuery(_("Ask for at most 92 days at a time."), ["start_time", "end_time"])
    return start, end


def _place(params) -> tuple[str | None, str | None]:
    kind, place = params.get("curb_place_type") or None, params.get("curb_place_id") or None
    if bool(kind) != bool(place):
        raise BadQuery(_("Give curb_place_type and curb_place_id together."),
                       ["curb_place_type", "curb_place_id"])
    if kind is not None and kind not in metrics.PLACE_TYPES:
        raise BadQuery(_("curb_place_type is zone or area here: sessions are not recorded "
                         "per curb space."), ["curb_place_type"])
    if place is not None:
        try:
            place = str(uuid.UUID(place))
        except ValueError as exc:
            raise BadQuery(_("curb_place_id must be a UUID."), ["curb_place_id"]) from exc
    return kind, place


def _bays(scope: Scope, query: CurbQuery) -> list[LoadingBay]:
    bays = LoadingBay.objects.select_related("zone")
    if not scope.everything:
        bays = bays.filter(zone__municipality_id=scope.municipality_id)
    found = list(bays.order_by("pk"))
    if query.bbox is not None:
        found = [b for b in found if query.bbox.intersects(
            BBox(b.latitude, b.longitude, b.latitude, b.longitude))]
    if query.point is not None:
        point = query.point
        found = [b for b in found
                 if distance_cm(point.lat, point.lng, b.latitude, b.longitude) <= point.radius_cm]
    return found


def _csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _sessions_of(scope, period, place, bays):
    kind, place_id = place
    bay_ids = [b.pk for b in bays]
    if kind == "zone":
        bay_ids = [b.pk for b in bays if metrics.ids.curb_zone_id(b.pk) == place_id]
    elif kind == "area":
        bay_ids = [b.pk for b in bays if metrics.ids.curb_area_id(b.zone_id) == place_id]
    bookings = metrics.metric_bookings(scope.municipality_id).filter(bay_id__in=bay_ids)
    return metrics.sessions(bookings, start=period[0], end=period[1]), bay_ids


@metrics_view
def sessions(request, scope, period, place, bays):
    """GET /cds/metrics/sessions"""
    found, _bay_ids = _sessions_of(scope, period, place, bays)
    return metrics.SESSION_COLUMNS, [metrics.session_row(s) for s in found]


@metrics_view
def aggregates(request, scope, period, place, bays):
    """GET /cds/metrics/aggregates"""
    metric = request.GET.get("metric_type") or None
    if metric is not None and metric not in metrics.METRIC_TYPES:
        raise BadQuery(_("metric_type is one of %(types)s.")
                       % {"types": ", ".join(metrics.METRIC_TYPES)}, ["metric_type"])
    found, bay_ids = _sessions_of(scope, period, place, bays)
    kept = [b for b in bays if b.pk in set(bay_ids)]
    rows = metrics.aggregates(
        found, capacity={b.pk: b.max_vehicles for b in kept},
        zone_of={b.pk: b.zone_id for b in kept}, start=period[0], end=period[1],
        now=localtime.now(), place_type=place[0], metric=metric,
        place_ids={place[1]} if place[1] else None)
    return metrics.AGGREGATE_COLUMNS, rows
