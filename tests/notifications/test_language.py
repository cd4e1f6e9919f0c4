"""Notices are written in the language the receiving organisation chose, whoever caused them.

The admin who announces a closure, or the carrier whose cancellation frees a waitlisted time,
may work in the other language; the shop reads its own.
"""

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation

from bookings import waitlist
from bookings.services import booking_cancel, booking_create
from notifications.models import Notification
from notifications.tasks import send_notification_email
from places.models import Closure
from places.services import closure_announce
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

OTHER = {"nl": "en", "en": "nl"}


def vehicle_of(language: str):
    return VehicleFactory(organisation=OrganisationFactory(preferred_language=language,
                                                           email="winkel@example.nl"))


@pytest.mark.parametrize(("language", "title", "body"), [
    ("nl", "Laadplek B-1 is gesloten tijdens uw boeking",
     "Marktdag: Kaasmarkt. Uw boeking op"),
    ("en", "Bay B-1 is closed during your booking", "Market day: Kaasmarkt. Your booking on"),
])
def test_a_closure_notice_and_its_email_are_in_the_shops_language(language, title, body):
    bay = BayFactory(code="B-1")
    van = vehicle_of(language)
    booking = booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                             start=at(FRIDAY, "08:30"), end=at(FRIDAY, "09:00"))
    closure = Closure.objects.create(bay=bay, reason="market", description="Kaasmarkt",
                                     start_date=FRIDAY, end_date=FRIDAY,
                                     start_time=dt.time(8), end_time=dt.time(9))
    with translation.override(OTHER[language]):  # the admin's own language
        closure_announce(closure)
    notice = Notification.objects.get(organisation=van.organisation, kind="closure.announced")
    assert notice.title == f"{title} {booking.reference}"
    assert notice.body.startswith(body)
    assert send_notification_email(notice.pk)
    assert mail.outbox[-1].subject == notice.title
    assert mail.outbox[-1].body == notice.body


@pytest.mark.parametrize(("language", "title", "body"), [
    ("nl", "Plaats op laadplek B-1 op", "Er is tijd vrijgekomen"),
    ("en", "Room at bay B-1 on", "Time came free"),
])
def test_a_waitlist_offer_is_in_the_waiting_shops_language(language, title, body):
    bay = BayFactory(code="B-1", max_vehicles=1)
    carrier = vehicle_of(OTHER[language])
    booked = booking_create(bay=bay, organisation=carrier.organisation, vehicle=carrier,
                            start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    waiting = vehicle_of(language)
    waitlist.waitlist_join(organisation=waiting.organisation, bay=bay, vehicle=waiting,
                           start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    with translation.override(OTHER[language]), \
            TestCase.captureOnCommitCallbacks(execute=True):  # the carrier cancels in its language
        booking_cancel(booking=booked)
    offer = Notification.objects.get(organisation=waiting.organisation, kind="waitlist.offered")
    assert offer.title.startswith(title)
    assert offer.body.startswith(body)
