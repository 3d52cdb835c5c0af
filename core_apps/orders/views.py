"""HTML pages: checkout, the buyer's order page (magic link), waitlist offers
and the staff check-in page. Thin: parse, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.integrations.services import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    idempotency_actor,
    idempotency_fingerprint,
    idempotency_run,
)
from core_apps.orders import selectors, services
from core_apps.orders.forms import CardForm, CheckoutForm, TransferForm
from core_apps.orders.models import Order, Position
from core_apps.orders.qr import position_qr_svg
from core_apps.ticketing.salequeue.admission import (
    pass_token_from_request,
    sale_queue_admission,
    sale_queue_pass_redeem,
)
from core_apps.ticketing.salequeue.errors import QueuePassRequired, QueueRefusal, line_url
from core_apps.ticketing.selectors import (
    product_availability,
    product_on_sale,
    product_price_current,
)
from pista.error_views import (
    action_run,
    application_error_redirect,
    form_error_status,
    form_service_call,
)
from pista.errors import ApplicationError, Conflict, NotFound
from tenants.current import community_current


def _order_url(order: Order) -> str:
    return f"/orders/{order.code}/{order.secret}/"


def _checkout_initial(request: HttpRequest) -> dict[str, Any]:
    """A signed-in member's name and email; the role and waitlist choice the
    event page's buttons carry (``?role=follow&waitlist=1``)."""
    initial: dict[str, Any] = {}
    user = request.user
    if user.is_authenticated:
        initial["name"] = user.get_full_name()
        initial["email"] = user.email
    if request.GET.get("role") in ("lead", "follow"):
        initial["role"] = request.GET["role"]
    if request.GET.get("waitlist") == "1":
        initial["join_waitlist"] = True
    return initial


@never_cache  # each rendering carries its own one-time submission token
def checkout(request: HttpRequest, product_id: int) -> HttpResponse:
    # A hidden product opens with its code (``?code=`` in the link, or typed as
    # the promo code): its own unlock code or a promo code listing it.
    code = (request.POST.get("promo_code") or request.GET.get("code") or "").strip()[:64]
    product = product_on_sale(pk=product_id)
    if product is None or (
        product.is_hidden and not selectors.product_unlocked_by(product=product, code=code)
    ):
        raise NotFound(_("No such product on sale here."))
    try:
        # A queued event's products need the pass its waiting room gives.
        admission = sale_queue_admission(
            event_ids=[product.event_id] if product.event_id else [],
            pass_token=lambda event_id: pass_token_from_request(request, event_id),
            check_used=request.method != "POST",
        )
    except QueueRefusal as exc:
        return _queue_refused(request, exc)
    price = product_price_current(product=product)
    form = CheckoutForm(
        request.POST or None,
        product=product,
        simulated=settings.PISTA_SIMULATED_PAYMENTS,
        free=price.minor == 0,
        initial={**_checkout_initial(request), "promo_code": code},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendee = services.AttendeeIn(
            name=data["name"],
            email=data["email"],
            role=data.get("role", ""),
            partner_name=data.get("partner_name", ""),
            partner_email=data.get("partner_email", ""),
            answers=form.answers(),
        )

        def place() -> dict[str, Any]:
            with sale_queue_pass_redeem(admission) as held:
                result = services.order_checkout(
                    email=data["email"],
                    name=data["name"],
                    lines=[
                        services.LineIn(
                            product_id=product.pk,
                            quantity=1,
                            attendees=[attendee],
                            event_date_id=data.get("event_date"),
                        )
                    ],
                    provider=data["provider"],
                    # The product's own unlock code is no promo code: it only opens it.
                    promo_code=data["promo_code"]
                    if selectors.promo_code_exists(code=data["promo_code"]) or not product.is_hidden
                    else "",
                    unlock_code=data["promo_code"],
                    join_waitlist=data["join_waitlist"],
                    user=request.user if request.user.is_authenticated else None,
                )
                if held is not None:  # the queue's pass is used once it placed an order
                    held.consumed = result.order is not None
            if result.order is None:
                return {"location": request.path, "waitlisted": True}
            return {"location": _order_url(result.order), "waitlisted": False}

        placed = form_service_call(form, lambda: _once_per_form(request, form, place))
        if placed is not None:
            if placed["waitlisted"]:
                messages.info(
                    request, _("You are on the waitlist: we'll email you when a place frees.")
                )
            return redirect(placed["location"])
    return render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "product": product,
            "price": price,
            "free": price.minor == 0,
            "availability": product_availability(product=product),
        },
        status=form_error_status(form),
    )


def _queue_refused(request: HttpRequest, exc: QueueRefusal) -> HttpResponse:
    """A checkout of a queued event without a usable pass: to the line (a
    first visit), else a page saying why, with the way back to the line."""
    back = line_url(exc.event_id, next_url=request.get_full_path())
    if isinstance(exc, QueuePassRequired) and request.method == "GET":
        return redirect(back)
    return render(
        request,
        "orders/queue_refused.html",
        {"error": exc, "line_url": back},
        status=exc.status_code,
    )


def _once_per_form(
    request: HttpRequest, form: CheckoutForm, work: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``work`` once per rendering of the form: a second submission of the
    same details with the same one-time token (a double click) gets the first
    one's result. Raises what ``work`` raises, and Conflict when the token
    comes back with other details or while the first submission still runs."""
    token = form.cleaned_data.get("submission_token")
    if not token:
        return work()
    user = request.user if request.user.is_authenticated else None
    details = {k: v for k, v in form.cleaned_data.items() if k != "submission_token"}
    try:
        return idempotency_run(
            key=f"checkout-form:{token}",
            fingerprint=idempotency_fingerprint(
                endpoint=f"POST {request.path}",
                actor=idempotency_actor(user=user),
                body=details,
            ),
            user=user,
            work=work,
        )
    except IdempotencyKeyReused as exc:
        raise Conflict(
            _("This form was already sent with other details: reload the page to order again."),
            code=exc.code,
        ) from exc
    except IdempotencyInProgress as exc:
        raise Conflict(
            _("Your order is still being placed: wait a moment, then reload the page."),
            code=exc.code,
        ) from exc


def _qr_svg(secret: str) -> str:
    return position_qr_svg(secret=secret)


def order_page(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    order = selectors.order_for_buyer(code=code, secret=secret)
    if order.status == Order.Status.PENDING:
        services.order_expire(order=order)  # the lazy hold check
    positions = list(order.positions.select_related("product", "event_date"))
    tickets = [
        {"position": p, "qr": _qr_svg(p.secret) if order.status == Order.Status.PAID else ""}
        for p in positions
    ]
    return render(
        request,
        "orders/order.html",
        {
            "order": order,
            "tickets": tickets,
            "card_form": CardForm(),
            "invoices": [
                (invoice, services.invoice_link_signature(invoice=invoice))
                for invoice in order.invoices.select_related("order")
            ],
            "cancel_terms": selectors.order_self_cancel_terms(order=order),
            "transfer_form": TransferForm(),
            "bank": selectors.bank_transfer_details()
            if order.provider == Order.Provider.MANUAL
            else None,
            "zone": order.event.time_zone if order.event else community_current().time_zone,
        },
    )


@require_POST
def position_transfer(
    request: HttpRequest, code: str, secret: str, position_id: int
) -> HttpResponse:
    """The buyer hands one ticket on (same role on role-balanced products)."""
    order = selectors.order_for_buyer(code=code, secret=secret)
    position = order.positions.select_related("product", "order").filter(pk=position_id).first()
    if position is None:
        raise NotFound(_("No such ticket in this order."))
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new holder's name and email address."))
        return redirect(_order_url(order))

    def transfer() -> str:
        services.position_transfer(
            position=position, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
        )
        return _("Transferred: the new holder has a new QR code.")

    return action_run(request, transfer, back=_order_url(order))


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    """The signed-in person's orders and the partner tickets they claimed."""
    user = authed_user(request)
    return render(
        request,
        "orders/my_orders.html",
        {
            "orders": selectors.orders_of_user(user=user),
            "claimed": [
                {"position": p, "link": services.partner_claim_link(position=p).url}
                for p in selectors.positions_claimed_by(user=user)
            ],
        },
    )


@require_POST
def order_pay(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    order = selectors.order_for_buyer(code=code, secret=secret)
    form = CardForm(request.POST)
    if not form.is_valid():
        return redirect(_order_url(order))

    def pay() -> str:
        services.order_pay_simulated(order=order, card_number=form.cleaned_data["card_number"])
        return _("Paid. Your tickets are on their way by email.")

    return action_run(request, pay, back=_order_url(order))


@require_POST
def order_cancel(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    order = selectors.order_for_buyer(code=code, secret=secret)

    def cancel() -> str | None:
        if order.status == Order.Status.PENDING or (
            order.status == Order.Status.PAID and order.total_minor == 0
        ):
            services.order_cancel(order=order, actor=None, reason="buyer")
            return None
        services.order_self_cancel(order=order)
        return _("Cancelled. Any refund goes back to your payment.")

    return action_run(request, cancel, back=_order_url(order))


def partner_claim(request: HttpRequest, token: str) -> HttpResponse:
    """A partner's claim link: shows the ticket; claiming needs the account
    of the ticket's email (sign in first)."""
    try:
        position = services.partner_claim_position(token=token)
    except ApplicationError as exc:
        return render(request, "orders/partner_claim.html", {"error": exc}, status=exc.status_code)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())

        def claim() -> str:
            services.partner_claim(token=token, user=authed_user(request))
            return _("This ticket is now linked to your account.")

        return action_run(
            request,
            claim,
            back=request.path,
            error_page=lambda status: _partner_claim_page(request, position, status),
        )
    return _partner_claim_page(request, position, 200)


def _partner_claim_page(request: HttpRequest, position: Position, status: int) -> HttpResponse:
    mine = request.user.is_authenticated and position.holder_id == request.user.pk
    qr = _qr_svg(position.secret) if mine and position.status == "valid" else ""
    return render(
        request, "orders/partner_claim.html", {"position": position, "qr": qr}, status=status
    )


def waitlist_offer(request: HttpRequest, secret: str) -> HttpResponse:
    entry = selectors.waitlist_entry_by_secret(secret=secret)
    if request.method == "POST" and request.POST.get("action") == "decline":

        def decline() -> None:
            services.waitlist_decline(entry=entry)
            messages.info(request, _("Done: you're off the list."))

        return action_run(request, decline, back=request.path)
    if request.method == "POST":
        try:
            order = services.waitlist_claim(
                entry=entry,
                provider="simulated" if settings.PISTA_SIMULATED_PAYMENTS else "manual",
            )
        except ApplicationError as exc:
            return application_error_redirect(request, exc, back=request.path)
        return redirect(_order_url(order))
    return render(request, "orders/waitlist_offer.html", {"entry": entry})


def checkin_page(request: HttpRequest) -> HttpResponse:
    """The old check-in page: scanning moved to the back office's lists."""
    return redirect("manage:checkin", permanent=True)


def invoice_download(request: HttpRequest, code: str, secret: str, number: int) -> HttpResponse:
    from core_apps.orders.invoices import invoice_pdf

    order = selectors.order_for_buyer(code=code, secret=secret)
    try:
        invoice = services.invoice_for_signed_link(
            order=order, number=number, signature=request.GET.get("sig", "")
        )
    except services.LinkExpired as exc:
        return render(request, "orders/link_expired.html", {"error": exc}, status=410)
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response
