from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Branding is edited through a form that runs the services' validation.
        from themes.forms import BrandingSettingsForm
        from themes.models import BrandingSettings

        BrandingSettings.base_form_class = BrandingSettingsForm
