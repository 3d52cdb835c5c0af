// The language switcher (themes/includes/language_switcher.html): the choice is
// kept in a cookie only when the visitor consented to preference cookies
// (themes/consent.js); otherwise the server keeps it in the session.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-language-switcher]");
    if (!form) return;
    var remember = form.querySelector("[data-language-remember]");
    var consent = window.pistaConsent;
    if (remember) remember.value = consent && consent.allowed("preferences") ? "1" : "";
  });
})();
