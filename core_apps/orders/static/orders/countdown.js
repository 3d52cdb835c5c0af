// The hold countdown on a pending order: minutes and seconds left, then a reload
// (the server expires the hold lazily when the page is fetched again).
(function () {
  const el = document.querySelector(".countdown[data-expires]");
  if (!el) return;
  const end = Date.parse(el.dataset.expires);
  const tick = function () {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    el.textContent = el.dataset.label + " " + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left === 0) { window.location.reload(); return; }
    setTimeout(tick, 1000);
  };
  tick();
})();
