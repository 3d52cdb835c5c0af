"""The organizer's form for an event's on-sale queue. It parses; the service
(``services.sale_queue_update``) holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.ticketing.models import SaleQueue


class SaleQueueForm(forms.Form):
    is_enabled = forms.BooleanField(
        required=False,
        label=_("Sell through a queue"),
        help_text=_(
            "Visitors get a place in line and go to checkout in turn. Turning it on "
            "starts a new, empty line."
        ),
    )
    rate_per_minute = forms.IntegerField(
        initial=100,
        label=_("Visitors admitted per minute"),
        help_text=_("Roughly how many orders your event should take per minute."),
    )
    window_minutes = forms.IntegerField(
        initial=10,
        label=_("Minutes to check out"),
        help_text=_("How long an admitted visitor's pass to checkout lasts."),
    )
    opens_at = forms.DateTimeField(
        required=False,
        label=_("Line opens at"),
        help_text=_(
            "In the event's time zone. Visitors may join earlier and are admitted, "
            "in order, from then on. Empty: at once."
        ),
    )

    @classmethod
    def initial_for(cls, queue: SaleQueue | None) -> dict[str, Any]:
        if queue is None:
            return {}
        return {field: getattr(queue, field) for field in cls.base_fields}
