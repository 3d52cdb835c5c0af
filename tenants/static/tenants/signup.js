// Checks the slug as the visitor types and offers free alternatives.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.signup");
  const input = document.getElementById("id_slug");
  const status = document.getElementById("slug-status");
  if (!form || !input || !status) return;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const slug = input.value.trim();
      if (!slug) { status.textContent = ""; return; }
      const url = `${form.dataset.slugCheckUrl}?slug=${encodeURIComponent(slug)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const body = await response.json();
      status.textContent = body.message || body.detail || "";
      status.className = body.available ? "ok" : "error";
      status.querySelectorAll("button").forEach((b) => b.remove());
      for (const suggestion of body.suggestions || []) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "suggestion";
        button.textContent = suggestion;
        button.addEventListener("click", () => { input.value = suggestion; input.dispatchEvent(new Event("input")); });
        status.append(" ", button);
      }
    }, 250);
  });
});
