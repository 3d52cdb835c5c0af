from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "pista.outbox"
    label = "outbox"
    verbose_name = _("Outbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The relay must be registered in every process that records messages,
        # not only in workers (which import every tasks module at start).
        from pista.outbox import tasks  # noqa: F401
