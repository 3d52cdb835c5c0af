// Click-to-load videos: no iframe and no request to the video host until the
// visitor presses play on a [data-video-embed] figure (CMS video blocks, artist
// profiles). A static file, as the CSP allows no inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-video-play]");
  if (!button) return;
  var figure = button.closest("[data-video-embed]");
  var src = figure.getAttribute("data-video-embed");
  if (!src) return;
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = button.textContent.trim();
  frame.allow = "autoplay; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  frame.className = "video__frame";
  button.replaceWith(frame);
  frame.focus();
});
