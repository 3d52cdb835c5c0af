"""Public pages benchmark: anonymous event page and home page through gunicorn.

Run from the repository root: ``.venv/bin/python bench/pages.py [--clients 50]
[--seconds 30] [--workers 2] [--threads 4]``. It provisions a temporary
community with the salsa demo's content (events, products, teachers, venues,
orders; English and German, so every page carries the language switcher's
form), starts gunicorn against the configured database (DEBUG off) and keeps
``--clients`` keep-alive clients busy on the event page, then on the home
page, ``--seconds`` each. The page cache lives in Redis: ``REDIS_URL``'s, else
a private redis-server the bench starts.
The same load then runs against a gunicorn with the page cache switched off
(``PISTA_PAGE_CACHE=0``) for ``ratio``. The community is dropped at the end.

gunicorn: ``--workers`` processes of the ``gthread`` class with ``--threads``
threads. On 2 cores two processes use both (more only queue on the GIL and
the cores, which the load generator shares); threads keep connections alive
and overlap the Redis and database round trips. The clients are one asyncio
loop over raw keep-alive sockets (the cheapest client measured: it must
leave the cores to the server).

Keys: ``rps``, ``p50_ms``, ``p95_ms``, ``errors`` (cached, both pages),
``pages`` (per page), ``baseline`` (the same without the cache), ``ratio``
(cached rps ÷ baseline rps). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

import checkout as base  # sets Django up
import server
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from billing.demo import plans_demo_seed
from billing.services.plans import plan_assign, plan_get
from core_apps.events.demo import SEEDERS
from tenants.demo import DEMO_SEEDERS
from tenants.lifecycle.services.deletion import tenant_cache_purge
from tenants.models import Community
from tenants.provisioning.services import community_create, community_languages_set

ROOT = base.ROOT
EVENT_SLUG = "salsa-cubana-beginner"
PAGES = {"event": f"/events/{EVENT_SLUG}/", "home": "/"}
SEEDERS_SKIPPED = ("core_apps.community.",)


def community_provision() -> tuple[Community, str]:
    """A community with the salsa demo's content (seeded as on the largest plan)."""
    slug = f"bench-pages-{uuid.uuid4().hex[:8]}"
    provisioned = community_create(
        slug=slug,
        name="Bench Salsa",
        owner_email=f"o@{slug}.example",
        theme="festival",
        time_zone="Europe/Berlin",
    )
    community = provisioned.community
    community_languages_set(community=community, languages=["de"])
    plans_demo_seed()
    plan_assign(community=community, plan=plan_get(slug="business", offered_only=False))
    with schema_context(community.schema_name):
        SEEDERS["salsa"](community)
        for seeder in DEMO_SEEDERS:
            # Members (hashed passwords: slow to make on purpose) show on no public page.
            if not seeder.__module__.startswith(SEEDERS_SKIPPED):
                seeder(community)
    connection.set_schema_to_public()
    return community, provisioned.domains[0]


def redis_private_start() -> subprocess.Popen:
    """A redis-server of the bench's own (no ``REDIS_URL``): gunicorn's cache."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench/pages.py needs Redis: set REDIS_URL or install redis-server.")
    port = base.free_port()
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    os.environ["CACHE_REDIS_URL"] = f"redis://127.0.0.1:{port}/1"
    return process


def pages_env(*, cache: bool) -> dict[str, str]:
    return server.server_env(PISTA_PAGE_CACHE="1" if cache else "0")


def pages_server_start(port: int, args: argparse.Namespace, *, cache: bool, log: Path):
    """gunicorn's gthread workers serving Pista, the page cache on or off."""
    return server.gunicorn_start(
        "pista.wsgi:application",
        port=port,
        env=pages_env(cache=cache),
        log=log,
        workers=args.workers,
        threads=args.threads,
        worker_class="gthread",
        keep_alive_s=30,
    )


def _request(host: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Language: en\r\n\r\n".encode()


async def _read(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One response: status, body, whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value.strip().lower() == "close"
    return status, await reader.readexactly(length), close


async def _one(port: int, host: str, path: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_request(host, path))
        status, body, _ = await _read(reader)
        return status, body
    finally:
        writer.close()


async def _client(
    port: int, host: str, path: str, until: float, latencies: list[float], errors: list[str]
) -> None:
    request = _request(host, path)
    reader = writer = None
    while time.perf_counter() < until:
        began = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            writer.write(request)
            status, _, close = await _read(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200:
            errors.append(str(status))
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port: int, host: str, path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(_client(port, host, path, until, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def _cpu_seconds(server: psutil.Process) -> tuple[float, float]:
    """CPU time used so far by gunicorn (master and workers) and by this process."""
    used = 0.0
    for process in [server, *server.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        used += times.user + times.system
    own = psutil.Process().cpu_times()
    return used, own.user + own.system


def _figures(runs: list[dict]) -> dict:
    latencies = [value for run in runs for value in run["latencies"]]
    errors = sum(len(run["errors"]) for run in runs)
    elapsed = sum(run["elapsed"] for run in runs)
    requests = max(len(latencies), 1)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(base.percentile(latencies, 0.5), 1) if latencies else None,
        "p95_ms": round(base.percentile(latencies, 0.95), 1) if latencies else None,
        "errors": errors,
        # CPU per request: the server's (all gunicorn processes) and the client's.
        "server_cpu_ms": round(sum(run["server_cpu"] for run in runs) * 1000 / requests, 2),
        "client_cpu_ms": round(sum(run["client_cpu"] for run in runs) * 1000 / requests, 2),
    }


def measure(host: str, args: argparse.Namespace, *, cache: bool, expect: dict[str, str]) -> dict:
    """Both pages against one gunicorn (page cache on or off)."""
    label = "cached" if cache else "uncached"
    port = base.free_port()
    log = Path(tempfile.gettempdir()) / f"pista-bench-pages-{label}.log"
    began = time.perf_counter()
    process = pages_server_start(port, args, cache=cache, log=log)
    served = psutil.Process(process.pid)
    print(f"{label}: gunicorn up in {time.perf_counter() - began:.1f} s")
    runs = {}
    try:
        for name, path in PAGES.items():
            for _ in range(args.workers * args.threads):  # every worker, every thread
                status, body = asyncio.run(_one(port, host, path))
                if status != 200 or expect[name] not in body.decode():
                    raise SystemExit(f"{label} {path}: {status}, {expect[name]!r} missing")
            server_before, client_before = _cpu_seconds(served)
            run = asyncio.run(_load(port, host, path, args.clients, args.seconds))
            server_after, client_after = _cpu_seconds(served)
            run.update(
                server_cpu=server_after - server_before, client_cpu=client_after - client_before
            )
            runs[name] = run
            figures = _figures([run])
            errors = sorted(set(run["errors"]))[:5]
            print(
                f"{label} {name:5s} {path}: {figures['requests']} requests, "
                f"{figures['rps']} rps, p50 {figures['p50_ms']} ms, "
                f"p95 {figures['p95_ms']} ms, errors {figures['errors']} {errors}; CPU per "
                f"request: server {figures['server_cpu_ms']} ms, "
                f"client {figures['client_cpu_ms']} ms"
            )
    finally:
        server.gunicorn_stop(process)
    return {
        **_figures(list(runs.values())),
        "pages": {name: _figures([run]) for name, run in runs.items()},
    }


def run(args: argparse.Namespace) -> tuple[dict, dict | None]:
    """Provision, measure with the page cache and without, drop the community."""
    began = time.perf_counter()
    community, host = community_provision()
    print(f"provisioned in {time.perf_counter() - began:.1f} s")
    print(
        f"community {community.slug} on {host}: {args.clients} clients, {args.seconds:g} s "
        f"per page; gunicorn gthread {args.workers} workers x {args.threads} threads"
    )
    expect = {"event": "Salsa cubana", "home": "Bench Salsa"}
    try:
        server.static_collect(pages_env(cache=False))
        cached = measure(host, args, cache=True, expect=expect)
        baseline = None if args.no_baseline else measure(host, args, cache=False, expect=expect)
    finally:
        connection.set_schema_to_public()
        Community.objects.get(pk=community.pk).delete(force_drop=True)
        tenant_cache_purge(schema=community.schema_name)
        print(f"dropped {community.slug}")
    return cached, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    # The page cache lives in Redis: without REDIS_URL, gunicorn gets a private one.
    redis = None if settings.REDIS_URL else redis_private_start()
    try:
        cached, baseline = run(args)
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=20)
    result = {
        **cached,
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "threads": args.threads,
        "baseline": baseline,
        "ratio": round(cached["rps"] / baseline["rps"], 1)
        if baseline and baseline["rps"]
        else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
