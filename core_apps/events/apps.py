from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "core_apps.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.listings import listing_provider_register
        from core_apps.events.listings import classes_this_week_listing, upcoming_events_listing

        listing_provider_register(kind="events", provider=upcoming_events_listing)
        listing_provider_register(kind="classes_week", provider=classes_this_week_listing)
        from cms.navigation import menu_link_register
        from core_apps.events.menus import events_menu_links

        menu_link_register(section="main", position=10, provider=events_menu_links)
        from core_apps.events import demo  # noqa: F401 - registers the demo seeder
        from core_apps.events.services import taxonomy_defaults_ensure
        from tenants.setup import community_setup_step

        # Every new community starts with the default styles and levels.
        community_setup_step(taxonomy_defaults_ensure)
        from core_apps.events.selectors import events_published_exist, events_published_in_month
        from pista.billing_hooks import LIMIT_EVENTS_PER_MONTH, usage_counter_register
        from tenants.onboarding import onboarding_step_register, url_first

        onboarding_step_register(
            key="event",
            label=_("Publish your first event"),
            url=url_first("manage:events", "events:manage-create", fallback="/events/manage/"),
            done=lambda community: events_published_exist(),
            position=30,
        )
        usage_counter_register(
            LIMIT_EVENTS_PER_MONTH,
            lambda month=None: events_published_in_month(month=month),
        )
