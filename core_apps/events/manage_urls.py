"""The organizer's event pages, mounted in the back office at ``/manage/events/``
(namespace ``manage``)."""

from __future__ import annotations

from django.urls import path

from core_apps.events import views

urlpatterns = [
    path("", views.manage_event_list, name="event-list"),
    path("new/", views.manage_event_create, name="event-create"),
    path("<int:pk>/", views.manage_event_edit, name="event-edit"),
    path("<int:pk>/<slug:action>/", views.manage_event_action, name="event-action"),
    path("dates/<int:pk>/cancel/", views.manage_date_cancel, name="event-date-cancel"),
]
