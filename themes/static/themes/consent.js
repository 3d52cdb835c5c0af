// Cookie and embed consent (see themes/includes/consent_banner.html).
// The choice lives in localStorage ("pista.consent"): no cookie is set, before
// or after the choice. Other scripts ask window.pistaConsent.allowed("embeds")
// and listen for the "pista:consent" event.
(function () {
  var KEY = "pista.consent";
  var VERSION = 1;

  function read() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY));
      return value && value.v === VERSION ? value : null;
    } catch (error) {
      return null;
    }
  }

  function banner() {
    return document.querySelector("[data-consent-banner]");
  }

  function record(allowed) {
    // "preferences": the language switcher may keep the choice in a cookie.
    var choice = {
      v: VERSION,
      embeds: allowed,
      preferences: allowed,
      analytics: false,
      at: new Date().toISOString(),
    };
    try {
      window.localStorage.setItem(KEY, JSON.stringify(choice));
    } catch (error) {
      /* storage refused: the choice lasts for this page only */
    }
    var element = banner();
    if (element) element.hidden = true;
    document.dispatchEvent(new CustomEvent("pista:consent", { detail: choice }));
    return choice;
  }

  window.pistaConsent = {
    allowed: function (category) {
      var choice = read();
      return Boolean(choice && choice[category]);
    },
    choice: read,
    record: record,
    open: function () {
      var element = banner();
      if (element) element.hidden = false;
    },
  };

  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-consent-choice]");
    if (choice) {
      record(choice.getAttribute("data-consent-choice") === "accept");
      return;
    }
    if (event.target.closest("[data-consent-open]")) window.pistaConsent.open();
  });

  function start() {
    if (!read()) window.pistaConsent.open();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
