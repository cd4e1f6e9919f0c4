"""Webhooks: register endpoints, publish events into the outbox, deliver them signed.

Other apps call `publish_event` inside the transaction that made the change:
the event and its deliveries commit or roll back with it, and the deliveries
are queued only after the commit. A worker that dies mid-delivery leaves a
claimed row whose claim lapses; the sweep (every minute) queues it again, so
every event is delivered at least once. Receivers deduplicate on webhook-id.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
import time

import certifi
import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from operations.enqueue import enqueue_now
from organisations.models import Organisation
from places import localtime

from .models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .safety import UnsafeURL, check_url, checked_address, pinned_request


class WebhookError(ValueError):
    code = "webhook_invalid"

    def __init__(self, message: str, *, field: str = "url"):
        super().__init__(message)
        self.message, self.field = message, field


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- Endpoints -------------------------------------------------------------------------------

def _clean_event_types(event_types) -> list[str]:
    event_types = sorted(set(event_types or []))
    unknown = [e for e in event_types if e not in EventType.values]
    if unknown:
        raise WebhookError(_("Unknown event types: %s") % ", ".join(unknown), field="event_types")
    return event_types


def _check(url: str) -> None:
    try:
        check_url(url)
    except UnsafeURL as exc:
        raise WebhookError(exc.message) from exc


def endpoint_create(*, organisation, url: str, event_types=None, description: str = "",
                    ) -> WebhookEndpoint:
    """Register a URL for some event types (none means all); refused if it points inwards."""
    _check(url)
    return WebhookEndpoint.objects.create(
        organisation=organisation, url=url, description=description,
        event_types=_clean_event_types(event_types),
    )


def endpoint_update(*, endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    """Change URL, event types or description; a changed endpoint starts afresh as active."""
    if "url" in changes:
        _check(changes["url"])
    if "event_types" in changes:
        changes["event_types"] = _clean_event_types(changes["event_types"])
    for field, value in changes.items():
        setattr(endpoint, field, value)
    endpoint.status, endpoint.status_reason, endpoint.consecutive_failures = "active", "", 0
    endpoint.save()
    return endpoint


# --- Publishing ------------------------------------------------------------------------------

def publish_event(organisation, event_type: str, payload: dict) -> WebhookEvent | None:
    """Write an event to the outbox for the organisation's endpoints that want it.

    Call it inside the transaction of the change it reports. Returns None (and
    writes nothing) when no endpoint wants the event: at once, without a query, for an
    organisation without endpoints (most of them).
    """
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event type {event_type!r}")
    if not organisation.has_webhook_endpoints:
        return None
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(organisation=organisation).exclude(
            status=WebhookEndpoint.Status.DISABLED)
        if e.wants(event_type)
    ]
    if not endpoints:
        return None
    event = WebhookEvent.objects.create(
        organisation=organisation, event_type=event_type,
        payload=json.loads(json.dumps(payload, default=str)),
    )
    now = localtime.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=e, next_attempt_at=now) for e in endpoints
    )
    ids = [d.pk for d in deliveries] or list(event.deliveries.values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue(ids))
    return event


def endpoints_changed(sender, instance, **kwargs) -> None:
    """Set the organisation's has_webhook_endpoints after an endpoint is saved (the admin
    can move one to another organisation) or deleted.

    Under the organisation's row lock, so that endpoints added and removed at once
    serialise: each counts what the other committed. An organisation an endpoint moved
    away from keeps the flag until its next change: a flag set without endpoints costs
    one query per event, never an event.
    """
    with transaction.atomic():
        organisation = (Organisation.objects.select_for_update()
                        .filter(pk=instance.organisation_id).first())
        if organisation is None:
            return
        has_endpoints = WebhookEndpoint.objects.filter(organisation=organisation).exists()
        if organisation.has_webhook_endpoints != has_endpoints:
            organisation.has_webhook_endpoints = has_endpoints
            # save(), not update(): its post_save forgets the copies cached with API keys
            organisation.save(update_fields=["has_webhook_endpoints"])
    if WebhookEndpoint.organisation.is_cached(instance):
        instance.organisation.has_webhook_endpoints = has_endpoints


def _enqueue(delivery_ids, countdown: float = 0) -> None:
    """Queue deliveries; when the broker is down, stop at the first failure and leave them
    PENDING: the sweep queues every pending delivery that is due."""
    from .tasks import deliver_webhook

    for delivery_id in delivery_ids:
        if not enqueue_now(deliver_webhook, delivery_id, countdown=countdown):
            return


def delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event to an endpoint again (admin): a new delivery, so the log stays."""
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            event=delivery.event, endpoint=delivery.endpoint, next_attempt_at=localtime.now()
        )
        transaction.on_commit(lambda: _enqueue([again.pk]))
    return again


def endpoint_enable(*, endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        status=WebhookEndpoint.Status.ACTIVE, status_reason="", consecutive_failures=0
    )


# --- Delivering ------------------------------------------------------------------------------

def message_body(event: WebhookEvent) -> str:
    return json.dumps({
        "type": event.event_type,
        "timestamp": event.created_at.astimezone(localtime.UTC).isoformat(),
        "data": event.payload,
    }, separators=(",", ":"))


def signed_headers(endpoint: WebhookEndpoint, event: WebhookEvent, body: str,
                   sent_at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers; the signature covers id, timestamp and body."""
    sent_at = sent_at.astimezone(localtime.UTC)  # the library reads the time as UTC
    signature = Webhook(endpoint.secret).sign(event.message_id, sent_at, body)
    return {
        "content-type": "application/json",
        "user-agent": "Venster-Webhooks/1",
        "webhook-id": event.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for this worker (a conditional update, so only one worker sends)."""
    now = localtime.now()
    claim_s = _setting("WEBHOOKS_TIMEOUT_SECONDS", 10) + 60
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(status=WebhookDelivery.Status.SENDING,
             claimed_until=localtime.later(now, claim_s / 60))
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery; returns what happened (for logs and tests)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "not_due"
    endpoint = delivery.endpoint
    if endpoint.status == WebhookEndpoint.Status.DISABLED:
        _finish(delivery, WebhookDelivery.Status.CANCELLED, error="endpoint disabled")
        return "cancelled"
    status_code, error, body = _post(delivery)
    return _record(delivery, status_code, error, body)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """The HTTP request, outside any transaction; never raises for the receiver's faults."""
    event, endpoint = delivery.event, delivery.endpoint
    started = localtime.now()
    clock = time.monotonic()
    status_code, error, text = None, "", ""
    try:
        # Connect to the address just checked, not to a fresh lookup (DNS rebinding).
        pinned = pinned_request(endpoint.url, checked_address(endpoint.url))
        body = message_body(event)
        with httpx.Client(verify=tls_context(), timeout=_setting("WEBHOOKS_TIMEOUT_SECONDS", 10),
                          follow_redirects=False, trust_env=False) as client:
            response = client.post(
                pinned.url, content=body.encode(), extensions=pinned.extensions,
                headers={**signed_headers(endpoint, event, body, started), **pinned.headers},
            )
        status_code, text = response.status_code, response.text[:500]
    except UnsafeURL as exc:
        error = f"refused: {exc.message}"
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    WebhookAttempt.objects.create(
        delivery=delivery, started_at=started, status_code=status_code, error=error,
        duration_ms=int((time.monotonic() - clock) * 1000), response_body=text,
    )
    return status_code, error, text


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificate authorities (certifi's), hostname checks on."""
    return ssl.create_default_context(cafile=certifi.where())


def backoff_seconds(attempts: int) -> float:
    """Exponential: base, 2×base, 4×base … capped at six hours."""
    base = float(_setting("WEBHOOKS_RETRY_BASE_SECONDS", 30))
    return min(base * 2 ** (attempts - 1), 6 * 3600)


def _record(delivery: WebhookDelivery, status_code, error: str, body: str) -> str:
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    endpoint = delivery.endpoint
    if status_code is not None and 200 <= status_code < 300:
        _finish(delivery, WebhookDelivery.Status.SUCCEEDED)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).exclude(
            status=WebhookEndpoint.Status.DISABLED
        ).update(status=WebhookEndpoint.Status.ACTIVE, status_reason="", consecutive_failures=0)
        return "delivered"
    if status_code == 410:
        _finish(delivery, WebhookDelivery.Status.FAILED)
        _disable(endpoint, _("The receiver answered 410 Gone."))
        return "disabled"
    if delivery.attempts >= int(_setting("WEBHOOKS_MAX_ATTEMPTS", 8)):
        _finish(delivery, WebhookDelivery.Status.FAILED)
        _mark_failing(endpoint, error or f"HTTP {status_code}")
        return "failed"
    return _schedule_retry(delivery)


def _schedule_retry(delivery: WebhookDelivery) -> str:
    wait = backoff_seconds(delivery.attempts)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = localtime.later(localtime.now(), wait / 60)
    delivery.claimed_until = None
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status",
                                 "next_attempt_at", "claimed_until"])
    transaction.on_commit(lambda: _enqueue([delivery.pk], countdown=wait))
    return "retry"


def _finish(delivery: WebhookDelivery, status: str, *, error: str | None = None) -> None:
    delivery.status = status
    delivery.claimed_until = None
    if error is not None:
        delivery.last_error = error
    if status == WebhookDelivery.Status.SUCCEEDED:
        delivery.delivered_at = localtime.now()
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status",
                                 "claimed_until", "delivered_at"])


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            status=WebhookEndpoint.Status.DISABLED, status_reason=reason[:200]
        )
        WebhookDelivery.objects.filter(
            endpoint=endpoint, status=WebhookDelivery.Status.PENDING
        ).update(status=WebhookDelivery.Status.CANCELLED, last_error="endpoint disabled")


def _mark_failing(endpoint: WebhookEndpoint, reason: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).exclude(
        status=WebhookEndpoint.Status.DISABLED
    ).update(status=WebhookEndpoint.Status.FAILING, status_reason=reason[:200])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )


def sweep(*, now: dt.datetime | None = None) -> int:
    """Queue due deliveries again, including claims whose worker vanished. Returns how many."""
    now = now or localtime.now()
    WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING, claimed_until__lt=now
    ).update(status=WebhookDelivery.Status.PENDING, claimed_until=None, next_attempt_at=now)
    due = list(WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:500])
    _enqueue(due)
    return len(due)
