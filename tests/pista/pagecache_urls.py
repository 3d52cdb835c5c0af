"""A community's URLs plus cacheable test pages: one whose script carries the
CSP nonce, one that shows a CSRF token outside a form field."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from pista.headers import request_csp_nonce
from pista.pagecache.marks import page_cacheable
from pista.urls_tenant import urlpatterns as tenant_urlpatterns

RENDERED: list[str] = []


@page_cacheable()
def nonce_page(request: HttpRequest) -> HttpResponse:
    nonce = request_csp_nonce(request)
    RENDERED.append(nonce)
    return HttpResponse(f'<script nonce="{nonce}">run()</script>')


@page_cacheable()
def token_elsewhere_page(request: HttpRequest) -> HttpResponse:
    token = get_token(request)
    RENDERED.append(token)
    return HttpResponse(
        f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'
        f'<div data-token="{get_token(request)}"></div>'
    )


urlpatterns = [
    path("nonce-page/", nonce_page),
    path("token-elsewhere/", token_elsewhere_page),
    *tenant_urlpatterns,
]
