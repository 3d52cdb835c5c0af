"""One way for HTML back-office views to run a staff action service and report it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def staff_action_run(
    request: HttpRequest,
    *,
    action: Callable[[], Any],
    done_message: Callable[[Any], str],
    done_url: str,
) -> HttpResponse:
    """Run ``action``; flash its validation errors or ``done_message(result)`` and redirect
    to ``done_url``. Other domain errors (a NotFound: 404) take the one HTML
    error path (``pista.error_views.ApplicationErrorMiddleware``)."""
    try:
        result = action()
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect(done_url)
    messages.success(request, done_message(result))
    return redirect(done_url)
