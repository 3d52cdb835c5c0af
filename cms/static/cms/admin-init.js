// Starts the Wagtail admin widgets whose templates Pista overrides so that the
// admin needs no inline <script> (the Content-Security-Policy forbids it).
// Each placeholder <span data-pista-init> is started once, also when Wagtail
// inserts it later (a new inline form, a modal).
(function () {
  "use strict";
  var starters = {
    date: function (el, config) { window.initDateChooser(el.dataset.pistaTarget, config); },
    time: function (el, config) { window.initTimeChooser(el.dataset.pistaTarget, config); },
    datetime: function (el, config) { window.initDateTimeChooser(el.dataset.pistaTarget, config); },
    "inline-panel": function (el, config) { new window.InlinePanel(config); },
    "multiple-chooser-panel": function (el, config) { new window.MultipleChooserPanel(config); },
  };

  function start(el) {
    if (el.dataset.pistaStarted) return;
    // Placeholders inside <template> elements (empty forms) start when inserted.
    if (el.closest("template")) return;
    var starter = starters[el.dataset.pistaInit];
    if (!starter) return;
    el.dataset.pistaStarted = "1";
    starter(el, JSON.parse(el.dataset.pistaConfig || "{}"));
  }

  function scan(root) {
    if (root.matches && root.matches("[data-pista-init]")) start(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-pista-init]").forEach(start);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) { mutation.addedNodes.forEach(scan); });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
