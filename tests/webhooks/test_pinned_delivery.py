"""A delivery connects to the address its safety check approved (no DNS rebinding), keeps
the host name for the Host header and for TLS, and IPv6 addresses that carry a private IPv4
address are refused at registration and at delivery.

Every connection here stays on loopback: the "rebound" address is 127.0.0.2, where
nothing listens, and public addresses are only ever checked, never connected to.
"""

import socket
import ssl
import subprocess

import pytest

from tests.api.conftest import key_client, problem
from tests.factories import OrganisationFactory
from webhooks import services
from webhooks.models import WebhookEndpoint
from webhooks.safety import UnsafeURL, check_url

from .receiver import receiver

pytestmark = pytest.mark.django_db
HOST = "hooks.example.test"
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2


def answer(address: str, port: int):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return [(family, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.fixture
def dns(monkeypatch):
    """HOST resolves to the addresses in `dns.answers`, one answer per lookup (the last one
    repeats); every other name resolves as usual. `dns.lookups` counts HOST's lookups."""

    class Dns:
        answers: list[str] = []
        lookups = 0

    def getaddrinfo(host, port, *args, **kwargs):
        if host != HOST:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        Dns.lookups += 1
        address = Dns.answers[min(Dns.lookups, len(Dns.answers)) - 1]
        return answer(address, int(port or 0))

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return Dns


def deliver_to(url):
    endpoint = services.endpoint_create(organisation=OrganisationFactory(), url=url)
    event = services.publish_event(endpoint.organisation, "booking.confirmed", {"reference": "V"})
    delivery = event.deliveries.get()
    return services.deliver(delivery.pk), delivery


def test_the_delivery_connects_to_the_checked_address_when_the_name_rebinds(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    with receiver([200]) as (url, state):
        port = url.split(":")[2].split("/")[0]
        # Checked as 127.0.0.1 (the receiver) at registration and at delivery; any later
        # lookup says 127.0.0.2, where nothing listens.
        dns.answers = ["127.0.0.1", "127.0.0.1", "127.0.0.2"]
        outcome, delivery = deliver_to(f"http://{HOST}:{port}/hook")
    assert outcome == "delivered", delivery.attempt_log.get().error
    assert dns.lookups == 2  # the connection used the checked address, not a new lookup
    [(headers, _body)] = state.requests
    assert headers["host"] == f"{HOST}:{port}"


def test_a_name_that_rebinds_to_a_6to4_loopback_is_refused_at_delivery(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns.answers = ["93.184.215.14", "2002:7f00:1::1"]  # public at registration only
    endpoint = services.endpoint_create(organisation=OrganisationFactory(),
                                        url=f"http://{HOST}/hook")
    event = services.publish_event(endpoint.organisation, "booking.confirmed", {})
    delivery = event.deliveries.get()
    assert services.deliver(delivery.pk) == "retry"
    assert delivery.attempt_log.get().error.startswith("refused")


@pytest.mark.parametrize("address", [
    "2002:7f00:1::1",            # 6to4 of 127.0.0.1
    "2002:a00:1::1",             # 6to4 of 10.0.0.1
    "2002:c0a8:101::1",          # 6to4 of 192.168.1.1
    "2002:a9fe:a9fe::1",         # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",           # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",        # NAT64 of 169.254.169.254
    "64:ff9b:1::5db8:d70e",      # NAT64 local use
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo
    "::ffff:10.0.0.1",           # IPv4-mapped
    "::ffff:93.184.215.14",      # IPv4-mapped, even of a public address
    "::93.184.215.14",           # IPv4-compatible
])
def test_ipv6_addresses_carrying_ipv4_are_refused_unless_public_inside(settings, address):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeURL):
        check_url(f"https://[{address}]/hook")


@pytest.mark.parametrize("address", ["2002:5db8:d70e::1", "64:ff9b::5db8:d70e",
                                     "2606:4700:4700::1111"])
def test_6to4_and_nat64_of_a_public_address_are_allowed(settings, address):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    check_url(f"https://[{address}]/hook")


def test_registration_through_the_api_refuses_a_6to4_private_address(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client = key_client(OrganisationFactory())
    response = client.post("/api/v1/webhooks/endpoints/", {"url": "https://[2002:a00:1::1]/h"},
                           format="json")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


# --- TLS: the certificate is checked for the host name, not for the pinned address -------

def certificate_for(name: str, directory) -> tuple[str, str]:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name}"],
                   check=True, capture_output=True, timeout=60)
    return str(cert), str(key)


def server_tls(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize(("certificate_name", "outcome"), [
    (HOST, "delivered"),
    ("other.example.test", "retry"),
])
def test_tls_is_verified_for_the_host_name_while_connecting_to_the_pinned_address(
        settings, dns, monkeypatch, tmp_path, certificate_name, outcome):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    cert, key = certificate_for(certificate_name, tmp_path)
    # Trust the test certificate as the only authority; verification itself is unchanged.
    monkeypatch.setattr(services, "tls_context", lambda: ssl.create_default_context(cafile=cert))
    with receiver([200], tls=server_tls(cert, key)) as (url, state):
        port = url.split(":")[2].split("/")[0]
        dns.answers = ["127.0.0.1", "127.0.0.1", "127.0.0.2"]
        result, delivery = deliver_to(f"https://{HOST}:{port}/hook")
    assert result == outcome, delivery.attempt_log.get().error
    if outcome == "delivered":
        assert state.requests[0][0]["host"] == f"{HOST}:{port}"
    else:
        assert "CERTIFICATE_VERIFY_FAILED" in delivery.attempt_log.get().error
        assert state.requests == []
