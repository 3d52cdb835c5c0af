"""Community data: dancer profiles, partner search, messaging, social, safety.

Everything here lives in the community's schema; users are the community's own.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

DANCE_STYLES = [
    ("salsa", _("Salsa")),
    ("bachata", _("Bachata")),
    ("kizomba", _("Kizomba")),
    ("tango", _("Argentine tango")),
    ("lindy", _("Lindy hop")),
    ("wcs", _("West coast swing")),
    ("ballroom", _("Ballroom")),
    ("zouk", _("Brazilian zouk")),
    ("blues", _("Blues")),
    ("forro", _("Forró")),
]
STYLE_CODES = [code for code, _label in DANCE_STYLES]

LEVELS = [
    (1, _("Beginner")),
    (2, _("Improver")),
    (3, _("Intermediate")),
    (4, _("Advanced")),
    (5, _("Professional")),
]
LEVEL_MIN, LEVEL_MAX = 1, 5


class DanceRole(models.IntegerChoices):
    """Stored as bits so that ``role & wanted`` finds complementary dancers."""

    LEAD = 1, _("Lead")
    FOLLOW = 2, _("Follow")
    BOTH = 3, _("Both")


# Goals and availability are bit masks: overlap is one ``&`` in the search query.
GOALS = {"social": 1, "classes": 2, "practice": 4, "performance": 8, "competition": 16}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_PARTS = ["morning", "afternoon", "evening"]
AVAILABILITY_SLOTS = {
    f"{day}-{part}": 1 << (d * len(DAY_PARTS) + p)
    for d, day in enumerate(WEEKDAYS)
    for p, part in enumerate(DAY_PARTS)
}


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    MEMBERS = "members", _("Members of this community")
    PUBLIC = "public", _("Everyone")


VISIBILITY_RANK = {Visibility.PRIVATE: 0, Visibility.MEMBERS: 1, Visibility.PUBLIC: 2}

# Fields whose visibility each member chooses, with the default for new profiles.
# Height is shown only if the member opts in.
PROFILE_FIELDS_DEFAULT_VISIBILITY = {
    "photo": Visibility.MEMBERS,
    "pronouns": Visibility.MEMBERS,
    "bio": Visibility.MEMBERS,
    "home_area": Visibility.MEMBERS,
    "languages": Visibility.MEMBERS,
    "styles": Visibility.MEMBERS,
    "goals": Visibility.MEMBERS,
    "availability": Visibility.MEMBERS,
    "height": Visibility.PRIVATE,
}


def field_visibility_default() -> dict[str, str]:
    return {name: str(value) for name, value in PROFILE_FIELDS_DEFAULT_VISIBILITY.items()}


class DancerProfile(models.Model):
    """A member's dance profile. Private (visible to nobody else) until the member
    chooses members-only or public; each field has its own visibility on top."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="dancer_profile")
    display_name = models.CharField(max_length=80)
    photo = models.ImageField(upload_to="community/photos/", blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    bio = models.TextField(blank=True, help_text=_("Sanitised HTML."))
    city = models.CharField(max_length=80, blank=True)
    # Coarse coordinates only (rounded to ~1 km), never a street address.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    languages = ArrayField(models.CharField(max_length=8), default=list, blank=True)
    goals = models.PositiveIntegerField(default=0)
    availability = models.PositiveIntegerField(default=0)
    height_min_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    height_max_cm = models.PositiveSmallIntegerField(null=True, blank=True)

    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    field_visibility = models.JSONField(default=field_visibility_default)
    allow_open_messages = models.BooleanField(default=False)
    read_receipts = models.BooleanField(default=False)
    show_in_going_lists = models.BooleanField(default=False)
    # Set by moderation ("hide content", suspension, ban).
    hidden_by_moderation = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name


class DanceSkill(models.Model):
    """One dance style of a profile: the role(s) danced and the level."""

    profile = models.ForeignKey(DancerProfile, on_delete=models.CASCADE, related_name="skills")
    style = models.CharField(max_length=20, choices=DANCE_STYLES)
    role = models.PositiveSmallIntegerField(choices=DanceRole.choices)
    level = models.PositiveSmallIntegerField(choices=LEVELS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "style"], name="community_skill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.style} {self.get_role_display()} {self.level}"


class PartnerSearchEntry(models.Model):
    """What partner search may match on: one row per searchable profile and style.

    Rebuilt by ``profile_search_index_refresh`` whenever a profile changes. Only
    profiles visible to members, with visible styles, of active members, appear;
    fields the member hides are stored empty, so a filter can never reveal them.
    """

    profile = models.ForeignKey(DancerProfile, on_delete=models.CASCADE, related_name="+")
    user_id = models.BigIntegerField()
    style = models.CharField(max_length=20)
    role = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    goals = models.IntegerField(default=0)
    availability = models.IntegerField(default=0)
    languages = ArrayField(models.CharField(max_length=8), default=list)

    class Meta:
        indexes = [
            models.Index(fields=["style", "level"], name="community_search_style_level"),
            models.Index(fields=["user_id"], name="community_search_user"),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}:{self.style}"


class PartnerRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    sender = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500, blank=True)
    style = models.CharField(max_length=20, choices=DANCE_STYLES, blank=True)
    # Seam to events/ticketing (another app): a plain reference, no foreign key.
    event_title = models.CharField(max_length=200, blank=True)
    event_ref = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status="pending"),
                name="community_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["sender", "created_at"], name="community_req_sender")]

    def __str__(self) -> str:
        return f"{self.sender_id} -> {self.recipient_id} ({self.status})"


class PartnerPost(models.Model):
    """ "Looking for a partner for <event/course>". ``event_ref``/``event_slug`` are
    plain references into the events app (no foreign key across the seam);
    couple registration can list posts for its event with ``partner_posts_for_event``."""

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    event_title = models.CharField(max_length=200)
    event_slug = models.SlugField(max_length=200, blank=True)
    event_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    style = models.CharField(max_length=20, choices=DANCE_STYLES, blank=True)
    role_wanted = models.PositiveSmallIntegerField(choices=DanceRole.choices)
    note = models.CharField(max_length=500, blank=True)
    is_open = models.BooleanField(default=True)
    hidden_by_moderation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_title


class Conversation(models.Model):
    created_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    is_staff_message = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_by", "created_at"], name="community_conv_creator")]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class ConversationMember(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="community_conv_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=4000, blank=True)
    image = models.ImageField(upload_to="community/messages/", blank=True)
    hidden_by_moderation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="community_msg_conv"),
            models.Index(fields=["sender", "created_at"], name="community_msg_sender"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Follow(models.Model):
    follower = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    followed = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="community_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class Group(models.Model):
    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone can join")
        APPROVAL = "approval", _("Join by approval")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    created_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    is_admin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="community_group_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.status})"


class GroupPost(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=4000)
    is_announcement = models.BooleanField(default=False)
    hidden_by_moderation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.group_id}"


class Block(models.Model):
    """``blocker`` no longer exists for ``blocked`` and vice versa; nobody is told."""

    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="community_block_once"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="community_block_reverse")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class CodeOfConduct(models.Model):
    """A version of the community's code of conduct; the highest version is current."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField(help_text=_("Sanitised HTML."))
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Code of conduct v{self.version}"


class CodeOfConductAcceptance(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(CodeOfConduct, on_delete=models.CASCADE, related_name="acceptances")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code"], name="community_coc_accept_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.code_id}"


class Report(models.Model):
    class Kind(models.TextChoices):
        PROFILE = "profile", _("Profile")
        MESSAGE = "message", _("Message")
        GROUP_POST = "group_post", _("Group post")

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment or unwanted contact")
        INAPPROPRIATE = "inappropriate", _("Inappropriate or sexual content")
        SPAM = "spam", _("Spam or scam")
        FAKE = "fake", _("Fake profile or impersonation")
        SAFETY = "safety", _("Safety concern")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reported_user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    # The reported content as it was, kept even if it is edited or deleted later.
    snapshot = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="community_report_queue")]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.kind}, {self.status})"


class ModerationAction(models.Model):
    """The audit trail: who did what to whom, and why."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismiss")
        WARN = "warn", _("Warn")
        HIDE = "hide", _("Hide content")
        SUSPEND = "suspend", _("Suspend member")
        BAN = "ban", _("Ban member")
        REINSTATE = "reinstate", _("Reinstate member")

    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    moderator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    target_user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} on {self.target_user_id} by {self.moderator_id}"


class MemberStanding(models.Model):
    """A member's standing after moderation. Suspended and banned members are also
    made inactive (``User.is_active = False``), which Django's and allauth's
    authentication backends refuse at login and on every request."""

    class Status(models.TextChoices):
        GOOD = "good", _("In good standing")
        WARNED = "warned", _("Warned")
        SUSPENDED = "suspended", _("Suspended")
        BANNED = "banned", _("Banned")

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="standing")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GOOD)
    warnings = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        PARTNER_REQUEST = "partner_request", _("Partner requests")
        PARTNER_ACCEPTED = "partner_accepted", _("Accepted partner requests")
        MESSAGE = "message", _("New messages")
        FOLLOW = "follow", _("New followers")
        GROUP = "group", _("Group activity")
        MODERATION = "moderation", _("Moderation and reports")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct changes")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # In-app: shown in the centre; email: waits for the next digest.
    in_app = models.BooleanField(default=True)
    email_pending = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="community_notif_user"),
            models.Index(
                fields=["user"], condition=Q(email_pending=True), name="community_notif_digest"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationSetting(models.Model):
    """A member's switch for one notification kind; missing means both on."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="community_notif_setting"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"
