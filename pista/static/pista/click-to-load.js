// Embedded videos load only when the visitor asks: until the click, no request
// reaches the video host. <button data-video="https://…"> becomes an <iframe>.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-video]");
  if (!button) return;
  var frame = document.createElement("iframe");
  frame.src = button.dataset.video;
  frame.width = 560;
  frame.height = 315;
  frame.allow = "autoplay; encrypted-media";
  frame.setAttribute("allowfullscreen", "");
  frame.title = button.dataset.videoTitle || button.textContent.trim();
  button.replaceWith(frame);
});
