from __future__ import annotations

from django.urls import path

from core_apps.artists import views

app_name = "artists"
urlpatterns = [
    path("", views.artist_index, name="index"),
    path("me/", views.profile_edit, name="me"),
    path("me/blocks/", views.block_create, name="block-create"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/contract.pdf", views.booking_contract, name="contract"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking-action"),
    path("<slug:slug>/", views.artist_detail, name="artist"),
    path("<slug:slug>/book/", views.booking_request, name="book"),
    path("<slug:slug>/gigs.ics", views.gigs_ical, name="gigs-ical"),
]
