"""A member deletes their account (Art. 17): afterwards no table of the
community holds their email, name or phone, except the invoice fields the law
makes us keep (restricted)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.artists.models import ArtistProfile
from core_apps.community.models import Message, Notification, Report
from core_apps.orders.models import Order, Position
from core_apps.privacy.inventory import INVENTORY
from core_apps.privacy.models import AuditEntry, ErasureReport
from core_apps.privacy.services.erasure import erased_email, member_erase
from tests.conftest import PASSWORD, login
from tests.core_apps.privacy.conftest import (
    EMAIL,
    NAME,
    PHONE,
    member_with_data,
    rows_everywhere,
)

pytestmark = pytest.mark.django_db


def _retained_columns() -> set[tuple[str, str]]:
    columns = set()
    for entry in INVENTORY:
        model = entry.model_class
        for name in entry.retained_fields:
            columns.add((model._meta.db_table, model._meta.get_field(name).column))
    return columns


def _confirm_password(client) -> None:
    """allauth's password confirmation, which deleting the account asks for."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_account_deletion_needs_a_recent_password_confirmation(member_a, client_a, community_a):
    login(client_a, community_a, member_a.user)  # no password typed in this session
    response = client_a.post("/privacy/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.get(pk=member_a.user.pk).is_active


def test_after_erasure_only_the_retained_invoice_fields_hold_the_members_data(
    member_a, client_a, community_a, community_b, django_capture_on_commit_callbacks
):
    schema = community_a.schema_name
    with schema_context(community_b.schema_name):
        twin = member_with_data()  # same person, also a member of Beta
    before = {needle: rows_everywhere(schema, needle) for needle in (EMAIL, NAME, PHONE)}
    assert len({table for hits in before.values() for table, _c, _n in hits}) >= 15

    login(client_a, community_a, member_a.user)
    page = client_a.get("/privacy/delete/")
    assert page.status_code == 200
    _confirm_password(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/privacy/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    retained = _retained_columns()
    for needle in (EMAIL, NAME, PHONE, NAME.lower().replace(" ", "-")):
        leftovers = [
            (table, column, count)
            for table, column, count in rows_everywhere(schema, needle)
            if (table, column) not in retained
        ]
        assert leftovers == [], f"{needle!r} is still in {leftovers}"
    # The invoice keeps its customer, and only the invoiced order does.
    kept = Order.objects.get(pk=member_a.order_invoiced.pk)
    assert (kept.name, kept.email) == (NAME, EMAIL)
    assert kept.language == ""
    friend = Position.objects.get(attendee_email="ana.lima@example.org")
    assert friend.attendee_name == "Ana Lima"  # a ticket they bought for someone else
    plain = Order.objects.get(pk=member_a.order_plain.pk)
    assert (plain.name, plain.email) == ("", "")

    # A tombstone account that nobody can sign in to.
    user = User.objects.get(pk=member_a.user.pk)
    assert user.email == erased_email(user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert not user.display_name and not user.groups.exists()
    artist = ArtistProfile.objects.get(user=user)
    assert (artist.slug, artist.name, artist.is_public) == (f"erased-{artist.pk}", "", False)
    # Messages they sent stay in the conversation, anonymised; the others' are scrubbed.
    sent = Message.objects.get(pk=member_a.message_sent.pk)
    assert sent.sender_id == user.pk and sent.body == ""
    assert Message.objects.get(pk=member_a.message_received.pk).body == (
        "Hello [erased]! See you at 8."
    )
    assert Notification.objects.filter(user=member_a.other).get().text == "[erased] wants to dance"
    assert Report.objects.get(reported_user=user).snapshot == {
        "body": "Hi Bob, it's [erased], [erased]",
        "sender": "[erased]",
    }
    # The report: an erasure summary and an audit entry, neither naming the person.
    report = ErasureReport.objects.get(user_id_erased=user.pk)
    assert report.summary["models"]["community.DancerProfile"]["action"] == "delete"
    assert [r["model"] for r in report.summary["retained"]] == ["orders.Order"]
    done = AuditEntry.objects.get(action="privacy.erasure_done")
    assert done.subject_id == user.pk and EMAIL not in str(done.data)
    # Signed out, and can't sign in again.
    assert "_auth_user_id" not in client_a.session
    assert (
        client_a.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD}).status_code == 200
    )

    # The same person in Beta is untouched.
    with schema_context(community_b.schema_name):
        assert User.objects.get(pk=twin.user.pk).email == EMAIL
        assert Message.objects.get(pk=twin.message_sent.pk).body.startswith("Hi Bob")
        assert not ErasureReport.objects.exists()


def test_erasure_is_idempotent(member_a):
    assert member_erase(user_id=member_a.user.pk) is not None
    assert member_erase(user_id=member_a.user.pk) is None
    assert ErasureReport.objects.count() == 1


def test_erasure_leaves_other_members_alone(member_a):
    other = member_a.other
    email = other.email
    member_erase(user_id=member_a.user.pk)
    other.refresh_from_db()
    assert (other.email, other.display_name, other.is_active) == (email, "Bob", True)
    assert Message.objects.filter(sender=other).exists()


def test_the_only_owner_cannot_delete_their_account(in_a, client_a, community_a):
    owner = User.objects.get(email="owner@alpha.example")
    login(client_a, community_a, owner)
    client_a.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client_a.post("/privacy/delete/", {"confirm": "on"})
    assert response["Location"] == "/privacy/"
    owner.refresh_from_db()
    assert owner.is_active and owner.email == "owner@alpha.example"
    assert not AuditEntry.objects.filter(action="privacy.erasure_request").exists()
