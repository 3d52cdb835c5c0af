from __future__ import annotations

from django.urls import path

from core_apps.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("feed.ics", views.community_feed, name="feed"),
    path("manage/", views.manage_event_list, name="manage-list"),
    path("manage/new/", views.manage_event_create, name="manage-create"),
    path("manage/<int:pk>/", views.manage_event_edit, name="manage-edit"),
    path("manage/<int:pk>/<slug:action>/", views.manage_event_action, name="manage-action"),
    path("manage/dates/<int:pk>/cancel/", views.manage_date_cancel, name="manage-date-cancel"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="ics"),
]
