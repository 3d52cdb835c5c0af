/* Paying for a first plan by card on /settings/plan/ (billing.views).
 *
 * The card goes into Stripe's own fields (Stripe.js); this page never sees it.
 * 1. POST the plan to the setup URL: the server answers a SetupIntent's
 *    client secret (nothing charged).
 * 2. Stripe.js confirms the card against it (3-D Secure if the bank asks).
 * 3. POST the confirmed SetupIntent's id: the server subscribes and applies
 *    the plan, then the page reloads. Any refusal is shown in #card-error.
 */
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  if (!form || typeof window.Stripe !== "function") {
    return;
  }
  const stripe = window.Stripe(form.dataset.stripeKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const error = document.getElementById("card-error");
  const button = form.querySelector("button[type=submit]");

  function fail(message) {
    error.textContent = message || form.dataset.failed;
    error.hidden = false;
    button.disabled = false;
  }

  async function post(url, fields) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    Object.keys(fields).forEach((name) => body.append(name, fields[name]));
    const response = await fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, data: data };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    const plan = form.elements.plan.value;
    try {
      const setup = await post(form.dataset.setupUrl, { plan: plan });
      if (!setup.ok) {
        fail(setup.data.detail);
        return;
      }
      const result = await stripe.confirmCardSetup(setup.data.client_secret, {
        payment_method: { card: card },
      });
      if (result.error) {
        fail(result.error.message);
        return;
      }
      const done = await post(form.action, { plan: plan, setup_intent: result.setupIntent.id });
      if (!done.ok) {
        fail(done.data.detail);
        return;
      }
      window.location.assign(done.data.redirect);
    } catch (problem) {
      fail("");
    }
  });
})();
