"""Which municipality's data a person may see: one rule for the admin and the console.

A member of a municipality's organisation sees that municipality; a member of
a municipal organisation without a municipality (a regional administration)
and a superuser see everything. Everyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from organisations.models import Membership, Organisation
from places.models import Municipality


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    municipality: Municipality | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.municipality is None

    @property
    def municipality_id(self) -> int | None:
        return self.municipality.pk if self.municipality else None


NOTHING = Scope()
EVERYTHING = Scope(everything=True)

# Lookups from a model to its municipality, ORed, for models that need more than
# the automatic rule of `municipality_lookups` below.
CUSTOM_LOOKUPS = {
    "places.municipality": ["pk"],
    # Own staff only: a municipal admin must not place people in other organisations.
    "organisations.membership": ["organisation__municipality"],
    # Their own organisation, and those that booked or asked for kerb time there.
    "organisations.organisation": [
        "municipality",
        "bookings__bay__zone__municipality",
        "booking_requests__zone__municipality",
    ],
    # Shared hubs: through the municipalities that share the hub.
    "hubs.storagereservation": ["hub__municipalities"],
    "hubs.plannedroute": ["depot__municipalities"],
    "organisations.vehicle": [
        "organisation__municipality",
        "bookings__bay__zone__municipality",
        "booking_requests__zone__municipality",
    ],
}

# Foreign-key choices narrower than the related model's own scope, by (model, field).
CUSTOM_CHOICE_LOOKUPS = {
    # A municipal admin places people in their own municipality's organisation only.
    ("organisations.membership", "organisation"): ["municipality"],
}

# Relations from which the automatic rule finds the municipality, in this order.
# `municipalities` is how a shared object (a hub) names every municipality sharing it.
AUTOMATIC_PATHS = [
    ("municipalities", "municipalities"),
    ("municipality", "municipality"),
    ("zone", "zone__municipality"),
    ("bay", "bay__zone__municipality"),
]


def scope_of(user) -> Scope:
    """The municipality scope of a signed-in person."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    membership = (
        Membership.objects.select_related("organisation__municipality")
        .filter(user=user, organisation__kind=Organisation.Kind.MUNICIPALITY)
        .first()
    )
    if membership is None:
        return NOTHING
    municipality = membership.organisation.municipality
    return Scope(municipality=municipality) if municipality else EVERYTHING


def console_scope(user) -> Scope:
    """Scope for the console: superusers, and managers of a municipal organisation."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    manages = Membership.objects.filter(
        user=user, role=Membership.Role.MANAGER, organisation__kind=Organisation.Kind.MUNICIPALITY
    ).exists()
    return scope_of(user) if manages else NOTHING


def municipality_lookups(model) -> list[str] | None:
    """How to reach the municipality from a model, or None when the model is not scoped."""
    label = model._meta.label_lower
    if label in CUSTOM_LOOKUPS:
        return CUSTOM_LOOKUPS[label]
    names = {field.name for field in model._meta.get_fields()}
    paths = [path for name, path in AUTOMATIC_PATHS if name in names]
    # A window or closure belongs to a zone or to a bay: either path may lead home.
    return paths or None


def is_multi_valued(lookups: list[str]) -> bool:
    return len(lookups) > 1 or any(
        part in lookup for lookup in lookups for part in ("municipalities", "bookings", "requests")
    )


def scope_queryset(queryset: QuerySet, scope: Scope, lookups: list[str] | None = None) -> QuerySet:
    """Only the rows of the scope's municipality; all rows for everything, none for nothing."""
    if scope.everything:
        return queryset
    lookups = lookups or municipality_lookups(queryset.model)
    if lookups is None:
        return queryset
    if scope.nothing:
        return queryset.none()
    condition = Q()
    for lookup in lookups:
        # By id: the "pk" lookup of the municipality itself takes no model instance.
        condition |= Q(**{lookup: scope.municipality_id})
    if is_multi_valued(lookups):
        # Joins through to-many relations repeat rows; a subquery keeps the
        # queryset free of DISTINCT so the admin can still order and delete it.
        ids = queryset.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=ids)
    return queryset.filter(condition)


def in_scope(obj, scope: Scope) -> bool:
    if scope.everything or obj is None or obj.pk is None:
        return True
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), scope).exists()
