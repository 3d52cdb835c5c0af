"""The one module that talks to DNS (through dnspython).

Which servers it asks is a setting: ``PISTA_DNS_RESOLVER`` is empty for the
machine's resolvers or ``host:port[,host:port…]`` — the tests point it at a DNS
server they run on loopback.
"""

from __future__ import annotations

import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
from django.conf import settings

DEFAULT_DNS_PORT = 53


class DnsLookupFailed(Exception):
    """The question got no usable answer (timeout, SERVFAIL, refused…).

    Distinct from "no such record", which is an answer: callers retry later.
    """


def resolver_addresses() -> list[tuple[str, int]]:
    """The (address, port) pairs from ``PISTA_DNS_RESOLVER`` (empty: the system's)."""
    addresses = []
    for item in str(getattr(settings, "PISTA_DNS_RESOLVER", "") or "").split(","):
        item = item.strip()
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if not sep or "]" in port:  # a bare address, or a bracketed IPv6 one
            host, port = item, str(DEFAULT_DNS_PORT)
        addresses.append((host.strip("[]"), int(port)))
    return addresses


def _resolver() -> dns.resolver.Resolver:
    addresses = resolver_addresses()
    if not addresses:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [
            dns.nameserver.Do53Nameserver(host, port) for host, port in addresses
        ]
    resolver.lifetime = float(getattr(settings, "PISTA_DNS_TIMEOUT", 3.0))
    resolver.timeout = resolver.lifetime
    # Never answer from a cache: an owner who just fixed a record wants it seen.
    resolver.cache = None
    return resolver


def txt_records(name: str) -> list[str]:
    """The TXT strings published at ``name`` (each record's strings joined).

    An empty list when the name or its TXT records don't exist.
    Raises DnsLookupFailed when no server gave an answer.
    """
    try:
        answer = _resolver().resolve(
            dns.name.from_text(name), dns.rdatatype.TXT, search=False, raise_on_no_answer=False
        )
    except dns.resolver.NXDOMAIN:
        return []
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise DnsLookupFailed(str(exc) or type(exc).__name__) from exc
    except dns.exception.DNSException as exc:
        raise DnsLookupFailed(f"{type(exc).__name__}: {exc}") from exc
    if answer.rrset is None:
        return []
    return [b"".join(rdata.strings).decode("utf-8", errors="replace") for rdata in answer.rrset]
