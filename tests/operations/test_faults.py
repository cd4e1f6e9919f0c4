"""Faults with real services: Redis goes away and comes back; PostgreSQL drops a connection."""

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
import time

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from bookings.models import Booking
from bookings.services import booking_create
from notifications.models import Notification
from places.localtime import LOCAL
from tests.factories import BayFactory, OrganisationFactory
from tests.workers import celery_worker, free_port, wait_for, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)


BOOK_WHILE_REDIS_IS_DOWN = textwrap.dedent("""
    import datetime as dt, django, sys
    django.setup()
    from django.db import transaction
    from bookings.services import booking_create
    from notifications.services import notify
    from organisations.models import Organisation
    from places.models import LoadingBay
    from places.localtime import LOCAL
    bay = LoadingBay.objects.get(pk=int(sys.argv[1]))
    org = Organisation.objects.get(pk=int(sys.argv[2]))
    day = dt.date.fromisoformat(sys.argv[3])
    for hour in (8, 9, 10):
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL)
        with transaction.atomic():
            booking = booking_create(bay=bay, organisation=org, vehicle_length_m=5,
                                     vehicle_mass_kg=3500,
                                     zero_emission=True, start=start,
                                     end=start + dt.timedelta(minutes=30))
            notify(organisation=org, kind="booking.confirmed", title=booking.reference)
        print(booking.reference, flush=True)
""")


@pytest.mark.worker
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_bookings_go_on_while_redis_is_down_and_their_mail_follows_when_it_is_back(tmp_path):
    bay, organisation = BayFactory(zone__book_ahead_days=30), OrganisationFactory(email="x@e.nl")
    day = dt.date.today() + dt.timedelta(days=2)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": worker_database_url(),
           "REDIS_URL": f"redis://127.0.0.1:{port}/0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("CELERY_BROKER_URL", None)

    booked = subprocess.run([sys.executable, "-c", BOOK_WHILE_REDIS_IS_DOWN, str(bay.pk),
                             str(organisation.pk), day.isoformat()], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=120)
    assert booked.returncode == 0, booked.stderr
    assert Booking.objects.filter(bay=bay).count() == 3
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3

    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        worker_env = {"REDIS_URL": env["REDIS_URL"]}
        with celery_worker(extra_env=worker_env):
            subprocess.run([sys.executable, "-c", textwrap.dedent("""
                import django; django.setup()
                from operations.tasks import requeue_unsent_notifications
                requeue_unsent_notifications.delay(0)
            """)], env=env, cwd=settings.BASE_DIR, check=True, timeout=60)
            wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(),
                     timeout=60)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 3


def test_a_dropped_database_connection_fails_the_booking_cleanly(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no server connection to drop")
    bay, organisation = BayFactory(zone__book_ahead_days=30), OrganisationFactory()
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=2), dt.time(8), tzinfo=LOCAL)

    from bookings import services

    def drop_my_connection(**kwargs):
        backend_pid = connection.connection.info.backend_pid
        db = connection.settings_dict
        with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                             dbname=db["NAME"], autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

    monkeypatch.setattr(services, "_check_vehicle_free", drop_my_connection)
    with pytest.raises(OperationalError):
        booking_create(bay=bay, organisation=organisation, vehicle_length_m=5, vehicle_mass_kg=3500,
                       zero_emission=True, start=start, end=start + dt.timedelta(minutes=30))
    connection.close()
    with transaction.atomic():
        assert not Booking.objects.filter(bay=bay).exists()
    monkeypatch.undo()
    booking = booking_create(bay=bay, organisation=organisation, vehicle_length_m=5,
                             vehicle_mass_kg=3500,
                             zero_emission=True, start=start, end=start + dt.timedelta(minutes=30))
    assert booking.pk
