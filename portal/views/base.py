"""What every portal view shares: signed in, one organisation, its near bays.

Every view acts for the signed-in person's organisation only; another
organisation's booking, request or pickup is a 404, never a 403 that would
confirm it exists.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from notifications.models import Notification
from operations.login import ThrottledLoginView
from organisations.selectors import organisation_of
from places import localtime

from .. import navigation, selectors


def activate_language(response, language: str):
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


class SignInView(ThrottledLoginView):
    """Django's sign-in that switches to the organisation's preferred language."""

    def get_default_redirect_url(self):
        """Each kind of user lands on their own home (portal.navigation)."""
        return navigation.home_url(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        organisation = organisation_of(form.get_user())
        if organisation and organisation.preferred_language:
            activate_language(response, organisation.preferred_language)
        return response


class PortalView(LoginRequiredMixin, View):
    """Signed in as a shop or a carrier; everything is scoped to its organisation.

    A waste collector, a municipal manager or an enforcement officer who opens a
    portal page is sent to their own home: the portal has nothing for them.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if organisation_of(request.user) is None:
                raise PermissionDenied(_("Your account does not belong to an organisation."))
            if navigation.role_of(request.user) not in navigation.PORTAL_ROLES:
                return redirect(navigation.home_url(request.user))
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


class ConfirmedActionView(PortalView):
    """A destructive action asks first, without JavaScript: its link opens a page that
    says what will happen; only that page's POST (confirmed=yes) acts. A POST without
    the confirmation shows the same page and changes nothing.

    Subclasses give `subject(**kwargs)` (the object, 404 when not the organisation's),
    `confirmation(subject)` (title, explanation, button label, where "no" goes) and
    `act(subject)` (calls the service and returns the response).
    """

    def get(self, request, **kwargs):
        return self._ask(self.subject(**kwargs))

    def post(self, request, **kwargs):
        subject = self.subject(**kwargs)
        if request.POST.get("confirmed") != "yes":
            return self._ask(subject)
        return self.act(subject)

    def _ask(self, subject):
        title, explanation, button, back = self.confirmation(subject)
        return self.render("confirm.html", title=title, explanation=explanation,
                           button=button, back=back)


def when(start: dt.datetime, end: dt.datetime) -> str:
    """"Wed 9 Dec 07:30–07:50" in local time and the active language."""
    start, end = start.astimezone(localtime.LOCAL), end.astimezone(localtime.LOCAL)
    return f"{date_format(start, 'D j M H:i')}–{time_format(end, 'H:i')}"


def today() -> dt.date:
    return localtime.now().date()
