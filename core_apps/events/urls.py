from __future__ import annotations

from django.urls import path

from core_apps.events import views
from pista.pagecache.marks import page_cacheable
from pista.redirects import moved_permanently

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("feed.ics", views.community_feed, name="feed"),
    path("feed.rss", page_cacheable()(views.UpcomingEventsFeed()), name="rss"),
    path("teachers/<int:teacher_id>/feed.ics", views.teacher_feed, name="teacher-feed"),
    path("spaces/<int:space_id>/feed.ics", views.space_feed, name="space-feed"),
    # The organizer's pages moved to the back office (``core_apps.events.manage_urls``).
    path("manage/", moved_permanently("manage:event-list")),
    path("manage/new/", moved_permanently("manage:event-create")),
    path("manage/<int:pk>/", moved_permanently("manage:event-edit")),
    path("manage/<int:pk>/<slug:action>/", moved_permanently("manage:event-action")),
    path("manage/dates/<int:pk>/cancel/", moved_permanently("manage:event-date-cancel")),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="ics"),
]
