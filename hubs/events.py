"""The one place that announces what happens in the hubs domain.

Each announcement is a webhook outbox row and a notification, written in the
transaction of the change it reports (so both roll back with it), the
notification in the recipient's own language. Delivery is queued after the
commit: `publish_event` queues the webhook deliveries and `notify` the email,
both through `operations.enqueue`. No other hubs module writes outbox rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

from places import localtime


def _local(value) -> str:
    return value.astimezone(localtime.LOCAL).isoformat()


def _announce(organisation, kind: str, payload: dict, title, body=lambda: "") -> None:
    """The webhook event and the notification of one change; call inside its transaction.

    title and body are callables so their text is made in the recipient's language.
    """
    from notifications.services import notify
    from webhooks.services import publish_event

    publish_event(organisation, kind, payload)
    with override(organisation.preferred_language or None):
        notify(organisation=organisation, kind=kind, title=title(), body=body(),
               payload=payload)


# --- dock and storage reservations -------------------------------------------------

def dock_payload(reservation) -> dict:
    return {
        "reference": reservation.reference, "status": reservation.status,
        "hub_id": reservation.hub_id, "door_id": reservation.door_id,
        "start": _local(reservation.start), "end": _local(reservation.end),
        "plate": reservation.plate,
    }


def dock_reservation_created(reservation) -> None:
    _announce(reservation.organisation, "dock_reservation.created", dock_payload(reservation),
              lambda: _("Dock slot %(reference)s reserved at %(hub)s") % {
                  "reference": reservation.reference, "hub": reservation.hub.name},
              lambda: _local(reservation.start))


def dock_reservation_cancelled(reservation) -> None:
    _announce(reservation.organisation, "dock_reservation.cancelled", dock_payload(reservation),
              lambda: _("Dock slot %(reference)s cancelled") % {
                  "reference": reservation.reference})


def storage_payload(reservation) -> dict:
    return {
        "reference": reservation.reference, "status": reservation.status,
        "hub_id": reservation.hub_id, "pallets": reservation.pallets,
        "start_date": reservation.start_date.isoformat(),
        "end_date": reservation.end_date.isoformat(),
    }


def storage_reservation_created(reservation) -> None:
    _announce(reservation.organisation, "storage_reservation.created",
              storage_payload(reservation),
              lambda: _("Storage %(reference)s reserved: %(pallets)d pallet places") % {
                  "reference": reservation.reference, "pallets": reservation.pallets})


def storage_reservation_cancelled(reservation) -> None:
    _announce(reservation.organisation, "storage_reservation.cancelled",
              storage_payload(reservation),
              lambda: _("Storage %(reference)s cancelled") % {
                  "reference": reservation.reference})


# --- last-mile chains --------------------------------------------------------------

def chain_payload(chain) -> dict:
    return {
        "chain_id": chain.pk, "status": chain.status,
        "inbound": chain.inbound.reference, "delivery": chain.delivery.reference,
        "recipient_id": chain.recipient_id,
    }


def chain_created(chain) -> None:
    _announce(chain.inbound.organisation, "chain.created", chain_payload(chain),
              lambda: _("Last-mile chain %(reference)s booked") % {
                  "reference": chain.inbound.reference})


def chain_cancelled(chain) -> None:
    _announce(chain.inbound.organisation, "chain.cancelled", chain_payload(chain),
              lambda: _("Last-mile chain %(reference)s cancelled") % {
                  "reference": chain.inbound.reference})


# --- pickups -----------------------------------------------------------------------

def pickup_payload(pickup) -> dict:
    return {
        "pickup_id": pickup.pk, "status": pickup.status, "stream": pickup.stream,
        "day": pickup.day.isoformat(),
        "window_start": pickup.window_start.strftime("%H:%M"),
        "window_end": pickup.window_end.strftime("%H:%M"),
        "collected_litres": pickup.collected_litres,
        "collected_kg": None if pickup.collected_kg is None else str(pickup.collected_kg),
        "missed_reason": pickup.missed_reason, "missed_note": pickup.missed_note,
    }


def _pickup_title(pickup, text):
    return lambda: text() % {"stream": pickup.get_stream_display(), "day": pickup.day}


def pickup_requested(pickup) -> None:
    _announce(pickup.organisation, "pickup.requested", pickup_payload(pickup),
              _pickup_title(pickup, lambda: _("Pickup of %(stream)s requested for %(day)s")))


def pickup_cancelled(pickup) -> None:
    _announce(pickup.organisation, "pickup.cancelled", pickup_payload(pickup),
              _pickup_title(pickup, lambda: _("Pickup of %(stream)s on %(day)s cancelled")))


def pickup_collected(pickup) -> None:
    _announce(pickup.organisation, "pickup.collected", pickup_payload(pickup),
              _pickup_title(pickup, lambda: _("%(stream)s collected on %(day)s")))


def pickup_missed(pickup) -> None:
    _announce(pickup.organisation, "pickup.missed", pickup_payload(pickup),
              _pickup_title(pickup, lambda: _("Pickup of %(stream)s on %(day)s missed")),
              lambda: f"{pickup.get_missed_reason_display()}. {pickup.missed_note}".strip())
