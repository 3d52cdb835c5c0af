"""The owner's custom-domains page, ``/settings/domains/`` on a community host."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from pista.errors import ApplicationError, PermissionDenied
from tenants.current import request_community
from tenants.domains.selectors import (
    domain_dns_records,
    domain_is_platform_address,
    domains_of_community,
)
from tenants.domains.services import (
    domain_add,
    domain_check_request,
    domain_make_primary,
    domain_remove,
)


class DomainAddForm(forms.Form):
    domain = forms.CharField(label=gettext_lazy("Domain"), max_length=1000)


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return render(request, "tenants/domains_forbidden.html", {"reason": exc.message}, status=403)


@login_required
def domains_page(request: HttpRequest) -> HttpResponse:
    """List the community's domains with their DNS records and status; add one."""
    community = request_community(request)
    form = DomainAddForm(request.POST or None)
    status = 200
    try:
        if request.method == "POST" and form.is_valid():
            try:
                added = domain_add(
                    community=community,
                    actor=authed_user(request),
                    domain=form.cleaned_data["domain"],
                )
            except PermissionDenied:
                raise  # answered below with the 403 page
            except ApplicationError as exc:
                form.add_error("domain", exc.message)
            else:
                messages.success(
                    request,
                    _("%(domain)s was added: create the DNS records below.")
                    % {"domain": added.domain},
                )
                return redirect("domains-page")
        if form.errors:
            status = 400
        domains = [
            {
                "domain": domain,
                "records": domain_dns_records(domain=domain),
                "platform_address": domain_is_platform_address(domain=domain, community=community),
            }
            for domain in domains_of_community(
                community=community,
                actor=authed_user(request),
            )
        ]
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return render(
        request, "tenants/domains.html", {"form": form, "domains": domains}, status=status
    )


def _domain_action(request: HttpRequest, domain_id: int, action: str) -> HttpResponse:
    community = request_community(request)
    actor = authed_user(request)
    try:
        if action == "check":
            domain = domain_check_request(community=community, actor=actor, domain_id=domain_id)
            messages.info(
                request, _("A DNS check of %(domain)s was queued.") % {"domain": domain.domain}
            )
        elif action == "primary":
            domain = domain_make_primary(community=community, actor=actor, domain_id=domain_id)
            messages.success(
                request, _("%(domain)s is now the primary domain.") % {"domain": domain.domain}
            )
        else:
            domain_remove(community=community, actor=actor, domain_id=domain_id)
            messages.success(request, _("The domain was removed."))
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    # 303: the browser follows with a GET of the page, which shows the outcome.
    response = redirect("domains-page")
    response.status_code = 303
    return response


@login_required
@require_POST
def domain_check(request: HttpRequest, domain_id: int) -> HttpResponse:
    return _domain_action(request, domain_id, "check")


@login_required
@require_POST
def domain_primary(request: HttpRequest, domain_id: int) -> HttpResponse:
    return _domain_action(request, domain_id, "primary")


@login_required
@require_POST
def domain_delete(request: HttpRequest, domain_id: int) -> HttpResponse:
    return _domain_action(request, domain_id, "remove")
