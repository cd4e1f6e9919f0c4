"""Periodic upkeep of API features: expired idempotency keys, lapsed waitlist offers."""

from celery import shared_task

from bookings import waitlist
from config.celery import app

from .idempotency import purge_expired


@shared_task
def purge_idempotency_keys() -> int:
    return purge_expired()


@shared_task
def expire_waitlist_offers() -> int:
    """Offers past their time pass to the next in line."""
    return waitlist.expire_offers()


@app.on_after_finalize.connect
def schedule_upkeep(sender, **kwargs):
    sender.add_periodic_task(3600.0, purge_idempotency_keys.s(), name="api: purge idempotency")
    sender.add_periodic_task(60.0, expire_waitlist_offers.s(), name="waitlist: expire offers")
