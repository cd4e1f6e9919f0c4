"""One way to tell an organisation that something happened.

`notify` is called inside the transaction that made the change: the
notification row commits (or rolls back) with it, and the email is sent only
after the commit, by a task, so a rolled-back booking never mails anyone.
"""

from django.conf import settings
from django.utils import translation

from operations.enqueue import enqueue_on_commit

from .models import Notification


def in_language_of(organisation):
    """Write what follows in the organisation's preferred language.

    A notification's title and body are written once, when it is made, and mailed as they
    are: build them inside this block, whichever language the request or worker runs in.
    """
    return translation.override(organisation.preferred_language or settings.LANGUAGE_CODE)


def notify(
    *,
    organisation,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    payload: dict | None = None,
) -> Notification:
    notification = Notification.objects.create(
        organisation=organisation,
        kind=kind,
        title=str(title),
        body=str(body),
        link=link,
        payload=payload or {},
    )
    from .tasks import send_notification_email

    enqueue_on_commit(send_notification_email, notification.pk)
    return notification
