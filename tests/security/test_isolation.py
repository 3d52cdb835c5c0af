"""Every URL pattern, walked across two communities.

For each pattern of the community URLconf (``pista/urls_tenant.py``: pages, the
``/api/v1/`` API, allauth, the Wagtail admin at ``/cms/``) and of the platform
URLconf (``pista/urls_public.py``: the operators' Django admin), the path
parameters are filled with **community B's** object ids, slugs and secrets, then

1. community A's owner (staff with every permission) requests each of them on
   A's host, with GET and with POST: never a 500, and B's marker string never
   appears in a response;
2. A's session cookie is replayed on B's host (and on the platform host) for
   each of them: never a 500, the request is never authenticated, and B's
   private data never appears;

and spoofed ``Host`` headers get a 400 or 404.

A new URL parameter without an entry in ``PARAMETERS`` (or a new regex route
without one in ``REGEX_ROUTES``) makes ``test_every_url_parameter_has_a_value``
fail: add a line mapping it to one of B's objects (built in ``world_of_b``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group as RoleGroup
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.integrations.models import ApiKey, WebhookDelivery, WebhookSubscription
from tenants.models import Community
from tests.conftest import community_host, login

# Every text field of B's objects carries this marker; no response on A's host
# (and no response to A's replayed session on B's host) may contain it.
MARK = "Zq7BetaOnly"

# Ids of the objects made in B start here, far above anything in A, so the
# walk's POSTs (delete, publish, ...) can never touch one of A's own rows.
B_IDS_FROM = 7_000_000


# --- Which of B's objects fills each URL parameter ------------------------------
#
# (route prefix, parameter name) -> key of ``World.values``. The longest prefix
# that the route starts with wins; "" matches every route. Add new URLs here.
PARAMETERS: dict[tuple[str, str], str] = {
    # community: members, partner finder, messages, safety, groups
    ("", "user_id"): "member",
    ("", "request_id"): "partner_request",
    ("", "conversation_id"): "conversation",
    ("", "report_id"): "report",
    ("api/v1/groups/", "slug"): "group_slug",
    ("community/groups/", "slug"): "group_slug",
    # events and the catalogue
    ("api/v1/events/", "pk"): "event",
    ("events/manage/", "pk"): "event",
    ("events/manage/", "action"): "event_action",
    ("events/manage/dates/", "pk"): "event_date",
    ("events/", "slug"): "event_slug",
    ("events/teachers/", "teacher_id"): "artist",
    ("events/spaces/", "space_id"): "space",
    ("api/v1/products/", "pk"): "product",
    ("api/v1/products/", "fmt"): "export_format",
    ("tickets/manage/products/", "pk"): "product",
    ("tickets/manage/products/", "action"): "product_action",
    ("api/v1/quotas/", "pk"): "quota",
    ("tickets/manage/quotas/", "pk"): "quota",
    ("", "product_id"): "product",
    # orders, tickets, invoices, waitlist
    ("", "code"): "order_code",
    ("orders/", "secret"): "order_secret",
    ("orders/waitlist/", "secret"): "waitlist_secret",
    ("api/v1/waitlist/", "secret"): "waitlist_secret",
    ("", "position_id"): "position",
    ("", "number"): "invoice_number",
    # the back office (/manage/)
    ("manage/events/", "pk"): "event",
    ("manage/events/", "action"): "event_action",
    ("manage/events/dates/", "pk"): "event_date",
    ("manage/catalogue/products/", "pk"): "product",
    ("manage/catalogue/products/", "action"): "product_action",
    ("manage/catalogue/quotas/", "pk"): "quota",
    ("manage/catalogue/queues/", "event_id"): "event",
    ("queue/", "event_id"): "event",
    ("manage/orders/", "action"): "order_action",
    ("manage/venues/", "pk"): "venue",
    ("manage/venues/", "space_pk"): "space",
    ("manage/venues/", "blackout_pk"): "blackout_date",
    ("manage/artists/", "pk"): "artist",
    ("manage/dashboard/", "chart"): "dashboard_chart",
    ("manage/promo-codes/", "pk"): "promo_code",
    ("manage/styles-and-levels/styles/", "pk"): "dance_style",
    ("manage/styles-and-levels/levels/", "pk"): "level",
    ("manage/waitlists/entries/", "pk"): "waitlist_entry",
    ("manage/checkin/", "pk"): "checkin_list",
    ("manage/checkin/events/", "event_id"): "event",
    ("api/v1/checkin-lists/", "pk"): "checkin_list",
    ("", "checkin_id"): "checkin",
    # artists and venues
    ("api/v1/artists/", "pk"): "artist",
    ("artists/", "slug"): "artist_slug",
    ("api/v1/artist-bookings/", "pk"): "artist_booking",
    ("artists/bookings/", "pk"): "artist_booking",
    ("artists/bookings/", "action"): "artist_booking_action",
    ("api/v1/venues/", "pk"): "venue",
    ("venues/", "slug"): "venue_slug",
    ("api/v1/spaces/", "pk"): "space",
    ("venues/spaces/", "pk"): "space",
    ("api/v1/space-bookings/", "pk"): "space_booking",
    ("venues/bookings/", "pk"): "space_booking",
    ("venues/bookings/", "action"): "space_booking_action",
    ("api/v1/space-booking-series/", "pk"): "space_booking_series",
    # partner claims
    ("api/v1/partner-claims/", "token"): "partner_claim_token",
    ("orders/partner/", "token"): "partner_claim_token",
    # accounts: sessions and passkeys
    ("accounts/sessions/", "pk"): "user_session",
    ("accounts/2fa/webauthn/keys/", "pk"): "webauthn_key",
    # privacy (member) and the community's data (owner)
    ("privacy/policies/", "kind"): "policy_kind",
    ("legal/", "kind"): "policy_kind",  # the platform's own policies (platform host)
    ("privacy/export/", "token"): "member_export_token",
    ("settings/data/export/", "token"): "community_export_token",
    ("settings/data/delete/cancel/", "token"): "deletion_cancel_token",
    ("community/notifications/unsubscribe/", "token"): "digest_unsubscribe_token",
    # domains and onboarding
    ("", "domain_id"): "domain",
    # integrations: API keys, webhooks
    ("settings/integrations/keys/", "key_id"): "api_key",
    ("settings/integrations/webhooks/", "subscription_id"): "webhook",
    ("settings/integrations/webhooks/", "action"): "webhook_action",
    ("settings/integrations/deliveries/", "delivery_id"): "webhook_delivery",
    ("welcome/", "token"): "welcome_token",
    # the operator console (platform host): B's community and an action on it
    ("console/communities/", "slug"): "community_slug",
    ("console/communities/", "action"): "console_action",
    # Wagtail: pages, media, workflows, settings, admin users and groups
    ("", "page_id"): "page",
    ("", "parent_page_id"): "page",
    ("", "page_to_move_id"): "page",
    ("", "destination_id"): "page",
    ("", "page_pk"): "page",
    ("", "revision_id"): "revision",
    ("", "image_id"): "image",
    ("", "document_id"): "document",
    ("", "doc_id"): "document",
    ("", "uploaded_file_id"): "missing",  # Wagtail's upload staging rows: none in B
    ("", "collection_id"): "collection",
    ("", "redirect_id"): "redirect",
    ("", "restriction_id"): "page_view_restriction",
    ("", "page_view_restriction_id"): "page_view_restriction",
    ("", "workflow_pk"): "workflow",
    ("", "task_id"): "task",
    ("", "task_state_id"): "missing",
    ("", "workflow_state_id"): "missing",
    ("", "session_id"): "missing",
    ("", "object_id"): "page",
    ("", "filter_spec"): "image_filter",
    ("", "action_name"): "workflow_action",
    ("cms/", "uidb64"): "password_reset_uidb64",
    ("cms/", "token"): "password_reset_token",
    ("cms/", "app_label"): "page_app",
    ("cms/", "model_name"): "page_model",
    ("cms/", "content_type_app_name"): "page_app",
    ("cms/", "content_type_model_name"): "page_model",
    ("cms/", "app_name"): "page_app",
    ("cms/bulk/", "app_label"): "bulk_app",
    ("cms/bulk/", "model_name"): "bulk_model",
    ("cms/bulk/", "action"): "bulk_action",
    ("cms/settings/", "app_name"): "settings_app",
    ("cms/settings/", "model_name"): "settings_model",
    ("cms/settings/", "pk"): "site",
    ("cms/api/main/^pages/", "pk"): "page",
    ("cms/api/main/^documents/", "pk"): "document",
    ("cms/api/main/^images/", "pk"): "image",
    ("cms/collections/", "pk"): "collection",
    ("cms/workflows/", "pk"): "workflow",
    ("cms/workflows/tasks/", "pk"): "task",
    ("cms/sites/", "pk"): "site",
    ("cms/locales/", "pk"): "locale",
    ("cms/translation/submit/snippet/", "pk"): "page",
    ("cms/users/", "pk"): "member",
    ("cms/groups/", "pk"): "role_group",
    ("cms/documents/chooser/chosen/", "pk"): "document",
    ("cms/images/chooser/chosen/", "pk"): "image",
    # operators' Django admin on the platform host (public schema)
    ("admin/", "object_id"): "member",
    ("admin/tenants/community/", "object_id"): "community",
    ("admin/", "content_type_id"): "content_type",
    ("admin/", "id"): "member",
}

# Wagtail snippets: cms/snippets/<app>/<model>/…/<pk>/ and the chooser's …/chosen/<pk>/.
SNIPPETS = {
    "events/event": "event",
    "events/dancestyle": "dance_style",
    "events/level": "level",
    "ticketing/product": "product",
    "ticketing/quota": "quota",
    "ticketing/pricetier": "price_tier",
    "ticketing/attendeequestion": "attendee_question",
    "artists/artistprofile": "artist",
    "venues/venue": "venue",
    "venues/space": "space",
    "venues/openinghours": "opening_hours",
    "venues/blackoutdate": "blackout_date",
}
for _snippet, _key in SNIPPETS.items():
    PARAMETERS[(f"cms/snippets/{_snippet}/", "pk")] = _key
    PARAMETERS[(f"cms/snippets/choose/{_snippet}/", "pk")] = _key

# Routes written as regular expressions: one concrete path each ({key} from the world).
REGEX_ROUTES: dict[str, str] = {
    r"api/v1/^(?P<unmatched>.*)$": "api/v1/nothing-here/{member}/",
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": "accounts/confirm-email/{confirmation_key}/",
    r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "accounts/password/reset/key/{password_reset_key}/"
    ),
    r"documents/^(\d+)/(.*)$": "documents/{document}/{document_filename}",
    (
        r"cms/pages/^(?P<pk>\d+)/revisions/compare/"
        r"(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$"
    ): "cms/pages/{page}/revisions/compare/earliest...live/",
    r"cms/^.*/$": "cms/no-such-admin-view/",
    r"^((?:[\w\-]+/)*)$": "{page_slug}/",
    r"admin/(?P<url>.*)$": "admin/no-such-admin-view/",
    (
        r"admin/^(?P<app_label>tenants|billing|auth|accounts|account|mfa|usersessions|axes|privacy)/$"
    ): "admin/tenants/",
}

# 500s that are Wagtail's own, reachable only by signed-in CMS staff sending a
# hand-made POST (the admin's forms always send the fields): route -> why.
KNOWN_UPSTREAM_500 = {
    "cms/failwhale/": "Wagtail's deliberate error-reporting test view (staff only)",
    "cms/choose-external-link/": "Wagtail's URL field crashes on a POST without 'url'",
    **{
        f"cms/snippets/choose/{snippet}/create/": (
            "Wagtail's chooser has no creation form for this snippet; POST crashes"
        )
        for snippet in SNIPPETS
    },
}

# Links that sign their holder in by themselves (B's own welcome link signs in
# B's member on B's host whatever cookie comes along): not a replayed session.
SIGN_IN_LINKS = {"welcome/<str:token>/"}

# Routes that end the signed-in session (the walk signs in again after them).
# Wagtail's admin logout also answers GET (a forced logout, no data exposed).
SESSION_ENDING = {"accounts/logout/", "cms/logout/", "accounts/sessions/end-all/"}

# Links whose token is itself the credential, emailed to the one person it is
# for (a partner's claim link names the couple's registration to its holder,
# whoever's cookie comes along): what they show is not reached through a session.
CAPABILITY_LINKS = {"orders/partner/<str:token>/"}


# --- The walk -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # the concatenated route, as Django shows it
    parameters: tuple[str, ...]
    methods: tuple[str, ...]  # what the walk sends


def _methods(callback) -> tuple[str, ...]:
    """GET always; for a class-based view each write method it handles; for a
    function view (which may take any method) POST."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ("GET", "POST")
    writes = [m.upper() for m in ("post", "put", "patch", "delete") if hasattr(view_class, m)]
    return ("GET", *writes)


_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>")


def routes(urlconf: str) -> list[Route]:
    """Every URL pattern of ``urlconf`` (includes flattened)."""

    def walk(patterns, prefix: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                assert isinstance(entry, URLPattern)
                pattern = prefix + str(entry.pattern)
                names = tuple(
                    m.group("name") or m.group("regex_name") for m in _PARAMETER.finditer(pattern)
                )
                yield Route(pattern, names, _methods(entry.callback))

    return list(walk(get_resolver(urlconf).url_patterns, ""))


def _is_regex(route: Route) -> bool:
    return "(" in route.pattern


def parameter_key(route: Route, name: str) -> str | None:
    matches = [
        (len(prefix), key)
        for (prefix, parameter), key in PARAMETERS.items()
        if parameter == name and route.pattern.startswith(prefix)
    ]
    return max(matches)[1] if matches else None


def unmapped(route: Route) -> list[str]:
    if _is_regex(route):
        return [] if route.pattern in REGEX_ROUTES else ["(regex route)"]
    return [name for name in route.parameters if parameter_key(route, name) is None]


def concrete_path(route: Route, values: dict[str, str]) -> str:
    """The route with B's values in place of its parameters."""
    if _is_regex(route):
        return "/" + REGEX_ROUTES[route.pattern].format(**values)

    def fill(match: re.Match) -> str:
        return str(values[parameter_key(route, match.group("name"))])

    return "/" + _PARAMETER.sub(fill, route.pattern).replace("^", "").replace("$", "")


TENANT_ROUTES = routes("pista.urls_tenant")
PUBLIC_ROUTES = routes("pista.urls_public")


def test_every_url_parameter_has_a_value():
    """New URLs join the isolation walk: map their parameters in PARAMETERS."""
    missing = {
        route.pattern: names
        for route in TENANT_ROUTES + PUBLIC_ROUTES
        if (names := unmapped(route))
    }
    assert not missing, f"map these URL parameters to B's objects in PARAMETERS: {missing}"
    assert len(TENANT_ROUTES) > 400  # the Wagtail admin and the API are in the walk
    assert any(r.pattern.startswith("api/v1/") for r in TENANT_ROUTES)
    assert any(r.pattern.startswith("cms/") for r in TENANT_ROUTES)
    assert any(r.pattern.startswith("admin/") for r in PUBLIC_ROUTES)


# --- Community B's world --------------------------------------------------------


@dataclass
class World:
    values: dict[str, str]


def _ids_start_high(schema: str) -> None:
    """Move every sequence of ``schema`` past B_IDS_FROM (sequences ignore rollbacks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'S' AND n.nspname = %s",
            [schema],
        )
        for (name,) in cursor.fetchall():
            qualified = f'"{schema}"."{name}"'
            cursor.execute(
                "SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM " + qualified + ")))",
                [qualified, B_IDS_FROM],
            )


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def world_of_b(community: Community) -> World:
    """One object of every kind in community B, each text field carrying MARK."""
    from allauth.account.forms import default_token_generator as allauth_tokens
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        Locale,
        Page,
        PageViewRestriction,
        Site,
        Workflow,
    )

    from cms.models import StandardPage
    from core_apps.accounts.services import login_token_issue
    from core_apps.artists.models import ArtistBooking
    from core_apps.community.mail import digest_unsubscribe_token
    from core_apps.community.models import (
        Conversation,
        ConversationMember,
        Group,
        Message,
        PartnerRequest,
        Report,
    )
    from core_apps.events.models import EventDate
    from core_apps.orders.models import (
        CheckIn,
        CheckinList,
        Order,
        Position,
        PromoCode,
        WaitlistEntry,
    )
    from core_apps.orders.services import invoice_create
    from core_apps.orders.services.partners import partner_claim_link
    from core_apps.privacy.models import DataExport, PolicyDocument
    from core_apps.privacy.services.exports import export_link_token
    from core_apps.ticketing.models import AttendeeQuestion, PriceTier
    from core_apps.venues.models import BlackoutDate, OpeningHours, SpaceBooking, SpaceBookingSeries
    from tenants.lifecycle.services.deletion import cancel_token_issue
    from tenants.lifecycle.services.export import export_token_issue
    from tests.core_apps.events.factories import (
        DanceStyleFactory,
        EventFactory,
        LevelFactory,
        ProductFactory,
        QuotaFactory,
    )
    from tests.core_apps.venues.factories import ArtistFactory, SpaceFactory, VenueFactory
    from tests.factories import UserFactory

    domain = community.domains.get(is_primary=True)
    with schema_context(community.schema_name):
        _ids_start_high(community.schema_name)
        now = timezone.now()
        member = UserFactory(email=f"{MARK.lower()}@example.org", display_name=f"{MARK} Member")
        other = UserFactory(email="beta-other@example.org", display_name=f"{MARK} Other")
        event = EventFactory(title=f"{MARK} event", slug="beta-only-event")
        event_date = EventDate.objects.filter(event=event).get()
        quota = QuotaFactory(name=f"{MARK} quota")
        product = ProductFactory(name=f"{MARK} ticket", event=event, quotas=[quota])
        tier = PriceTier.objects.create(
            product=product, name=f"{MARK} tier", price_minor=1000, ends_at=now
        )
        question = AttendeeQuestion.objects.create(product=product, label=f"{MARK} question?")
        order = Order.objects.create(
            code="BETAORD7",
            secret="b" * 32,
            event=event,
            email=member.email,
            name=f"{MARK} Buyer",
            user=member,
            status=Order.Status.PAID,
            provider=Order.Provider.MANUAL,
            currency="EUR",
            total_minor=1500,
            paid_at=now,
        )
        position = Position.objects.create(
            order=order,
            product=product,
            attendee_name=f"{MARK} Attendee",
            attendee_email=member.email,
            price_minor=1500,
            secret="p" * 32,
        )
        invoice = invoice_create(order=order)
        waitlist = WaitlistEntry.objects.create(
            product=product, email="beta-wait@example.org", name=f"{MARK} Waiting", secret="w" * 32
        )
        checkin_list = CheckinList.objects.create(event=event, name=f"{MARK} door")
        checkin = CheckIn.objects.create(
            position=position, checkin_list=checkin_list, location=f"{MARK} door"
        )
        promo_code = PromoCode.objects.create(code="BETAONLY", kind="percent", value=10)
        artist = ArtistFactory(name=f"{MARK} Artist", slug="beta-only-artist")
        artist_booking = ArtistBooking.objects.create(
            artist=artist,
            organizer=member,
            title=f"{MARK} gig",
            starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=30, hours=2),
            fee_minor=10000,
            currency="EUR",
        )
        venue = VenueFactory(name=f"{MARK} Venue", slug="beta-only-venue")
        space = SpaceFactory(venue=venue, name=f"{MARK} Room")
        opening = OpeningHours.objects.create(venue=venue, weekday=0, opens="10:00", closes="22:00")
        blackout = BlackoutDate.objects.create(
            venue=venue, date=now.date(), reason=f"{MARK} closed"
        )
        series = SpaceBookingSeries.objects.create(
            space=space,
            requester=member,
            title=f"{MARK} series",
            rrule="FREQ=WEEKLY;COUNT=2",
            first_starts_at=now + timedelta(days=40),
            duration_minutes=60,
        )
        starts = now + timedelta(days=50)
        space_booking = SpaceBooking.objects.create(
            space=space,
            requester=member,
            title=f"{MARK} rehearsal",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            blocked_from=starts,
            blocked_until=starts + timedelta(hours=1),
            price_minor=3000,
            currency="EUR",
        )
        partner_request = PartnerRequest.objects.create(
            sender=member, recipient=other, message=f"{MARK} shall we dance?"
        )
        conversation = Conversation.objects.create(created_by=member)
        for user in (member, other):
            ConversationMember.objects.create(conversation=conversation, user=user)
        Message.objects.create(conversation=conversation, sender=member, body=f"{MARK} secret")
        report = Report.objects.create(
            reporter=other,
            reported_user=member,
            kind=Report.Kind.values[0],
            object_id=member.pk,
            reason=Report.Reason.values[0],
            details=f"{MARK} report",
            snapshot={"text": MARK},
        )
        group = Group.objects.create(
            name=f"{MARK} group",
            slug="beta-only-group",
            join_policy=Group.JoinPolicy.values[0],
            created_by=member,
        )
        home = Page.objects.get(depth=2)
        page = StandardPage(title=f"{MARK} page", slug="beta-only-page")
        home.add_child(instance=page)
        revision = page.save_revision()
        revision.publish()
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="beta-only"
        )
        collection = Collection.get_first_root_node().add_child(name=f"{MARK} collection")
        image = Image.objects.create(
            title=f"{MARK} image", file=ContentFile(_png(), name="beta-only.png"), width=8, height=8
        )
        document = Document.objects.create(
            title=f"{MARK} document", file=ContentFile(MARK.encode(), name="beta-only.txt")
        )
        redirect = Redirect.objects.create(old_path="/beta-only-old", redirect_link="/")
        workflow = Workflow.objects.create(name=f"{MARK} workflow")
        task = GroupApprovalTask.objects.create(name=f"{MARK} task")
        role_group = RoleGroup.objects.create(name=f"{MARK} role")
        address = EmailAddress.objects.create(
            user=other, email="beta-unverified@example.org", verified=False
        )
        user_session = UserSession.objects.create(
            user=member, ip="192.0.2.7", session_key="b" * 32, user_agent=f"{MARK} browser"
        )
        webauthn_key = Authenticator.objects.create(
            user=member, type=Authenticator.Type.WEBAUTHN, data={"name": f"{MARK} key"}
        )
        PolicyDocument.objects.create(
            kind=PolicyDocument.Kind.PRIVACY, version=1, text=f"<p>{MARK} policy</p>"
        )
        member_export = DataExport.objects.create(user=member)
        api_key = ApiKey.objects.create(
            name=f"{MARK} api key",
            prefix="bbbbbbbbbb",
            secret_hash="0" * 64,
            scopes=["events:read"],
            created_by=member,
            created_at=timezone.now(),
        )
        webhook = WebhookSubscription.objects.create(
            url=f"https://hooks.example.org/{MARK}",
            event_types=["order.paid"],
            secret=f"whsec_{MARK}",
            created_by=member,
            created_at=timezone.now(),
        )
        webhook_delivery = WebhookDelivery.objects.create(
            subscription=webhook,
            event_id="00000000-0000-0000-0000-0000000000bb",
            event_type="order.paid",
            payload={"data": {"order": MARK}},
            created_at=timezone.now(),
        )
        values = {
            "member": member.pk,
            "partner_request": partner_request.pk,
            "conversation": conversation.pk,
            "report": report.pk,
            "group_slug": group.slug,
            "event": event.pk,
            "event_slug": event.slug,
            "event_date": event_date.pk,
            "event_action": "publish",
            "product": product.pk,
            "product_action": "publish",
            "export_format": "csv",
            "quota": quota.pk,
            "price_tier": tier.pk,
            "attendee_question": question.pk,
            "dance_style": DanceStyleFactory(name=f"{MARK} style", slug="beta-style").pk,
            "level": LevelFactory(name=f"{MARK} level", slug="beta-level").pk,
            "order_code": order.code,
            "order_secret": order.secret,
            "position": position.pk,
            "invoice_number": invoice.number,
            "waitlist_secret": waitlist.secret,
            "waitlist_entry": waitlist.pk,
            "order_action": "mark-paid",
            "dashboard_chart": "promos",
            "promo_code": promo_code.pk,
            "checkin_list": checkin_list.pk,
            "checkin": checkin.pk,
            "artist": artist.pk,
            "artist_slug": artist.slug,
            "artist_booking": artist_booking.pk,
            "artist_booking_action": "accept",
            "venue": venue.pk,
            "venue_slug": venue.slug,
            "space": space.pk,
            "opening_hours": opening.pk,
            "blackout_date": blackout.pk,
            "space_booking": space_booking.pk,
            "space_booking_series": series.pk,
            "space_booking_action": "approve",
            "domain": domain.pk,
            "api_key": api_key.pk,
            "webhook": webhook.pk,
            "webhook_action": "disable",
            "webhook_delivery": webhook_delivery.pk,
            "community": community.pk,
            "welcome_token": login_token_issue(schema=community.schema_name, email=member.email),
            "page": page.pk,
            "page_slug": page.slug,
            "revision": revision.pk,
            "page_view_restriction": restriction.pk,
            "image": image.pk,
            "image_filter": "original",
            "document": document.pk,
            "document_filename": "beta-only.txt",
            "collection": collection.pk,
            "redirect": redirect.pk,
            "workflow": workflow.pk,
            "task": task.pk,
            "workflow_action": "approve",
            "site": Site.objects.get().pk,
            "locale": Locale.objects.order_by("pk").first().pk,
            "role_group": role_group.pk,
            "page_app": "cms",
            "page_model": "standardpage",
            "bulk_app": "wagtailcore",
            "bulk_model": "page",
            "bulk_action": "delete",
            "settings_app": "themes",
            "settings_model": "brandingsettings",
            "content_type": ContentType.objects.get_for_model(User).pk,
            "missing": B_IDS_FROM + 999,
            "confirmation_key": EmailConfirmationHMAC(address).key,
            "password_reset_key": (
                f"{user_pk_to_url_str(member)}-{allauth_tokens.make_token(member)}"
            ),
            "password_reset_uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
            "password_reset_token": default_token_generator.make_token(member),
            "partner_claim_token": partner_claim_link(position=position).url.rsplit("/", 2)[-2],
            "user_session": user_session.pk,
            "webauthn_key": webauthn_key.pk,
            "policy_kind": PolicyDocument.Kind.PRIVACY,
            "member_export_token": export_link_token(export=member_export),
            "community_export_token": export_token_issue(user=member, name="beta-export.zip"),
            "deletion_cancel_token": cancel_token_issue(user=member),
            "community_slug": community.slug,
            "console_action": "suspend",
            "digest_unsubscribe_token": digest_unsubscribe_token(user=member),
        }
    return World({key: str(value) for key, value in values.items()})


# --- Requests -------------------------------------------------------------------


@dataclass
class Finding:
    route: str
    request: str
    problem: str


@dataclass
class Walk:
    findings: list[Finding] = field(default_factory=list)
    timings: list[tuple[float, str]] = field(default_factory=list)

    def request(self, client: Client, method: str, route: Route, path: str):
        """One request; a raised exception or a 5xx becomes a finding."""
        where = f"{method} {client.defaults['HTTP_HOST']}{path}"
        started = time.perf_counter()
        try:
            if method in ("GET", "POST"):
                response = getattr(client, method.lower())(path, {})
            else:  # an API write with an empty JSON object
                response = client.generic(method, path, "{}", "application/json")
        except Exception as error:  # the view raised: a 500 in production
            response, problem = None, f"500 ({type(error).__name__}: {error})"[:300]
        else:
            problem = "5xx" if response.status_code >= 500 else ""
        self.timings.append((time.perf_counter() - started, where))
        connection.set_schema_to_public()
        if problem and route.pattern not in KNOWN_UPSTREAM_500:
            self.findings.append(Finding(route.pattern, where, problem))
        return response

    def check(self, route: Route, response, problem: str) -> None:
        host = response.wsgi_request.get_host()
        where = f"{response.wsgi_request.method} {host}{response.wsgi_request.path}"
        self.findings.append(Finding(route.pattern, where, problem))

    def report(self) -> str:
        slowest = sorted(self.timings, reverse=True)[:5]
        return "\n".join(
            [f"{f.request} [{f.route}]: {f.problem}" for f in self.findings]
            + [f"({len(self.timings)} requests; slowest: {slowest})"]
        )


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _signed_in(client: Client, community: Community) -> bool:
    key = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if key is None:
        return False
    with schema_context(community.schema_name):
        return "_auth_user_id" in SessionStore(session_key=key.value).load()


@pytest.fixture
def owner_a_client(community_a) -> Client:
    client = Client(HTTP_HOST=community_host(community_a))
    login(client, community_a, email="owner@alpha.example")
    return client


@pytest.fixture
def world(community_b) -> World:
    return world_of_b(community_b)


def test_owner_of_a_never_sees_bs_objects_through_any_url(community_a, owner_a_client, world):
    walk = Walk()
    for route in TENANT_ROUTES + PUBLIC_ROUTES:
        path = concrete_path(route, world.values)
        for method in route.methods:
            response = walk.request(owner_a_client, method, route, path)
            if response is not None and MARK.encode() in _body(response):
                walk.check(route, response, "B's data on A's host")
            if not _signed_in(owner_a_client, community_a):
                login(owner_a_client, community_a, email="owner@alpha.example")
                if route.pattern not in SESSION_ENDING:
                    walk.findings.append(Finding(route.pattern, f"{method} {path}", "signed out"))
    assert not walk.findings, walk.report()


# B's private data: what no one but B's members (and staff) may see.
PRIVATE_OF_B = [f"{MARK} secret", f"{MARK} Buyer", f"{MARK} report", MARK.lower()]


def test_as_session_replayed_on_b_and_on_the_platform_is_never_signed_in(
    community_b, owner_a_client, world
):
    cookie = owner_a_client.cookies[settings.SESSION_COOKIE_NAME].value
    walk = Walk()
    for host, schema, urlconf_routes in [
        (community_host(community_b), community_b.schema_name, TENANT_ROUTES),
        (settings.PISTA_BASE_DOMAIN.split(":")[0], "public", PUBLIC_ROUTES),
    ]:
        for route in urlconf_routes:
            path = concrete_path(route, world.values)
            for method in route.methods:
                client = Client(HTTP_HOST=host)
                client.cookies[settings.SESSION_COOKIE_NAME] = cookie
                response = walk.request(client, method, route, path)
                if response is None:
                    continue
                with schema_context(schema):
                    if (
                        response.wsgi_request.user.is_authenticated
                        and route.pattern not in SIGN_IN_LINKS
                    ):
                        walk.check(route, response, "signed in with A's session")
                body = _body(response)
                leaked = [text for text in PRIVATE_OF_B if text.encode() in body]
                if leaked and route.pattern not in CAPABILITY_LINKS:
                    walk.check(route, response, f"B's private data {leaked}")
    assert not walk.findings, walk.report()


# --- Spoofed hosts --------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "unknown.example",
        "alpha.localhost.evil.com",
        "evil.com.alpha.localhost.invalid",
        "alpha.localhost:8000@evil.com",
        "alpha.localhost:8000.evil.com",
        "alpha.localhost:8000:8000",
        "ALPHA.localhost:abc",
        "alpha.localhost/evil",
        "alpha.localhost\\@evil.com",
        "xn--alpha-evil.localhost",
        "",
    ],
)
def test_spoofed_hosts_get_400_or_404(community_a, host):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code in (400, 404), (host, response.status_code)
    assert b"Alpha Salsa" not in response.content


@pytest.mark.parametrize("host", ["alpha.localhost:1", "alpha.localhost:99999", "alpha.localhost."])
def test_port_and_dot_variants_of_a_host_reach_that_community_or_nothing(
    community_a, community_b, host
):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code in (200, 400, 404), (host, response.status_code)
    assert b"Beta Tango" not in response.content
    if response.status_code == 200:
        assert b"Alpha Salsa" in response.content


def test_x_forwarded_host_does_not_route_to_a_community(community_a, community_b):
    unknown = Client(HTTP_HOST="unknown.example", HTTP_X_FORWARDED_HOST=community_host(community_a))
    assert unknown.get("/").status_code in (400, 404)

    on_a = Client(HTTP_HOST=community_host(community_a))
    response = on_a.get("/", HTTP_X_FORWARDED_HOST=community_host(community_b))
    assert response.status_code == 200
    assert b"Beta Tango" not in response.content
    assert b"Alpha Salsa" in response.content


def test_b_objects_exist_so_the_walk_means_something(community_b, world):
    """The walk's values are B's real rows (guards against a silently empty world)."""
    from core_apps.events.models import Event
    from core_apps.orders.models import Order

    with schema_context(community_b.schema_name):
        assert Event.objects.filter(pk=world.values["event"], title__contains=MARK).exists()
        assert Order.objects.filter(code=world.values["order_code"]).exists()
    assert int(world.values["event"]) >= B_IDS_FROM
