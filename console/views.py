"""Console pages for municipal admins: thin views that parse, call a service and render."""

from __future__ import annotations

import datetime as dt
import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bookings.models import Booking
from operations.csv_cells import SafeWriter
from places import localtime
from places.fields import parse_id
from places.models import Closure, LoadingBay, Municipality, TimeWindow, Zone
from places.selectors import zone_versions_ahead, zone_windows_in_force
from places.services import closure_announce, closure_hits

from . import charts, services
from . import dashboard as dashboard_selectors
from . import whatif as whatif_service
from .bay_files import bays_to_csv, bays_to_geojson
from .forms import (
    BayImportForm,
    ClosureForm,
    DashboardForm,
    VersionForm,
    WhatIfForm,
    WindowFormSet,
    window_initial,
    window_specs,
)
from .scoping import console_scope, scope_queryset
from .selectors import grid_hours, history_entries, week_grid
from .services import WindowSpec

HISTORY_MODELS = {"zone": Zone, "bay": LoadingBay, "window": TimeWindow, "closure": Closure,
                  "booking": Booking}


def console_view(view):
    """Signed-in municipal managers (and superusers) only; the scope rides on the request."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = console_scope(request.user)
        if scope.nothing:
            raise PermissionDenied
        request.scope = scope
        return view(request, *args, **kwargs)

    return wrapper


def scoped(request, model):
    return scope_queryset(model.objects.all(), request.scope)


@console_view
def index(request):
    zones = scoped(request, Zone).select_related("municipality")
    bays = scoped(request, LoadingBay).select_related("zone").order_by("zone__name", "code")
    return render(request, "console/index.html", {"zones": zones, "bays": bays})


# --- Windows --------------------------------------------------------------------------------


@console_view
def zone_windows(request, pk):
    zone = get_object_or_404(scoped(request, Zone), pk=pk)
    today = localtime.now().date()
    return _windows_page(request, owner=zone, owner_kind="zone",
                         current=zone_windows_in_force(zone.pk, today), fallback=None,
                         ahead=[(day, week_grid([WindowSpec.of(w) for w in windows]))
                                for day, windows in zone_versions_ahead(zone.pk, today)])


@console_view
def bay_windows(request, pk):
    bay = get_object_or_404(scoped(request, LoadingBay).select_related("zone"), pk=pk)
    today = localtime.now().date()
    fallback = [WindowSpec.of(w) for w in zone_windows_in_force(bay.zone_id, today)]
    return _windows_page(request, owner=bay, owner_kind="bay",
                         current=bay.windows.in_force_on(today), fallback=fallback)


@console_view
def zone_windows_next(request, pk):
    """Publish the zone's windows from a day ahead: preview the bookings they would not
    cover, then publish, which tells those bookings' bookers."""
    zone = get_object_or_404(scoped(request, Zone), pk=pk)
    today = localtime.now().date()
    uncovered, preview = None, None
    if request.method == "POST":
        form = VersionForm(request.POST)
        formset = WindowFormSet(request.POST, prefix="w")
        if form.is_valid() and formset.is_valid():
            specs, valid_from = window_specs(formset), form.cleaned_data["valid_from"]
            try:
                if request.POST.get("action") == "publish":
                    published = services.windows_publish(zone=zone, valid_from=valid_from,
                                                         windows=specs)
                    messages.success(request, ngettext(
                        "The windows from %(day)s are published; %(count)d booker was told.",
                        "The windows from %(day)s are published; %(count)d bookers were told.",
                        len(published.notifications),
                    ) % {"day": valid_from.strftime("%d-%m-%Y"),
                         "count": len(published.notifications)})
                    return redirect("console:zone_windows", pk=zone.pk)
                uncovered = services.windows_preview(zone=zone, valid_from=valid_from,
                                                     windows=specs)
                preview = week_grid(specs)
            except services.ConsoleError as exc:
                messages.error(request, exc.message)
    else:
        ahead = zone_versions_ahead(zone.pk, today)
        start_from = ahead[-1][1] if ahead else zone_windows_in_force(zone.pk, today)
        form = VersionForm(initial={"valid_from": ahead[-1][0] if ahead else None})
        formset = WindowFormSet(initial=window_initial(start_from), prefix="w")
    return render(request, "console/windows_next.html", {
        "zone": zone, "form": form, "formset": formset, "uncovered": uncovered,
        "preview": preview, "hours": grid_hours(),
    })


def _windows_page(request, *, owner, owner_kind, current, fallback, ahead=()):
    preview = uncovered = None
    if request.method == "POST":
        formset = WindowFormSet(request.POST, prefix="w")
        if formset.is_valid():
            specs = window_specs(formset)
            try:
                services.check_windows(specs)
                if request.POST.get("action") == "save":
                    services.windows_replace(**{owner_kind: owner}, windows=specs)
                    messages.success(request, _("The windows are saved."))
                    return redirect(request.path)
                preview = week_grid(specs, fallback)
                uncovered = [booking for booking, _reason in services.windows_uncovered(
                    **{owner_kind: owner}, windows=specs)]
            except services.ConsoleError as exc:
                messages.error(request, exc.message)
    else:
        formset = WindowFormSet(initial=window_initial(current), prefix="w")
    history_filter = {"zone_id": owner.pk} if owner_kind == "zone" else {"bay_id": owner.pk}
    changes = history_entries(TimeWindow.history.filter(**history_filter)
                              .select_related("history_user")[:30])
    return render(request, "console/windows.html", {
        "owner": owner, "owner_kind": owner_kind, "formset": formset, "preview": preview,
        "hits": uncovered,
        "current": week_grid([WindowSpec.of(w) for w in current], fallback),
        "hours": grid_hours(), "changes": changes, "ahead": ahead,
    })


# --- Closures -------------------------------------------------------------------------------


@console_view
def closure_list(request):
    closures = (scoped(request, Closure).select_related("zone", "bay")
                .order_by("-start_date", "-pk"))
    return render(request, "console/closure_list.html", {"closures": closures})


@console_view
def closure_new(request):
    form = ClosureForm(request.POST or None, scope=request.scope)
    hits = None
    if request.method == "POST" and form.is_valid():
        closure = form.save(commit=False)
        if request.POST.get("action") == "confirm":
            try:
                closure, notifications = services.closure_create(closure=closure)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Closure saved; %(count)d bookers notified.")
                                 % {"count": len(notifications)})
                return redirect("console:closure_detail", pk=closure.pk)
        else:
            try:
                closure.full_clean()
                hits = closure_hits(closure)
            except ValidationError as exc:
                form.add_error(None, exc)
    return render(request, "console/closure_new.html", {"form": form, "hits": hits})


@console_view
def closure_detail(request, pk):
    closure = get_object_or_404(scoped(request, Closure).select_related("zone", "bay"), pk=pk)
    return render(request, "console/closure_detail.html",
                  {"closure": closure, "hits": closure_hits(closure)})


@require_POST
@console_view
def closure_announce_view(request, pk):
    closure = get_object_or_404(scoped(request, Closure), pk=pk)
    notifications = closure_announce(closure)
    messages.success(request, _("%(count)d bookers notified.") % {"count": len(notifications)})
    return redirect("console:closure_detail", pk=closure.pk)


# --- Bays: import and export ----------------------------------------------------------------


@console_view
def bays_export(request, file_format):
    if file_format not in ("csv", "geojson"):
        raise Http404
    bays = scoped(request, LoadingBay).select_related("zone").order_by("code")
    if file_format == "geojson":
        response = HttpResponse(json.dumps(bays_to_geojson(bays), indent=2),
                                content_type="application/geo+json")
    else:
        response = HttpResponse(bays_to_csv(bays), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bays.{file_format}"'
    return response


@console_view
def bays_import(request):
    form = BayImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.bays_import(text=form.cleaned_data["file"].read(),
                                      file_format=form.cleaned_data["file_format"],
                                      scope=request.scope)
        if result.ok:
            messages.success(request, _("Imported: %(created)d new bays, %(updated)d updated.")
                             % {"created": result.created, "updated": result.updated})
            return redirect("console:index")
    return render(request, "console/bays_import.html", {"form": form, "result": result})


# --- History --------------------------------------------------------------------------------


@console_view
def history(request, kind, pk):
    model = HISTORY_MODELS.get(kind)
    if model is None:
        raise Http404
    records = model.history.filter(id=pk).select_related("history_user")
    latest = records.first()
    if latest is None:
        raise Http404
    obj = model.objects.filter(pk=pk).first() or latest.instance
    if not _historical_in_scope(obj, request.scope):
        raise Http404
    return render(request, "console/history.html",
                  {"kind": kind, "object": obj, "entries": history_entries(records)})


def _historical_in_scope(obj, scope) -> bool:
    """Scope check that also works for a deleted object, through the zone or bay it had."""
    if scope.everything:
        return True
    if obj.pk and type(obj).objects.filter(pk=obj.pk).exists():
        return scope_queryset(type(obj).objects.filter(pk=obj.pk), scope).exists()
    for attribute, model in (("zone_id", Zone), ("bay_id", LoadingBay)):
        related = getattr(obj, attribute, None)
        if related:
            return scope_queryset(model.objects.filter(pk=related), scope).exists()
    return False


# --- What-if --------------------------------------------------------------------------------


@console_view
def zone_zero_emission(request, pk):
    """The zone's zero-emission dates, and how many vehicles that book here lose access on
    each coming day."""
    from access.readiness import zone_readiness

    zone = get_object_or_404(scoped(request, Zone), pk=pk)
    rows = zone_readiness(zone, localtime.now().date())
    return render(request, "console/zone_zero_emission.html", {"zone": zone, "rows": rows})


@console_view
def whatif(request, pk):
    zone = get_object_or_404(scoped(request, Zone), pk=pk)
    # ?bay=<id> proposes that bay's own windows instead of the zone's.
    bay = None
    if request.GET.get("bay"):
        bay_id = parse_id(request.GET["bay"])
        if bay_id is None:
            raise BadRequest(_("The bay in the address is not a bay number."))
        bay = get_object_or_404(LoadingBay.objects.filter(zone=zone), pk=bay_id)
    form = WhatIfForm(request.POST or None, zone=zone)
    if request.method == "POST":
        formset = WindowFormSet(request.POST, prefix="w")
    else:
        formset = WindowFormSet(initial=window_initial(_whatif_windows(request, zone, bay)),
                                prefix="w")
    report = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        specs = window_specs(formset)
        try:
            services.check_windows(specs)
        except services.ConsoleError as exc:
            messages.error(request, exc.message)
        else:
            today = localtime.now().date()
            weeks = form.cleaned_data["weeks"]
            start_day = today - dt.timedelta(weeks=weeks)
            report = whatif_service.replay(
                zone=zone, weeks=weeks, today=today,
                zone_windows=None if bay else specs, bay_windows={bay.pk: specs} if bay else None,
                closures=form.proposed_closures(start_day, today),
            )
    return render(request, "console/whatif.html", {
        "zone": zone, "bay": bay, "form": form, "formset": formset, "report": report,
        "report_per_bay": report.rows(report.per_bay) if report else [],
        "report_per_carrier": report.rows(report.per_carrier) if report else [],
    })


def _whatif_windows(request, zone, bay):
    """The windows to start from: those in force today, or with ?version=<day> the zone's
    version in force on that day (a version published ahead, to replay it)."""
    today = localtime.now().date()
    if bay is not None:
        return bay.windows.in_force_on(today)
    day = today
    if request.GET.get("version"):
        try:
            day = dt.date.fromisoformat(request.GET["version"])
        except ValueError as exc:
            raise BadRequest(_("The version in the address is not a date.")) from exc
    return zone_windows_in_force(zone.pk, day)


# --- Dashboard ------------------------------------------------------------------------------


@console_view
def dashboard(request):
    municipality = _dashboard_municipality(request)
    zones = scoped(request, Zone)
    if municipality is not None:
        zones = zones.filter(municipality=municipality)
    form = DashboardForm(request.GET or None, zones=zones)
    today = localtime.now().date()
    # Four weeks back and the coming week, where bookings already stand.
    start, end, zone = today - dt.timedelta(days=27), today + dt.timedelta(days=7), None
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        zone = form.cleaned_data["zone"]
    if end < start or (end - start).days > 366:
        messages.error(request, _("Choose a period of at most a year, ending after it starts."))
        start, end = today - dt.timedelta(days=27), today
    data = dashboard_selectors.dashboard(municipality=municipality, start_day=start,
                                         end_day=end, zone=zone)
    export = request.GET.get("export")
    if export:
        if export not in data.tables:
            raise Http404
        return _csv_response(data.tables[export])
    per_day = data.tables["bookings_per_day"]
    chart = charts.bar_chart([(row[0][5:], row[1]) for row in per_day.rows],
                             title=str(per_day.title))
    # Colour relative to the busiest cell, so a quiet period still shows its pattern.
    peak = max((cell for row in data.tables["utilisation"].rows for cell in row[1:]), default=0)
    heat = [[(cell, charts.heat_colour(100 * cell / peak if peak else 0),
              charts.heat_ink(100 * cell / peak if peak else 0)) for cell in row[1:]]
            for row in data.tables["utilisation"].rows]
    return render(request, "console/dashboard.html", {
        "form": form, "data": data, "chart": chart, "municipality": municipality,
        "municipalities": Municipality.objects.all() if request.scope.everything else None,
        "heat": zip(data.tables["utilisation"].rows, heat, strict=True),
        "query": request.GET.urlencode(),
    })


def _dashboard_municipality(request):
    if not request.scope.everything:
        return request.scope.municipality
    slug = request.GET.get("municipality")
    return Municipality.objects.filter(slug=slug).first() if slug else None


def _csv_response(table):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    writer = SafeWriter(response)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return response
