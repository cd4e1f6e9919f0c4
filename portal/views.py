"""The shopkeeper's portal: thin views that parse a form, call one service, render.

Every view acts for the signed-in person's organisation only; another
organisation's booking, request or pickup is a 404, never a 403 that would
confirm it exists.
"""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from api.models import OrganisationAPIKey
from api.services import api_key_create, api_key_revoke
from bookings import errors
from bookings.models import Booking, BookingRequest, BookingSeries
from bookings.requests import request_submit, request_withdraw
from hubs.models import PickupRequest
from hubs.services import PickupError, pickup_request_cancel, pickup_request_create
from notifications.models import Notification
from operations.login import ThrottledLoginView
from organisations.selectors import organisation_of
from places import localtime

from . import forms, selectors, services


def _activate_language(response, language: str):
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


class SignInView(ThrottledLoginView):
    """Throttled sign-in that switches to the organisation's preferred language."""

    def get_default_redirect_url(self):
        return reverse("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        organisation = organisation_of(form.get_user())
        if organisation and organisation.preferred_language:
            _activate_language(response, organisation.preferred_language)
        return response


class PortalView(LoginRequiredMixin, View):
    """Signed in and a member of an organisation; everything is scoped to it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and organisation_of(request.user) is None:
            raise PermissionDenied(_("Your account does not belong to an organisation."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def organisation(self):
        return organisation_of(self.request.user)

    @cached_property
    def near(self):
        return selectors.bays_near(self.organisation)

    def render(self, template, **context):
        context.setdefault("organisation", self.organisation)
        context.setdefault(
            "unread",
            Notification.objects.filter(
                organisation=self.organisation, read_at__isnull=True
            ).count(),
        )
        return render(self.request, f"portal/{template}", context)


def today() -> dt.date:
    return localtime.now().date()


class HomeView(PortalView):
    def get(self, request):
        now = localtime.now()
        upcoming = Booking.objects.filter(
            organisation=self.organisation, end__gte=now, status__in=Booking.OCCUPYING
        ).select_related("bay")[:5]
        return self.render("home.html", upcoming=upcoming)


def map_data(organisation, near=(), *, pick=False) -> dict:
    """What map.js draws: the shop, the bays and the texts it may need."""
    has_point = organisation.latitude is not None and organisation.longitude is not None
    return {
        "shop": [organisation.latitude, organisation.longitude] if has_point else None,
        "shopName": organisation.name,
        "bays": [
            {
                "lat": n.bay.latitude,
                "lon": n.bay.longitude,
                "code": n.bay.code,
                "label": f"{n.bay.code} {n.bay.street}",
            }
            for n in near
        ],
        "images": static("portal/leaflet/images/"),
        "offline": _("The map could not load; the list shows the same bays."),
        "pick": pick,
    }


class ProfileView(PortalView):
    def get(self, request):
        return self._page(forms.ProfileForm(instance=self.organisation))

    def _page(self, form):
        return self.render(
            "profile.html",
            form=form,
            map_data=map_data(self.organisation, pick=True),
            contact_fields=["name", "email", "phone", "preferred_language"],
            address_fields=["street_address", "postcode", "city", "latitude", "longitude"],
        )

    def post(self, request):
        form = forms.ProfileForm(request.POST, instance=self.organisation)
        if not form.is_valid():
            return self._page(form)
        organisation = form.save()
        messages.success(request, _("Your shop's details are saved."))
        response = redirect("portal:profile")
        return _activate_language(response, organisation.preferred_language)


class MapView(PortalView):
    def get(self, request):
        day = today()
        return self.render(
            "map.html",
            bays=selectors.bays_today(self.near, day),
            day=day,
            map_data=map_data(self.organisation, self.near),
        )


# --- Finding and booking a slot ---------------------------------------------------------


def _grid_initial(organisation) -> dict:
    return {"day": today(), "duration": 30, "vehicle_length_m": "6"}


class GridView(PortalView):
    def get(self, request):
        data = request.GET if "day" in request.GET else None
        form = forms.GridForm(
            data, organisation=self.organisation, initial=_grid_initial(self.organisation)
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
        elif not form.is_bound:
            context["grid"] = None
        response = self.render("grid.html", **context)
        response.status_code = status
        return response

    def _alternatives(self, data, length, clean, wanted):
        bay_id, minute = wanted
        found = selectors.alternatives(
            self.near,
            day=data["day"],
            wanted_minute=minute,
            wanted_bay_id=bay_id,
            length_m=length,
            zero_emission=clean,
            duration=data["duration"],
        )
        return found


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
        bay = selectors.bay_of(self.organisation, bay_id)
        start = localtime.instant_at(data["day"], minute)
        try:
            if bay is None:
                raise errors.BayInactive()
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
        now = localtime.now()
        mine = Booking.objects.filter(organisation=self.organisation).select_related("bay")
        return self.render(
            "bookings.html",
            upcoming=mine.filter(end__gte=now).order_by("start"),
            past=mine.filter(end__lt=now).order_by("-start")[:50],
            series=BookingSeries.objects.filter(organisation=self.organisation).select_related(
                "bay"
            )[:20],
            calendar_url=request.build_absolute_uri(
                f"/calendar/{self.organisation.calendar_token}.ics"
            ),
        )


class BookingMixin:
    def booking(self, reference) -> Booking:
        return get_object_or_404(
            Booking.objects.select_related("bay", "bay__zone", "vehicle"),
            organisation=self.organisation,
            reference=reference,
        )


def qr_svg(text: str) -> str:
    """The reference as an inline SVG QR code, for the driver to show at the kerb."""
    return mark_safe(segno.make(text, error="m").svg_inline(scale=5, dark="#1b1b1b"))


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
            qr=qr_svg(booking.reference),
            can_change=booking.status == Booking.Status.CONFIRMED
            and booking.start > localtime.now(),
        )
        response.status_code = status
        return response


class BookingCancelView(BookingMixin, PortalView):
    def post(self, request, reference):
        booking = self.booking(reference)
        try:
            services.cancel(booking=booking)
        except errors.BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Booking %(reference)s is cancelled.") % {"reference": booking.reference}
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
                "first_day": today(),
                "until": today() + dt.timedelta(days=27),
                "duration": 30,
                "vehicle_length_m": "6",
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


# --- Booking requests for the batch allocation ------------------------------------------


class RequestsView(PortalView):
    def get(self, request):
        return self._page(self._form())

    def _form(self, data=None):
        tomorrow = today() + dt.timedelta(days=1)
        return forms.RequestForm(
            data,
            organisation=self.organisation,
            bays=[n.bay for n in self.near],
            initial={
                "token": services.new_form_token(),
                "day": tomorrow,
                "earliest": dt.time(7),
                "latest_end": dt.time(10),
                "duration": 30,
                "vehicle_length_m": "6",
            },
        )

    def _page(self, form, status=200):
        requests = (
            BookingRequest.objects.filter(organisation=self.organisation)
            .select_related("booking", "booking__bay")
            .prefetch_related("bays")
            .order_by("-day", "-created_at")[:50]
        )
        response = self.render("requests.html", form=form, requests=requests)
        response.status_code = status
        return response

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


class RequestWithdrawView(PortalView):
    def post(self, request, reference):
        booking_request = get_object_or_404(
            BookingRequest, organisation=self.organisation, reference=reference
        )
        try:
            request_withdraw(request=booking_request)
        except errors.BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Request %(reference)s is withdrawn.") % {"reference": reference}
            )
        return redirect("portal:requests")


# --- Waste and recycling pickups --------------------------------------------------------


class PickupsView(PortalView):
    def get(self, request):
        return self._page(self._form())

    def _form(self, data=None):
        return forms.PickupForm(
            data,
            initial={"token": services.new_form_token(), "day": today() + dt.timedelta(days=1)},
        )

    def _page(self, form, status=200):
        pickups = PickupRequest.objects.filter(
            organisation=self.organisation, day__gte=today() - dt.timedelta(days=7)
        ).order_by("day", "window_start")[:100]
        response = self.render("pickups.html", form=form, pickups=pickups)
        response.status_code = status
        return response

    def post(self, request):
        form = self._form(request.POST)
        if not form.is_valid():
            return self._page(form, status=422)
        data = dict(form.cleaned_data)
        token = data.pop("token")
        try:
            services.once(
                token=token,
                organisation=self.organisation,
                action=pickup_request_create,
                requested_by=request.user,
                **data,
            )
        except services.AlreadySent:
            messages.info(request, _("This form was already sent; nothing was sent twice."))
            return redirect("portal:pickups")
        except PickupError as exc:
            field = form.ERROR_FIELDS.get(exc.code)
            form.add_error(field, exc.message)
            return self._page(form, status=409)
        messages.success(request, _("Your pickup request is in."))
        return redirect("portal:pickups")


class PickupCancelView(PortalView):
    def post(self, request, pk):
        pickup = get_object_or_404(PickupRequest, organisation=self.organisation, pk=pk)
        try:
            pickup_request_cancel(pickup=pickup)
        except PickupError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The pickup is cancelled."))
        return redirect("portal:pickups")


# --- Notifications and API keys ---------------------------------------------------------


class NotificationsView(PortalView):
    def get(self, request):
        notes = Notification.objects.filter(organisation=self.organisation)[:100]
        return self.render("notifications.html", notifications=notes)

    def post(self, request):
        mine = Notification.objects.filter(organisation=self.organisation, read_at__isnull=True)
        if request.POST.get("id"):
            mine = (
                mine.filter(pk=request.POST["id"]) if request.POST["id"].isdigit() else mine.none()
            )
        mine.update(read_at=localtime.now())
        return redirect("portal:notifications")


class ApiKeysView(PortalView):
    def get(self, request):
        return self._page(forms.ApiKeyForm())

    def _page(self, form, new_key=None, status=200):
        keys = OrganisationAPIKey.objects.filter(organisation=self.organisation).order_by(
            "-created"
        )
        response = self.render("api_keys.html", form=form, keys=keys, new_key=new_key)
        response.status_code = status
        return response

    def post(self, request):
        if "revoke" in request.POST:
            if api_key_revoke(organisation=self.organisation, key_id=request.POST["revoke"]):
                messages.success(request, _("The key is revoked."))
            else:
                messages.error(request, _("There is no such key."))
            return redirect("portal:api_keys")
        form = forms.ApiKeyForm(request.POST)
        if not form.is_valid():
            return self._page(form, status=422)
        _key, secret = api_key_create(
            organisation=self.organisation, name=form.cleaned_data["name"]
        )
        # Shown once, in this response only; the database keeps just a hash.
        response = self._page(forms.ApiKeyForm(), new_key=secret)
        response["Cache-Control"] = "no-store"
        return response
