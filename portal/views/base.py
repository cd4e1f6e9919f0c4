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
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from notifications.models import Notification
from operations.login import ThrottledLoginView
from organisations.selectors import organisation_of
from places import localtime

from .. import selectors


def activate_language(response, language: str):
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


class SignInView(ThrottledLoginView):
    """Django's sign-in that switches to the organisation's preferred language."""

    def get_default_redirect_url(self):
        if organisation_of(self.request.user) is None:
            return super().get_default_redirect_url()
        return reverse("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        organisation = organisation_of(form.get_user())
        if organisation and organisation.preferred_language:
            activate_language(response, organisation.preferred_language)
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
