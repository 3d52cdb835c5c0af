"""The embeddable events widget: ``/widget/events/`` on a community host, shown
in an iframe (``/static/integrations/widget.js`` writes it) on the sites the
owners list. It is the only route whose ``frame-ancestors`` is not ``'none'``:
it names exactly those origins, and with none listed it may not be framed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.integrations.apikeys import api_keys_manage_check
from core_apps.integrations.models import WidgetOrigin
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError

MAX_ORIGINS = 20


class WidgetOriginInvalid(ApplicationError):
    default_code = "widget_origin_invalid"


def widget_origin_clean(raw: str) -> str:
    """``https://www.example.org`` (scheme, host, optional port; nothing else).
    Raises WidgetOriginInvalid."""
    text = raw.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise WidgetOriginInvalid(_("%(origin)s is not a valid origin.") % {"origin": raw}) from exc
    host = parts.hostname or ""
    if (
        parts.scheme not in ("https", "http")
        or not host
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or any(c in host for c in " ;,'\"*")
    ):
        raise WidgetOriginInvalid(
            _("%(origin)s is not an origin like https://www.example.org.") % {"origin": raw}
        )
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


@transaction.atomic
def widget_origins_set(
    *, actor: User, origins: list[str], request: HttpRequest | None = None
) -> list[str]:
    """Replace the sites allowed to embed the widget. Raises PermissionDenied
    and WidgetOriginInvalid (nothing changes then)."""
    api_keys_manage_check(actor=actor)
    cleaned = sorted({widget_origin_clean(o) for o in origins if o.strip()})
    if len(cleaned) > MAX_ORIGINS:
        raise WidgetOriginInvalid(_("List at most 20 sites."))
    WidgetOrigin.objects.exclude(origin__in=cleaned).delete()
    now = timezone.now()
    for origin in cleaned:
        WidgetOrigin.objects.get_or_create(origin=origin, defaults={"created_at": now})
    audit_record("widget.origins_set", actor=actor, request=request, data={"origins": cleaned})
    return cleaned


def widget_origins() -> list[str]:
    return list(WidgetOrigin.objects.values_list("origin", flat=True))
