// Click-to-load videos: no iframe and no request to the video host until the
// visitor has allowed embedded content (themes/consent.js) and presses play on
// a [data-video-embed] figure (CMS video blocks, artist profiles). Without that
// consent, play first asks; allowing is remembered, refusing loads nothing.
// A static file, as the CSP allows no inline script.
(function () {
  function load(figure, button) {
    var src = figure.getAttribute("data-video-embed");
    if (!src) return;
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = button.textContent.trim();
    frame.allow = "autoplay; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.className = "video__frame";
    var notice = figure.querySelector("[data-video-consent]");
    if (notice) notice.remove();
    button.replaceWith(frame);
    frame.focus();
  }

  function host(figure) {
    try {
      return new URL(figure.getAttribute("data-video-embed")).hostname;
    } catch (error) {
      return "";
    }
  }

  function ask(figure, button) {
    if (figure.querySelector("[data-video-consent]")) return;
    var notice = document.createElement("p");
    notice.className = "video__consent";
    notice.setAttribute("data-video-consent", "");
    // The texts come translated from the template (data-video-*); English otherwise.
    var name = host(figure);
    var text = name
      ? (figure.dataset.videoConsentText || "This video is served by %(host)s, which may set cookies and see your address.").replace("%(host)s", name)
      : figure.dataset.videoConsentOther || "This video is served by another site, which may set cookies and see your address.";
    notice.textContent = text + " ";
    var allow = document.createElement("button");
    allow.type = "button";
    allow.className = "button";
    allow.setAttribute("data-video-allow", "");
    allow.textContent = figure.dataset.videoAllowLabel || "Allow videos and play";
    allow.addEventListener("click", function () {
      if (window.pistaConsent) window.pistaConsent.record(true);
      load(figure, button);
    });
    notice.appendChild(allow);
    figure.appendChild(notice);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-video-play]");
    if (!button) return;
    var figure = button.closest("[data-video-embed]");
    if (window.pistaConsent && window.pistaConsent.allowed("embeds")) load(figure, button);
    else ask(figure, button);
  });
})();
