"""Names for the hubs API's choice sets in the OpenAPI schema (see ENUM_NAME_OVERRIDES)."""

from ..models import LastMileChain, ReservationStatus

RESERVATION_STATUS = ReservationStatus.choices
CHAIN_STATUS = LastMileChain.Status.choices
