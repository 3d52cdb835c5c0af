"""Policy versions and the members' consents to them."""

from __future__ import annotations

from typing import Any

import nh3
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core_apps.privacy.models import ConsentRecord, PolicyDocument
from core_apps.privacy.selectors import CURRENT_CACHE_KEY, pending_cache_key
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError

POLICY_TAGS = {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote"}


class PolicyEmpty(ApplicationError):
    default_code = "policy_empty"


@transaction.atomic
def policy_publish(
    *, kind: str, text: str, summary_of_changes: str = "", published_by: Any = None
) -> PolicyDocument:
    """Publish the next version of the privacy policy or the terms (kind
    ``privacy`` or ``terms``) in the current schema. Members who accepted an
    older version are asked again. Raises PolicyEmpty."""
    kind = PolicyDocument.Kind(kind)
    clean = nh3.clean(text, tags=POLICY_TAGS, attributes={"a": {"href"}}).strip()
    if not clean:
        raise PolicyEmpty(_("A policy needs some text."))
    # Lock the kind's rows so that two publishers can't take the same number.
    list(PolicyDocument.objects.select_for_update().filter(kind=kind).values_list("pk"))
    latest = PolicyDocument.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    document = PolicyDocument.objects.create(
        kind=kind,
        version=latest + 1,
        text=clean,
        summary_of_changes=summary_of_changes[:300],
        published_by=published_by if getattr(published_by, "pk", None) else None,
    )
    audit_record(
        "privacy.policy_publish",
        actor=published_by,
        target=document,
        data={"kind": kind.value, "version": document.version},
    )
    # Now (this transaction sees the new version) and after commit (a request
    # may have cached the old list in between).
    cache.delete(CURRENT_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CURRENT_CACHE_KEY))
    return document


def _consent_record(
    *, user: Any, document: PolicyDocument, given: bool, method: str, request: HttpRequest | None
) -> ConsentRecord:
    record = ConsentRecord.objects.create(
        user=user,
        document=document,
        purpose=document.kind,
        given=given,
        method=ConsentRecord.Method(method),
    )
    audit_record(
        "privacy.consent_give" if given else "privacy.consent_withdraw",
        actor=user,
        subject=user,
        target=document,
        request=request,
        data={"kind": document.kind, "version": document.version, "method": method},
    )
    key = pending_cache_key(user.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    return record


@transaction.atomic
def consent_give(
    *,
    user: Any,
    documents: list[PolicyDocument],
    method: str,
    request: HttpRequest | None = None,
) -> list[ConsentRecord]:
    """Record that ``user`` accepted each of ``documents`` (how: ``method``)."""
    return [
        _consent_record(user=user, document=d, given=True, method=method, request=request)
        for d in documents
    ]


@transaction.atomic
def consent_withdraw(
    *, user: Any, document: PolicyDocument, request: HttpRequest | None = None
) -> ConsentRecord:
    """Record that ``user`` withdrew their acceptance of ``document`` (one click
    on their privacy page, as easy as giving it). They are asked again before
    they can go on using the member pages."""
    return _consent_record(
        user=user,
        document=document,
        given=False,
        method=ConsentRecord.Method.PRIVACY_PAGE,
        request=request,
    )
