"""The enforcement page: a plate in, an answer out, on a phone in the street."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from bookings import services as booking_services
from bookings.errors import BookingError

from .enforcement import (
    NotAllowedToEnforce,
    enforceable_booking,
    enforcement_check,
    enforcement_scope,
)
from .forms import EnforcementForm


def _scope(request):
    try:
        return enforcement_scope(user=request.user)
    except NotAllowedToEnforce as exc:
        raise PermissionDenied from exc


@login_required
def enforcement_page(request):
    scope = _scope(request)
    form = EnforcementForm(request.GET or None)
    answer = None
    if form.is_valid():
        answer = enforcement_check(plate=form.cleaned_data["plate"], scope=scope,
                                   bay_code=form.cleaned_data["bay"])
    return render(request, "access/enforcement.html", {"form": form, "answer": answer})


ACTIONS = {
    "check-in": (booking_services.booking_check_in, _("Checked in.")),
    "no-show": (booking_services.booking_mark_no_show, _("Marked as no-show.")),
}


@login_required
@require_POST
def enforcement_action(request, reference, action):
    scope = _scope(request)
    booking = enforceable_booking(reference=reference, scope=scope)
    if booking is None or action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(booking=booking)
        messages.success(request, str(done))
    except BookingError as exc:
        messages.error(request, exc.message)
    query = urlencode({"plate": request.POST.get("plate", booking.plate),
                       "bay": request.POST.get("bay", "")})
    return redirect(f"{reverse('enforcement:page')}?{query}")
