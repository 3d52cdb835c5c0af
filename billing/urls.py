"""The owner's plan page on a community host (``/settings/plan/``)."""

from __future__ import annotations

from django.urls import path

from billing import views

urlpatterns = [
    path("", views.plan_page, name="billing-plan"),
    path("change/", views.plan_change, name="billing-plan-change"),
    path("card/setup/", views.plan_card_setup, name="billing-plan-card-setup"),
    path("card/subscribe/", views.plan_card_subscribe, name="billing-plan-card-subscribe"),
    path("payouts/", views.payouts_onboard, name="billing-payouts-onboard"),
]
