"""Per-host robots.txt and sitemap.xml of a community site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from pista.pagecache.marks import page_cacheable


class HostSitemap(Sitemap):
    """Wagtail's sitemap, with every URL on the host the sitemap was asked on.

    A community's Wagtail Site knows one host name (port 80); the sitemap of a
    custom domain, or of a development server on another port, must list that
    host's own URLs.
    """

    def _urls(self, page: Any, protocol: Any, domain: Any) -> list[dict[str, Any]]:
        urls = super()._urls(page, protocol, domain)
        for url_info in urls:
            parts = urlsplit(url_info["location"])
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            url_info["location"] = self.request.build_absolute_uri(path)
        return urls


@page_cacheable()
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"wagtail": HostSitemap})


@page_cacheable()
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /cms/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        f"Sitemap: {request.scheme}://{request.get_host()}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
