"""A member's export (Art. 15/20): every inventory field, a signed link that
only its member can use, in its community, until it expires."""

from __future__ import annotations

import io
import json
import re
import time
import types
import zipfile
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.privacy.inventory import INVENTORY
from core_apps.privacy.models import AuditEntry, DataExport
from core_apps.privacy.services.exports import member_emails
from tests.conftest import PASSWORD, community_host, login
from tests.core_apps.privacy.conftest import EMAIL, PHONE, member_with_data

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/privacy/export/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _request_export(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privacy/export/")
    assert response.status_code == 302
    return response


def _download_path() -> str:
    message = mail.outbox[-1]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_export_contains_every_inventory_field_for_the_member(
    member_a, client_a, community_a, django_capture_on_commit_callbacks
):
    user = member_a.user
    login(client_a, community_a, user)
    _request_export(client_a, django_capture_on_commit_callbacks)

    assert mail.outbox[-1].to == [EMAIL]
    response = client_a.get(_download_path())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    files = {f["model"]: f["file"] for f in manifest["files"]}

    emails = member_emails(user)
    built_at = DataExport.objects.get(user=user).ready_at
    non_empty = set()
    for entry in INVENTORY:
        if not entry.exported:
            assert entry.model not in files
            continue
        rows = json.loads(archive.read(files[entry.model]))
        expected = entry.rows_about(user, emails)
        if entry.model == "privacy.AuditEntry":
            # Not the export's own "ready" and "download" entries, written after it.
            expected = expected.filter(created_at__lt=built_at)
        assert sorted(r["id"] for r in rows) == sorted(expected.values_list("pk", flat=True))
        for row in rows:
            missing = [name for name in entry.fields if name not in row]
            assert not missing, f"{entry.model} export lacks {missing}"
            assert not any("secret" in key or "password" in key for key in row)
        if rows:
            non_empty.add(entry.model)
    # The walk covered the member's data, not empty files.
    assert {
        "accounts.User",
        "account.EmailAddress",
        "community.DancerProfile",
        "community.Message",
        "community.PartnerRequest",
        "orders.Order",
        "orders.Position",
        "orders.Invoice",
        "orders.WaitlistEntry",
        "privacy.ConsentRecord",
        "privacy.AuditEntry",
        "wagtailforms.FormSubmission",
        "axes.AccessLog",
    } <= non_empty

    data = {model: json.loads(archive.read(path)) for model, path in files.items()}
    assert data["accounts.User"][0]["email"] == EMAIL
    assert data["orders.Position"][0]["answers"] == {"Phone": PHONE}
    # Messages they sent, not the ones they received.
    assert [m["id"] for m in data["community.Message"]] == [member_a.message_sent.pk]
    assert {"privacy.export_request", "privacy.export_ready", "privacy.export_download"} <= set(
        AuditEntry.objects.filter(subject=user).values_list("action", flat=True)
    )


def test_export_link_is_for_its_member_only(
    member_a, client_a, community_a, django_capture_on_commit_callbacks
):
    login(client_a, community_a, member_a.user)
    _request_export(client_a, django_capture_on_commit_callbacks)
    path = _download_path()

    # Another member of the same community, signed in: refused.
    login(client_a, community_a, member_a.other)
    assert client_a.get(path).status_code == 404
    # Nobody signed in: sent to the login page first.
    client_a.logout()
    assert client_a.get(path)["Location"].startswith("/accounts/login/")


def test_export_link_of_one_community_does_not_work_on_another(
    member_a, client_a, community_a, client_b, community_b, django_capture_on_commit_callbacks
):
    login(client_a, community_a, member_a.user)
    _request_export(client_a, django_capture_on_commit_callbacks)
    path = _download_path()
    with schema_context(community_b.schema_name):
        twin = member_with_data()  # same address and name in Beta
    login(client_b, community_b, twin.user)
    assert client_b.get(path).status_code == 404
    # Nor does Alpha's session travel to Beta's host.
    assert client_a.get(path, HTTP_HOST=community_host(community_b)).status_code in (302, 404)


def test_export_of_one_community_holds_none_of_anothers_data(member_a, community_a, community_b):
    from core_apps.privacy.services.exports import member_data_collect

    with schema_context(community_b.schema_name):
        twin = member_with_data()
        beta_codes = {twin.order_invoiced.code, twin.order_plain.code}
    with schema_context(community_a.schema_name):
        codes = {o["code"] for o in member_data_collect(user=member_a.user)["orders.Order"]}
    assert codes == {member_a.order_invoiced.code, member_a.order_plain.code}
    assert not codes & beta_codes


def test_expired_export_links_are_refused(
    member_a, client_a, community_a, django_capture_on_commit_callbacks, monkeypatch
):
    login(client_a, community_a, member_a.user)
    _request_export(client_a, django_capture_on_commit_callbacks)
    path = _download_path()
    assert client_a.get(path).status_code == 200

    # Eight days on, the signature itself is too old…
    real_time = time.time
    monkeypatch.setattr(
        signing, "time", types.SimpleNamespace(time=lambda: real_time() + 8 * 86400)
    )
    assert client_a.get(path).status_code == 404
    monkeypatch.undo()
    # …and an export past its expiry is refused even with a fresh signature.
    DataExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_a.get(path).status_code == 404


def test_exports_are_not_built_twice_in_a_row(
    member_a, client_a, community_a, django_capture_on_commit_callbacks
):
    login(client_a, community_a, member_a.user)
    _request_export(client_a, django_capture_on_commit_callbacks)
    _request_export(client_a, django_capture_on_commit_callbacks)
    assert DataExport.objects.filter(user=member_a.user).count() == 1
    assert len(mail.outbox) == 1


def test_export_files_live_under_the_communitys_prefix(
    member_a, client_a, community_a, django_capture_on_commit_callbacks, tmp_path
):
    login(client_a, community_a, member_a.user)
    _request_export(client_a, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=member_a.user)
    stored = list(tmp_path.rglob("*.zip"))
    assert len(stored) == 1
    assert stored[0].relative_to(tmp_path).parts[0] == community_a.schema_name
    assert export.file.name.startswith("privacy/exports/")
    assert PASSWORD not in stored[0].read_bytes().decode("latin-1")
