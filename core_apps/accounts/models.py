"""Users. Each community has its own user table (the app is in both app lists);
platform operators are the users of the public schema."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class PistaUserManager(UserManager["User"]):
    def _create_user_object(
        self, username: Any, email: str | None, password: str | None, **extra: Any
    ) -> User:
        email = self.normalize_email(email).lower() if email else email
        user = self.model(email=email, **extra)
        user.password = ""
        user.set_password(password) if password else user.set_unusable_password()
        return user

    def _create_user(
        self, username: Any, email: str | None, password: str | None, **extra: Any
    ) -> User:
        user = self._create_user_object(username, email, password, **extra)
        user.save(using=self._db)
        return user

    # Django's signatures, called with keywords: users are identified by email,
    # and ``username`` is ignored.
    def create_user(
        self,
        username: str | None = None,
        email: str | None = None,
        password: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra)

    def create_superuser(
        self,
        username: str | None = None,
        email: str | None = None,
        password: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra)


class User(AbstractUser):
    """A person, identified by email, within one community (or the platform)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # The language the member chose with the switcher (emails are written in
    # it); blank: the community's default.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[PistaUserManager] = PistaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.first_name or self.email.split("@")[0]
