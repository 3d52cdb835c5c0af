"""The restore drill: a seeded community is backed up, deleted for good, restored
(same slug, then a new one), and still works: pages render, orders are there, the
owner signs in, pending outbox messages survive, files come back. A restore into
a slug that exists is refused.

``pg_dump`` reads committed data only, so this test works on data it commits
itself (like the browser tests) and removes what it created.
"""

from __future__ import annotations

import json
import tarfile
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Site

from cms.models import HomePage, StandardPage
from core_apps.accounts.models import User
from core_apps.orders.models import Order
from pista.outbox.models import OutboxMessage
from pista.storage import tenant_files_remove
from tenants.lifecycle.services.backup import (
    InvalidArchive,
    RestoreTargetTaken,
    community_restore,
)
from tenants.lifecycle.services.deletion import community_purge
from tenants.models import Community, Domain, PlatformTermsAcceptance, SchemaVersion
from tenants.provisioning.services import community_create
from tests.conftest import PASSWORD
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory

SLUG, COPY = "drill", "drill-copy"
OWNER = "owner@drill.example"


def _drop(slug: str) -> None:
    schema = slug.replace("-", "_")
    connection.set_schema_to_public()
    if schema_exists(schema):
        with schema_context(schema):
            for alias in ("default", "private"):
                tenant_files_remove(default_storage if alias == "default" else storages[alias])
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    Domain.objects.filter(tenant__slug=slug).delete()
    PlatformTermsAcceptance.objects.filter(community_slug=slug).delete()
    SchemaVersion.objects.filter(schema_name=schema).delete()
    Community.objects.filter(slug=slug).delete()


@pytest.fixture
def committed(django_db_setup, django_db_blocker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PISTA_PRIVATE_ROOT = tmp_path / "private"
    with django_db_blocker.unblock():
        for slug in (SLUG, COPY):
            _drop(slug)
        try:
            yield
        finally:
            for slug in (SLUG, COPY):
                _drop(slug)
            connection.close()


def _host(slug: str) -> str:
    return Community.objects.get(slug=slug).domains.get(is_primary=True).domain


def _seed() -> dict:
    community = community_create(
        slug=SLUG, name="Drill Salsa", owner_email=OWNER, owner_password=PASSWORD
    ).community
    with schema_context(community.schema_name):
        home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
        page = StandardPage(
            title="Our classes",
            slug="classes",
            body=[("rich_text", "<p>Salsa on Tuesdays at eight.</p>")],
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        event = EventFactory()
        quota = QuotaFactory(name="Party", size=10, event=event)
        product = ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])
        default_storage.save("documents/flyer.txt", ContentFile(b"drill flyer"))
        storages["private"].save("exports/note.txt", ContentFile(b"private note"))

    client = Client(HTTP_HOST=_host(SLUG))
    placed = client.post(
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": product.pk, "quantity": 2}],
        },
        content_type="application/json",
    )
    assert placed.status_code == 201, placed.content
    code, secret = placed.json()["order"]["code"], placed.json()["secret"]
    paid = client.post(
        f"/api/v1/orders/{code}/pay/",
        {"secret": secret, "card_number": "4242 4242 4242 4242"},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.content

    with schema_context(community.schema_name):
        # An effect recorded but not yet delivered when the backup runs.
        OutboxMessage.objects.create(
            task="core_apps.orders.tasks.order_paid_task",
            kwargs={"order_id": Order.objects.get(code=code).pk},
            dedupe_key=f"drill:{code}",
            next_attempt_at=timezone.now(),
        )
        outbox = sorted(
            OutboxMessage.objects.values_list("task", "dedupe_key", "status", "kwargs"),
            key=repr,
        )
        assert Order.objects.get(code=code).status == Order.Status.PAID
    return {"code": code, "outbox": outbox}


def _assert_community_works(slug: str, seeded: dict) -> None:
    client = Client(HTTP_HOST=_host(slug))
    home = client.get("/")
    assert home.status_code == 200
    assert "Drill Salsa" in home.content.decode()
    page = client.get("/classes/")
    assert page.status_code == 200
    assert "Salsa on Tuesdays at eight." in page.content.decode()

    # The owner signs in through the real login form (302 onwards, not the form again).
    signed_in = client.post("/accounts/login/", {"login": OWNER, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "/accounts/login/" not in signed_in["Location"]

    with schema_context(Community.objects.get(slug=slug).schema_name):
        order = Order.objects.get(code=seeded["code"])
        assert order.status == Order.Status.PAID
        assert order.positions.count() == 2
        assert User.objects.filter(email=OWNER).exists()
        outbox = sorted(
            OutboxMessage.objects.values_list("task", "dedupe_key", "status", "kwargs"),
            key=repr,
        )
        assert outbox == seeded["outbox"]
        assert default_storage.open("documents/flyer.txt").read() == b"drill flyer"
        assert storages["private"].open("exports/note.txt").read() == b"private note"


def test_restore_drill_backup_delete_restore_same_and_new_slug(committed, tmp_path):
    seeded = _seed()

    out = StringIO()
    call_command(
        "community_backup", "--slug", SLUG, "--to", str(tmp_path / "backups") + "/", stdout=out
    )
    backup = json.loads(out.getvalue())
    assert backup["files"] == {"default": 1, "private": 1}
    with tarfile.open(backup["path"]) as archive:
        names = set(archive.getnames())
    assert {"manifest.json", "schema.sql", "public.json"} <= names
    assert "files/default/documents/flyer.txt" in names

    # The loss: the community is deleted for good (schema, rows, domains, files).
    community = Community.objects.get(slug=SLUG)
    Community.objects.filter(pk=community.pk).update(
        status=Community.Status.DELETION_PENDING,
        deletion_due_at=timezone.now() - timedelta(minutes=1),
    )
    community.refresh_from_db()
    community_purge(community=community)
    assert not schema_exists(SLUG)
    assert Client(HTTP_HOST=f"{SLUG}.localhost").get("/").status_code == 404

    out = StringIO()
    call_command("community_restore", "--from", backup["path"], "--slug", SLUG, stdout=out)
    restored = json.loads(out.getvalue())
    assert restored["schema"] == SLUG and restored["skipped_domains"] == []
    _assert_community_works(SLUG, seeded)
    # The founder's acceptance of the platform's terms is linked again.
    restored_community = Community.objects.get(slug=SLUG)
    assert restored_community.status == Community.Status.ACTIVE

    # A slug that exists is refused, and nothing changes.
    with pytest.raises(CommandError, match="exists: a restore never overwrites"):
        call_command("community_restore", "--from", backup["path"], "--slug", SLUG)
    with pytest.raises(RestoreTargetTaken):
        community_restore(path=backup["path"], slug=SLUG)
    assert Community.objects.filter(slug=SLUG).count() == 1

    # A backup into the platform's storage (S3 when configured) restored into a
    # new slug, next to the original: schema renamed, sub-domain following the slug.
    out = StringIO()
    call_command("community_backup", "--slug", SLUG, "--to", "storage:backups/", stdout=out)
    stored = json.loads(out.getvalue())["path"]
    assert stored.startswith("storage:backups/pista-drill-")
    copy = community_restore(path=stored, slug=COPY)
    assert copy.schema == "drill_copy"
    assert copy.domains == [f"{COPY}.localhost"]
    _assert_community_works(COPY, seeded)
    with schema_context("drill_copy"):
        assert Site.objects.get(is_default_site=True).hostname == f"{COPY}.localhost"
    # The original is untouched.
    with schema_context(SLUG):
        assert Order.objects.get(code=seeded["code"]).status == Order.Status.PAID


def test_restore_refuses_what_is_not_an_archive(committed, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar")
    with pytest.raises(InvalidArchive, match="not a community archive"):
        community_restore(path=bogus, slug=SLUG)
    with pytest.raises(CommandError, match="No archive at"):
        call_command("community_restore", "--from", str(tmp_path / "missing.tar.gz"))
    with pytest.raises(CommandError, match="No archive at storage:backups/missing"):
        call_command("community_restore", "--from", "storage:backups/missing.tar.gz")
    with pytest.raises(CommandError, match="No community with the slug"):
        call_command("community_backup", "--slug", "nobody-here", "--to", str(tmp_path))
    assert not Community.objects.filter(slug=SLUG).exists()
