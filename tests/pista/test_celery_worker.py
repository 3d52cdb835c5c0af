"""Tenant context in background work, against a real Celery worker on Redis."""

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
from django.db import connection
from django_tenants.utils import schema_context

from pista.celery import app
from pista.tasks import WrongSchema
from tenants.provisioning.tasks import community_stats_task
from tests.conftest import service_unavailable

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def worker_queue(django_db_setup) -> Iterator[str]:
    """A real ``celery worker`` process consuming a queue of its own on Redis."""
    if not settings.REDIS_URL:
        service_unavailable("REDIS_URL is not set: no broker for a real worker")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_unavailable(f"Redis is unreachable: {exc}")
    queue = f"pista-test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "PISTA_DATABASE_NAME": connection.settings_dict["NAME"]}
    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(
        [
            str(celery),
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
        stderr=subprocess.PIPE,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def run_on_worker(queue: str) -> dict:
    """Send the task through Redis (not eagerly) and wait for the worker's result."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        return community_stats_task.apply_async(queue=queue).get(timeout=60)
    finally:
        app.conf.task_always_eager = eager


def test_task_queued_from_a_runs_in_as_schema_on_a_real_worker(
    worker_queue, community_a, community_b
):
    with schema_context(community_a.schema_name):
        stats_a = run_on_worker(worker_queue)
    with schema_context(community_b.schema_name):
        stats_b = run_on_worker(worker_queue)

    assert stats_a["schema"] == "alpha"
    assert stats_a["community"] == community_a.name
    assert stats_b["schema"] == "beta"
    assert stats_b["community"] == community_b.name
    assert stats_a["worker_pid"] != os.getpid()


def test_tenant_task_refuses_to_run_in_the_public_schema(db):
    connection.set_schema_to_public()
    with pytest.raises(WrongSchema):
        community_stats_task.apply().get()


def test_beat_fans_community_tasks_out_to_every_active_community(
    community_a, community_b, settings
):
    from core_apps.community.tasks import notification_digests_send_task
    from tenants.provisioning.tasks import community_fanout_task

    fanned = {
        entry["kwargs"]["task_name"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "tenants.tasks.community_fanout_task"
    }
    assert fanned == {
        "core_apps.orders.tasks.orders_expire_task",
        "core_apps.community.tasks.notification_digests_send_task",
        "core_apps.privacy.tasks.retention_enforce_task",
        "tenants.tasks.community_exports_prune_task",
        "pista.outbox.tasks.outbox_sweep_task",
        "core_apps.integrations.tasks.webhook_deliveries_due_task",
        "core_apps.integrations.tasks.webhook_deliveries_prune_task",
    }
    # The task's body, called directly (not as a task, so no subtask runs inside
    # another task's context); the queued digests run eagerly in their schemas.
    queued = community_fanout_task.run(task_name=notification_digests_send_task.name)
    assert queued == 2
