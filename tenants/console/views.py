"""The operator console's pages (thin: selectors read, services act)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tenants.utils import get_public_schema_name

from billing.selectors import connected_account_of, plan_usage
from pista.error_views import form_error_status, form_service_call
from tenants.console.access import operator_required
from tenants.console.forms import (
    CommunityCreateForm,
    CommunityFilterForm,
    DeletionActionForm,
    OperatorActionForm,
    TrialExtendForm,
)
from tenants.console.selectors import (
    communities_search,
    community_audit_recent,
    community_health,
    community_rows,
    platform_overview,
    platform_week_report,
)
from tenants.console.services import operator_community_create, operator_trial_extend
from tenants.console.sparklines import sparkline
from tenants.lifecycle.services.deletion import (
    community_deletion_cancel,
    community_deletion_schedule,
)
from tenants.lifecycle.services.suspension import (
    community_reinstate,
    community_suspend,
    operator_reason_clean,
)
from tenants.models import Community

PAGE_SIZE = 50


def _community(slug: str) -> Community:
    return get_object_or_404(
        Community.objects.exclude(schema_name=get_public_schema_name()), slug=slug
    )


@operator_required
def overview(request: HttpRequest) -> HttpResponse:
    data = platform_overview(fresh=request.GET.get("refresh") == "1")
    gmv = [
        {
            "currency": currency,
            "week": data.gmv_week[currency],
            "month": data.gmv_month[currency],
            "spark": sparkline(values),
        }
        for currency, values in sorted(data.gmv_by_day.items())
    ]
    revenue = [
        {
            "currency": currency,
            "subscriptions": sum(data.subscriptions_by_day.get(currency, [])),
            "fees": sum(data.fees_by_day.get(currency, [])),
            "week": sum(values[-7:]),
            "month": sum(values),
            "spark": sparkline(values),
        }
        for currency, values in sorted(data.revenue_by_day.items())
    ]
    return render(
        request,
        "tenants/console/overview.html",
        {
            "data": data,
            "communities_total": sum(data.communities.values()),
            "tickets_spark": sparkline(data.tickets_by_day),
            "orders_spark": sparkline(data.orders_by_day),
            "gmv": gmv,
            "revenue": revenue,
            "week": platform_week_report(),
            "statuses": [
                (label, data.communities.get(value, 0)) for value, label in Community.Status.choices
            ],
        },
    )


@operator_required
def community_list(request: HttpRequest) -> HttpResponse:
    form = CommunityFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    communities = communities_search(
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        created=filters.get("created", ""),
        activity=filters.get("activity", ""),
        plan=filters.get("plan", ""),
    )
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tenants/console/communities.html",
        {
            "form": form,
            "page": page,
            "rows": community_rows(list(page.object_list)),
            "query": query.urlencode(),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


@operator_required
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(slug)
    (row,) = community_rows([community])
    return render(
        request,
        "tenants/console/community.html",
        {
            "community": community,
            "row": row,
            "domains": list(community.domains.order_by("-is_primary", "domain")),
            "audit": community_audit_recent(community=community),
            "health": community_health(community=community),
            "limits": plan_usage(community=community) if row.subscription else [],
            "connect": connected_account_of(community=community),
        },
    )


def _cancel_deletion(
    *, community: Community, operator: Any, reason: str, request: HttpRequest
) -> Community:
    return community_deletion_cancel(
        community=community, operator=operator, reason=operator_reason_clean(reason)
    )


ACTIONS: dict[str, Callable[..., Any]] = {
    "suspend": community_suspend,
    "reinstate": community_reinstate,
    "delete": community_deletion_schedule,
    "cancel-deletion": _cancel_deletion,
    "extend-trial": operator_trial_extend,
}


def _titles() -> dict[str, str]:
    return {
        "suspend": _("Suspend"),
        "reinstate": _("Reinstate"),
        "delete": _("Schedule deletion"),
        "cancel-deletion": _("Cancel the deletion"),
        "extend-trial": _("Extend the trial"),
    }


def _done(action: str, name: str) -> str:
    return {
        "suspend": _("%(name)s suspended: closed to visitors from now on."),
        "reinstate": _("%(name)s reinstated: open to visitors again."),
        "delete": _("%(name)s closed and scheduled for deletion after the grace period."),
        "cancel-deletion": _("%(name)s: deletion cancelled, open to visitors again."),
        "extend-trial": _("%(name)s: trial extended."),
    }[action] % {"name": name}


@operator_required
@require_http_methods(["GET", "POST"])
def community_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    community = _community(slug)
    service = ACTIONS[action]
    form_class = {"delete": DeletionActionForm, "extend-trial": TrialExtendForm}.get(
        action, OperatorActionForm
    )
    kwargs: dict[str, Any] = {"community": community} if action == "delete" else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        extra = {"days": form.cleaned_data["days"]} if action == "extend-trial" else {}
        form_service_call(
            form,
            lambda: service(
                community=community,
                operator=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
                **extra,
            ),
        )
        if not form.errors:
            messages.success(request, _done(action, community.name))
            return HttpResponseRedirect(reverse("console-community", args=[community.slug]))
    return render(
        request,
        "tenants/console/action.html",
        {
            "community": community,
            "action": action,
            "title": _titles()[action],
            "form": form,
            "being_deleted": community.is_deletion_pending and action != "cancel-deletion",
        },
        status=form_error_status(form) if request.method == "POST" else 200,
    )


@operator_required
@require_http_methods(["GET", "POST"])
def community_new(request: HttpRequest) -> HttpResponse:
    form = CommunityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provisioned = form_service_call(
            form,
            lambda: operator_community_create(
                operator=request.user, request=request, **form.cleaned_data
            ),
            field={"slug_taken": "slug", "domain_taken": "slug", "invalid_slug": "slug"},
        )
        if provisioned is not None and not form.errors:
            messages.success(request, _("%(name)s created.") % {"name": provisioned.community.name})
            return HttpResponseRedirect(
                reverse("console-community", args=[provisioned.community.slug])
            )
    return render(
        request,
        "tenants/console/community_new.html",
        {"form": form},
        status=form_error_status(form) if request.method == "POST" else 200,
    )
