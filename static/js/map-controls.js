// Leaflet's controls in the page's language: Leaflet and Leaflet.draw write English, so the titles
// come from the page (templates/leaflet/leaflet_draw_i18n.html, after Leaflet's files and before
// any map is made, which happens on the page's load event).
(function () {
  var el = document.getElementById("map-control-text");
  if (!el || !window.L) return;
  var text = JSON.parse(el.textContent);
  var zoom = L.Control.Zoom.prototype.options;
  zoom.zoomInTitle = text.zoomIn;
  zoom.zoomOutTitle = text.zoomOut;
  // The attribution's "Leaflet" link keeps its look; only its title is translated (as text).
  var title = document.createElement("span");
  title.textContent = text.leafletTitle;
  var attribution = L.Control.Attribution.prototype.options;
  if (typeof attribution.prefix === "string") {
    attribution.prefix = attribution.prefix.replace(
      /title="[^"]*"/, 'title="' + title.innerHTML.replace(/"/g, "&quot;") + '"');
  }
  if (!L.drawLocal) return;
  Object.keys(text.draw).forEach(function (path) {
    var keys = path.split("."), node = L.drawLocal;
    for (var i = 0; i < keys.length - 1; i++) node = node[keys[i]] = node[keys[i]] || {};
    node[keys[keys.length - 1]] = text.draw[path];
  });
})();
