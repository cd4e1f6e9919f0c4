"""Refuse webhook URLs that point into our own network (SSRF).

A URL is checked when it is registered and again before every delivery,
because a name may resolve elsewhere later. WEBHOOKS_ALLOW_PRIVATE switches
the check off for development and tests with a receiver on 127.0.0.1.

What remains: a name that resolves to a public address at the check and to a
private one a moment later at connect time (DNS rebinding within seconds).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeURL(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_url(url: str) -> None:
    """Raise UnsafeURL unless every address the host resolves to is a public one."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeURL(_("Use an http or https URL with a host name."))
    if allow_private():
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise UnsafeURL(_("The host name does not resolve.")) from exc
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise UnsafeURL(_("This URL points to a private, loopback or link-local address."))
