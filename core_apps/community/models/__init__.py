"""Community data: dancer profiles, partner search, messaging, social, safety.

Everything here lives in the community's schema; users are the community's own.
"""

from core_apps.community.models.messaging import Conversation, ConversationMember, Message
from core_apps.community.models.notifications import Notification, NotificationSetting
from core_apps.community.models.partners import PartnerPost, PartnerRequest
from core_apps.community.models.profiles import (
    AVAILABILITY_SLOTS,
    DANCE_STYLES,
    DAY_PARTS,
    GOALS,
    LEVEL_MAX,
    LEVEL_MIN,
    LEVELS,
    PROFILE_FIELDS_DEFAULT_VISIBILITY,
    STYLE_CODES,
    VISIBILITY_RANK,
    WEEKDAYS,
    DanceRole,
    DancerProfile,
    DanceSkill,
    PartnerSearchEntry,
    Visibility,
    field_visibility_default,
)
from core_apps.community.models.safety import (
    Block,
    CodeOfConduct,
    CodeOfConductAcceptance,
    MemberStanding,
    ModerationAction,
    Report,
)
from core_apps.community.models.social import Follow, Group, GroupMembership, GroupPost

__all__ = [
    "AVAILABILITY_SLOTS",
    "DANCE_STYLES",
    "DAY_PARTS",
    "GOALS",
    "LEVELS",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "PROFILE_FIELDS_DEFAULT_VISIBILITY",
    "STYLE_CODES",
    "VISIBILITY_RANK",
    "WEEKDAYS",
    "Block",
    "CodeOfConduct",
    "CodeOfConductAcceptance",
    "Conversation",
    "ConversationMember",
    "DanceRole",
    "DanceSkill",
    "DancerProfile",
    "Follow",
    "Group",
    "GroupMembership",
    "GroupPost",
    "MemberStanding",
    "Message",
    "ModerationAction",
    "Notification",
    "NotificationSetting",
    "PartnerPost",
    "PartnerRequest",
    "PartnerSearchEntry",
    "Report",
    "Visibility",
    "field_visibility_default",
]
