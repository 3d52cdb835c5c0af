from django.urls import path

from tenants import views

urlpatterns = [
    path("start/", views.community_signup_view, name="community-signup"),
    path("start/slug-check/", views.slug_check_view, name="community-slug-check"),
    path("legal/<slug:kind>/", views.platform_policy_view, name="platform-policy"),
]
