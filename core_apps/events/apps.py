from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "core_apps.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.events import demo  # noqa: F401 - registers the demo seeder
        from core_apps.events.selectors import events_exist
        from tenants.onboarding import onboarding_step_register

        onboarding_step_register(
            key="event",
            label=str(_("Create your first event")),
            url="/manage/events/",
            done=lambda community: events_exist(),
            position=30,
        )
