"""Forms of the operators' Django admin for users."""

from __future__ import annotations

from typing import Any

from django import forms

from core_apps.accounts.models import User


class UserCreationWithoutPasswordForm(forms.ModelForm):
    """A new user gets no password here: they choose one through allauth's
    reset link, so no password is set or seen outside allauth."""

    class Meta:
        model = User
        fields = ["email"]

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.email = User.objects.normalize_email(user.email).lower()
        user.set_unusable_password()
        if commit:
            user.save()
        return user
