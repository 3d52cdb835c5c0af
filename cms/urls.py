"""The community site's robots.txt and sitemap (included at the host's root)."""

from __future__ import annotations

from django.urls import path

from cms.views import robots_txt, sitemap_xml

urlpatterns = [
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
]
