"""Polygons follow RFC 7946's right-hand rule wherever Venster emits them."""

import pytest
from django.test import Client

from cds import ids
from places.geojson import follows_right_hand_rule, right_hand_rule
from tests.api.conftest import key_client
from tests.factories import OrganisationFactory, ZoneFactory

# Leiden's Singel ring as the demo draws it: west, north, east, south: clockwise.
CLOCKWISE = [[4.4785, 52.1640], [4.4880, 52.1665], [4.5000, 52.1630], [4.5035, 52.1575],
             [4.4990, 52.1530], [4.4880, 52.1525], [4.4800, 52.1560], [4.4785, 52.1640]]
COUNTER_CLOCKWISE = list(reversed(CLOCKWISE))
# A hole (the Burcht, roughly) drawn counter-clockwise, which RFC 7946 wants clockwise.
HOLE_CCW = [[4.4920, 52.1580], [4.4935, 52.1580], [4.4935, 52.1590], [4.4920, 52.1590],
            [4.4920, 52.1580]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(ring) for ring in rings]}


def test_a_clockwise_exterior_ring_is_turned_round():
    assert right_hand_rule(polygon(CLOCKWISE)) == polygon(COUNTER_CLOCKWISE)
    assert not follows_right_hand_rule(polygon(CLOCKWISE))


def test_a_counter_clockwise_ring_is_left_as_it_is():
    assert right_hand_rule(polygon(COUNTER_CLOCKWISE)) == polygon(COUNTER_CLOCKWISE)
    assert follows_right_hand_rule(polygon(COUNTER_CLOCKWISE))


def test_holes_turn_clockwise_and_multipolygons_are_turned_part_by_part():
    fixed = right_hand_rule(polygon(CLOCKWISE, HOLE_CCW))
    assert fixed["coordinates"] == [COUNTER_CLOCKWISE, list(reversed(HOLE_CCW))]
    multi = {"type": "MultiPolygon", "coordinates": [[CLOCKWISE], [COUNTER_CLOCKWISE]]}
    assert right_hand_rule(multi)["coordinates"] == [[COUNTER_CLOCKWISE], [COUNTER_CLOCKWISE]]


@pytest.mark.parametrize("geometry", [
    {}, None, {"type": "Point", "coordinates": [4.49, 52.16]},
    {"type": "Polygon", "coordinates": [["a", "b"]]}, {"type": "Polygon"},
])
def test_anything_else_is_returned_unchanged(geometry):
    assert right_hand_rule(geometry) == geometry


@pytest.mark.django_db
def test_the_api_and_the_cds_feed_emit_a_clockwise_boundary_counter_clockwise():
    zone = ZoneFactory(boundary=polygon(CLOCKWISE))
    api = key_client(OrganisationFactory())
    assert api.get(f"/api/v1/zones/{zone.pk}/").json()["boundary"] == polygon(COUNTER_CLOCKWISE)
    [feature] = [f for f in api.get("/api/v1/zones/geojson/").json()["features"]
                 if f["id"] == zone.pk]
    assert feature["geometry"] == polygon(COUNTER_CLOCKWISE)
    area = Client().get(f"/cds/curbs/areas/{ids.curb_area_id(zone.pk)}").json()["data"]
    assert area["geometry"] == polygon(COUNTER_CLOCKWISE)


@pytest.mark.django_db
def test_a_zone_saved_through_a_form_stores_its_boundary_counter_clockwise():
    zone = ZoneFactory(boundary=polygon(CLOCKWISE, HOLE_CCW))
    zone.full_clean()
    zone.save()
    zone.refresh_from_db()
    assert zone.boundary == polygon(COUNTER_CLOCKWISE, list(reversed(HOLE_CCW)))
