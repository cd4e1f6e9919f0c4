"""Portal pages of the hubs app: a collector's printable run sheet and the bundling report."""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.scoping import scope_of, scope_queryset
from organisations.models import Organisation
from organisations.selectors import organisation_of
from places import localtime
from places.fields import parse_day

from . import runsheet, services
from .models import Hub, MissedReason, PickupRequest, PlannedRoute, PlanningRun
from .services.bundling import bundling_report


@login_required
def route_list(request):
    """A waste collector's home: its applied routes from yesterday on, each with its sheet."""
    organisation = organisation_of(request.user)
    if organisation is None or organisation.kind != Organisation.Kind.WASTE_COLLECTOR:
        raise PermissionDenied
    since = localtime.now().date() - dt.timedelta(days=1)
    routes = (PlannedRoute.objects
              .filter(run__collector=organisation, run__status=PlanningRun.Status.APPLIED,
                      run__day__gte=since)
              .select_related("run", "vehicle__vehicle", "depot")
              .order_by("run__day", "start")[:100])
    return render(request, "hubs/routes.html", {"routes": routes})


@login_required
def run_sheet(request, pk: int):
    """One route for the driver: stops in order with times, kerb bookings and a map."""
    route = get_object_or_404(
        PlannedRoute.objects.select_related("run__collector", "vehicle__vehicle", "depot"), pk=pk
    )
    organisation = organisation_of(request.user)
    if organisation != route.run.collector and not _staff_sees_depot(request.user, route.depot):
        raise PermissionDenied
    stops = list(route.stops.select_related("pickup__organisation", "bay", "booking",
                                            "disposal_site", "chain__recipient"))
    points = runsheet.svg_points(stops)
    return render(request, "hubs/run_sheet.html", {
        "route": route, "stops": stops, "points": points,
        "polyline": runsheet.polyline(points), "width": runsheet.WIDTH,
        "height": runsheet.HEIGHT, "km": route.distance_m / 1000,
        "superseded": route.run.status != PlanningRun.Status.APPLIED,
        "flagged": sum(1 for stop in stops if stop.flagged_reason),
        # only the collector itself reports its pickups; staff read the sheet
        "can_report": organisation == route.run.collector
        and route.run.status == PlanningRun.Status.APPLIED,
        "missed_reasons": MissedReason.choices,
    })


def _collectors_route_pickup(request, route_pk: int, pk: int) -> PickupRequest:
    """A pickup on an applied route of the signed-in collector, else 404."""
    organisation = organisation_of(request.user)
    route = get_object_or_404(PlannedRoute, pk=route_pk, run__collector=organisation,
                              run__status=PlanningRun.Status.APPLIED)
    return get_object_or_404(PickupRequest, pk=pk, route_stops__route=route)


@login_required
@require_POST
def pickup_collected(request, route_pk: int, pk: int):
    """The run sheet's "collected" form of one stop: the amount in litres or kilograms."""
    pickup = _collectors_route_pickup(request, route_pk, pk)
    try:
        services.pickup_collected(pickup=pickup, litres=_number(request.POST.get("litres"), int),
                                  kg=_number(request.POST.get("kg"), Decimal))
    except services.PickupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stop recorded as collected."))
    return redirect("hubs:run-sheet", route_pk)


@login_required
@require_POST
def pickup_missed(request, route_pk: int, pk: int):
    """The run sheet's "missed" form of one stop: a reason and a note."""
    pickup = _collectors_route_pickup(request, route_pk, pk)
    try:
        services.pickup_missed(pickup=pickup, reason=request.POST.get("reason", ""),
                               note=request.POST.get("note", "")[:200])
    except services.PickupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stop recorded as missed."))
    return redirect("hubs:run-sheet", route_pk)


def _number(value, kind):
    """A form's number, or None when left empty; anything else is refused as an amount."""
    if value is None or not value.strip():
        return None
    try:
        number = kind(value.strip())
    except (ValueError, ArithmeticError):
        raise services.PickupError(_("Give the amount collected in litres or kilograms."),
                                   "amount") from None
    if kind is Decimal and not number.is_finite():
        raise services.PickupError(_("The weight collected is out of range."), "amount")
    return number


def _staff_sees_depot(user, depot) -> bool:
    """Staff see the routes from hubs their municipality shares (superusers: every hub)."""
    if not user.is_staff:
        return False
    return scope_queryset(Hub.objects.filter(pk=depot.pk), scope_of(user)).exists()


@login_required
def bundling_report_page(request):
    """The report municipalities ask for: trips and vehicle-km, planned vs unbundled."""
    organisation = organisation_of(request.user)
    is_municipality = organisation and organisation.kind == Organisation.Kind.MUNICIPALITY
    is_collector = organisation and organisation.kind == Organisation.Kind.WASTE_COLLECTOR
    if not (request.user.is_staff or is_municipality or is_collector):
        raise PermissionDenied
    day = parse_day(request.GET.get("day")) or localtime.now().date() + dt.timedelta(days=1)
    collector = organisation if is_collector and not request.user.is_staff else None
    report = bundling_report(day=day, collector=collector)
    return render(request, "hubs/bundling_report.html", {"report": report, "day": day})
