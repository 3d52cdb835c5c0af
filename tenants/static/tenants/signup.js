// Suggests the web address (slug) from the community's name until the visitor
// edits it, checks the slug as it changes and offers free alternatives.
function slugFromName(name) {
  return name
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.signup");
  const input = document.getElementById("id_slug");
  const status = document.getElementById("slug-status");
  if (!form || !input || !status) return;
  const name = document.getElementById("id_name");
  // Typed by the visitor (or left from a refused attempt): never overwritten.
  let slugEdited = input.value.trim() !== "";
  if (name) {
    name.addEventListener("input", () => {
      if (slugEdited) return;
      input.value = slugFromName(name.value);
      input.dispatchEvent(new Event("input"));
    });
  }
  // The visitor's own typing (trusted events), not the suggestion above.
  input.addEventListener("input", (event) => { if (event.isTrusted) slugEdited = true; });
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
