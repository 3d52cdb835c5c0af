from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.page_cache import page_cache_receivers_connect
        from cms.services import home_sections_ensure
        from tenants.demo import demo_seeder

        demo_seeder(home_sections_ensure)
        page_cache_receivers_connect()
