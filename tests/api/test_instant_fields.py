"""Instants in API answers: Amsterdam wall clock with its UTC offset, across the clock changes."""

import datetime as dt

from api.fields import AwareDateTimeField, LocalInstantsField
from places import localtime

UTC = dt.UTC


def test_a_list_of_instants_reads_as_each_instant_alone_through_the_autumn_change():
    # 2026-10-25: 03:00 summer time becomes 02:00 winter time; 02:30 happens twice
    utc_instants = [dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC) + dt.timedelta(minutes=30 * n)
                    for n in range(4)]
    local_instants = [instant.astimezone(localtime.LOCAL) for instant in utc_instants]
    expected = ["2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00",
                "2026-10-25T02:00:00+01:00", "2026-10-25T02:30:00+01:00"]
    field = LocalInstantsField()
    assert field.to_representation(utc_instants) == expected
    assert field.to_representation(local_instants) == expected
    assert [AwareDateTimeField().to_representation(i) for i in utc_instants] == expected
    assert field.to_representation([]) == []


def test_it_is_read_only():
    assert LocalInstantsField().read_only
