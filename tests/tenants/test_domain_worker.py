"""The verification task on a real Celery worker (Redis broker), asking the
DNS server on loopback, against committed data."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import Client

from pista.celery import app
from tenants.domains.tasks import domain_verify_task
from tenants.models import Community, Domain
from tenants.routing.services import domain_cache_forget
from tests.conftest import service_unavailable

pytestmark = [pytest.mark.worker, pytest.mark.django_db]

HOST = "worker-check.example"


@pytest.fixture(scope="module")
def committed_pending_domain(django_db_setup, django_db_blocker) -> Iterator[tuple[int, str]]:
    from django.db import connection

    with django_db_blocker.unblock():
        Domain.objects.filter(domain=HOST).delete()
        domain = Domain.objects.create(domain=HOST, tenant=Community.objects.get(slug="alpha"))
        database = connection.settings_dict["NAME"]
    try:
        yield domain.pk, database
    finally:
        with django_db_blocker.unblock():
            Domain.objects.filter(domain=HOST).delete()
            domain_cache_forget([HOST])


@pytest.fixture(scope="module")
def worker_queue(committed_pending_domain, dns_server) -> Iterator[str]:
    """A ``celery worker`` whose resolver is the loopback DNS server."""
    if not settings.REDIS_URL:
        service_unavailable("REDIS_URL is not set: no broker for a real worker")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_unavailable(f"Redis is unreachable: {exc}")
    queue = f"pista-domains-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "PISTA_DATABASE_NAME": committed_pending_domain[1],
        "PISTA_DNS_RESOLVER": dns_server.address,
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "pista",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_a_real_worker_verifies_a_domain_through_the_loopback_dns_server(
    worker_queue, committed_pending_domain, dns_server
):
    domain_id, _database = committed_pending_domain
    token = Domain.objects.get(pk=domain_id).verification_token
    dns_server.zone.clear()
    dns_server.zone.publish(f"_pista-verify.{HOST}", f"pista-verify={token}")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        status = domain_verify_task.apply_async(
            kwargs={"domain_id": domain_id}, queue=worker_queue
        ).get(timeout=90)
    finally:
        app.conf.task_always_eager = eager
        questions = list(dns_server.zone.questions)
        dns_server.zone.clear()

    assert status == "verified"
    assert (f"_pista-verify.{HOST}", "TXT") in questions
    domain = Domain.objects.get(pk=domain_id)
    assert domain.status == Domain.Status.VERIFIED and domain.verified_at is not None
    response = Client(HTTP_HOST=HOST).get("/x?y=1")
    assert response.status_code == 301
    assert response["Location"] == "http://alpha.localhost:8000/x?y=1"
