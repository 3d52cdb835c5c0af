// The waiting room: ask the line's status every few seconds (as often as the
// server suggests, with some jitter so browsers don't poll in step), update
// the figures, and go on to checkout once admitted (the answer set the pass
// cookie). Without JavaScript the page reloads itself instead (meta refresh).
(function () {
  const page = document.querySelector(".queue-page[data-status-url]");
  if (!page) return;
  const url = page.dataset.statusUrl;
  const next = page.dataset.next;
  const notice = page.querySelector(".queue-unavailable");
  const soldOut = page.querySelector(".queue-sold-out");
  const show = function (name, value) {
    const el = page.querySelector('[data-field="' + name + '"]');
    if (el && value !== undefined) el.textContent = String(value);
  };
  const later = function (seconds) {
    const base = Math.max(2, Number(seconds) || 5) * 1000;
    setTimeout(poll, base * (0.8 + Math.random() * 0.4));
  };
  const poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; });
      })
      .then(function (data) {
        if (data.state === "admitted" || data.state === "open") {
          window.location.assign(next);
          return;
        }
        if (["expired", "used", "reset", "none"].indexOf(data.state) >= 0) {
          window.location.reload();
          return;
        }
        if (notice) notice.hidden = data.state !== "unavailable";
        if (data.state === "waiting") {
          show("position", data.position);
          show("ahead", data.ahead);
          show("wait_minutes", Math.ceil((data.wait_s || 0) / 60));
          if (soldOut) soldOut.hidden = !data.sold_out;
        }
        later(data.poll_s);
      })
      .catch(function () {
        if (notice) notice.hidden = false;
        later(15);
      });
  };
  later(page.dataset.poll);
})();
