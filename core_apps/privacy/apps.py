from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "core_apps.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.navigation import menu_link_register
        from core_apps.privacy.menus import privacy_member_links

        menu_link_register(section="member", position=40, provider=privacy_member_links)
