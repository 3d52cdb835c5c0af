from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Branding is edited through a form that runs the services' validation.
        from themes.forms import BrandingSettingsForm
        from themes.models import BrandingSettings

        BrandingSettings.base_form_class = BrandingSettingsForm

        from django.db.models.signals import post_delete, post_save

        from pista.pagecache.store import page_cache_invalidate_receiver

        # Cached pages and site chrome show the branding, whichever door changed it.
        for signal in (post_save, post_delete):
            signal.connect(
                page_cache_invalidate_receiver,
                sender=BrandingSettings,
                dispatch_uid=f"themes-branding-page-cache-{id(signal)}",
            )

        from django.utils.translation import gettext_lazy as _

        from tenants.onboarding import onboarding_step_register
        from themes.selectors import branding_edit_url, branding_has_logo

        onboarding_step_register(
            key="logo",
            label=_("Upload a logo"),
            url=branding_edit_url,
            done=lambda community: branding_has_logo(),
            position=20,
        )
