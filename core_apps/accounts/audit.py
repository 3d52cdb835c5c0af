"""Account events in the audit log of the schema they happen in (and the
session bookkeeping that hangs on the same sign-in signals: lifetime stamps,
the session list, the "second factor proved" mark when one is added).

Django, allauth and allauth.mfa announce these through signals (sign-in,
failures, sign-out, password and email changes, authenticators); group and
permission changes are caught on the many-to-many tables, whichever screen or
service made them (``user_role_grant``, Wagtail's user editor, Django's admin).
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.core import context as allauth_context
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed
from django.http import HttpRequest

from core_apps.accounts.models import User
from core_apps.accounts.security import (
    request_logout_reason,
    session_mfa_mark,
    session_started,
)
from core_apps.privacy.services.audit import audit_record


def _current_request() -> HttpRequest | None:
    return getattr(allauth_context, "request", None)


def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_started(request)
        if getattr(getattr(request, "user", None), "is_authenticated", False):
            # allauth lists the sessions its own sign-in made; the welcome link
            # (after signup) signs in through Django's login(): list it too.
            from allauth.usersessions.models import UserSession

            UserSession.objects.create_from_request(request)
    audit_record("auth.login", actor=user, subject=user, target=user, request=request)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only attempts on an existing account are kept with the address tried:
    # what strangers type into the form is not ours to store.
    login = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = User.objects.filter(email=login).first() if login else None
    audit_record(
        "auth.login_failed",
        actor=None,
        subject=user,
        target=user,
        request=request,
        data={"known_account": user is not None},
    )


def _on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = request_logout_reason(request) if request is not None else ""
    audit_record(
        "auth.session_expired" if reason else "auth.logout",
        actor=user,
        subject=user,
        target=user,
        request=request,
        data={"reason": reason} if reason else None,
    )


def _user_event(action: str) -> Any:
    def receiver(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
        data = {}
        for key in ("from_email_address", "to_email_address", "email_address"):
            address = kwargs.get(key)
            if address is not None:
                data[key.removesuffix("_address")] = address.email
        audit_record(action, actor=user, subject=user, target=user, request=request, data=data)

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


def _mfa_event(action: str) -> Any:
    def receiver(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
        authenticator = kwargs["authenticator"]
        if action == "mfa.added" and request is not None and hasattr(request, "session"):
            # Adding a TOTP app means entering a code from it, a passkey means
            # using it: this session has just proved the new factor.
            session_mfa_mark(request, user, authenticator=authenticator)
            # allauth sends this signal once the transaction commits, which is
            # within the view in production but may be after it elsewhere.
            request.session.save()
        audit_record(
            action,
            actor=user,
            subject=user,
            target=user,
            request=request,
            # A removed authenticator has no id any more.
            data={"type": authenticator.type, "authenticator": authenticator.pk}
            if authenticator.pk
            else {"type": authenticator.type},
        )

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


def _on_mfa_failed(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    authenticator = kwargs.get("authenticator")
    audit_record(
        "mfa.failed",
        actor=None,
        subject=user,
        target=user,
        request=request,
        data={"type": getattr(authenticator, "type", "")},
    )


_M2M_ACTIONS = {"post_add": "granted", "post_remove": "revoked", "pre_clear": "revoked"}


def _names(pks: set[int] | None, *, instance: Any, kind: str) -> list[str]:
    if kind == "groups":
        if pks is None:
            return sorted(instance.groups.values_list("name", flat=True))
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    permissions = (
        instance.user_permissions.all() if pks is None else Permission.objects.filter(pk__in=pks)
    )
    return sorted(
        f"{app}.{codename}"
        for app, codename in permissions.values_list("content_type__app_label", "codename")
    )


def _user_m2m_receiver(kind: str) -> Any:
    def receiver(
        sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kw: Any
    ) -> None:
        if action not in _M2M_ACTIONS:
            return
        request = _current_request()
        if reverse:
            # group.user_set.add(user…): one entry per user.
            users = list(User.objects.filter(pk__in=pk_set or ()))
            names = [str(instance)]
        else:
            names = _names(None if action == "pre_clear" else pk_set, instance=instance, kind=kind)
            users = [instance]
        if not names:
            return
        prefix = "role" if kind == "groups" else "permission"
        for user in users:
            audit_record(
                f"{prefix}.{_M2M_ACTIONS[action]}",
                target=user,
                subject=user,
                request=request,
                data={"roles" if kind == "groups" else "permissions": names},
            )

    receiver.__name__ = f"audit_user_{kind}_changed"
    return receiver


def _on_group_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kw: Any
) -> None:
    # Only a person's change is recorded: ``roles_sync`` (provisioning and
    # migrations, outside any request) re-applies the code's role definitions.
    request = _current_request()
    if request is None or action not in _M2M_ACTIONS or reverse:
        return
    permissions = Permission.objects.filter(pk__in=pk_set or ())
    audit_record(
        f"role.permission_{_M2M_ACTIONS[action]}",
        target=instance,
        request=request,
        data={
            "permissions": sorted(
                f"{app}.{codename}"
                for app, codename in permissions.values_list("content_type__app_label", "codename")
            )
        },
    )


_user_groups_changed = _user_m2m_receiver("groups")
_user_permissions_changed = _user_m2m_receiver("permissions")
_RECEIVERS: list[Any] = []


def audit_receivers_connect() -> None:
    """Connect the receivers above (called once from ``AccountsConfig.ready``)."""
    connections: list[tuple[Any, Any, dict[str, Any]]] = [
        (auth_signals.user_logged_in, _on_login, {}),
        (auth_signals.user_login_failed, _on_login_failed, {}),
        (auth_signals.user_logged_out, _on_logout, {}),
        (account_signals.password_changed, _user_event("auth.password_changed"), {}),
        (account_signals.password_set, _user_event("auth.password_set"), {}),
        (account_signals.password_reset, _user_event("auth.password_reset"), {}),
        (account_signals.email_changed, _user_event("auth.email_changed"), {}),
        (account_signals.email_added, _user_event("auth.email_added"), {}),
        (account_signals.email_removed, _user_event("auth.email_removed"), {}),
        (mfa_signals.authenticator_added, _mfa_event("mfa.added"), {}),
        (mfa_signals.authenticator_removed, _mfa_event("mfa.removed"), {}),
        (mfa_signals.authenticator_reset, _mfa_event("mfa.reset"), {}),
        (mfa_signals.authentication_failed, _on_mfa_failed, {}),
        (m2m_changed, _user_groups_changed, {"sender": User.groups.through}),
        (m2m_changed, _user_permissions_changed, {"sender": User.user_permissions.through}),
        (m2m_changed, _on_group_permissions_changed, {"sender": Group.permissions.through}),
    ]
    for signal, receiver, kwargs in connections:
        _RECEIVERS.append(receiver)  # keep the closures alive (weak references)
        signal.connect(receiver, dispatch_uid=f"pista-audit-{receiver.__name__}", **kwargs)
