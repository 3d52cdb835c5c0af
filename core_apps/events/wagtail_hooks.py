"""Events and the catalogue in the CMS (``/cms/``), for organizers.

The CMS edits the models directly, so its forms run the services' validation
(the same field messages as the back office and the API) and an edited event
regenerates its dates.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList, extract_panel_definitions_from_model_class
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from core_apps.events.models import DanceStyle, Event, Level
from core_apps.events.services import description_sanitise, event_dates_regenerate, event_validate
from core_apps.ticketing.models import AttendeeQuestion, PriceTier, Product, Quota
from core_apps.ticketing.services import product_validate, quota_validate


class ServiceValidatedForm(WagtailAdminModelForm):
    """Runs a service's validation on the instance and shows its field errors."""

    def service_validate(self) -> None:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            self.service_validate()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


class EventAdminForm(ServiceValidatedForm):
    def service_validate(self) -> None:
        self.instance.description = description_sanitise(self.instance.description)
        event_validate(self.instance)


class ProductAdminForm(ServiceValidatedForm):
    def service_validate(self) -> None:
        quotas = self.cleaned_data.get("quotas")
        product_validate(self.instance, quotas=list(quotas) if quotas is not None else None)


class QuotaAdminForm(ServiceValidatedForm):
    def service_validate(self) -> None:
        quota_validate(self.instance)


class EventDatesMixin:
    def save_instance(self) -> Any:
        event = super().save_instance()  # type: ignore[misc]
        event_dates_regenerate(event=event)
        return event


class EventCreateView(EventDatesMixin, CreateView):
    pass


class EventEditView(EventDatesMixin, EditView):
    pass


class ServiceValidatedViewSet(SnippetViewSet):
    """A snippet viewset whose form runs the services' validation."""

    service_form_class: type[ServiceValidatedForm] = ServiceValidatedForm

    def get_edit_handler(self) -> Any:
        panels = extract_panel_definitions_from_model_class(
            self.model, exclude=self.get_exclude_form_fields()
        )
        return ObjectList(panels, base_form_class=self.service_form_class).bind_to_model(self.model)


class EventViewSet(ServiceValidatedViewSet):
    model = Event
    icon = "date"
    menu_label = "Events"
    service_form_class = EventAdminForm
    add_view_class = EventCreateView
    edit_view_class = EventEditView
    list_display = ["title", "kind", "status", "visibility", "starts_at"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title"]


class ProductViewSet(ServiceValidatedViewSet):
    model = Product
    icon = "tag"
    service_form_class = ProductAdminForm
    list_display = ["name", "kind", "status", "price_minor", "currency"]
    list_filter = ["kind", "status"]
    exclude_form_fields = ["sold_count"]


class QuotaViewSet(ServiceValidatedViewSet):
    model = Quota
    icon = "group"
    service_form_class = QuotaAdminForm
    list_display = ["name", "size", "sold", "sold_lead", "sold_follow", "role_mode"]
    exclude_form_fields = ["sold", "sold_lead", "sold_follow"]


class PriceTierViewSet(SnippetViewSet):
    model = PriceTier
    icon = "pick"
    menu_label = "Price tiers"
    list_display = ["name", "product", "price_minor", "ends_at", "first_n"]


class AttendeeQuestionViewSet(SnippetViewSet):
    model = AttendeeQuestion
    icon = "help"
    menu_label = "Attendee questions"
    list_display = ["label", "product", "kind", "required"]


class DanceStyleViewSet(SnippetViewSet):
    model = DanceStyle
    icon = "pick"


class LevelViewSet(SnippetViewSet):
    model = Level
    icon = "list-ol"


class EventsGroup(SnippetViewSetGroup):
    menu_label = "Events & tickets"
    menu_icon = "date"
    menu_order = 250
    items = (
        EventViewSet,
        ProductViewSet,
        QuotaViewSet,
        PriceTierViewSet,
        AttendeeQuestionViewSet,
        DanceStyleViewSet,
        LevelViewSet,
    )


register_snippet(EventsGroup)
