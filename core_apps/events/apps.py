from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "core_apps.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.events import demo  # noqa: F401 - registers the demo seeder
        from core_apps.events.selectors import events_exist, events_published_in_month
        from pista.billing_hooks import LIMIT_EVENTS_PER_MONTH, usage_counter_register
        from tenants.onboarding import onboarding_step_register

        onboarding_step_register(
            key="event",
            label=str(_("Create your first event")),
            url="/events/manage/",
            done=lambda community: events_exist(),
            position=30,
        )
        usage_counter_register(
            LIMIT_EVENTS_PER_MONTH,
            lambda month=None: events_published_in_month(month=month),
        )
