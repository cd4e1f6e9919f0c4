"""Finding and booking a slot, My bookings, and recurring bookings."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings import errors, recurring
from bookings.models import Booking, BookingSeries
from organisations.services import calendar_token_renew
from places import localtime

from .. import forms, selectors, services
from .base import ConfirmedActionView, PortalView, today, when

# --- Finding and booking a slot ---------------------------------------------------------


def _grid_initial() -> dict:
    return {"day": today(), "duration": 30, "vehicle_length_m": "6", "vehicle_mass_kg": 3500}


class GridView(PortalView):
    def get(self, request):
        data = request.GET if "day" in request.GET else None
        form = forms.GridForm(
            data, organisation=self.organisation, initial=_grid_initial()
        )
        return self._page(form)

    def _page(self, form, *, error=None, wanted=None, status=200):
        context = {"form": form, "token": services.new_form_token(), "error": error}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            length, clean = form.length_and_clean()
            context["grid"] = selectors.booking_grid(
                self.near,
                day=data["day"],
                length_m=length,
                zero_emission=clean,
                duration=data["duration"],
            )
            wanted = wanted or _wanted(data)
            if wanted is not None:
                context["alternatives"] = self._alternatives(data, length, clean, wanted)
                context["wanted"] = wanted
        response = self.render("grid.html", **context)
        response.status_code = status
        return response

    def _alternatives(self, data, length, clean, wanted):
        bay_id, minute = wanted
        return selectors.alternatives(
            self.near,
            day=data["day"],
            wanted_minute=minute,
            wanted_bay_id=bay_id,
            length_m=length,
            zero_emission=clean,
            duration=data["duration"],
        )


def _wanted(data):
    """The wanted start as (no bay, minute of the day), or None."""
    if not data.get("wanted"):
        return None
    try:
        start = localtime.make_local(data["day"], data["wanted"])
    except localtime.LocalTimeError:
        return None
    minute = localtime.minute_of_day(data["day"], start)
    return None, minute - minute % selectors.CELL_MINUTES


class BookView(GridView):
    def post(self, request):
        form = forms.BookForm(request.POST, organisation=self.organisation)
        if not form.is_valid():
            return self._page(form, status=422)
        data = form.cleaned_data
        bay_id, minute = form.slot_parts()
        bay = selectors.bookable_bay(bay_id)
        start = localtime.instant_at(data["day"], minute)
        try:
            if bay is None:
                raise errors.BayInactive()
            if minute >= localtime.day_minutes(data["day"]):
                raise errors.OutsideWindow()  # a forged slot past midnight
            booking = services.book(
                token=data["token"],
                organisation=self.organisation,
                user=request.user,
                bay=bay,
                start=start,
                end=localtime.later(start, data["duration"]),
                **form.vehicle_kwargs(),
            )
        except services.AlreadySent:
            messages.info(request, _("This form was already sent; nothing was booked twice."))
            return redirect("portal:bookings")
        except errors.BookingError as exc:
            return self._page(form, error=exc.message, wanted=(bay_id, minute), status=409)
        messages.success(request, _("Booked: %(reference)s.") % {"reference": booking.reference})
        return redirect("portal:booking", booking.reference)


# --- My bookings ------------------------------------------------------------------------


class BookingListView(PortalView):
    def get(self, request):
        return self._page(forms.CalendarRenewForm())

    def _page(self, renew_form, status=200):
        now = localtime.now()
        mine = Booking.objects.filter(organisation=self.organisation).select_related("bay")
        response = self.render(
            "bookings.html",
            upcoming=mine.filter(end__gte=now).order_by("start"),
            past=mine.filter(end__lt=now).order_by("-start")[:50],
            series=BookingSeries.objects.filter(organisation=self.organisation).select_related(
                "bay"
            )[:20],
            calendar_url=self.request.build_absolute_uri(
                reverse("api:calendar-feed", args=[self.organisation.calendar_token])
            ),
            renew_form=renew_form,
        )
        response.status_code = status
        return response


class CalendarRenewView(BookingListView):
    """A new secret calendar address; the old one stops working at once."""

    http_method_names = ["post"]

    def post(self, request):
        form = forms.CalendarRenewForm(request.POST)
        if not form.is_valid():
            return self._page(form, status=422)
        calendar_token_renew(organisation=self.organisation)
        messages.success(request, _("Your calendar has a new address. The old address no longer "
                                    "works: subscribe to the new one in your calendar app."))
        return redirect(reverse("portal:bookings") + "#calendar")


class BookingMixin:
    def booking(self, reference) -> Booking:
        return get_object_or_404(
            Booking.objects.select_related("bay", "bay__zone", "vehicle"),
            organisation=self.organisation,
            reference=reference,
        )


SHOWN_AT_THE_KERB = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN)


def qr_svg(text: str) -> str:
    """The reference as an inline SVG QR code, for the driver to show at the kerb.

    A standard QR code: segno would pick a Micro QR for data this short, which most phone
    cameras cannot read. Without width and height the SVG has a viewBox and fills the box
    the style sheet gives it.
    """
    code = segno.make(text, error="m", micro=False)
    return mark_safe(code.svg_inline(omitsize=True, dark="#1b1b1b"))


class BookingDetailView(BookingMixin, PortalView):
    def get(self, request, reference):
        booking = self.booking(reference)
        return self._page(booking, self._reschedule_form(booking))

    def _reschedule_form(self, booking, data=None):
        start = booking.start.astimezone(localtime.LOCAL)
        minutes = int(localtime.elapsed(booking.start, booking.end).total_seconds() // 60)
        bays = [n.bay for n in self.near]
        if booking.bay not in bays:
            bays.append(booking.bay)
        return forms.RescheduleForm(
            data,
            bays=bays,
            initial={
                "day": start.date(),
                "start_time": start.time(),
                "bay": booking.bay,
                "duration": minutes,
            },
        )

    def _page(self, booking, form, status=200):
        response = self.render(
            "booking.html",
            booking=booking,
            form=form,
            alternatives=offered_alternatives(booking),
            # Only a booking that still stands has a code to show at the kerb.
            qr=qr_svg(booking.reference) if booking.status in SHOWN_AT_THE_KERB else None,
            can_change=booking.status == Booking.Status.CONFIRMED
            and booking.start > localtime.now(),
        )
        response.status_code = status
        return response


class BookingCancelView(BookingMixin, ConfirmedActionView):
    def subject(self, reference):
        return self.booking(reference)

    def confirmation(self, booking):
        return (
            _("Cancel booking %(reference)s?") % {"reference": booking.reference},
            _("%(bay)s, %(when)s. The bay is freed for others; this cannot be undone.")
            % {"bay": booking.bay, "when": when(booking.start, booking.end)},
            _("Yes, cancel the booking"),
            reverse("portal:booking", args=[booking.reference]),
        )

    def act(self, booking):
        try:
            services.cancel(booking=booking)
        except errors.BookingError as exc:
            messages.error(self.request, exc.message)
        else:
            messages.success(
                self.request,
                _("Booking %(reference)s is cancelled.") % {"reference": booking.reference},
            )
        return redirect("portal:booking", booking.reference)


def offered_alternatives(booking: Booking) -> list[dict]:
    """The alternatives offered to an affected booking, with their times to show."""
    return [option | {"starts_at": dt.datetime.fromisoformat(option["start"]),
                      "ends_at": dt.datetime.fromisoformat(option["end"])}
            for option in booking.affected_alternatives or []]


class BookingAlternativeView(BookingDetailView):
    """One click moves an affected booking to an alternative it was offered."""

    http_method_names = ["post"]

    def post(self, request, reference):
        booking = self.booking(reference)
        form = forms.AcceptAlternativeForm(request.POST)
        try:
            if not form.is_valid():
                raise errors.AlternativeNotOffered()
            services.accept_alternative(booking=booking, bay=form.cleaned_data["bay"],
                                        start=form.cleaned_data["start"])
        except errors.BookingError as exc:
            messages.error(request, exc.message)
            return redirect("portal:booking", booking.reference)
        messages.success(
            request, _("Booking %(reference)s is moved.") % {"reference": booking.reference}
        )
        return redirect("portal:booking", booking.reference)


class BookingRescheduleView(BookingDetailView):
    def post(self, request, reference):
        booking = self.booking(reference)
        form = self._reschedule_form(booking, request.POST)
        if not form.is_valid():
            return self._page(booking, form, status=422)
        data = form.cleaned_data
        try:
            services.reschedule(
                booking=booking,
                start=data["start"],
                end=localtime.later(data["start"], data["duration"]),
                bay=data["bay"],
            )
        except errors.BookingError as exc:
            forms.add_booking_error(form, exc)
            return self._page(booking, form, status=409)
        messages.success(
            request, _("Booking %(reference)s is moved.") % {"reference": booking.reference}
        )
        return redirect("portal:booking", booking.reference)


# --- Recurring bookings -----------------------------------------------------------------


class SeriesCreateView(PortalView):
    def get(self, request):
        form = forms.SeriesForm(
            organisation=self.organisation,
            bays=[n.bay for n in self.near],
            initial={
                "token": services.new_form_token(),
                "bay": self.near[0].bay if self.near else None,
                "first_day": today(),
                "until": today() + dt.timedelta(days=27),
                "duration": 30,
                "vehicle_length_m": "6",
                "vehicle_mass_kg": 3500,
            },
        )
        return self.render("series_form.html", form=form)

    def post(self, request):
        form = forms.SeriesForm(
            request.POST, organisation=self.organisation, bays=[n.bay for n in self.near]
        )
        if not form.is_valid():
            return self.render("series_form.html", form=form)
        data = form.cleaned_data
        try:
            result = services.book_series(
                token=data["token"],
                organisation=self.organisation,
                user=request.user,
                bay=data["bay"],
                weekdays=data["weekdays"],
                start_time=data["start_time"],
                duration_minutes=data["duration"],
                first_day=data["first_day"],
                until=data["until"],
                **form.vehicle_kwargs(),
            )
        except services.AlreadySent:
            messages.info(request, _("This form was already sent; nothing was booked twice."))
            return redirect("portal:bookings")
        except errors.BookingError as exc:
            forms.add_booking_error(form, exc)
            return self.render("series_form.html", form=form)
        return redirect("portal:series", result.series.pk)


def refusal_message(code: str, stored: str) -> str:
    """A stored refusal in the reader's language: fixed messages by their code, else as stored."""
    fixed = {
        cls.code: cls.default_message
        for cls in _subclasses(errors.BookingError)
        if cls is not errors.InvalidLocalTime
    }
    return str(fixed[code]) if code in fixed else stored


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


class SeriesDetailView(PortalView):
    def get(self, request, pk):
        series = get_object_or_404(
            BookingSeries.objects.select_related("bay"), organisation=self.organisation, pk=pk
        )
        return self.render(
            "series.html",
            series=series,
            bookings=series.bookings.select_related("bay").order_by("start"),
            not_booked=[
                {
                    "day": dt.date.fromisoformat(item["day"]),
                    "message": refusal_message(item["code"], item["message"]),
                }
                for item in series.not_booked
            ],
        )


def own_series(organisation, pk) -> BookingSeries:
    return get_object_or_404(BookingSeries.objects.select_related("bay__zone"),
                             organisation=organisation, pk=pk)


class SeriesChangeView(PortalView):
    """Change a series as a whole; bookings the change does not fit stay and are listed."""

    def _form(self, series, data=None):
        bays = [series.bay, *(n.bay for n in self.near if n.bay.pk != series.bay_id)]
        return forms.SeriesChangeForm(
            data, organisation=self.organisation, bays=bays,
            initial={"start_time": series.start_time, "duration": series.duration_minutes,
                     "bay": series.bay})

    def get(self, request, pk):
        series = own_series(self.organisation, pk)
        return self.render("series_change.html", series=series, form=self._form(series))

    def post(self, request, pk):
        series = own_series(self.organisation, pk)
        form = self._form(series, request.POST)
        if not form.is_valid():
            response = self.render("series_change.html", series=series, form=form)
            response.status_code = 422
            return response
        data = form.cleaned_data
        try:
            change = recurring.booking_series_change(
                series=series, start_time=data["start_time"], duration_minutes=data["duration"],
                bay=data["bay"], vehicle=data.get("vehicle"))
        except errors.BookingError as exc:
            forms.add_booking_error(form, exc)
            response = self.render("series_change.html", series=series, form=form)
            response.status_code = 409
            return response
        messages.success(request, ngettext(
            "The recurring booking is changed; %(count)d booking moved.",
            "The recurring booking is changed; %(count)d bookings moved.",
            len(change.moved)) % {"count": len(change.moved)})
        for item in change.not_moved:
            messages.warning(request, _("%(day)s stays as it was: %(reason)s") % {
                "day": date_format(dt.date.fromisoformat(item["day"]), "l j F"),
                "reason": refusal_message(item["code"], item["message"])})
        return redirect("portal:series", series.pk)


class SeriesEndView(ConfirmedActionView):
    def subject(self, pk):
        return own_series(self.organisation, pk)

    def confirmation(self, series):
        return (
            _("End the recurring booking at %(bay)s at %(time)s?") % {
                "bay": series.bay.code, "time": series.start_time.strftime("%H:%M")},
            _("Its coming bookings are cancelled and no more dates are booked; this cannot "
              "be undone."),
            _("Yes, end the recurring booking"),
            reverse("portal:series", args=[series.pk]),
        )

    def act(self, series):
        try:
            cancelled = recurring.booking_series_end(series=series)
        except errors.BookingError as exc:
            messages.error(self.request, exc.message)
        else:
            messages.success(self.request, ngettext(
                "The recurring booking is ended; %(count)d booking cancelled.",
                "The recurring booking is ended; %(count)d bookings cancelled.",
                len(cancelled)) % {"count": len(cancelled)})
        return redirect("portal:series", series.pk)
