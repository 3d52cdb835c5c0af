"""A real DNS server on loopback (dnslib's), serving records a test controls."""

from __future__ import annotations

import threading

from dnslib import QTYPE, RCODE, RR, TXT, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer


class DnsZone(BaseResolver):
    """Answers TXT questions from ``txt``; unknown names are NXDOMAIN. With
    ``failing`` set every answer is SERVFAIL (a broken DNS host)."""

    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}
        self.failing = False
        self.questions: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def publish(self, name: str, *values: str) -> None:
        with self._lock:
            self.txt[name.lower().rstrip(".")] = list(values)

    def clear(self) -> None:
        with self._lock:
            self.txt.clear()
            self.questions.clear()
            self.failing = False

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        qname = str(request.q.qname).lower().rstrip(".")
        with self._lock:
            self.questions.append((qname, QTYPE[request.q.qtype]))
            if self.failing:
                reply.header.rcode = RCODE.SERVFAIL
                return reply
            values = self.txt.get(qname)
        if values is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for value in values:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=60))
        return reply


class LoopbackDnsServer:
    def __init__(self) -> None:
        self.zone = DnsZone()
        quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        self.server = DNSServer(self.zone, address="127.0.0.1", port=0, logger=quiet)

    @property
    def address(self) -> str:
        host, port = self.server.server.server_address[:2]
        return f"{host}:{port}"

    def start(self) -> None:
        self.server.start_thread()

    def stop(self) -> None:
        self.server.stop()
        self.server.server.server_close()
