// Keeps the header menu (a <details> element, which works without script)
// open on wide screens, where it is shown as a bar, and closed on small ones.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 56rem)");
  function sync() {
    document.querySelectorAll("[data-site-nav]").forEach(function (menu) {
      menu.open = wide.matches;
    });
  }
  sync();
  wide.addEventListener("change", sync);
  // A member menu closes when focus or a click leaves it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll(".member-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });
})();
