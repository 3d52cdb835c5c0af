"""Writes about users and roles in the current community."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import (
    EDITOR_MEDIA_PERMISSIONS,
    ROLE_PAGE_ACTIONS,
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    Role,
)
from pista.billing_hooks import LIMIT_MEMBERS, LIMIT_STAFF_SEATS, plan_limit_check
from pista.domain_events import domain_event_emit
from pista.errors import ApplicationError
from pista.tasks import task_enqueue_on_commit

if TYPE_CHECKING:
    from tenants.models import Community


class InvalidEmail(ApplicationError):
    default_code = "invalid_email"


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _app, codename in wanted}
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    ]
    return found


def _page_and_collection_permissions(group: Group, role: Role) -> None:
    """Give editing roles Wagtail's tree permissions on the root page and collection."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    page_actions = ROLE_PAGE_ACTIONS.get(role, [])
    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    for codename in page_actions:
        perm = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)
    if page_actions and collection is not None:
        media_permissions = Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
            codename__in=EDITOR_MEDIA_PERMISSIONS,
        )
        for media_permission in media_permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=media_permission
            )


@transaction.atomic
def roles_sync() -> list[Group]:
    """Create or update one group per role with its permissions (idempotent)."""
    groups = []
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(names))
        _page_and_collection_permissions(group, role)
        groups.append(group)
    return groups


@transaction.atomic
def user_role_grant(*, user: User, role: Role) -> None:
    """Give a user a role; staff roles also open the CMS (``is_staff``).
    Raises PlanLimitReached when a new staff member passes the plan's seats."""
    if role in STAFF_ROLES and not user.is_staff:
        plan_limit_check(LIMIT_STAFF_SEATS)
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def user_roles(*, user: User) -> set[Role]:
    names = set(user.groups.values_list("name", flat=True))
    return {role for role in Role if role.value in names}


@transaction.atomic
def owner_create(
    *,
    email: str,
    community: Community,
    password: str | None = None,
    password_hash: str | None = None,
    email_verified: bool | None = None,
) -> User:
    """Create the community's owner.

    ``password_hash`` is the password already hashed (``make_password``; signup
    hashes it while the community's schema is prepared), in place of ``password``.
    Without either the owner gets an email with a link to set one. An
    operator-given password (demo data) counts the address as verified unless
    ``email_verified`` says otherwise (self-service signup). Raises InvalidEmail.
    """
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidEmail(gettext("Invalid owner email %(email)r.") % {"email": email}) from exc
    if password is not None:
        password_hash = make_password(password)
    user = User.objects.filter(email=email).first()
    if user is None:
        # make_password(None): an unusable password, as create_user sets one.
        user = User.objects.create(email=email, password=password_hash or make_password(None))
    EmailAddress.objects.update_or_create(
        user=user,
        email=email,
        defaults={
            "primary": True,
            "verified": password_hash is not None if email_verified is None else email_verified,
        },
    )
    user_role_grant(user=user, role=Role.OWNER)
    user_role_grant(user=user, role=Role.MEMBER)
    if password_hash is None:
        from core_apps.accounts.tasks import owner_invitation_send_task

        task_enqueue_on_commit(owner_invitation_send_task, user_id=user.pk)
    return user


def signup_verification_email_queue(*, user: User, language: str) -> None:
    """Email a new owner the link that verifies their address, in ``language``,
    once the current transaction commits (through the outbox: retried until
    sent, so a mail provider's hiccup neither slows nor breaks the welcome).
    Nothing when the primary address is verified already."""
    from allauth.account.models import EmailAddress

    from core_apps.accounts.tasks import signup_verification_email_send_task

    if EmailAddress.objects.filter(user=user, primary=True, verified=False).exists():
        task_enqueue_on_commit(
            signup_verification_email_send_task, user_id=user.pk, language=language
        )


LOGIN_TOKEN_SALT = "pista.accounts.login-token"  # noqa: S105 - a salt, not a secret
LOGIN_TOKEN_MAX_AGE_S = 120
# A welcome link signs in only an owner whose account is this recent: one
# forged for an older account (with a leaked SECRET_KEY) opens nothing.
LOGIN_TOKEN_ACCOUNT_MAX_AGE_S = 600


class InvalidLoginToken(ApplicationError):
    default_code = "invalid_login_token"


def login_token_issue(*, schema: str, email: str) -> str:
    """A signed, short-lived, single-use token that signs in the owner just
    created with ``email`` in the community whose schema is ``schema`` (used
    right after signup, when the owner moves from the platform host to their
    community's host). The token names that account (its id and when it
    joined), not only an address. Raises InvalidLoginToken when there is no
    such active user."""

    with schema_context(schema):
        user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        raise InvalidLoginToken(gettext("There is no such account to sign in."))
    return signing.dumps(
        {
            "schema": schema,
            "user": user.pk,
            "email": user.email,
            "joined": user.date_joined.isoformat(),
            "nonce": get_random_string(16),
        },
        salt=LOGIN_TOKEN_SALT,
        compress=True,
    )


def login_token_redeem(*, token: str, schema: str) -> User:
    """The owner a login token stands for, in the current community, and the
    token used up. A token works once (the account must never have signed in:
    redeeming records the sign-in, in the same conditional update that checks
    it), on its own community only, for two minutes, and only for the owner's
    account it was issued for while that account is at most ten minutes old.
    Raises InvalidLoginToken."""

    invalid = InvalidLoginToken(gettext("This sign-in link is invalid or has expired."))
    try:
        payload = signing.loads(token, salt=LOGIN_TOKEN_SALT, max_age=LOGIN_TOKEN_MAX_AGE_S)
    except signing.BadSignature as exc:
        raise invalid from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise invalid
    if payload.get("schema") != schema:
        raise InvalidLoginToken(gettext("This sign-in link belongs to another community."))
    user = User.objects.filter(
        pk=payload["user"], email=payload.get("email"), is_active=True
    ).first()
    if (
        user is None
        or user.date_joined.isoformat() != payload.get("joined")
        or (timezone.now() - user.date_joined).total_seconds() > LOGIN_TOKEN_ACCOUNT_MAX_AGE_S
        or Role.OWNER not in user_roles(user=user)
    ):
        raise invalid
    used = User.objects.filter(pk=user.pk, last_login__isnull=True).update(
        last_login=timezone.now()
    )
    if not used:
        raise InvalidLoginToken(gettext("This sign-in link has already been used."))
    return user


def user_session_end(*, request: HttpRequest, user: User, session_pk: int) -> bool:
    """End one of ``user``'s sessions (signing out here if it is this one).
    False when ``user`` has no such session."""
    from allauth.usersessions.internal.flows.sessions import end_sessions
    from allauth.usersessions.models import UserSession

    session = UserSession.objects.filter(pk=session_pk, user_id=user.pk).first()
    if session is None:
        return False
    end_sessions(request, [session])
    return True


def user_sessions_end_all(*, request: HttpRequest, user: User) -> None:
    """End every session of ``user``, this one included ("sign out everywhere")."""
    from allauth.usersessions.internal.flows.sessions import end_sessions
    from allauth.usersessions.models import UserSession
    from django.contrib.auth import logout

    end_sessions(request, list(UserSession.objects.filter(user_id=user.pk)))
    if request.user.is_authenticated:
        logout(request)


def members_count() -> int:
    """Active accounts in the community: the plan's "members" usage."""
    return User.objects.filter(is_active=True).count()


def staff_seats_count() -> int:
    """Active staff accounts: the plan's "staff seats" usage."""
    return User.objects.filter(is_active=True, is_staff=True).count()


def member_join_check() -> None:
    """Call inside the transaction that creates a member account. Raises
    PlanLimitReached when the community's plan has no room for one more."""
    plan_limit_check(LIMIT_MEMBERS)


def user_language_set(*, user: User, language: str, enabled: list[str]) -> bool:
    """Store ``language`` as ``user``'s language if it is one of ``enabled`` (the
    community's languages); anything else is ignored. True when stored."""
    if language not in enabled:
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True


def member_joined_announce(*, user: User) -> None:
    """Announce ``member.joined`` (webhooks); call inside the transaction that
    created the member's account, after ``member_join_check``."""
    domain_event_emit("member.joined", member=user.pk, joined_at=user.date_joined.isoformat())
