/* Inspection recording: take the device location once and tell the inspector how far the facility is.
   The server repeats the check; this only explains it before submitting. */
(function () {
  /* File pickers: show the chosen file names in the page's language. */
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var label = input.parentNode.querySelector("[data-file-label]");
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      label.textContent = names.length ? names.join("、") : label.dataset.empty;
      input.parentNode.classList.toggle("chosen", names.length > 0);
    });
  });
  var box = document.querySelector("[data-geo]");
  if (!box) return;
  var form = box.closest("form");
  var status = box.querySelector("[data-geo-status]");
  var fLng = parseFloat(box.dataset.lng), fLat = parseFloat(box.dataset.lat), max = parseFloat(box.dataset.max);
  function dist(lng1, lat1, lng2, lat2) {
    var r = Math.PI / 180, a = Math.sin((lat2 - lat1) * r / 2), b = Math.sin((lng2 - lng1) * r / 2);
    var h = a * a + Math.cos(lat1 * r) * Math.cos(lat2 * r) * b * b;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }
  if (!navigator.geolocation) { status.textContent = box.dataset.msgUnsupported; return; }
  status.textContent = box.dataset.msgWaiting;
  navigator.geolocation.getCurrentPosition(function (pos) {
    var c = pos.coords;
    form.querySelector("[name=lng]").value = c.longitude.toFixed(6);
    form.querySelector("[name=lat]").value = c.latitude.toFixed(6);
    form.querySelector("[name=accuracy]").value = Math.round(c.accuracy);
    var d = Math.round(dist(c.longitude, c.latitude, fLng, fLat));
    var far = d > max;
    box.classList.add(far ? "far" : "ok");
    status.textContent = (far ? box.dataset.msgFar : box.dataset.msgOk).replace("{d}", d).replace("{a}", Math.round(c.accuracy));
    if (far) { var note = form.querySelector("[name=location_note]"); if (note) note.required = true; }
  }, function () {
    status.textContent = box.dataset.msgDenied;
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  /* A failed item needs a description: open the note when 不符合 is picked. */
  document.querySelectorAll(".check-item").forEach(function (el) {
    el.addEventListener("change", function (ev) {
      if (ev.target.type !== "radio") return;
      el.classList.toggle("failed", ev.target.value === "no" && ev.target.checked);
    });
  });
})();
