"""Views of the platform site (public schema)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.selectors import communities_listed, community_url


def platform_home(request: HttpRequest) -> HttpResponse:
    communities = [
        {"community": community, "url": community_url(community=community)}
        for community in communities_listed()
    ]
    return render(request, "platform/home.html", {"communities": communities})
