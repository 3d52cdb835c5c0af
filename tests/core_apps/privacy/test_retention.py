"""Retention: rows past their category's period are deleted or anonymised by
a daily beat job in every community, which logs what it removed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.contrib.forms.models import FormSubmission

from core_apps.community.models import Notification
from core_apps.orders.models import Invoice, Order, WaitlistEntry
from core_apps.privacy.models import AuditEntry, DataExport
from core_apps.privacy.tasks import retention_enforce_task
from pista.tasks import WrongSchema
from tenants.provisioning.tasks import community_fanout_task
from tests.core_apps.privacy.conftest import EMAIL, NAME, member_with_data

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def _age(model, pk, field, by):
    model.objects.filter(pk=pk).update(**{field: timezone.now() - by})


def _aged_rows(member) -> dict[str, int]:
    """Age some of ``member``'s rows past their periods; return their ids."""
    old_note = Notification.objects.filter(user=member.other).get()
    _age(Notification, old_note.pk, "created_at", 2 * YEAR)
    old_audit = AuditEntry.objects.create(action="auth.login", actor_label=EMAIL)
    _age(AuditEntry, old_audit.pk, "created_at", 3 * YEAR)
    attempt = AccessAttempt.objects.get(username=EMAIL)
    _age(AccessAttempt, attempt.pk, "attempt_time", timedelta(days=91))
    submission = FormSubmission.objects.get()
    _age(FormSubmission, submission.pk, "submit_time", 2 * YEAR)
    left = WaitlistEntry.objects.get(email=EMAIL)
    WaitlistEntry.objects.filter(pk=left.pk).update(status="left")
    _age(WaitlistEntry, left.pk, "created", 2 * YEAR)
    _age(Order, member.order_plain.pk, "created", 4 * YEAR)
    # Invoiced: kept past the orders' period, released after the invoices' one.
    _age(Order, member.order_invoiced.pk, "created", 4 * YEAR)
    return {
        "notification": old_note.pk,
        "audit": old_audit.pk,
        "attempt": attempt.pk,
        "submission": submission.pk,
        "waitlist": left.pk,
    }


def test_aged_rows_go_and_recent_ones_stay(member_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids = _aged_rows(member_a)
    recent_note = Notification.objects.create(user=member_a.other, kind="follow", text="New")
    export = DataExport.objects.create(user=member_a.user, status="ready")
    export.file.save("old.zip", ContentFile(b"zip"), save=True)
    _age(DataExport, export.pk, "requested_at", timedelta(days=8))
    stored = export.file.path

    removed = retention_enforce_task.delay().get()

    assert not Notification.objects.filter(pk=ids["notification"]).exists()
    assert Notification.objects.filter(pk=recent_note.pk).exists()
    assert not AuditEntry.objects.filter(pk=ids["audit"]).exists()
    assert not AccessAttempt.objects.filter(pk=ids["attempt"]).exists()
    assert not FormSubmission.objects.filter(pk=ids["submission"]).exists()
    assert not WaitlistEntry.objects.filter(pk=ids["waitlist"]).exists()
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not (tmp_path / stored).exists()
    plain = Order.objects.get(pk=member_a.order_plain.pk)
    assert (plain.name, plain.email) == ("", "")
    invoiced = Order.objects.get(pk=member_a.order_invoiced.pk)
    assert (invoiced.name, invoiced.email) == (NAME, EMAIL)
    # Recent rows of the same kinds stay.
    assert AuditEntry.objects.filter(action="auth.login_failed").exists()

    log = AuditEntry.objects.get(action="privacy.retention")
    assert log.data["removed"] == removed
    assert removed["community.Notification"] == 1
    assert removed["orders.Order"] == 1

    # A second run finds nothing and logs nothing.
    assert retention_enforce_task.delay().get() == {}
    assert AuditEntry.objects.filter(action="privacy.retention").count() == 1


def test_invoice_fields_are_released_after_the_invoice_period(member_a):
    Order.objects.filter(pk=member_a.order_invoiced.pk).update(created=timezone.now() - 11 * YEAR)
    Invoice.objects.filter(order=member_a.order_invoiced).update(created=timezone.now() - 11 * YEAR)
    removed = retention_enforce_task.delay().get()
    invoiced = Order.objects.get(pk=member_a.order_invoiced.pk)
    assert (invoiced.name, invoiced.email) == ("", "")
    assert removed["orders.Order (retained fields)"] == 1
    assert Invoice.objects.filter(order=invoiced).exists()  # the invoice itself stays


def test_retention_runs_in_each_community_and_only_there(community_a, community_b):
    notes = {}
    for community in (community_a, community_b):
        with schema_context(community.schema_name):
            member = member_with_data()
            note = Notification.objects.get(user=member.other)
            _age(Notification, note.pk, "created_at", 2 * YEAR)
            notes[community.schema_name] = note.pk

    with schema_context(community_a.schema_name):
        retention_enforce_task.delay().get()
        assert not Notification.objects.filter(pk=notes[community_a.schema_name]).exists()
    with schema_context(community_b.schema_name):
        assert Notification.objects.filter(pk=notes[community_b.schema_name]).exists()
        assert not AuditEntry.objects.filter(action="privacy.retention").exists()

    # The beat's fan-out reaches Beta too.
    with schema_context("public"):
        queued = community_fanout_task.delay(
            task_name="core_apps.privacy.tasks.retention_enforce_task"
        ).get()
    assert queued >= 2
    with schema_context(community_b.schema_name):
        assert not Notification.objects.filter(pk=notes[community_b.schema_name]).exists()
        assert AuditEntry.objects.filter(action="privacy.retention").exists()


def test_retention_refuses_the_public_schema(db):
    with schema_context("public"), pytest.raises(WrongSchema):
        retention_enforce_task.delay().get()


def test_the_beat_runs_retention_daily_in_every_community():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "tenants.tasks.community_fanout_task"
    assert entry["kwargs"] == {"task_name": "core_apps.privacy.tasks.retention_enforce_task"}
    assert entry["schedule"] <= 86400
