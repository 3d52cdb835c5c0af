from __future__ import annotations

from django.urls import path

from core_apps.artists import views
from core_apps.bookings.urls import booking_urlpatterns

app_name = "artists"
urlpatterns = [
    path("", views.artist_index, name="index"),
    path("me/", views.profile_edit, name="me"),
    path("me/blocks/", views.block_create, name="block-create"),
    *booking_urlpatterns(
        views,
        extra=[path("bookings/<int:pk>/contract.pdf", views.booking_contract, name="contract")],
    ),
    path("<slug:slug>/", views.artist_detail, name="artist"),
    path("<slug:slug>/book/", views.booking_request, name="book"),
    path("<slug:slug>/gigs.ics", views.gigs_ical, name="gigs-ical"),
]
