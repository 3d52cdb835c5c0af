from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "core_apps.integrations"
    label = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the Api-Key security scheme with drf-spectacular.
        from core_apps.integrations import authentication  # noqa: F401
        from core_apps.integrations.webhooks import webhook_event_record
        from pista.domain_events import domain_event_listen

        domain_event_listen(webhook_event_record)
