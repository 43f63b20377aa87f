// The residents' finder: geolocation, tap-the-map, and the facility layer from the public GeoJSON API.
// Everything here is an enhancement: the form and the list work without JavaScript.
(function () {
  var cfg = window.FINDER || {};
  var form = document.getElementById("finder-form");
  var lngInput = form && form.querySelector("[data-lng]");
  var latInput = form && form.querySelector("[data-lat]");
  var status = form && form.querySelector("[data-locate-status]");
  var townSelect = document.getElementById("town");

  function searchAt(lng, lat) {
    lngInput.value = lng.toFixed(6);
    latInput.value = lat.toFixed(6);
    if (townSelect) townSelect.value = "";
    form.submit();
  }

  var locate = form && form.querySelector("[data-locate]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = cfg.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) { searchAt(pos.coords.longitude, pos.coords.latitude); },
        function () { status.textContent = cfg.locateFailed; },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  }
  // Choosing a town replaces a previous position.
  var communitySelect = document.getElementById("community");
  if (townSelect) townSelect.addEventListener("change", function () {
    lngInput.value = ""; latInput.value = "";
    if (communitySelect) communitySelect.value = "";
  });
  // A need chip or a filter re-runs the search at once when a place is already chosen.
  if (form) form.querySelectorAll("input[name=need], input[name=open], input[name=vacant]").forEach(function (radio) {
    radio.addEventListener("change", function () { if (lngInput.value || (townSelect && townSelect.value)) form.submit(); });
  });

  // After a search the page moves to the results (the form's action carries #results too).
  var results = document.getElementById("results");
  if (cfg.hasResults && results) {
    results.scrollIntoView({ block: "start" });
    results.focus({ preventScroll: true });
  }
  // On a phone the list comes first and the map is one tap away.
  var body = document.querySelector(".finder-body");
  var toggle = document.querySelector("[data-map-toggle]");
  var finderMap = null;
  if (toggle && body) toggle.addEventListener("click", function (e) {
    e.preventDefault();
    var open = body.classList.toggle("map-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? cfg.showList : cfg.showMap;
    if (open && finderMap) {
      finderMap.invalidateSize();
      document.getElementById("finder-map-section").scrollIntoView({ block: "start" });
    }
  });

  window.portalFinderMap = function (map) {
    finderMap = map;
    // When the basemap cannot load (offline, a district intranet), say so in one line; the list,
    // the phone numbers and the 导航 links work without it.
    var notice = document.querySelector("[data-tile-notice]");
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) layer.on("tileerror", function () { if (notice) notice.hidden = false; });
    });
    var hint = document.querySelector("[data-map-hint]");
    if (hint) hint.hidden = false;
    if (cfg.pointLng !== null && cfg.pointLat !== null) {
      map.setView([cfg.pointLat, cfg.pointLng], 15, { animate: false });
      L.circleMarker([cfg.pointLat, cfg.pointLng], { radius: 9, color: "#1f6f8b", fillOpacity: 0.8 })
        .addTo(map).bindTooltip(cfg.youAreHere, { permanent: false });
      // Show the position together with the nearest few results of the list.
      var near = [[cfg.pointLat, cfg.pointLng]];
      document.querySelectorAll(".result[data-lat]").forEach(function (li, i) {
        if (i < 5) near.push([parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)]);
      });
      if (near.length > 1) map.fitBounds(near, { padding: [30, 30], maxZoom: 16, animate: false });
    } else {
      map.fitBounds([[29.85, 105.97], [30.37, 106.68]]);
    }
    map.on("click", function (e) { searchAt(e.latlng.lng, e.latlng.lat); });
    var url = cfg.geojsonUrl + (cfg.need ? "?need=" + encodeURIComponent(cfg.need) : "");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var layer = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.layerGroup();
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) { return L.marker(latlng); },
          onEachFeature: function (feature, marker) {
            var p = feature.properties;
            var html = '<a href="' + p.url + '"><strong></strong></a><br><span></span>';
            var box = document.createElement("div");
            box.innerHTML = html;
            box.querySelector("strong").textContent = p.name;
            var extra = p.kind_display;
            if (p.beds_vacant > 0) extra += " · " + cfg.vacantBeds + " " + p.beds_vacant;
            if (p.places_vacant > 0) extra += " · " + cfg.vacantPlaces + " " + p.places_vacant;
            box.querySelector("span").textContent = extra;
            marker.bindPopup(box);
          }
        }).addTo(layer);
        layer.addTo(map);
      })
      .catch(function () {});
  };
})();
