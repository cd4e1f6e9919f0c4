"""Operations of the hubs app. Every interface (portal, API, admin, tasks) calls these."""

from .chains import chain_cancel, chain_create, chain_move_delivery, chain_move_inbound
from .docks import (
    dock_reservation_cancel,
    dock_reservation_create,
    dock_reservation_move,
    storage_reservation_cancel,
    storage_reservation_create,
)
from .pickups import (
    MAX_SERIES_DAYS,
    MAX_VOLUME_LITRES,
    PickupError,
    pickup_collected,
    pickup_missed,
    pickup_request_cancel,
    pickup_request_create,
)

__all__ = [
    "MAX_SERIES_DAYS",
    "MAX_VOLUME_LITRES",
    "PickupError",
    "chain_cancel",
    "chain_create",
    "chain_move_delivery",
    "chain_move_inbound",
    "dock_reservation_cancel",
    "dock_reservation_create",
    "dock_reservation_move",
    "pickup_collected",
    "pickup_missed",
    "pickup_request_cancel",
    "pickup_request_create",
    "storage_reservation_cancel",
    "storage_reservation_create",
]
