"""The data inventory: every model that holds personal data, declared once.

Each :class:`PersonalData` entry names a model, its personal fields, the
category (which sets the retention period), the purpose and legal basis, how
to find the rows about one member and what erasure does to them. The export
(Art. 15/20), the erasure (Art. 17), the retention beat job and the record of
processing (Art. 30) are all driven by this list; ``tests/core_apps/privacy``
fails when a model with a name-, email-, phone- or address-like field, or a
link to a user, is neither listed here nor in :data:`NOT_PERSONAL`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast


class LegalBasis(StrEnum):
    """Art. 6(1) GDPR."""

    CONSENT = "consent (Art. 6(1)(a))"
    CONTRACT = "contract (Art. 6(1)(b))"
    LEGAL_OBLIGATION = "legal obligation (Art. 6(1)(c))"
    LEGITIMATE_INTERESTS = "legitimate interests (Art. 6(1)(f))"


class Erasure(StrEnum):
    """What a member's erasure does to their rows."""

    DELETE = "delete"
    ANONYMISE = "anonymise"  # the row stays, its personal fields are blanked
    RETAIN_RESTRICTED = "retain (restricted)"  # kept for a legal duty, then anonymised
    DETACH = "keep, linked to the anonymised account"  # no personal field of its own


class Retention(StrEnum):
    """What the retention job does to a row past its category's period."""

    NONE = "none"
    DELETE = "delete"
    ANONYMISE = "anonymise"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    # None: kept for as long as the account (or the community) exists.
    retention: timedelta | None
    retention_text: str


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in [
        Category("account", "Account and sign-in", None, "until the account is deleted"),
        Category("profile", "Dance profile and community life", None, "until deleted"),
        Category("messages", "Private messages", None, "until the account is deleted"),
        Category("notifications", "Notifications", timedelta(days=365), "1 year after creation"),
        Category(
            "orders",
            "Orders, registrations and attendees",
            timedelta(days=3 * 365),
            "3 years (limitation period), then anonymised",
        ),
        Category(
            "invoices",
            "Invoices (restricted)",
            timedelta(days=10 * 365),
            "10 years (commercial and tax law), then anonymised",
        ),
        Category("checkins", "Check-ins", timedelta(days=365), "1 year after the check-in"),
        Category("waitlist", "Waiting lists", timedelta(days=365), "1 year after joining"),
        Category(
            "bookings",
            "Artist and venue bookings and contacts",
            None,
            "for the contract's life; invoices as above",
        ),
        Category("safety", "Reports and moderation", timedelta(days=2 * 365), "2 years"),
        Category("security", "Sign-in security logs", timedelta(days=90), "90 days"),
        Category("audit", "Audit log", timedelta(days=2 * 365), "2 years"),
        Category(
            "consents",
            "Consent records",
            None,
            "while the account exists and as proof afterwards",
        ),
        Category("forms", "Contact form submissions", timedelta(days=365), "1 year"),
        Category("exports", "Data exports", timedelta(days=7), "7 days"),
        # Same period as core_apps.integrations.services.IDEMPOTENCY_TTL.
        Category(
            "idempotency", "Answers kept for repeated API requests", timedelta(days=1), "24 hours"
        ),
        Category("editorial", "CMS editorial records", None, "for the life of the community"),
    ]
}


@dataclass(frozen=True)
class PersonalData:
    """One model's personal data.

    ``member``: lookups from the model to the member's ``User`` (``"user"``,
    ``"order__user"``); ``member_email``: fields holding the member's address
    (matched case-insensitively); ``member_text``: fields (JSON included) whose
    text contains it. Together they select the rows about one member.
    """

    model: str
    fields: tuple[str, ...]
    category: str
    purpose: str
    legal_basis: LegalBasis
    erasure: Erasure
    member: tuple[str, ...] = ()
    member_email: tuple[str, ...] = ()
    member_text: tuple[str, ...] = ()
    # Fields kept by RETAIN_RESTRICTED rows (the rest are anonymised).
    retained_fields: tuple[str, ...] = ()
    # Rows RETAIN_RESTRICTED applies to (others are anonymised at once).
    retain_if: dict[str, Any] = field(default_factory=dict)
    retention: Retention = Retention.NONE
    age_field: str = ""
    # Rows the retention job may touch (e.g. only finished orders).
    retention_filter: dict[str, Any] = field(default_factory=dict)
    # Free-text fields of *other* people's rows that may quote the member
    # (a notification "Maria wants to dance"): erasure scrubs the member's
    # identifiers from them.
    mentions: tuple[str, ...] = ()
    # Whether the member's own export includes these rows (their own data).
    exported: bool = True
    # Erasure's own row selection (lookups to the user) and fields, when they
    # differ from the export's: an audit entry *about* a member keeps who acted.
    erase_by: tuple[str, ...] | None = None
    erase_fields: tuple[str, ...] | None = None
    # Values anonymisation sets besides blanking ("{pk}" is the row's id): a
    # public slug made of the person's name, a public flag.
    anonymised_values: dict[str, Any] = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def category_obj(self) -> Category:
        return CATEGORIES[self.category]

    def member_q(self, user: Any, emails: list[str]) -> Q | None:
        """The rows about ``user`` (whose addresses are ``emails``), or None."""
        q = Q()
        for lookup in self.member:
            q |= Q(**{lookup: user.pk})
        for name in self.member_email:
            for email in emails:
                q |= Q(**{f"{name}__iexact": email})
        for name in self.member_text:
            for email in emails:
                q |= Q(**{f"_privacy_text_{name}__icontains": email})
        return q if q else None

    def rows_about(self, user: Any, emails: list[str]) -> models.QuerySet[Any]:
        queryset = self.model_class._default_manager.all()
        for name in self.member_text:
            queryset = queryset.annotate(**{f"_privacy_text_{name}": Cast(name, TextField())})
        q = self.member_q(user, emails)
        return queryset.filter(q).distinct() if q is not None else queryset.none()

    def rows_to_erase(self, user: Any, emails: list[str]) -> models.QuerySet[Any]:
        """The rows erasure acts on: ``erase_by`` links (default: the export's)
        and the member's own addresses."""
        if self.erase_by is None:
            return self.rows_about(user, emails)
        q = Q()
        for lookup in self.erase_by:
            q |= Q(**{lookup: user.pk})
        for name in self.member_email:
            for email in emails:
                q |= Q(**{f"{name}__iexact": email})
        manager = self.model_class._default_manager
        return manager.filter(q).distinct() if q else manager.none()

    @property
    def fields_to_erase(self) -> tuple[str, ...]:
        return self.fields if self.erase_fields is None else self.erase_fields


_MEMBER_CONTACT = "Running the community: sign-in, contact, the member's own account"

INVENTORY: list[PersonalData] = [
    # --- Accounts ---------------------------------------------------------
    PersonalData(
        "accounts.User",
        (
            "email",
            "first_name",
            "last_name",
            "display_name",
            "language",
            "last_login",
            "date_joined",
        ),
        "account",
        _MEMBER_CONTACT,
        LegalBasis.CONTRACT,
        # The row stays as a tombstone so that messages, bookings and logs that
        # point at it keep working, but nothing in it identifies the person.
        Erasure.ANONYMISE,
        member=("pk",),
    ),
    PersonalData(
        "account.EmailAddress",
        ("email",),
        "account",
        "Verifying and contacting the member's addresses",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
    ),
    PersonalData(
        "mfa.Authenticator",
        ("type", "data"),
        "account",
        "Multi-factor authentication",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
        exported=False,  # secrets
    ),
    PersonalData(
        "usersessions.UserSession",
        ("user", "ip", "user_agent"),
        "security",
        "Signed-in sessions the member can list and end",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
    ),
    # django-axes: failed sign-ins (throttling) and the sign-in history.
    *[
        PersonalData(
            label,
            ("username", "ip_address", "user_agent"),
            "security",
            purpose,
            LegalBasis.LEGITIMATE_INTERESTS,
            Erasure.DELETE,
            member_email=("username",),
            retention=Retention.DELETE,
            age_field="attempt_time",
        )
        for label, purpose in [
            ("axes.AccessAttempt", "Throttling failed sign-ins (account security)"),
            ("axes.AccessFailureLog", "Throttling failed sign-ins (account security)"),
            ("axes.AccessLog", "Sign-in history (account security)"),
        ]
    ],
    # --- Community ----------------------------------------------------------
    PersonalData(
        "community.DancerProfile",
        (
            "display_name",
            "photo",
            "pronouns",
            "bio",
            "city",
            "latitude",
            "longitude",
            "languages",
            "height_min_cm",
            "height_max_cm",
        ),
        "profile",
        "Showing the member's dance profile and finding dance partners",
        LegalBasis.CONSENT,
        Erasure.DELETE,
        member=("user",),
    ),
    PersonalData(
        "community.DanceSkill",
        ("style", "role", "level"),
        "profile",
        "Partner finding",
        LegalBasis.CONSENT,
        Erasure.DELETE,
        member=("profile__user",),
    ),
    PersonalData(
        "community.PartnerSearchEntry",
        ("user_id", "latitude", "longitude"),
        "profile",
        "Partner search index (rebuilt from the profile)",
        LegalBasis.CONSENT,
        Erasure.DELETE,
        member=("profile__user",),
        exported=False,  # a copy of the profile
    ),
    PersonalData(
        "community.PartnerRequest",
        ("sender", "recipient", "message", "event_title"),
        "profile",
        "Partner requests between members",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("sender", "recipient"),
    ),
    PersonalData(
        "community.PartnerPost",
        ("author", "event_title", "note"),
        "profile",
        "Looking-for-a-partner posts",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("author",),
    ),
    PersonalData(
        "community.Conversation",
        ("created_by",),
        "messages",
        "Private conversations",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("created_by",),
    ),
    PersonalData(
        "community.ConversationMember",
        ("user", "last_read_at"),
        "messages",
        "Private conversations",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("user",),
    ),
    PersonalData(
        "community.Message",
        ("sender", "body", "image"),
        "messages",
        "Private messages the member sent",
        LegalBasis.CONTRACT,
        # Messages sent to others stay in their conversations, emptied and
        # signed by the anonymised account.
        Erasure.ANONYMISE,
        member=("sender",),
        mentions=("body",),
    ),
    PersonalData(
        "community.Notification",
        ("user", "text", "url"),
        "notifications",
        "Notifying the member",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
        mentions=("text",),
        retention=Retention.DELETE,
        age_field="created_at",
    ),
    PersonalData(
        "community.NotificationSetting",
        ("user", "kind", "in_app", "email"),
        "notifications",
        "The member's notification choices",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
    ),
    PersonalData(
        "community.Block",
        ("blocker", "blocked"),
        "safety",
        "Member safety: blocks",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DELETE,
        member=("blocker", "blocked"),
    ),
    PersonalData(
        "community.CodeOfConduct",
        ("published_by",),
        "editorial",
        "Who published a code of conduct",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("published_by",),
    ),
    PersonalData(
        "community.CodeOfConductAcceptance",
        ("user", "accepted_at"),
        "consents",
        "Proof the member accepted the code of conduct",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("user",),
    ),
    PersonalData(
        "community.Report",
        ("reporter", "reported_user", "details", "snapshot"),
        "safety",
        "Member safety: reports",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("reporter",),
        mentions=("details", "snapshot"),
        retention=Retention.DELETE,
        age_field="created_at",
        retention_filter={"status": "resolved"},
    ),
    PersonalData(
        "community.ModerationAction",
        ("moderator", "target_user", "note"),
        "safety",
        "Member safety: moderation decisions",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("target_user",),
        mentions=("note",),
    ),
    PersonalData(
        "community.MemberStanding",
        ("user", "status", "warnings"),
        "safety",
        "Member safety: standing",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DELETE,
        member=("user",),
    ),
    PersonalData(
        "community.Follow",
        ("follower", "followed"),
        "profile",
        "Follows between members",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("follower", "followed"),
    ),
    PersonalData(
        "community.Group",
        ("created_by",),
        "profile",
        "Who started a group",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("created_by",),
    ),
    PersonalData(
        "community.GroupMembership",
        ("user", "status", "is_admin"),
        "profile",
        "Group memberships",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
    ),
    PersonalData(
        "community.GroupPost",
        ("author", "body"),
        "profile",
        "Posts in groups",
        LegalBasis.CONTRACT,
        Erasure.ANONYMISE,
        member=("author",),
        mentions=("body",),
    ),
    # --- Orders, registrations, attendees -------------------------------------
    PersonalData(
        "orders.Order",
        ("email", "name", "language"),
        "orders",
        "Selling tickets and registering for events",
        LegalBasis.CONTRACT,
        Erasure.RETAIN_RESTRICTED,
        member=("user",),
        member_email=("email",),
        # The invoice PDF names the customer: kept, restricted, for the invoice period.
        retained_fields=("email", "name"),
        retain_if={"invoices__isnull": False},
        retention=Retention.ANONYMISE,
        age_field="created",
        retention_filter={
            "invoices__isnull": True,
            "status__in": ["paid", "expired", "cancelled", "refunded", "partially_refunded"],
        },
    ),
    PersonalData(
        "orders.Position",
        ("attendee_name", "attendee_email", "answers", "role", "holder"),
        "orders",
        "Attendee registrations (tickets, role balancing, questions)",
        LegalBasis.CONTRACT,
        Erasure.ANONYMISE,
        # The buyer, and the partner who claimed their ticket.
        member=("order__user", "holder"),
        member_email=("attendee_email",),
        # Erasure takes the member's own tickets; a friend they bought one for
        # keeps theirs.
        erase_by=(),
        retention=Retention.ANONYMISE,
        age_field="order__created",
    ),
    PersonalData(
        "orders.Refund",
        ("actor",),
        "orders",
        "Who made a refund (staff accountability)",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("actor",),
        exported=False,
    ),
    PersonalData(
        "orders.OrderLog",
        ("actor", "data"),
        "orders",
        "History of an order",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("actor",),
        mentions=("data",),
    ),
    PersonalData(
        "orders.WaitlistEntry",
        ("email", "name", "partner_name", "partner_email", "role"),
        "waitlist",
        "Waiting lists",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member_email=("email", "partner_email"),
        retention=Retention.DELETE,
        age_field="created",
        retention_filter={"status__in": ["claimed", "declined", "expired", "left"]},
    ),
    PersonalData(
        "orders.CheckIn",
        ("position", "location", "actor", "created", "undone_by"),
        "checkins",
        "Admission at the door",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("position__order__user",),
        member_email=("position__attendee_email",),
        erase_by=(),  # the member's own admissions, not their friends'
        retention=Retention.DELETE,
        age_field="created",
    ),
    PersonalData(
        "orders.Invoice",
        ("order", "lines"),
        "invoices",
        "Invoices and credit notes",
        LegalBasis.LEGAL_OBLIGATION,
        # The invoice names its customer through its order (orders.Order keeps
        # those fields, restricted); its own lines hold no personal data.
        Erasure.DETACH,
        member=("order__user",),
        member_email=("order__email",),
    ),
    PersonalData(
        "orders.PaymentSettings",
        (
            "legal_name",
            "legal_address",
            "vat_id",
            "bank_account_holder",
            "iban",
            "bic",
            "bank_name",
        ),
        "invoices",
        "The community's own legal details and bank account, printed on invoices "
        "and shown to bank-transfer buyers",
        LegalBasis.LEGAL_OBLIGATION,
        Erasure.DETACH,
        exported=False,
    ),
    # --- Artists and venues -------------------------------------------------
    PersonalData(
        "artists.ArtistProfile",
        ("user", "name", "slug", "photo", "bio", "home_city", "invited_email", "links"),
        "bookings",
        "Artist and teacher profiles",
        LegalBasis.CONTRACT,
        Erasure.ANONYMISE,
        member=("user",),
        member_email=("invited_email",),
        # The public address is usually the artist's name.
        anonymised_values={"slug": "erased-{pk}", "is_public": False},
    ),
    PersonalData(
        "artists.ArtistBooking",
        ("organizer", "title", "wanted", "contract_terms"),
        "bookings",
        "Booking artists",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("organizer", "artist__user"),
    ),
    PersonalData(
        "artists.ArtistBookingEntry",
        ("actor", "data"),
        "bookings",
        "History of an artist booking",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("actor",),
    ),
    PersonalData(
        "venues.Venue",
        ("managers",),
        "bookings",
        "Venue managers",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("managers",),
    ),
    PersonalData(
        "venues.SpaceBookingSeries",
        ("requester", "title"),
        "bookings",
        "Recurring room bookings",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("requester",),
    ),
    PersonalData(
        "venues.SpaceBooking",
        ("requester", "decided_by", "title", "decision_note"),
        "bookings",
        "Room bookings",
        LegalBasis.CONTRACT,
        Erasure.DETACH,
        member=("requester",),
    ),
    PersonalData(
        "venues.SpaceBookingEntry",
        ("actor", "data"),
        "bookings",
        "History of a room booking",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("actor",),
    ),
    PersonalData(
        "venues.VenueInvoice",
        ("bill_to",),
        "invoices",
        "Room-hire invoices",
        LegalBasis.LEGAL_OBLIGATION,
        Erasure.RETAIN_RESTRICTED,
        member=("booking__requester",),
        retained_fields=("bill_to",),
        retain_if={"pk__isnull": False},
        age_field="issued_at",
    ),
    # --- Integrations -------------------------------------------------------
    PersonalData(
        "integrations.IdempotencyRecord",
        ("user", "response_body"),
        "idempotency",
        "Answering a repeated checkout, payment or booking request with its first "
        "answer instead of carrying it out twice",
        LegalBasis.CONTRACT,
        Erasure.DELETE,
        member=("user",),
        member_text=("response_body",),
        retention=Retention.DELETE,
        age_field="created_at",
        exported=False,  # copies of answers the member already has
    ),
    PersonalData(
        "integrations.ApiKey",
        ("name", "created_by", "created_at", "last_used_at"),
        "account",
        "API keys a staff member created for the community's partners (act as them)",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DELETE,
        member=("created_by",),
    ),
    PersonalData(
        "integrations.WebhookSubscription",
        ("created_by", "created_at"),
        "account",
        "Webhook endpoints a staff member subscribed for the community",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DELETE,
        member=("created_by",),
    ),
    # --- Privacy ------------------------------------------------------------
    PersonalData(
        "privacy.AuditEntry",
        ("actor", "actor_label", "subject", "target_label", "ip_address", "user_agent", "data"),
        "audit",
        "Accountability: who did what, when and from where",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.ANONYMISE,
        member=("actor", "subject"),
        member_text=("data",),
        # The member's own actions lose their traces; entries about them keep
        # who acted, with the member's identifiers scrubbed.
        erase_by=("actor",),
        erase_fields=("actor_label", "ip_address", "user_agent"),
        mentions=("actor_label", "target_label", "data"),
        retention=Retention.DELETE,
        age_field="created_at",
    ),
    PersonalData(
        "privacy.ConsentRecord",
        ("user", "document", "purpose", "given", "method", "created_at"),
        "consents",
        "Proof of which policy version the member accepted or withdrew, when and how",
        LegalBasis.LEGAL_OBLIGATION,
        Erasure.DETACH,
        member=("user",),
    ),
    PersonalData(
        "privacy.PolicyDocument",
        ("published_by",),
        "editorial",
        "Who published a policy version",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        member=("published_by",),
    ),
    PersonalData(
        "privacy.DataExport",
        ("user", "file", "requested_at"),
        "exports",
        "The member's own data exports",
        LegalBasis.LEGAL_OBLIGATION,
        Erasure.DELETE,
        member=("user",),
        retention=Retention.DELETE,
        age_field="requested_at",
        exported=False,
    ),
    # --- CMS ----------------------------------------------------------------
    PersonalData(
        "wagtailforms.FormSubmission",
        ("form_data",),
        "forms",
        "Answering contact-form messages",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DELETE,
        member_text=("form_data",),
        retention=Retention.DELETE,
        age_field="submit_time",
    ),
    PersonalData(
        "cms.ContactPage",
        ("to_address", "from_address"),
        "editorial",
        "Where contact-form messages go (staff addresses)",
        LegalBasis.LEGITIMATE_INTERESTS,
        Erasure.DETACH,
        exported=False,
    ),
    *[
        PersonalData(
            label,
            (*links, *texts),
            "editorial",
            "CMS editing history and ownership (staff)",
            LegalBasis.LEGITIMATE_INTERESTS,
            Erasure.DETACH,
            member=links,
            mentions=texts,
            exported=False,
        )
        for label, links, texts in [
            ("admin.LogEntry", ("user",), ("object_repr", "change_message")),
            ("wagtailusers.UserProfile", ("user",), ()),
            ("wagtaildocs.Document", ("uploaded_by_user",), ()),
            ("wagtailimages.Image", ("uploaded_by_user",), ()),
            ("wagtailadmin.EditingSession", ("user",), ()),
            ("wagtailadmin.FormState", ("user",), ()),
            ("wagtailcore.APIToken", ("user",), ()),
            # A log entry's label is the changed object's title (an artist's name…).
            ("wagtailcore.ModelLogEntry", ("user",), ("label",)),
            ("wagtailcore.Revision", ("user",), ("object_str",)),
            ("wagtailcore.UploadedFile", ("uploaded_by_user",), ()),
            ("wagtailcore.WorkflowState", ("requested_by",), ()),
            ("wagtailcore.TaskState", ("finished_by",), ()),
            ("wagtailcore.Page", ("owner", "locked_by"), ()),
            ("wagtailcore.PageLogEntry", ("user",), ("label",)),
            ("wagtailcore.Comment", ("user", "resolved_by"), ()),
            ("wagtailcore.CommentReply", ("user",), ()),
            ("wagtailcore.PageSubscription", ("user",), ()),
        ]
    ],
]

# Models ("app.Model") or fields ("app.Model.field") the completeness test
# would flag but that hold no personal data.
NOT_PERSONAL: dict[str, str] = {
    "integrations.WidgetOrigin": "web origins of the community's partner sites",
    "integrations.WebhookDelivery": "event ids, order codes and HTTP answers (no names or emails)",
    "tenants.Community": "the community's name and schema",
    "tenants.SpareSchema": "a schema name",
    "tenants.SchemaVersion": "a schema name and a migrations fingerprint",
    "tenants.TemplateDump": "the empty template schema as SQL (structure and its starter rows)",
    "billing.Plan": "the platform's plans: prices and limits",
    "billing.Subscription": "a community's plan and its Stripe customer and subscription ids",
    "billing.PlatformInvoice": "amounts and Stripe ids of a community's platform invoices",
    "billing.ConnectedAccount": "a community's Stripe account id and its onboarding status",
    "billing.PlatformStripeEvent": (
        "Stripe events about communities' plans and accounts; a connected account's "
        "event (which may name a buyer) is moved into the community's schema and its "
        "raw payload blanked here once routed"
    ),
    "contenttypes.ContentType": "model names",
    "auth.Permission": "permission names",
    "auth.Group": "role names",
    "wagtailembeds.Embed": "oEmbed metadata of public videos",
    "wagtailcore.Site": "host and site names",
    "themes.BrandingSettings": "the community's logo, colours, fonts and the reply-to address "
    "it publishes for its emails (an organisation's mailbox, set by its owner)",
    "wagtailcore.Collection": "media collection names",
    "wagtailcore.Workflow": "workflow names",
    "wagtailcore.Task": "workflow task names",
    "wagtailcore.GroupApprovalTask": "workflow task names",
    "taggit.Tag": "tag names",
    "cms.HomePage": "page content (editorial, public); owner as wagtailcore.Page",
    "cms.StandardPage": "page content (editorial, public); owner as wagtailcore.Page",
    "artists.TeachersIndexPage": "page content (editorial, public); owner as wagtailcore.Page",
    "cms.ContactFormField": "form field labels",
    "events.DanceStyle": "dance style names",
    "events.Level": "level names",
    "events.Event": "venue and teacher names shown publicly on the event",
    "ticketing.Quota": "quota names",
    "ticketing.Product": "product names",
    "ticketing.PriceTier": "price tier names",
    "ticketing.AttendeeQuestion": "question labels",
    "ticketing.SaleQueue": "an event's on-sale queue settings (pace, window, opening time)",
    "orders.CheckinList.name": "a check-in list's name (a door, a day)",
    "venues.Space": "room names",
    "venues.Venue.name": "a venue's business name",
    "community.Group.name": "a group's name",
    "venues.Venue.address": "a venue's business address",
    "venues.VenueInvoice.venue_name": "a venue's business name",
    "wagtailcore.APIToken.name": "a token's name",
}


def inventory_entries() -> Iterator[PersonalData]:
    yield from INVENTORY


def inventory_entry(label: str) -> PersonalData:
    for entry in INVENTORY:
        if entry.model.lower() == label.lower():
            return entry
    raise LookupError(label)
