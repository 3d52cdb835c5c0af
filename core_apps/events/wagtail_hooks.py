"""Events and the catalogue in the CMS (``/cms/``): read-only.

They change only through the services (rules, audit entries, refunds on
cancellation, dates regenerated), from the back office at ``/manage/events/``
and ``/manage/catalogue/``; the CMS lists and inspects them. Dance styles and
levels are edited at ``/manage/styles-and-levels/`` (audited, page cache cleared).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.snippets import ReadOnlySnippetViewSet
from core_apps.events.models import DanceStyle, Event, Level
from core_apps.ticketing.models import AttendeeQuestion, PriceTier, Product, Quota


class EventViewSet(ReadOnlySnippetViewSet):
    model = Event
    icon = "date"
    menu_label = "Events"
    list_display = ["title", "kind", "status", "visibility", "starts_at"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title"]


class ProductViewSet(ReadOnlySnippetViewSet):
    model = Product
    icon = "tag"
    list_display = ["name", "kind", "status", "currency"]
    list_filter = ["kind", "status"]


class QuotaViewSet(ReadOnlySnippetViewSet):
    model = Quota
    icon = "group"
    list_display = ["name", "size", "sold", "sold_lead", "sold_follow", "role_mode"]


class PriceTierViewSet(ReadOnlySnippetViewSet):
    model = PriceTier
    icon = "pick"
    menu_label = gettext_lazy("Price tiers")
    list_display = ["name", "product", "ends_at", "first_n"]


class AttendeeQuestionViewSet(ReadOnlySnippetViewSet):
    model = AttendeeQuestion
    icon = "help"
    menu_label = gettext_lazy("Attendee questions")
    list_display = ["label", "product", "kind", "required"]


class DanceStyleViewSet(ReadOnlySnippetViewSet):
    model = DanceStyle
    icon = "pick"


class LevelViewSet(ReadOnlySnippetViewSet):
    model = Level
    icon = "list-ol"


class EventsGroup(SnippetViewSetGroup):
    menu_label = "Events & tickets"
    menu_icon = "date"
    menu_order = 250
    items = (
        EventViewSet,
        ProductViewSet,
        QuotaViewSet,
        PriceTierViewSet,
        AttendeeQuestionViewSet,
        DanceStyleViewSet,
        LevelViewSet,
    )


register_snippet(EventsGroup)
