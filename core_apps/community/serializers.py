"""API input and output shapes. Domain rules live in the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from core_apps.community.models import (
    PROFILE_FIELDS_DEFAULT_VISIBILITY,
    Conversation,
    Message,
    ModerationAction,
    Notification,
    PartnerPost,
    PartnerRequest,
    Report,
    Visibility,
)
from core_apps.community.selectors.messaging import member_display_name


class SkillSerializer(serializers.Serializer):
    style = serializers.CharField(max_length=20)
    role = serializers.ChoiceField(choices=["lead", "follow", "both"])
    level = serializers.IntegerField()


class ProfileUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=200, required=False)
    pronouns = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    city = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    goals = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    availability = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    height_min_cm = serializers.IntegerField(required=False, allow_null=True)
    height_max_cm = serializers.IntegerField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.values, required=False)
    field_visibility = serializers.DictField(
        child=serializers.ChoiceField(choices=Visibility.values), required=False
    )
    allow_open_messages = serializers.BooleanField(required=False)
    read_receipts = serializers.BooleanField(required=False)
    show_in_going_lists = serializers.BooleanField(required=False)
    styles = SkillSerializer(many=True, required=False)

    def validate_field_visibility(self, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(PROFILE_FIELDS_DEFAULT_VISIBILITY)
        if unknown:
            raise serializers.ValidationError(
                gettext("Unknown fields: %(unknown)s.") % {"unknown": ", ".join(sorted(unknown))}
            )
        return value


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()


class PartnerRequestCreateSerializer(serializers.Serializer):
    recipient_id = serializers.IntegerField()
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    style = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    event_title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    event_ref = serializers.IntegerField(required=False, allow_null=True, default=None)


def _member(user_id: int, user: Any) -> dict[str, Any]:
    return {"id": user_id, "display_name": member_display_name(user=user)}


class PartnerRequestSerializer(serializers.ModelSerializer):
    sender = serializers.SerializerMethodField()
    recipient = serializers.SerializerMethodField()

    class Meta:
        model = PartnerRequest
        fields = [
            "id", "sender", "recipient", "message", "style", "event_title", "event_ref",
            "status", "created_at", "responded_at",
        ]  # fmt: skip

    def get_sender(self, obj: PartnerRequest) -> dict[str, Any]:
        return _member(obj.sender_id, obj.sender)

    def get_recipient(self, obj: PartnerRequest) -> dict[str, Any]:
        return _member(obj.recipient_id, obj.recipient)


class RespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class ConversationCreateSerializer(serializers.Serializer):
    recipient_id = serializers.IntegerField()
    body = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    image = serializers.ImageField(required=False, allow_null=True, default=None)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    image = serializers.FileField(required=False, allow_null=True, default=None)


class MessageSerializer(serializers.ModelSerializer):
    sender = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "sender", "body", "image_url", "created_at"]

    def get_sender(self, obj: Message) -> dict[str, Any]:
        return _member(obj.sender_id, obj.sender)

    def get_image_url(self, obj: Message) -> str | None:
        return obj.image.url if obj.image else None


class ConversationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conversation
        fields = ["id", "is_staff_message", "created_at", "last_message_at"]


class BlockSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()


class ReportCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    object_id = serializers.IntegerField()
    # Checked by the service, which gives the clear "choose a reason" message.
    reason = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id", "reporter_id", "reported_user_id", "kind", "object_id", "reason", "details",
            "snapshot", "status", "created_at", "resolved_at",
        ]  # fmt: skip


class ModerationActionCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ModerationActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModerationAction
        fields = ["id", "report_id", "moderator_id", "target_user_id", "kind", "note", "created_at"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at"]


class NotificationSettingSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class FollowSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()


class GroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=400)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    join_policy = serializers.CharField(max_length=20, default="open")


class GroupPostCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    is_announcement = serializers.BooleanField(default=False)


class CodeOfConductPublishSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=50_000)


class CodeOfConductAcceptSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class PartnerPostCreateSerializer(serializers.Serializer):
    event_title = serializers.CharField(max_length=400)
    role_wanted = serializers.CharField(max_length=20)
    style = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    event_ref = serializers.IntegerField(required=False, allow_null=True, default=None)
    event_slug = serializers.SlugField(max_length=200, required=False, allow_blank=True, default="")


class PartnerPostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    role_wanted = serializers.CharField(source="get_role_wanted_display")

    class Meta:
        model = PartnerPost
        fields = [
            "id", "author", "event_title", "event_slug", "event_ref", "style", "role_wanted",
            "note", "created_at",
        ]  # fmt: skip

    def get_author(self, obj: PartnerPost) -> dict[str, Any]:
        return _member(obj.author_id, obj.author)
