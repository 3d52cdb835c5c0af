"""Wagtail's user administration, without a second way to change who an account
belongs to: an admin editing a user cannot change their email address (that
would let them take the account over with a password reset). People change
their own address through allauth, which verifies it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserEditForm
from wagtail.users.views.users import UserViewSet


class PistaUserEditForm(UserEditForm):
    """Wagtail's user edit form with the email address read-only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "Only the person can change their email address, from their account page."
            )


class PistaUserViewSet(UserViewSet):
    def get_form_class(self, for_update: bool = False) -> type:
        return PistaUserEditForm if for_update else super().get_form_class(for_update)
