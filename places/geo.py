"""Distances at city scale, in the database and in Python.

An equirectangular approximation: within a few kilometres of the point it is
off by well under one percent, and it needs only arithmetic that SQLite and
PostgreSQL both have, so that bays can be filtered and sorted by distance in
one query.
"""

import math

from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import Power, Sqrt

METRES_PER_DEGREE_LATITUDE = 111_320.0


def metres_per_degree_longitude(latitude: float) -> float:
    return METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * METRES_PER_DEGREE_LATITUDE
    dx = (lon2 - lon1) * metres_per_degree_longitude(lat1)
    return math.hypot(dx, dy)


def distance_expression(latitude: float, longitude: float, lat_field="latitude",
                        lon_field="longitude"):
    """A query expression: metres from (latitude, longitude) to each row's coordinates."""
    dy = (F(lat_field) - Value(latitude)) * Value(METRES_PER_DEGREE_LATITUDE)
    dx = (F(lon_field) - Value(longitude)) * Value(metres_per_degree_longitude(latitude))
    return ExpressionWrapper(
        Sqrt(Power(dx, Value(2.0)) + Power(dy, Value(2.0))), output_field=FloatField()
    )


def within_radius(queryset, *, latitude: float, longitude: float, radius_m: float):
    """Rows within radius_m of the point, nearest first, annotated with distance_m."""
    dlat = radius_m / METRES_PER_DEGREE_LATITUDE
    dlon = radius_m / max(metres_per_degree_longitude(latitude), 1.0)
    return (
        queryset.filter(  # a bounding box first, so that an index on the coordinates helps
            latitude__gte=latitude - dlat, latitude__lte=latitude + dlat,
            longitude__gte=longitude - dlon, longitude__lte=longitude + dlon,
        )
        .annotate(distance_m=distance_expression(latitude, longitude))
        .filter(distance_m__lte=radius_m)
        .order_by("distance_m", "pk")
    )
