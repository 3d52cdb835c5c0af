"""API routes of the events app, included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.events.api import EventDetailApi, EventListApi

urlpatterns = [
    path("events/", EventListApi.as_view(), name="events"),
    path("events/<int:pk>/", EventDetailApi.as_view(), name="event"),
]
