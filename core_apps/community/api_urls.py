"""API routes of the community app, included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.community import api

urlpatterns = [
    path("members/me/", api.MemberMeApi.as_view(), name="members-me"),
    path("members/me/photo/", api.MemberMePhotoApi.as_view(), name="members-me-photo"),
    path("members/<int:user_id>/", api.MemberDetailApi.as_view(), name="members-detail"),
    path("partner-search/", api.PartnerSearchApi.as_view(), name="partner-search"),
    path("partner-requests/", api.PartnerRequestListApi.as_view(), name="partner-requests"),
    path("partner-posts/", api.PartnerPostListApi.as_view(), name="partner-posts"),
    path(
        "partner-requests/<int:request_id>/respond/",
        api.PartnerRequestRespondApi.as_view(),
        name="partner-requests-respond",
    ),
    path(
        "partner-requests/<int:request_id>/withdraw/",
        api.PartnerRequestWithdrawApi.as_view(),
        name="partner-requests-withdraw",
    ),
    path("conversations/", api.ConversationListApi.as_view(), name="conversations"),
    path(
        "conversations/<int:conversation_id>/messages/",
        api.ConversationMessagesApi.as_view(),
        name="conversation-messages",
    ),
    path("blocks/", api.BlockListApi.as_view(), name="blocks"),
    path("blocks/<int:user_id>/", api.BlockDetailApi.as_view(), name="blocks-detail"),
    path("reports/", api.ReportCreateApi.as_view(), name="reports"),
    path("moderation/reports/", api.ModerationReportListApi.as_view(), name="moderation-reports"),
    path(
        "moderation/reports/<int:report_id>/actions/",
        api.ModerationReportActionApi.as_view(),
        name="moderation-report-actions",
    ),
    path(
        "moderation/members/<int:user_id>/actions/",
        api.ModerationMemberActionApi.as_view(),
        name="moderation-member-actions",
    ),
    path("moderation/audit/", api.ModerationAuditApi.as_view(), name="moderation-audit"),
    path("code-of-conduct/", api.CodeOfConductApi.as_view(), name="code-of-conduct"),
    path(
        "code-of-conduct/accept/",
        api.CodeOfConductAcceptApi.as_view(),
        name="code-of-conduct-accept",
    ),
    path("notifications/", api.NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", api.NotificationReadApi.as_view(), name="notifications-read"),
    path(
        "notifications/settings/",
        api.NotificationSettingsApi.as_view(),
        name="notifications-settings",
    ),
    path("follows/", api.FollowListApi.as_view(), name="follows"),
    path("follows/<int:user_id>/", api.FollowDetailApi.as_view(), name="follows-detail"),
    path("groups/", api.GroupListApi.as_view(), name="groups"),
    path("groups/<slug:slug>/", api.GroupDetailApi.as_view(), name="groups-detail"),
    path(
        "groups/<slug:slug>/members/export/",
        api.GroupMembersExportApi.as_view(),
        name="groups-members-export",
    ),
    path("groups/<slug:slug>/join/", api.GroupJoinApi.as_view(), name="groups-join"),
    path(
        "groups/<slug:slug>/members/<int:user_id>/approve/",
        api.GroupApproveApi.as_view(),
        name="groups-approve",
    ),
    path("groups/<slug:slug>/posts/", api.GroupPostCreateApi.as_view(), name="groups-posts"),
]
