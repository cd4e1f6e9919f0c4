"""Where each kind of user belongs: their home after signing in, and the links they see.

One rule for the sign-in redirect, the front page and every navigation bar: a shop
and a carrier use the portal, a waste collector its run sheets, a municipal manager
the console, an enforcement officer the enforcement page. The navigation offers
each only the pages that answer them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from console.scoping import console_scope
from organisations.models import Membership, Organisation


class Role(enum.Enum):
    SHOP = "shop"
    CARRIER = "carrier"
    COLLECTOR = "collector"
    MUNICIPAL_ADMIN = "municipal_admin"
    OFFICER = "officer"
    STAFF = "staff"  # staff without an organisation: the admin
    NONE = "none"  # anonymous, or signed in without an organisation


PORTAL_ROLES = {Role.SHOP, Role.CARRIER}


def role_of(user) -> Role:
    if not getattr(user, "is_authenticated", False):
        return Role.NONE
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    kind = membership.organisation.kind if membership else None
    if membership and membership.role == Membership.Role.ENFORCER:
        return Role.OFFICER
    if not console_scope(user).nothing:
        return Role.MUNICIPAL_ADMIN
    if kind == Organisation.Kind.MUNICIPALITY:
        return Role.OFFICER  # any municipal member may check plates (access.enforcement)
    by_kind = {Organisation.Kind.SHOP: Role.SHOP, Organisation.Kind.CARRIER: Role.CARRIER,
               Organisation.Kind.WASTE_COLLECTOR: Role.COLLECTOR}
    if kind in by_kind:
        return by_kind[kind]
    return Role.STAFF if user.is_staff else Role.NONE


HOMES = {
    Role.SHOP: "portal:home",
    Role.CARRIER: "portal:home",
    Role.COLLECTOR: "hubs:routes",
    Role.MUNICIPAL_ADMIN: "console:index",
    Role.OFFICER: "enforcement:page",
    Role.STAFF: "admin:index",
    Role.NONE: "home",
}


def home_url(user) -> str:
    return reverse(HOMES[role_of(user)])


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str
    also_current: tuple[str, ...] = ()  # other pages that belong under this link

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_current(self, url_name: str | None) -> bool:
        return url_name == self.url_name or url_name in self.also_current


# The header's links: each role's own places.
HEADER = {
    Role.SHOP: [Link("portal:home", _("My shop"))],
    Role.CARRIER: [Link("portal:home", _("My company"))],
    Role.COLLECTOR: [Link("hubs:routes", _("Run sheets"))],
    Role.MUNICIPAL_ADMIN: [Link("console:index", _("Console"))],
    Role.OFFICER: [Link("enforcement:page", _("Enforcement"))],
    Role.STAFF: [Link("admin:index", _("Admin"))],
    Role.NONE: [],
}

_BOOKINGS = ("portal:bookings", _("My bookings"), ("portal:booking", "portal:series"))
_WAITLIST = ("portal:waitlist", _("Waitlist"), ("portal:waitlist_claim", "portal:waitlist_leave"))

# The sections' links, by role: what the portal, the console and the collector's pages offer.
SECTION = {
    Role.SHOP: [
        Link("portal:home", _("Overview")),
        Link("portal:grid", _("Book a slot"), ("portal:book", "portal:series_create")),
        Link(*_BOOKINGS),
        Link(*_WAITLIST),
        Link("portal:map", _("Bays nearby")),
        Link("portal:requests", _("Requests")),
        Link("portal:pickups", _("Waste pickups")),
        Link("portal:readiness", _("Zero-emission zones")),
        Link("portal:notifications", _("Notifications")),
        Link("portal:profile", _("Shop profile")),
        Link("portal:api_keys", _("API keys")),
    ],
    Role.CARRIER: [
        Link("portal:home", _("Overview")),
        Link("portal:grid", _("Book a slot"), ("portal:book", "portal:series_create")),
        Link(*_BOOKINGS),
        Link(*_WAITLIST),
        Link("portal:requests", _("Requests")),
        Link("portal:docks", _("Dock reservations")),
        Link("portal:readiness", _("Zero-emission zones")),
        Link("portal:notifications", _("Notifications")),
        Link("portal:profile", _("Company profile")),
        Link("portal:api_keys", _("API keys")),
    ],
    Role.COLLECTOR: [
        Link("hubs:routes", _("Run sheets"), ("hubs:run-sheet",)),
        Link("hubs:bundling-report", _("Bundling report")),
    ],
    Role.MUNICIPAL_ADMIN: [
        Link("console:index", _("Zones and bays"),
             ("console:zone_windows", "console:bay_windows", "console:whatif",
              "console:history")),
        Link("console:closure_list", _("Closures"),
             ("console:closure_new", "console:closure_detail")),
        Link("console:bays_import", _("Import bays")),
        Link("console:dashboard", _("Dashboard")),
        Link("hubs:bundling-report", _("Bundling report")),
        Link("enforcement:page", _("Enforcement")),
        Link("admin:index", _("Admin")),
    ],
}


def navigation(request) -> dict:
    """Template context: the signed-in user's role, header links and section links."""
    role = role_of(request.user)
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else None
    section = [link for link in SECTION.get(role, [])
               if request.user.is_staff or not link.url_name.startswith("admin:")]
    return {
        "role": role.value,
        "header_links": [(link, link.is_current(here)) for link in HEADER[role]],
        "section_links": [(link, link.is_current(here)) for link in section],
    }
