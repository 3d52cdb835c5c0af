"""Staff manage artist profiles from the CMS (Wagtail admin).

Bookings change only through the workflow in ``services`` (checked, audited,
notified), so they are not editable here."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core_apps.artists.models import ArtistProfile


class ArtistProfileViewSet(SnippetViewSet):
    model = ArtistProfile
    icon = "user"
    menu_label = "Artists"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "home_city", "user", "is_public"]
    search_fields = ["name", "home_city"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("user"),
        FieldPanel("is_public"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("styles"),
        FieldPanel("dance_role"),
        FieldPanel("levels"),
        FieldPanel("languages"),
        FieldPanel("home_city"),
        FieldPanel("travel_preferences"),
        FieldPanel("fee_currency"),
        FieldPanel("fee_class_minor"),
        FieldPanel("fee_workshop_minor"),
        FieldPanel("fee_weekend_minor"),
        FieldPanel("video_url"),
        FieldPanel("links"),
        FieldPanel("technical_rider"),
    ]


register_snippet(ArtistProfileViewSet)
