"""Waste and recycling pickup requests."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hubs.models import PickupRequest
from hubs.services import PickupError, pickup_request_cancel, pickup_request_create

from .. import forms, services
from .base import ConfirmedActionView, PortalView, today

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


class PickupCancelView(ConfirmedActionView):
    def subject(self, pk):
        return get_object_or_404(PickupRequest, organisation=self.organisation, pk=pk)

    def confirmation(self, pickup):
        return (
            _("Cancel the pickup of %(stream)s on %(day)s?")
            % {"stream": pickup.get_stream_display(), "day": date_format(pickup.day, "l j F")},
            _("The collector will not come for it; this cannot be undone."),
            _("Yes, cancel the pickup"),
            reverse("portal:pickups"),
        )

    def act(self, pickup):
        try:
            pickup_request_cancel(pickup=pickup)
        except PickupError as exc:
            messages.error(self.request, exc.message)
        else:
            messages.success(self.request, _("The pickup is cancelled."))
        return redirect("portal:pickups")
