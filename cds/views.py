"""Public, read-only CDS endpoints: envelope, content type, negotiation and caching here only."""

from __future__ import annotations

import functools
import hashlib
import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from places import localtime

from . import curbs, events, ids
from .query import BadQuery, CurbQuery, from_millis, parse, to_millis, whole_number

MEDIA_TYPE = "application/vnd.cds+json"
VERSION = "1.0"
CONTENT_TYPE = f"{MEDIA_TYPE};version={VERSION}"
SPEC_VERSION = "1.0.0"
TIME_ZONE = "Europe/Amsterdam"
CURRENCY = "EUR"
AUTHOR = "Venster"
LICENSE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
CURBS_MAX_AGE = 300
EVENTS_MAX_AGE = 30
ALLOWED_METHODS = ("GET", "HEAD")
# Far beyond the last page of any real register; further pages overflow the database's offset.
MAX_PAGE = 1_000_000


def acceptable(request, media_type: str = MEDIA_TYPE,
               wildcards: tuple[str, ...] = ("*/*", "application/*", "application/json")
               ) -> bool:
    """The CDS media type in version 1.0, or a wildcard or plain JSON; no Accept header is fine.

    CDS says a server MUST answer 406 when the Accept header leaves out its
    media type; wildcards and application/json are taken to include it, so
    that browsers and generic HTTP clients can read open data. The Metrics API passes
    its CSV media type and the text wildcards instead.
    """
    header = request.headers.get("Accept", "").strip()
    if not header:
        return True
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        media = media.lower()
        if media in wildcards:
            return True
        if media == media_type:
            options = dict(p.split("=", 1) for p in params if "=" in p)
            version = options.get("version", VERSION).strip('"')
            if version == VERSION or version.startswith(VERSION + "."):
                return True
    return False


def _json_response(request, body: dict, status: int = 200, max_age: int = 0) -> HttpResponse:
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    patch_vary_headers(response, ["Accept"])
    if status == 200:
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=max_age)
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is not response:
            return conditional
    return response


def error(request, status: int, name: str, description: str, details=None) -> HttpResponse:
    return _json_response(request, {"error": name, "error_description": description,
                                    "error_details": details or []}, status=status)


# What Django itself answers under /cds/ (no route, an unhandled error, a request it
# refuses), in the CDS error format; see operations/error_pages.py.
STATUS_ERRORS = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    500: "server_error",
}


def status_error_response(request, status: int) -> HttpResponse:
    descriptions = {
        400: _("The server cannot read this request."),
        403: _("This request is not allowed."),
        404: _("There is no CDS endpoint or object at this address."),
        500: _("Something went wrong on our side; the error has been logged."),
    }
    return error(request, status, STATUS_ERRORS[status], descriptions[status])


def read_only(view):
    """GET and HEAD only; anything else is a 405 with a CDS error body and an Allow header.

    Exempt from CSRF: these are public reads that use no session, and without the
    exemption a POST met Django's CSRF page (an HTML 403) before the method check.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ALLOWED_METHODS:
            response = error(
                request, 405, "method_not_allowed",
                _("The CDS endpoints are read-only: use GET, not %(method)s.")
                % {"method": request.method},
                list(ALLOWED_METHODS),
            )
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def envelope(data: dict, last_updated) -> dict:
    return {
        "version": SPEC_VERSION,
        "time_zone": TIME_ZONE,
        "last_updated": to_millis(last_updated),
        "currency": CURRENCY,
        "author": AUTHOR,
        "license_url": LICENSE_URL,
        "data": data,
    }


def cds_view(max_age: int):
    """Check Accept, parse the query, map BadQuery to 400; the view returns the `data` part."""

    def decorate(build):
        @read_only
        @functools.wraps(build)
        def view(request, *args, **kwargs):
            if not acceptable(request):
                return error(request, 406, "not_acceptable",
                             f"This server speaks {CONTENT_TYPE}.", [CONTENT_TYPE])
            try:
                query = parse(request.GET)
                result = build(request, query, *args, **kwargs)
            except BadQuery as exc:
                return error(request, 400, "bad_param", exc.description, exc.details)
            if isinstance(result, HttpResponse):
                return result
            data, last_updated, *links = result
            body = envelope(data, last_updated)
            if links:
                body["links"] = links[0]
            return _json_response(request, body, max_age=max_age)

        return view

    return decorate


def _snapshot(query: CurbQuery) -> curbs.CurbData:
    return curbs.CurbData.load(as_of=query.time or localtime.now())


@cds_view(CURBS_MAX_AGE)
def zones(request, query):
    """GET /cds/curbs/zones"""
    data = _snapshot(query)
    return {"zones": curbs.query_zones(data, query)}, data.last_updated()


@cds_view(CURBS_MAX_AGE)
def zone_detail(request, query, curb_zone_id):
    """GET /cds/curbs/zones/{id}"""
    data = _snapshot(query)
    found = curbs.find_zone(data, str(curb_zone_id), query.time)
    if found is None:
        return error(request, 404, "not_found", "No curb zone with this id at this time.")
    return found, data.last_updated()


def _one(request, found, data, what):
    if not found:
        return error(request, 404, "not_found", f"No {what} with this id.")
    return found[0], data.last_updated()


@cds_view(CURBS_MAX_AGE)
def area_detail(request, query, curb_area_id):
    """GET /cds/curbs/areas/{id}"""
    data = _snapshot(query)
    found = [a for a in curbs.query_areas(data, CurbQuery())
             if a["curb_area_id"] == str(curb_area_id)]
    return _one(request, found, data, "curb area")


@cds_view(CURBS_MAX_AGE)
def space_detail(request, query, curb_space_id):
    """GET /cds/curbs/spaces/{id}"""
    data = _snapshot(query)
    found = [s for s in curbs.query_spaces(data, CurbQuery(time=query.time), now=localtime.now())
             if s["curb_space_id"] == str(curb_space_id)]
    return _one(request, found, data, "curb space")


@cds_view(CURBS_MAX_AGE)
def policy_detail(request, query, curb_policy_id):
    """GET /cds/curbs/policies/{id}"""
    data = _snapshot(query)
    found = curbs.query_policies(data, CurbQuery(ids=frozenset({str(curb_policy_id)})))
    return _one(request, found, data, "curb policy")


@read_only
def events_status(request):
    """GET /cds/events/status: Venster has no sensors to report on."""
    return error(request, 501, "not_implemented", "Venster has no curb sensors.")


@cds_view(CURBS_MAX_AGE)
def areas(request, query):
    """GET /cds/curbs/areas"""
    data = _snapshot(query)
    return {"areas": curbs.query_areas(data, query)}, data.last_updated()


@cds_view(CURBS_MAX_AGE)
def spaces(request, query):
    """GET /cds/curbs/spaces"""
    data = _snapshot(query)
    return {"spaces": curbs.query_spaces(data, query, now=localtime.now())}, data.last_updated()


@cds_view(CURBS_MAX_AGE)
def policies(request, query):
    """GET /cds/curbs/policies"""
    data = _snapshot(query)
    return {"policies": curbs.query_policies(data, query)}, data.last_updated()


def _event_scope(request, data: curbs.CurbData) -> dict:
    """curb_area_id, curb_zone_id, curb_space_id -> the Venster zone or bay they name."""
    scope = {}
    params = {name: request.GET.get(name) for name in
              ["curb_area_id", "curb_zone_id", "curb_space_id"]}
    if params["curb_area_id"]:
        scope["zone_pk"] = next((pk for pk in data.zones
                                 if ids.curb_area_id(pk) == params["curb_area_id"]), -1)
    for name in ["curb_zone_id", "curb_space_id"]:
        if params[name]:
            scope["bay_pk"] = next(
                (bay.pk for bay in data.bays if params[name] in _bay_ids(bay, name)), -1
            )
    return scope


def _bay_ids(bay, name: str) -> set[str]:
    if name == "curb_zone_id":
        return {ids.curb_zone_id(bay.pk)}
    return {ids.curb_space_id(bay.pk, n) for n in range(1, bay.max_vehicles + 1)}


@cds_view(EVENTS_MAX_AGE)
def events_list(request, query):
    """GET /cds/events/events"""
    page = whole_number(request.GET.get("page", "1"), "page", lowest=1, highest=MAX_PAGE)
    scope = {}
    if any(request.GET.get(n) for n in ["curb_area_id", "curb_zone_id", "curb_space_id"]):
        scope = _event_scope(request, curbs.CurbData.load(as_of=localtime.now()))
    found, more = events.query_events(events.event_bookings(**scope), page=page)
    last = events.last_event_time() or from_millis("0")
    return {"events": found}, last, _links(request, page, more)


def _links(request, page: int, more: bool) -> dict:
    """JSON:API pagination links, next to `data` as CDS shows; `next` is null on the last page."""
    def link(number):
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {"first": link(1), "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if more else None}
