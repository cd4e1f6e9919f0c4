"""Shared logistics hubs and bundled waste and recycling pickups."""

from .hubs import (
    DockDoor,
    DockReservation,
    Hub,
    HubClosure,
    HubOpeningHours,
    HubShare,
    LastMileChain,
    ReservationStatus,
    StorageReservation,
)
from .pickups import MissedReason, PickupRequest, WasteStream
from .planning import (
    GOODS,
    CollectorVehicle,
    Compartment,
    CompartmentKind,
    DisposalSite,
    PlannedRoute,
    PlanningRun,
    RouteStop,
)

__all__ = [
    "GOODS",
    "CollectorVehicle",
    "Compartment",
    "CompartmentKind",
    "DisposalSite",
    "DockDoor",
    "DockReservation",
    "Hub",
    "HubClosure",
    "HubOpeningHours",
    "HubShare",
    "LastMileChain",
    "MissedReason",
    "PickupRequest",
    "PlannedRoute",
    "PlanningRun",
    "ReservationStatus",
    "RouteStop",
    "StorageReservation",
    "WasteStream",
]
