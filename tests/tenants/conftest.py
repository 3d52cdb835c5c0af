from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tenants.dns_server import DnsZone, LoopbackDnsServer


@pytest.fixture(scope="session")
def dns_server() -> Iterator[LoopbackDnsServer]:
    server = LoopbackDnsServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dns_zone(dns_server, settings) -> Iterator[DnsZone]:
    """The records of a DNS server on loopback that Pista's resolver now asks."""
    settings.PISTA_DNS_RESOLVER = dns_server.address
    settings.PISTA_DNS_TIMEOUT = 2.0
    dns_server.zone.clear()
    yield dns_server.zone
    dns_server.zone.clear()
