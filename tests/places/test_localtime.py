import datetime as dt

import pytest

from places import localtime
from places.localtime import LOCAL, LocalTimeError

SPRING = dt.date(2026, 3, 29)  # clocks go from 02:00 to 03:00
AUTUMN = dt.date(2026, 10, 25)  # clocks go from 03:00 back to 02:00


def test_days_of_the_clock_changes_have_23_and_25_hours():
    assert localtime.day_minutes(SPRING) == 23 * 60
    assert localtime.day_minutes(AUTUMN) == 25 * 60
    assert localtime.day_minutes(dt.date(2026, 6, 1)) == 24 * 60


def test_a_wall_clock_time_in_the_spring_gap_is_refused():
    with pytest.raises(LocalTimeError) as refused:
        localtime.make_local(SPRING, dt.time(2, 30))
    assert refused.value.code == "nonexistent_local_time"


def test_a_wall_clock_time_in_the_repeated_autumn_hour_is_refused():
    with pytest.raises(LocalTimeError) as refused:
        localtime.make_local(AUTUMN, dt.time(2, 30))
    assert refused.value.code == "ambiguous_local_time"


def test_ordinary_wall_clock_times_on_change_days_are_accepted():
    assert localtime.make_local(SPRING, dt.time(3, 0)).utcoffset() == dt.timedelta(hours=2)
    assert localtime.make_local(AUTUMN, dt.time(3, 0)).utcoffset() == dt.timedelta(hours=1)


def test_minutes_after_midnight_count_real_time():
    assert localtime.wall_minute(SPRING, dt.time(7)) == 6 * 60
    assert localtime.wall_minute(AUTUMN, dt.time(7)) == 8 * 60
    assert localtime.instant_at(SPRING, 6 * 60).time() == dt.time(7)


@pytest.mark.parametrize("day", [SPRING, AUTUMN, SPRING - dt.timedelta(days=1)])
def test_many_instants_of_a_day_are_those_of_instant_at(day):
    minutes = range(0, localtime.day_minutes(day), 5)
    # compared as text, so that the offsets must agree too, not only the instants
    assert [t.isoformat() for t in localtime.instants_at(day, minutes)] == [
        localtime.instant_at(day, m).isoformat() for m in minutes]


def test_naive_times_from_an_interface_are_refused():
    with pytest.raises(LocalTimeError) as refused:
        localtime.check_aware(dt.datetime(2026, 6, 1, 8, 0))
    assert refused.value.code == "offset_required"


def test_an_offset_time_in_the_spring_gap_is_refused():
    gap = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with pytest.raises(LocalTimeError):
        localtime.check_aware(gap)


def test_an_instant_in_the_repeated_autumn_hour_is_refused_whatever_its_offset():
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 02:30 CET
    for instant in (first, second):
        with pytest.raises(LocalTimeError):
            localtime.check_aware(instant)


def test_utc_times_are_accepted_and_returned_in_local_time():
    value = localtime.check_aware(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC))
    assert value == dt.datetime(2026, 6, 1, 8, 0, tzinfo=LOCAL)
    assert value.tzinfo == LOCAL
