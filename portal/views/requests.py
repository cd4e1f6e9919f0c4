"""Booking requests for the batch allocation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings import errors
from bookings.models import Booking, BookingRequest
from bookings.requests import (
    cutoff_instant,
    first_open_day,
    outcome_expected_by,
    request_submit,
    request_withdraw,
)

from .. import forms, services
from .base import ConfirmedActionView, PortalView, today

# --- Booking requests for the batch allocation ------------------------------------------


class RequestsView(PortalView):
    def get(self, request):
        return self._page(self._form())

    def _zone(self):
        """The zone of the nearest bay: its cut-off decides which day is still open."""
        return self.near[0].bay.zone if self.near else None

    def _form(self, data=None):
        zone = self._zone()
        first_day = first_open_day(zone) if zone else today() + dt.timedelta(days=1)
        return forms.RequestForm(
            data,
            organisation=self.organisation,
            bays=[n.bay for n in self.near],
            initial={
                "token": services.new_form_token(),
                "day": first_day,
                "earliest": dt.time(7),
                "latest_end": dt.time(10),
                "duration": 30,
                "vehicle_length_m": "6",
                "vehicle_mass_kg": 3500,
            },
        )

    def _page(self, form, status=200):
        requests = (
            BookingRequest.objects.filter(organisation=self.organisation)
            .select_related("booking", "booking__bay")
            .prefetch_related("bays")
            .order_by("-day", "-created_at")[:50]
        )
        response = self.render("requests.html", form=form, requests=requests,
                               **self._deadlines())
        response.status_code = status
        return response

    def _deadlines(self) -> dict:
        """The first open day with its cut-off and expected outcome, and tomorrow's when
        tomorrow is already closed, so the page can say both."""
        zone = self._zone()
        if zone is None:
            return {}
        tomorrow = today() + dt.timedelta(days=1)
        open_day = first_open_day(zone)
        deadlines = {"open_day": open_day, "open_cutoff": cutoff_instant(zone, open_day),
                     "open_outcome": outcome_expected_by(zone, open_day)}
        if open_day > tomorrow:
            deadlines.update(closed_day=tomorrow, closed_cutoff=cutoff_instant(zone, tomorrow),
                             closed_outcome=outcome_expected_by(zone, tomorrow))
        return deadlines

    def post(self, request):
        form = self._form(request.POST)
        if not form.is_valid():
            return self._page(form, status=422)
        data = form.cleaned_data
        bays = list(data["bays"])
        try:
            services.once(
                token=data["token"],
                organisation=self.organisation,
                action=request_submit,
                zone=bays[0].zone,
                earliest_start=data["earliest_at"],
                latest_end=data["latest_end_at"],
                duration_minutes=data["duration"],
                bays=bays,
                channel=Booking.Channel.PORTAL,
                submitted_by=request.user,
                address_latitude=self.organisation.latitude,
                address_longitude=self.organisation.longitude,
                **form.vehicle_kwargs(),
            )
        except services.AlreadySent:
            messages.info(request, _("This form was already sent; nothing was sent twice."))
            return redirect("portal:requests")
        except errors.BookingError as exc:
            forms.add_booking_error(form, exc)
            return self._page(form, status=409)
        messages.success(request, _("Your request is in. You hear the outcome after the cut-off."))
        return redirect("portal:requests")


class RequestWithdrawView(ConfirmedActionView):
    def subject(self, reference):
        return get_object_or_404(
            BookingRequest, organisation=self.organisation, reference=reference
        )

    def confirmation(self, booking_request):
        return (
            _("Withdraw request %(reference)s?") % {"reference": booking_request.reference},
            _("It leaves the batch allocation and gets no bay; this cannot be undone."),
            _("Yes, withdraw the request"),
            reverse("portal:requests"),
        )

    def act(self, booking_request):
        try:
            request_withdraw(request=booking_request)
        except errors.BookingError as exc:
            messages.error(self.request, exc.message)
        else:
            messages.success(self.request, _("Request %(reference)s is withdrawn.")
                             % {"reference": booking_request.reference})
        return redirect("portal:requests")
