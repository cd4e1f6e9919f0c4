"""Names for the hubs API's choice sets in the OpenAPI schema (see ENUM_NAME_OVERRIDES)."""

from ..models import LastMileChain, MissedReason, PickupRequest, ReservationStatus

RESERVATION_STATUS = ReservationStatus.choices
CHAIN_STATUS = LastMileChain.Status.choices
PICKUP_STATUS = PickupRequest.Status.choices
MISSED_REASON = MissedReason.choices
