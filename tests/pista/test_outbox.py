"""The outbox in one process: recording, delivery, backoff, sweep, dedupe and the
per-schema isolation of messages (the fault drills are test_outbox_faults)."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from pista.celery import app
from pista.outbox.models import EffectMarker, OutboxMessage
from pista.outbox.services import (
    effect_once,
    outbox_deliver,
    outbox_enqueue,
    outbox_sweep,
)

pytestmark = pytest.mark.django_db
CALLS: list[dict] = []


@app.task(name="tests.outbox.record_task")
def record_task(**kwargs):
    if kwargs.get("fail"):
        raise RuntimeError("the effect failed")
    CALLS.append({"schema": connection.schema_name, **kwargs})


@pytest.fixture(autouse=True)
def _calls_reset():
    CALLS.clear()


def test_a_message_is_recorded_in_the_transaction_and_delivered_once_it_commits(
    in_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox_enqueue(record_task, n=1)
        assert OutboxMessage.objects.get(pk=message.pk).status == "pending"
        assert CALLS == []  # nothing before commit
    assert CALLS == [{"schema": "alpha", "n": 1}]
    assert OutboxMessage.objects.get(pk=message.pk).status == "done"


def test_a_rolled_back_transaction_records_nothing(in_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        outbox_enqueue(record_task, n=2)
        raise ValueError
    assert not OutboxMessage.objects.filter(task="tests.outbox.record_task").exists()
    assert CALLS == []


def test_the_same_dedupe_key_records_the_effect_once(in_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_enqueue(record_task, dedupe_key="k1", n=3) is not None
        assert outbox_enqueue(record_task, dedupe_key="k1", n=3) is None
    assert CALLS == [{"schema": "alpha", "n": 3}]


def test_a_failing_effect_backs_off_then_gives_up(in_a, settings):
    settings.PISTA_OUTBOX_MAX_ATTEMPTS = 2
    message = OutboxMessage.objects.create(
        task=record_task.name, kwargs={"fail": True}, next_attempt_at=timezone.now()
    )
    assert outbox_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.attempts == 1 and "the effect failed" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert outbox_sweep() == 0  # not due yet
    assert outbox_deliver(message_id=message.pk) == "failed"
    assert OutboxMessage.objects.get(pk=message.pk).status == "failed"
    out = StringIO()
    call_command("outbox_status", stdout=out)
    assert f"#{message.pk} {record_task.name}" in out.getvalue()
    call_command("outbox_status", retry=message.pk, schema="alpha", stdout=StringIO())
    assert OutboxMessage.objects.get(pk=message.pk).status == "pending"


def test_the_sweep_delivers_due_messages_of_its_own_schema_only(community_a, community_b):
    with schema_context(community_a.schema_name):
        OutboxMessage.objects.create(
            task=record_task.name, kwargs={"n": 4}, next_attempt_at=timezone.now()
        )
    with schema_context(community_b.schema_name):
        assert outbox_sweep() == 0
        with schema_context(community_a.schema_name):
            assert outbox_sweep() == 1
    assert CALLS == [{"schema": "alpha", "n": 4}]


def test_a_message_another_session_is_delivering_is_left_to_it(in_a):
    message = OutboxMessage.objects.create(
        task=record_task.name, kwargs={"n": 5}, next_attempt_at=timezone.now()
    )
    from pista.outbox.services import _advisory_key

    key = _advisory_key(message.pk)
    held, release = threading.Event(), threading.Event()

    def other_session() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
                held.set()
                release.wait(10)
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        finally:
            connection.close()

    thread = threading.Thread(target=other_session)
    thread.start()
    assert held.wait(10)
    try:
        assert outbox_deliver(message_id=message.pk) == "busy"
    finally:
        release.set()
        thread.join()
    assert CALLS == []
    assert outbox_deliver(message_id=message.pk) == "done"


def test_effect_once_lets_an_effect_happen_once_and_again_after_it_failed(in_a):
    ran = []
    with pytest.raises(RuntimeError), effect_once("e:1") as first:
        assert first
        raise RuntimeError  # the effect failed: no marker
    with effect_once("e:1") as first:
        if first:
            ran.append(1)
    with effect_once("e:1") as first:
        if first:
            ran.append(2)
    assert ran == [1]
    assert EffectMarker.objects.filter(key="e:1").count() == 1


def test_delivered_messages_are_forgotten_after_a_week(in_a):
    from pista.outbox.services import outbox_prune

    old = OutboxMessage.objects.create(
        task=record_task.name,
        status="done",
        next_attempt_at=timezone.now(),
        done_at=timezone.now() - timedelta(days=8),
    )
    recent = OutboxMessage.objects.create(
        task=record_task.name,
        status="done",
        next_attempt_at=timezone.now(),
        done_at=timezone.now() - timedelta(days=1),
    )
    failed = OutboxMessage.objects.create(
        task=record_task.name, status="failed", next_attempt_at=timezone.now() - timedelta(days=30)
    )
    assert outbox_prune() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) >= {recent.pk, failed.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
