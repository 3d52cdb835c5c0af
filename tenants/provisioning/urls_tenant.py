from django.urls import path

from tenants.provisioning import views

urlpatterns = [
    path("welcome/<str:token>/", views.welcome_view, name="owner-welcome"),
    path("onboarding/", views.onboarding_view, name="onboarding"),
    path("onboarding/payments/", views.onboarding_payments_view, name="onboarding-payments"),
]
