"""HTML routes under ``/community/``."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from core_apps.community import views

app_name = "community"
urlpatterns = [
    path("", RedirectView.as_view(url="/community/partners/"), name="home"),
    path("code-of-conduct/", views.code_of_conduct, name="code-of-conduct"),
    path("profile/", views.profile_edit, name="profile"),
    path("members/<int:user_id>/", views.member_detail, name="member"),
    path("members/<int:user_id>/request/", views.partner_request_send, name="request-send"),
    path("members/<int:user_id>/message/", views.conversation_start, name="message-start"),
    path("members/<int:user_id>/block/", views.block, name="block"),
    path("members/<int:user_id>/follow/", views.follow, name="follow"),
    path("partners/", views.partner_search, name="partners"),
    path("posts/", views.partner_posts, name="posts"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("requests/", views.partner_requests, name="requests"),
    path("requests/<int:request_id>/respond/", views.partner_request_respond, name="respond"),
    path("messages/", views.conversations, name="conversations"),
    path("messages/<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("report/", views.report, name="report"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.digest_unsubscribe,
        name="unsubscribe",
    ),
    path("moderation/", views.moderation_queue, name="moderation"),
]
