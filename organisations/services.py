"""Operations on organisations."""

from __future__ import annotations

from .models import Organisation, new_calendar_token


def calendar_token_renew(*, organisation: Organisation) -> str:
    """Give the organisation a new secret calendar token and return it.

    The token is the only credential of the calendar feed, so renewing it is how an
    organisation revokes every copy of the old address: that one is a 404 at once.
    """
    organisation.calendar_token = new_calendar_token()
    organisation.save(update_fields=["calendar_token"])
    return organisation.calendar_token
