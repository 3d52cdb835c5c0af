"""Follows and groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Follow(models.Model):
    follower = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("follower")
    )
    followed = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("followed member")
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="community_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class Group(models.Model):
    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone can join")
        APPROVAL = "approval", _("Join by approval")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    join_policy = models.CharField(
        _("who can join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    is_admin = models.BooleanField(_("group admin"), default=False)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="community_group_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.status})"


class GroupPost(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="posts", verbose_name=_("group")
    )
    author = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("text"), max_length=4000)
    is_announcement = models.BooleanField(_("announcement"), default=False)
    hidden_by_moderation = models.BooleanField(_("hidden by moderation"), default=False)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group post")
        verbose_name_plural = _("group posts")

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.group_id}"
