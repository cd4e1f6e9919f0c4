"""The Leiden demo: a realistic centre to try Venster with.

Coordinates of street axes are approximate (read off OpenStreetMap by hand);
names of organisations and people are made up. Every object is looked up by a
natural key before it is created, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from bookings import errors as booking_errors
from bookings.models import Booking
from bookings.services import booking_create
from organisations.models import Membership, Organisation, Vehicle
from places import localtime

from .models import Closure, LoadingBay, Municipality, TimeWindow, Zone

DEMO_PASSWORD = "venster-demo"

MUNICIPALITIES = [
    ("Leiden", "leiden", "GM0546"),
    ("Alphen aan den Rijn", "alphen-aan-den-rijn", "GM0484"),
    ("Gouda", "gouda", "GM0513"),
]

# (street, lat0, lon0, lat1, lon1, bays): street axes in Leiden's centre.
LEIDEN_STREETS = [
    ("Haarlemmerstraat", 52.16130, 4.48700, 52.15960, 4.49800, 9),
    ("Breestraat", 52.15880, 4.48830, 52.15730, 4.49640, 8),
    ("Nieuwe Rijn", 52.15820, 4.49150, 52.15720, 4.49870, 6),
    ("Botermarkt", 52.15850, 4.49100, 52.15800, 4.49350, 3),
    ("Hooigracht", 52.15900, 4.49750, 52.15600, 4.50000, 5),
    ("Steenstraat", 52.16250, 4.48250, 52.16000, 4.48650, 6),
    ("Nieuwstraat", 52.15800, 4.49300, 52.15650, 4.49350, 3),
    ("Noordeinde", 52.16000, 4.48300, 52.15850, 4.48700, 4),
    ("Langebrug", 52.15700, 4.48950, 52.15500, 4.49050, 4),
    ("Korevaarstraat", 52.15500, 4.49300, 52.15450, 4.49800, 4),
    ("Lange Mare", 52.16200, 4.49500, 52.15950, 4.49700, 5),
    ("Aalmarkt", 52.15900, 4.49050, 52.15870, 4.49200, 3),
]
LEIDEN_MARKET_STREETS = {"Botermarkt", "Nieuwe Rijn", "Aalmarkt"}
LEIDEN_CENTRE = [  # the Singel ring, roughly
    [4.4785, 52.1640],
    [4.4880, 52.1665],
    [4.5000, 52.1630],
    [4.5035, 52.1575],
    [4.4990, 52.1530],
    [4.4880, 52.1525],
    [4.4800, 52.1560],
    [4.4785, 52.1640],
]

OTHER_TOWNS = {
    "alphen-aan-den-rijn": (
        "Centrum Alphen",
        [
            ("Hooftstraat", 52.1292, 4.6555, 52.1280, 4.6620, 3),
            ("Raadhuisstraat", 52.1275, 4.6600, 52.1262, 4.6630, 2),
        ],
    ),
    "gouda": (
        "Binnenstad Gouda",
        [
            ("Markt", 52.0118, 4.7095, 52.0112, 4.7125, 3),
            ("Kleiweg", 52.0135, 4.7060, 52.0122, 4.7090, 2),
            ("Lange Groenendaal", 52.0105, 4.7130, 52.0095, 4.7165, 2),
        ],
    ),
}

SHOPS = [
    ("Boekhandel De Kier", "Haarlemmerstraat 112", 52.1606, 4.4905),
    ("Kaashandel Van Rijn", "Breestraat 61", 52.1582, 4.4920),
    ("Bakkerij Het Gouden Korenaar", "Nieuwe Rijn 22", 52.1578, 4.4940),
    ("Fietsenmaker Mare", "Lange Mare 44", 52.1608, 4.4960),
    ("Café De Burcht", "Botermarkt 9", 52.1583, 4.4922),
    ("Bloemenhuis Steenstraat", "Steenstraat 18", 52.1617, 4.4848),
    ("Wijnkoperij Noordeinde", "Noordeinde 30", 52.1593, 4.4850),
    ("Apotheek Hooigracht", "Hooigracht 51", 52.1575, 4.4985),
]

CARRIERS = [
    (
        "Groene Koerier Leiden",
        [
            ("", "cargo_bike", "2.80", 250, True),
            ("V123BX", "light_ev", "4.00", 1800, True),
            ("VBK20N", "van", "5.40", 3500, True),
        ],
    ),
    (
        "Van der Berg Transport",
        [("BX123D", "truck", "9.50", 12000, False), ("VLT45P", "van", "6.20", 3500, False)],
    ),
    (
        "Sleutelstad Logistiek",
        [("VGH78K", "van", "5.90", 3500, True), ("BZ998T", "truck", "8.00", 7500, False)],
    ),
]
WASTE_COLLECTORS = [
    (
        "Rijnland Afvalbundel",
        [("VNR11B", "van", "6.50", 4250, True), ("", "cargo_bike", "3.00", 300, True)],
    ),
]

HOLIDAYS = [  # (date, description); Leidens Ontzet on 3 October is Leiden's own
    (dt.date(2026, 12, 25), "Eerste Kerstdag"),
    (dt.date(2026, 12, 26), "Tweede Kerstdag"),
    (dt.date(2027, 1, 1), "Nieuwjaarsdag"),
    (dt.date(2027, 4, 27), "Koningsdag"),
    (dt.date(2027, 10, 3), "Leidens Ontzet"),
]


def load(*, today: dt.date | None = None, log=print) -> None:
    today = today or localtime.now().date()
    with transaction.atomic():
        municipalities = _municipalities()
        leiden = _leiden_zone(municipalities["leiden"], today)
        for slug, (zone_name, streets) in OTHER_TOWNS.items():
            _town_zone(municipalities[slug], zone_name, streets)
        _zero_emission_dates(today)
        organisations = _organisations(municipalities)
        _regime_fleet()
        users = _users(organisations)
    created = _bookings(leiden, organisations, today)
    log(
        f"Demo loaded: {LoadingBay.objects.count()} bays, {Organisation.objects.count()} "
        f"organisations, {Booking.objects.count()} bookings ({created} new)."
    )
    for username, org in users:
        log(f"  demo login {username!r} / {DEMO_PASSWORD!r} ({org})")
    from hubs.demo import load as load_hubs_demo  # here: hubs.demo imports this module

    load_hubs_demo(today=today, log=log)


#: Gouda's zone as published (start 1 January 2025, fines from 1 July 2025); Leiden's and
#: Alphen's are demo dates: the coming 1 January, with six months of warnings.
PUBLISHED_ZERO_EMISSION_DATES = {"gouda-centrum": (dt.date(2025, 1, 1), dt.date(2025, 7, 1))}


def _zero_emission_dates(today: dt.date) -> None:
    """Give each demo zone its zero-emission start and the end of its warning period."""
    coming = dt.date(today.year + 1, 1, 1)
    for zone in Zone.objects.filter(zero_emission_from__isnull=True):
        start, enforced = PUBLISHED_ZERO_EMISSION_DATES.get(
            zone.slug, (coming, dt.date(coming.year, 7, 1)))
        zone.zero_emission_from, zone.zero_emission_enforced_from = start, enforced
        zone.save(update_fields=["zero_emission_from", "zero_emission_enforced_from"])


def _regime_fleet() -> Organisation:
    """A carrier whose vans and trucks show every basis of the zero-emission decision.

    Their register rows are the shipped RDW sample in the published export format: an
    electric van and tractor, vans of emission class 4, 5 and 6, a class 6 van first
    registered in 2025, a 2018 tractor unit, rigid trucks of 2014, 2018 and 2021, a
    passenger car and an ambulance.
    """
    from access import rdw

    fixtures = Path(rdw.__file__).resolve().parent / "fixtures"
    with rdw.open_csv(fixtures / "rdw_regime_voertuigen.csv") as stream:
        rdw.import_vehicles(stream)
    with rdw.open_csv(fixtures / "rdw_regime_brandstof.csv") as stream:
        rdw.import_fuels(stream)
    org = _organisation("Vloot in Overgang", "carrier", city="Gouda",
                        email="planning@example.nl")
    for plate, category, length, weight in REGIME_FLEET:
        Vehicle.objects.get_or_create(
            organisation=org, plate=plate,
            defaults={"name": plate, "category": category, "length_m": Decimal(length),
                      "weight_kg": weight, "zero_emission": plate.startswith("ZE")})
    return org


REGIME_FLEET = [
    ("ZE101V", "van", "6.20", 3500), ("ZE102T", "truck", "6.10", 40000),
    ("VN404E", "van", "4.89", 3000), ("VN505E", "van", "5.53", 3300),
    ("VN606E", "van", "5.93", 3500), ("VN625N", "van", "6.00", 3500),
    ("VT618T", "truck", "6.00", 40000), ("VR618B", "truck", "9.60", 19000),
    ("VR621B", "truck", "8.50", 12000), ("VR614B", "truck", "8.20", 15000),
    ("PA606C", "van", "4.37", 1790), ("AM404B", "van", "5.99", 3500),
]


def _municipalities() -> dict[str, Municipality]:
    result = {}
    for name, slug, code in MUNICIPALITIES:
        result[slug], _ = Municipality.objects.get_or_create(
            slug=slug, defaults={"name": name, "cbs_code": code}
        )
    return result


def _standard_windows(zone: Zone) -> None:
    """07:00-11:00 open to all; 11:00-18:00 zero-emission only; Monday to Saturday."""
    for weekday in range(6):
        for start, end, clean_only in [(7, 11, False), (11, 18, True)]:
            TimeWindow.objects.get_or_create(
                zone=zone,
                weekday=weekday,
                start=dt.time(start),
                end=dt.time(end),
                defaults={"zero_emission_only": clean_only},
            )


def _leiden_zone(leiden: Municipality, today: dt.date) -> Zone:
    zone, _ = Zone.objects.get_or_create(
        slug="leiden-centrum",
        defaults={
            "municipality": leiden,
            "name": "Binnenstad Leiden",
            "boundary": {"type": "Polygon", "coordinates": [LEIDEN_CENTRE]},
            "max_stay_minutes": 60,
            "buffer_minutes": 5,
        },
    )
    _standard_windows(zone)
    bays = _street_bays(zone, "LEI", LEIDEN_STREETS, seed=546)
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year + 1, 12, 31)
    for bay in bays:
        if bay.street in LEIDEN_MARKET_STREETS:
            Closure.objects.get_or_create(
                bay=bay,
                reason=Closure.Reason.MARKET,
                start_date=year_start,
                defaults={
                    "end_date": year_end,
                    "weekdays": [2, 5],
                    "start_time": dt.time(8),
                    "end_time": dt.time(14),
                    "description": "Warenmarkt",
                },
            )
    for day, description in HOLIDAYS:
        Closure.objects.get_or_create(
            zone=zone,
            reason=Closure.Reason.HOLIDAY,
            start_date=day,
            defaults={"end_date": day, "description": description},
        )
    return zone


def _town_zone(municipality: Municipality, name: str, streets) -> Zone:
    lats = [s[1] for s in streets] + [s[3] for s in streets]
    lons = [s[2] for s in streets] + [s[4] for s in streets]
    lo_lat, hi_lat, lo_lon, hi_lon = (
        min(lats) - 0.002,
        max(lats) + 0.002,
        min(lons) - 0.003,
        max(lons) + 0.003,
    )
    zone, _ = Zone.objects.get_or_create(
        slug=municipality.slug + "-centrum",
        defaults={
            "municipality": municipality,
            "name": name,
            "boundary": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [lo_lon, lo_lat],
                        [hi_lon, lo_lat],
                        [hi_lon, hi_lat],
                        [lo_lon, hi_lat],
                        [lo_lon, lo_lat],
                    ]
                ],
            },
        },
    )
    _standard_windows(zone)
    prefix = municipality.slug[:3].upper()
    _street_bays(zone, prefix, [(*s[:5], s[5]) for s in streets], seed=len(name))
    return zone


def _street_bays(zone: Zone, prefix: str, streets, *, seed: int) -> list[LoadingBay]:
    rng = random.Random(seed)
    bays, number = [], 0
    for street, lat0, lon0, lat1, lon1, count in streets:
        for i in range(count):
            number += 1
            f = (i + 0.5) / count
            kerb = rng.choice([10, 12, 15, 18, 20, 24])
            bay, _ = LoadingBay.objects.get_or_create(
                code=f"{prefix}-{number:03d}",
                defaults={
                    "zone": zone,
                    "street": street,
                    "latitude": round(lat0 + f * (lat1 - lat0), 6),
                    "longitude": round(lon0 + f * (lon1 - lon0), 6),
                    "kerb_length_m": Decimal(kerb),
                    "max_vehicles": 1 if kerb < 12 else rng.choice([2, 2, 3]),
                    "max_vehicle_length_m": Decimal(10 if kerb >= 12 else 8),
                },
            )
            bays.append(bay)
    return bays


def _organisation(name: str, kind: str, **fields) -> Organisation:
    from django.utils.text import slugify

    org, _ = Organisation.objects.get_or_create(
        slug=slugify(name), defaults={"name": name, "kind": kind, **fields}
    )
    return org


def _organisations(municipalities) -> dict[str, list[Organisation]]:
    result = {"shop": [], "carrier": [], "waste_collector": [], "municipality": []}
    for name, address, lat, lon in SHOPS:
        result["shop"].append(
            _organisation(
                name,
                "shop",
                street_address=address,
                city="Leiden",
                latitude=lat,
                longitude=lon,
                email=f"{name.split()[0].lower()}@example.nl",
                opening_hours={"mon-sat": "09:00-18:00"},
            )
        )
    for kind, fleet_owners in (("carrier", CARRIERS), ("waste_collector", WASTE_COLLECTORS)):
        for name, fleet in fleet_owners:
            org = _organisation(name, kind, city="Leiden", email="planning@example.nl")
            for index, (plate, category, length, weight, clean) in enumerate(fleet):
                Vehicle.objects.get_or_create(
                    organisation=org,
                    plate=plate,
                    name=f"{category}-{index + 1}",
                    defaults={
                        "category": category,
                        "length_m": Decimal(length),
                        "weight_kg": weight,
                        "zero_emission": clean,
                    },
                )
            result[kind].append(org)
    for slug, municipality in municipalities.items():
        result["municipality"].append(
            _organisation(
                f"Gemeente {municipality.name}",
                "municipality",
                municipality=municipality,
                city=municipality.name,
                email=f"mobiliteit@{slug}.example.nl",
            )
        )
    result["municipality"].append(_organisation("Regio Holland Rijnland", "municipality"))
    return result


def _users(organisations) -> list[tuple[str, Organisation]]:
    User = get_user_model()
    cast = [
        ("winkel", organisations["shop"][0], Membership.Role.MANAGER),
        ("vervoerder", organisations["carrier"][0], Membership.Role.PLANNER),
        ("inzamelaar", organisations["waste_collector"][0], Membership.Role.PLANNER),
        ("gemeente", organisations["municipality"][0], Membership.Role.MANAGER),
        ("handhaver", organisations["municipality"][0], Membership.Role.ENFORCER),
        ("beheer-gouda", _municipal_organisation(organisations, "gouda"),
         Membership.Role.MANAGER),
    ]
    for username, org, role in cast:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.nl"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, defaults={"organisation": org, "role": role})
    _municipal_staff(["gemeente", "beheer-gouda"])
    return [(username, org) for username, org, _ in cast]


def _municipal_organisation(organisations, slug: str) -> Organisation:
    return next(o for o in organisations["municipality"]
                if o.municipality and o.municipality.slug == slug)


MUNICIPAL_ADMIN_APPS = ["places", "bookings", "hubs", "organisations"]


def _municipal_staff(usernames: list[str]) -> None:
    """Municipal managers use the admin, scoped to their municipality, through one group."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Gemeentebeheer")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=MUNICIPAL_ADMIN_APPS)
    )
    for user in get_user_model().objects.filter(username__in=usernames):
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group)


def demo_day(today: dt.date) -> dt.date:
    """The next day that is not a Sunday, so the demo always shows a working day ahead."""
    day = today + dt.timedelta(days=1)
    return day + dt.timedelta(days=1) if day.weekday() == 6 else day


def _bookings(zone: Zone, organisations, today: dt.date) -> int:
    """A morning's bookings on the next working day, made through the booking service."""
    day = demo_day(today)
    rng = random.Random(day.toordinal())
    bays = list(zone.bays.order_by("code"))
    bookers = [(org, list(org.vehicles.all())) for org in organisations["carrier"]]
    bookers += [(org, []) for org in organisations["shop"]]
    created = 0
    for number in range(1, 121):
        # Draw every choice before looking in the database, so that a second
        # run replays exactly the same wishes and adds nothing.
        org, fleet = rng.choice(bookers)
        vehicle = rng.choice(fleet) if fleet else None
        bay, minute = rng.choice(bays), rng.randrange(7 * 60, 17 * 60, 5)
        duration, channel = rng.choice([15, 20, 30, 45]), rng.choice(["api", "portal"])
        clean = rng.random() < 0.5
        note = f"demo {day.isoformat()} #{number}"
        if Booking.objects.filter(note=note).exists():
            continue
        start = localtime.make_local(day, dt.time(minute // 60, minute % 60))
        try:
            booking_create(
                bay=bay,
                organisation=org,
                vehicle=vehicle,
                vehicle_length_m=None if vehicle else Decimal("5.5"),
                vehicle_mass_kg=None if vehicle else 3500,
                zero_emission=None if vehicle else clean,
                start=start,
                end=localtime.later(start, duration),
                channel=channel,
                note=note,
            )
            created += 1
        except booking_errors.BookingError:
            continue  # the demo shows a busy day: some wishes do not fit
    return created
