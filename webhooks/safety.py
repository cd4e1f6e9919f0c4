"""Refuse webhook URLs that point into our own network (SSRF), and connect only to the
address that was checked.

A URL is checked when it is registered and again before every delivery,
because a name may resolve elsewhere later. The delivery then connects to the
address the check approved (`pinned_request`), not to whatever the name resolves
to a moment later: a name that answers with a public address for the check and a
private one for the connection (DNS rebinding) reaches nothing inside. The Host
header, TLS SNI and certificate check still use the host name.

IPv6 addresses that carry an IPv4 address are judged by that IPv4 address, or
refused: a 6to4 (2002::/16) or NAT64 (64:ff9b::/96) address reaches the IPv4
address inside it, so 2002:7f00:1:: is 127.0.0.1. Teredo (2001::/32), NAT64
local-use (64:ff9b:1::/48), IPv4-mapped (::ffff:0:0/96) and IPv4-compatible
(::/96) addresses are refused outright: no public receiver needs them, and the
last two reach IPv4 hosts directly from a dual-stack socket.

WEBHOOKS_ALLOW_PRIVATE switches the address check off for development and tests
with a receiver on 127.0.0.1; the delivery is pinned all the same.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

NAT64 = ipaddress.ip_network("64:ff9b::/96")
REFUSED_IPV6 = [
    ipaddress.ip_network("2001::/32"),       # Teredo
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64 for local use
    ipaddress.ip_network("::ffff:0:0/96"),   # IPv4-mapped
    ipaddress.ip_network("::/96"),           # IPv4-compatible (and :: and ::1)
]


class UnsafeURL(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in REFUSED_IPV6):
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _resolve(url: str) -> tuple[str, list[str]]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeURL(_("Use an http or https URL with a host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise UnsafeURL(_("The host name does not resolve.")) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))  # once each, in order
    if not addresses:
        raise UnsafeURL(_("The host name does not resolve."))
    return parts.hostname, addresses


def checked_address(url: str) -> str:
    """Resolve the URL's host once; raise UnsafeURL unless every address it resolves to is
    public; return the address to connect to."""
    _host, addresses = _resolve(url)
    if not allow_private() and not all(is_public_address(a) for a in addresses):
        raise UnsafeURL(_("This URL points to a private, loopback or link-local address."))
    return addresses[0]


def check_url(url: str) -> None:
    """Raise UnsafeURL unless the URL is http(s) and its host resolves to public addresses."""
    checked_address(url)


@dataclass(frozen=True)
class PinnedRequest:
    """What httpx needs to reach `url` at `address`: the URL with the address as its host,
    and the host name for the Host header and for TLS (SNI and the certificate check)."""

    url: httpx.URL
    headers: dict
    extensions: dict


def pinned_request(url: str, address: str) -> PinnedRequest:
    original = httpx.URL(url)
    host_header = original.netloc.decode("ascii")
    return PinnedRequest(
        url=original.copy_with(host=address.split("%")[0]),
        headers={"host": host_header},
        extensions={"sni_hostname": original.host},
    )
