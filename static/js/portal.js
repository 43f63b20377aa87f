// Site-wide behaviour: the large-type toggle, remembered in a cookie so server pages render it too.
(function () {
  var button = document.querySelector("[data-toggle-large-type]");
  if (!button) return;
  button.addEventListener("click", function () {
    var on = document.documentElement.classList.toggle("large-type");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    document.cookie = "large_type=" + (on ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
  });
})();
// Map tooltips and popups: Leaflet puts a string in as HTML, so names (areas, sites) go in as text.
window.portalText = function (text) {
  var span = document.createElement("span");
  span.textContent = String(text);
  return span;
};
// Print buttons (no inline handlers: the CSP forbids them).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// Selects that submit their form when changed (no inline handlers: the CSP forbids them).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
// The staff menu button (phones): opens and closes the menu and names the current section on it.
document.querySelectorAll("[data-staff-menu]").forEach(function (menu) {
  var toggle = menu.querySelector("[data-staff-menu-toggle]");
  var current = menu.querySelector(".staff-nav a.active");
  var label = menu.querySelector("[data-staff-menu-current]");
  if (current && label) label.textContent = current.textContent;
  toggle.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
// After re-authentication for an export: the file comes down by the page's refresh; ask the server
// what it was (name, rows) and say so.
document.querySelectorAll("[data-download-status]").forEach(function (panel) {
  var url = panel.getAttribute("data-download-status");
  var tries = 0;
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.download) {
        panel.querySelector("[data-download-name]").textContent = body.download.name;
        panel.querySelector("[data-download-rows]").textContent = body.download.rows.toLocaleString();
        panel.querySelector("[data-download-pending]").hidden = true;
        panel.querySelector("[data-download-done]").hidden = false;
      } else if (++tries < 120) {
        setTimeout(poll, 1000);
      }
    });
  }
  poll();
});
