"""The waitlist: wait for a full slot, see the offers that hold time for you, claim or leave."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings import errors, waitlist
from bookings.models import Booking, WaitlistEntry
from places import localtime

from .. import forms, selectors, services
from .base import ConfirmedActionView, when
from .booking import GridView


class WaitlistView(GridView):
    """GET: the organisation's entries and live offers. POST: join from a full grid slot;
    a refusal shows the grid again with the reason, as a refused booking does."""

    def get(self, request):
        return self._list()

    def _list(self, status=200):
        waitlist.expire_offers()  # on demand, besides the periodic task
        mine = (WaitlistEntry.objects.filter(organisation=self.organisation)
                .select_related("bay", "booking").order_by("start"))
        open_statuses = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
        response = self.render(
            "waitlist.html",
            offers=mine.filter(status=WaitlistEntry.Status.OFFERED),
            waiting=mine.filter(status=WaitlistEntry.Status.WAITING),
            closed=mine.exclude(status__in=open_statuses).order_by("-created_at")[:20],
            offer_minutes=waitlist.offer_minutes(),
        )
        response.status_code = status
        return response

    def post(self, request):
        form = forms.WaitlistJoinForm(request.POST, organisation=self.organisation)
        if not form.is_valid():
            return self._page(form, status=422)
        data = form.cleaned_data
        bay_id, minute = form.slot_parts()
        bay = selectors.bookable_bay(bay_id)
        try:
            if bay is None:
                raise errors.BayInactive()
            if minute >= localtime.day_minutes(data["day"]):
                raise errors.OutsideWindow()  # a forged slot past midnight
            start = localtime.instant_at(data["day"], minute)
            entry = services.join_waitlist(
                token=data["token"], organisation=self.organisation, bay=bay, start=start,
                end=localtime.later(start, data["duration"]), **form.vehicle_kwargs())
        except services.AlreadySent:
            messages.info(request, _("This form was already sent; nothing was sent twice."))
        except errors.BookingError as exc:
            return self._page(form, error=exc.message, wanted=(bay_id, minute), status=409)
        else:
            messages.success(request, _("You are on the waitlist for %(bay)s, %(when)s.")
                             % {"bay": entry.bay.code, "when": when(entry.start, entry.end)})
        return redirect("portal:waitlist")


def _own_entry(view, pk) -> WaitlistEntry:
    return get_object_or_404(WaitlistEntry.objects.select_related("bay"),
                             organisation=view.organisation, pk=pk)


class WaitlistClaimView(ConfirmedActionView):
    """Book the time an offer holds: one button on the waitlist page (it sends the
    confirmation itself); the booking goes through every rule."""

    def subject(self, pk):
        return _own_entry(self, pk)

    def confirmation(self, entry):
        return (
            _("Book %(bay)s, %(when)s?") % {"bay": entry.bay.code,
                                            "when": when(entry.start, entry.end)},
            _("The time is held for you until the offer expires; booking it follows the "
              "bay's rules as any booking does."),
            _("Yes, book it"),
            reverse("portal:waitlist"),
        )

    def act(self, entry):
        try:
            booking = waitlist.waitlist_claim(entry=entry, booked_by=self.request.user,
                                              channel=Booking.Channel.PORTAL)
        except errors.BookingError as exc:
            messages.error(self.request, exc.message)
            return redirect("portal:waitlist")
        messages.success(self.request, _("Booked: %(reference)s.")
                         % {"reference": booking.reference})
        return redirect("portal:booking", booking.reference)


class WaitlistLeaveView(ConfirmedActionView):
    def subject(self, pk):
        return _own_entry(self, pk)

    def confirmation(self, entry):
        return (
            _("Leave the waitlist for %(bay)s, %(when)s?") % {
                "bay": entry.bay.code, "when": when(entry.start, entry.end)},
            _("Your place in line is given up; an offer you hold passes to the next in line."),
            _("Yes, leave the waitlist"),
            reverse("portal:waitlist"),
        )

    def act(self, entry):
        try:
            waitlist.waitlist_withdraw(entry=entry)
        except errors.BookingError as exc:
            messages.error(self.request, exc.message)
        else:
            messages.success(self.request, _("You left the waitlist for %(bay)s, %(when)s.")
                             % {"bay": entry.bay.code, "when": when(entry.start, entry.end)})
        return redirect("portal:waitlist")
