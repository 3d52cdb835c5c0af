"""Conversations and messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Conversation(models.Model):
    created_by = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("started by")
    )
    is_staff_message = models.BooleanField(_("message from the staff"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [models.Index(fields=["created_by", "created_at"], name="community_conv_creator")]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class ConversationMember(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("conversation"),
    )
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation member")
        verbose_name_plural = _("conversation members")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="community_conv_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
    )
    sender = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("sender")
    )
    body = models.TextField(_("text"), max_length=4000, blank=True)
    image = models.ImageField(_("image"), upload_to="community/messages/", blank=True)
    hidden_by_moderation = models.BooleanField(_("hidden by moderation"), default=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="community_msg_conv"),
            models.Index(fields=["sender", "created_at"], name="community_msg_sender"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"
