from django.urls import path

from tenants.provisioning import views

urlpatterns = [
    path("", views.platform_home, name="platform-home"),
    path("start/", views.community_signup_view, name="community-signup"),
    path("start/slug-check/", views.slug_check_view, name="community-slug-check"),
    path("legal/<slug:kind>/", views.platform_policy_view, name="platform-policy"),
]
