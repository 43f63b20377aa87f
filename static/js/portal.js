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
