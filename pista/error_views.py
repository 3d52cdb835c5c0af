"""Error pages shared by the platform and community URLconfs, and the one
HTML path of an ``ApplicationError``.

API paths get JSON; a database outage gets a plain 503 instead of a 500; a bad
request gets the community's themed 400 page; a domain error a view lets
through becomes a themed page with the error's 4xx status
(``ApplicationErrorMiddleware``). DRF views answer their own errors in JSON
(``pista.api.exceptions.exception_handler``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TypeVar
from weakref import WeakKeyDictionary

from django.contrib import messages
from django.db import DatabaseError, DataError, InterfaceError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name

from pista.errors import ApplicationError, NotFound
from pista.redirects import redirect_target

T = TypeVar("T")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def _error_context(request: HttpRequest) -> dict[str, object]:
    """The community (already in memory) for the themed error pages, and no page
    chrome that would query the database (menus, footer, branding)."""
    tenant = getattr(request, "tenant", None)
    community = (
        tenant if tenant is not None and tenant.schema_name != get_public_schema_name() else None
    )
    return {"community": community, "minimal_chrome": True}


def bad_request_response(request: HttpRequest, *, code: str, detail: str) -> HttpResponse:
    """400: ``{code, detail}`` on API paths, else the community's themed page.
    Rendered without context processors: it may answer before the session and
    user middleware ran."""
    if _wants_json(request):
        return JsonResponse({"code": code, "detail": detail}, status=400)
    context = {**_error_context(request), "detail": detail}
    return HttpResponse(render_to_string("400.html", context), status=400)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a suspicious or malformed request)."""
    return bad_request_response(
        request, code="bad_request", detail=gettext("The request could not be read.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if isinstance(exc, DataError):
        # A number out of range or a text too long for its column that got
        # past validation: the request's fault, answered 400, never 5xx.
        return bad_request_response(
            request,
            code="invalid_value",
            detail=gettext("A value is out of range or too long."),
        )
    if isinstance(exc, DatabaseError | InterfaceError):
        if _wants_json(request):
            return JsonResponse(
                {
                    "code": "unavailable",
                    "detail": gettext("The service is temporarily unavailable."),
                },
                status=503,
            )
        # No context processors: they might touch the database that is down.
        return HttpResponse(
            render_to_string("503_unavailable.html", _error_context(request)), status=503
        )
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": gettext("An unexpected error occurred.")}, status=500
        )
    return HttpResponse(render_to_string("500.html", _error_context(request)), status=500)


def application_error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The answer to a domain error: ``{code, detail}`` JSON on API paths, else
    the themed 404 page (NotFound) or error page, with the error's status."""
    if _wants_json(request):
        body: dict[str, object] = {"code": exc.code, "detail": exc.message}
        if exc.extra:
            body["extra"] = exc.extra
        return JsonResponse(body, status=exc.status_code)
    template = "404.html" if isinstance(exc, NotFound) else "error.html"
    return render(request, template, {"detail": exc.message}, status=exc.status_code)


class ApplicationErrorMiddleware:
    """Turn an ``ApplicationError`` that escapes an HTML view into its themed
    4xx page, so views need no ``except`` block just to show one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return application_error_response(request, exception)
        return None


def action_run(
    request: HttpRequest,
    run: Callable[[], str | None],
    *,
    back: str,
    error_back: str | None = None,
    error_page: Callable[[int], HttpResponse] | None = None,
) -> HttpResponse:
    """The POST-action pattern: run the service call ``run``; flash the message it
    returns (if any) or its ApplicationError, and redirect to ``back`` (or to
    ``error_back`` after an error). With ``error_page``, an error is flashed and
    answered by ``error_page(status)`` (the page re-rendered with the error's
    status) instead of a redirect. Other exceptions propagate."""
    try:
        done = run()
    except ApplicationError as exc:
        if error_page is not None:
            messages.error(request, exc.message)
            return error_page(exc.status_code)
        return application_error_redirect(request, exc, back=error_back or back)
    if done:
        messages.success(request, done)
    return HttpResponseRedirect(back)


def application_error_redirect(
    request: HttpRequest, exc: ApplicationError, *, back: str
) -> HttpResponseRedirect:
    """Flash ``exc``'s message and redirect to ``back``."""
    messages.error(request, exc.message)
    return HttpResponseRedirect(back)


_form_error_status: WeakKeyDictionary[BaseForm, int] = WeakKeyDictionary()


def form_service_call(
    form: BaseForm,
    run: Callable[[], T],
    *,
    field: str | Mapping[str, str] | None = None,
) -> T | None:
    """The form pattern: the result of the service call ``run``, or None after
    its ApplicationError, whose message the form then carries: on ``field`` (a
    field name, ``NON_FIELD_ERRORS``, or a map from error code to field name),
    else on the form field the error names (``extra["field"]``), else as a
    non-field error. Check
    ``form.errors`` (a service may return None) and answer
    ``form_error_status(form)``. Other exceptions propagate."""
    try:
        return run()
    except ApplicationError as exc:
        target = field.get(exc.code) if isinstance(field, Mapping) else field
        if target is None and exc.extra.get("field") in form.fields:
            target = exc.extra["field"]
        form.add_error(target, exc.message)
        _form_error_status[form] = exc.status_code
        return None


def form_error_status(form: BaseForm) -> int:
    """The status of a page showing ``form``: 200 without errors, the status of
    the ApplicationError ``form_service_call`` attached, else 400 (invalid input)."""
    if not form.errors:
        return 200
    return _form_error_status.get(form, 400)


def referer_back(request: HttpRequest, *, default: str) -> str:
    """Where a failed POST action returns to: ``next`` or the referring page on
    this site, else ``default``."""
    return redirect_target(
        request,
        request.POST.get("next"),
        request.GET.get("next"),
        request.META.get("HTTP_REFERER"),
        default=default,
    )
