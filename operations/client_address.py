"""The address of the client behind a request, trusting only the proxies we run.

REMOTE_ADDR is the address that opened the connection: behind a reverse proxy,
the proxy's, the same for every user. The client's address is then in
X-Forwarded-For, where each proxy appends the address it received the request
from. Anything to the left of what our own proxies wrote came from the client and
can be forged, so with TRUSTED_PROXY_COUNT = n the client is the n-th entry from
the right. With the default 0 the header is ignored altogether: a deployment that
forgets the setting throttles by its proxy's address (too strictly), never by an
address an attacker chose.
"""

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)), 0)


def client_address(request) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer hops than proxies: the first proxy saw the client itself, so it is leftmost.
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
