"""The shop itself: overview, profile, the bays nearby, notifications and API keys."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from api.models import OrganisationAPIKey
from api.services import api_key_create, api_key_revoke
from bookings.models import Booking
from hubs.models import DockReservation
from notifications.models import Notification
from places import localtime
from places.fields import parse_id

from .. import forms, selectors
from .base import ConfirmedActionView, PortalView, activate_language, today


class HomeView(PortalView):
    """A shop's or a carrier's overview: the next bookings (and a carrier's dock slots)."""

    def get(self, request):
        now = localtime.now()
        upcoming = Booking.objects.filter(
            organisation=self.organisation, end__gte=now, status__in=Booking.OCCUPYING
        ).select_related("bay")[:5]
        docks = upcoming_docks(self.organisation)[:5]
        return self.render("home.html", upcoming=upcoming, docks=docks)


def upcoming_docks(organisation):
    return (DockReservation.objects.filter(organisation=organisation, end__gte=localtime.now())
            .select_related("hub", "door").order_by("start"))


class DockReservationsView(PortalView):
    """A carrier's dock reservations at the hubs (made through the API), from now on."""

    def get(self, request):
        return self.render("docks.html", docks=upcoming_docks(self.organisation)[:100])


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
        return activate_language(response, organisation.preferred_language)


class MapView(PortalView):
    def get(self, request):
        day = today()
        return self.render(
            "map.html",
            bays=selectors.bays_today(self.near, day),
            day=day,
            map_data=map_data(self.organisation, self.near),
        )


# --- Notifications and API keys ---------------------------------------------------------


class NotificationsView(PortalView):
    def get(self, request):
        notes = Notification.objects.filter(organisation=self.organisation)[:100]
        return self.render("notifications.html", notifications=notes)

    def post(self, request):
        mine = Notification.objects.filter(organisation=self.organisation, read_at__isnull=True)
        if request.POST.get("id"):
            # One notification, by its id; a forged id marks nothing read.
            note_id = parse_id(request.POST["id"])
            mine = mine.filter(pk=note_id) if note_id else mine.none()
        mine.update(read_at=localtime.now())
        return redirect("portal:notifications")


class ReadinessView(PortalView):
    """Each vehicle against each zero-emission zone: when it loses access, what is booked after."""

    def get(self, request):
        from access.readiness import fleet_readiness

        rows = fleet_readiness(self.organisation, localtime.now().date())
        return self.render("readiness.html", rows=rows)


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


class ApiKeyRevokeView(ConfirmedActionView):
    def subject(self, pk):
        return get_object_or_404(OrganisationAPIKey, organisation=self.organisation, pk=pk,
                                 revoked=False)

    def confirmation(self, key):
        return (
            _("Revoke the key %(name)s?") % {"name": key.name},
            _("Whatever uses the key starting with %(prefix)s stops working at once; "
              "this cannot be undone.") % {"prefix": key.prefix},
            _("Yes, revoke the key"),
            reverse("portal:api_keys"),
        )

    def act(self, key):
        api_key_revoke(organisation=self.organisation, key_id=key.pk)
        messages.success(self.request, _("The key is revoked."))
        return redirect("portal:api_keys")
