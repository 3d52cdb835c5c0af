/* Pista events widget. Put on your page:
 *   <div data-pista-widget="https://YOUR-COMMUNITY-HOST"></div>
 *   <script src="https://YOUR-COMMUNITY-HOST/static/integrations/widget.js" async></script>
 * Your site must be listed under Settings → Integrations → Widget. */
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-pista-widget]");
  Array.prototype.forEach.call(nodes, function (node) {
    if (node.getAttribute("data-pista-ready")) return;
    var base = (node.getAttribute("data-pista-widget") || "").replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]+$/.test(base)) return;
    var frame = document.createElement("iframe");
    frame.src = base + "/widget/events/";
    frame.title = node.getAttribute("data-pista-title") || "Upcoming events";
    frame.loading = "eager";
    frame.setAttribute("width", "100%");
    frame.setAttribute("height", node.getAttribute("data-pista-height") || "420");
    frame.setAttribute("frameborder", "0");
    node.setAttribute("data-pista-ready", "1");
    node.appendChild(frame);
  });
})();
