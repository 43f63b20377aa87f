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
