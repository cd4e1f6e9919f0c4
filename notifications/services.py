"""One way to tell an organisation that something happened.

`notify` is called inside the transaction that made the change: the
notification row commits (or rolls back) with it, and the email is sent only
after the commit, by a task, so a rolled-back booking never mails anyone.
"""

from operations.enqueue import enqueue_on_commit

from .models import Notification


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
