from __future__ import annotations

from django.urls import path

from core_apps.accounts import views

urlpatterns = [
    path("sessions/<int:pk>/end/", views.session_end, name="usersession-end"),
    path("sessions/end-all/", views.sessions_end_all, name="usersessions-end-all"),
]
