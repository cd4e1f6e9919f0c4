"""Celery tasks of access: thin, the work is in access.readiness."""

from celery import shared_task

from places import localtime

from . import readiness


@shared_task
def notify_zero_emission_access_ending() -> int:
    """Daily: notices 90 and 30 days before a vehicle loses access to a zone it books in."""
    return readiness.notify_access_ending(localtime.now().date())
