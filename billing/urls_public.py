"""The platform host's Stripe endpoint (platform and Connect events)."""

from __future__ import annotations

from django.urls import path

from billing import views

urlpatterns = [path("stripe/webhook/", views.stripe_webhook, name="platform-stripe-webhook")]
