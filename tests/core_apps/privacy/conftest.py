"""A member with personal data in every corner of a community, for the export,
erasure and retention tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessLog
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from core_apps.accounts.models import User
from core_apps.artists.models import ArtistProfile
from core_apps.community.models import (
    Conversation,
    ConversationMember,
    DancerProfile,
    DanceSkill,
    Follow,
    Group,
    GroupMembership,
    GroupPost,
    Message,
    Notification,
    PartnerRequest,
    Report,
)
from core_apps.orders.models import CheckIn, Invoice, Order, Position, WaitlistEntry
from core_apps.privacy.models import ConsentRecord
from core_apps.privacy.services import audit_record
from core_apps.privacy.services.consents import consent_give, policy_publish
from tests.conftest import PASSWORD
from tests.core_apps.events.factories import EventFactory, ProductFactory

EMAIL = "zelmira.quixtano@example.org"
NAME = "Zelmira Quixtano"
PHONE = "+49 151 2345 6789"
FRIEND = "Ana Lima"


@dataclass
class Member:
    user: User
    other: User
    order_invoiced: Order
    order_plain: Order
    message_sent: Message
    message_received: Message


_counter = [0]


def _unique(prefix: str) -> str:
    _counter[0] += 1
    return f"{prefix}{_counter[0]}{timezone.now().timestamp():.0f}"[:40]


def member_with_data(*, email: str = EMAIL, name: str = NAME, phone: str = PHONE) -> Member:
    """Create, in the current schema, a member with data in every inventory area."""
    first, last = name.split(" ", 1)
    user = User.objects.create_user(
        email=email, password=PASSWORD, display_name=name, first_name=first, last_name=last
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    other = User.objects.create_user(email=_unique("bob") + "@example.org", display_name="Bob")

    profile = DancerProfile.objects.create(
        user=user, display_name=name, bio=f"<p>Call me on {phone}</p>", city="Berlin"
    )
    DanceSkill.objects.create(profile=profile, style="salsa", role=1, level=3)
    conversation = Conversation.objects.create(created_by=user)
    ConversationMember.objects.create(conversation=conversation, user=user)
    ConversationMember.objects.create(conversation=conversation, user=other)
    sent = Message.objects.create(
        conversation=conversation, sender=user, body=f"Hi Bob, it's {name}, {phone}"
    )
    received = Message.objects.create(
        conversation=conversation, sender=other, body=f"Hello {name}! See you at 8."
    )
    Notification.objects.create(user=other, kind="partner_request", text=f"{name} wants to dance")
    Notification.objects.create(user=user, kind="follow", text="Bob follows you")
    PartnerRequest.objects.create(sender=user, recipient=other, message="Shall we dance?")
    Follow.objects.create(follower=user, followed=other)
    group = Group.objects.create(name="Shines", slug=_unique("shines"), created_by=other)
    GroupMembership.objects.create(group=group, user=user, status="active")
    GroupPost.objects.create(group=group, author=user, body=f"{name} here, text me: {phone}")
    Report.objects.create(
        reporter=other,
        reported_user=user,
        kind="message",
        object_id=sent.pk,
        reason="spam",
        details=f"{name} keeps writing",
        snapshot={"body": sent.body, "sender": email},
    )

    product = ProductFactory(event=EventFactory())
    order_invoiced = Order.objects.create(
        code=_unique("Z"),
        secret=_unique("s"),
        email=email,
        name=name,
        user=user,
        status="paid",
        provider="simulated",
        currency="EUR",
        total_minor=1500,
    )
    position = Position.objects.create(
        order=order_invoiced,
        product=product,
        attendee_name=name,
        attendee_email=email,
        answers={"Phone": phone},
        price_minor=1500,
        secret=_unique("p"),
    )
    CheckIn.objects.create(position=position, location="door")
    # A ticket they bought for a friend: the friend's, not theirs.
    Position.objects.create(
        order=order_invoiced,
        product=product,
        attendee_name=FRIEND,
        attendee_email="ana.lima@example.org",
        price_minor=0,
        secret=_unique("f"),
    )
    Invoice.objects.create(
        order=order_invoiced,
        number=int(timezone.now().timestamp() * 1000) % 2_000_000_000 + _counter[0],
        total_minor=1500,
        tax_minor=0,
        currency="EUR",
        lines=[{"description": product.name, "tax_rate": "0", "tax_minor": 0, "price_minor": 1500}],
    )
    order_plain = Order.objects.create(
        code=_unique("Y"),
        secret=_unique("s"),
        email=email,
        name=name,
        user=user,
        status="cancelled",
        provider="free",
        currency="EUR",
    )
    WaitlistEntry.objects.create(product=product, email=email, name=name, secret=_unique("w"))
    ArtistProfile.objects.create(
        user=user, name=name, slug=_unique(name.lower().replace(" ", "-") + "-")
    )

    FormSubmission.objects.create(
        page=Page.objects.get(depth=2),
        form_data={"name": name, "email": email, "phone": phone, "message": "Hello!"},
    )
    AccessAttempt.objects.create(
        username=email,
        ip_address="203.0.113.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data=f"login={email}",
        failures_since_start=1,
    )
    AccessLog.objects.create(
        username=email,
        ip_address="203.0.113.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        attempt_time=timezone.now(),
    )
    audit_record("auth.login", actor=user, data={"method": "password"})
    audit_record("auth.login_failed", data={"email": email})
    audit_record("role.grant", target=user, subject=user, data={"role": "member"})
    documents = [
        policy_publish(kind="privacy", text="<p>We keep little.</p>"),
        policy_publish(kind="terms", text="<p>Be kind.</p>"),
    ]
    consent_give(user=user, documents=documents, method=ConsentRecord.Method.SIGNUP)
    return Member(user, other, order_invoiced, order_plain, sent, received)


@pytest.fixture
def member_a(in_a) -> Member:
    return member_with_data()


def rows_everywhere(schema: str, needle: str) -> list[tuple[str, str, Any]]:
    """Every (table, column, row id) of ``schema`` whose text, varchar or JSON
    column contains ``needle`` (case-insensitive)."""
    from django.db import connection

    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')
            ORDER BY 1, 2
            """,
            [schema],
        )
        columns = cursor.fetchall()
        for table, column in columns:
            cursor.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{column}"::text ILIKE %s',
                [f"%{needle}%"],
            )
            count = cursor.fetchone()[0]
            if count:
                hits.append((table, column, count))
    return hits
