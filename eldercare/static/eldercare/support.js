/* Care-bed set-up and adaptation acceptance on a phone: show the chosen photos' names, and take the
   location once for the set-up visit (the server stores it as given; no location is also accepted). */
(function () {
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var label = input.parentNode.querySelector("[data-file-label]");
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      label.textContent = names.length ? names.join("、") : label.dataset.empty;
      input.parentNode.classList.toggle("chosen", names.length > 0);
    });
  });
  var box = document.querySelector("[data-geo]");
  if (!box || !navigator.geolocation) return;
  var form = box.closest("form");
  box.textContent = box.dataset.msgWaiting;
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(6);
    form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
    box.textContent = box.dataset.msgOk.replace("{a}", Math.round(pos.coords.accuracy));
  }, function () {
    box.textContent = box.dataset.msgDenied;
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
})();
