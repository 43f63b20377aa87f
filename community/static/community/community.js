/* Care records on a phone: take the location once and say how far the check point is. The server
   repeats the check against the bathing point or the elder's community; this only explains it. */
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
  if (!box) return;
  var form = box.closest("form");
  var status = box.querySelector("[data-geo-status]");
  if (!navigator.geolocation) { status.textContent = box.dataset.msgUnsupported; return; }
  status.textContent = box.dataset.msgWaiting;
  navigator.geolocation.getCurrentPosition(function (pos) {
    var c = pos.coords;
    form.querySelector("[name=lng]").value = c.longitude.toFixed(6);
    form.querySelector("[name=lat]").value = c.latitude.toFixed(6);
    form.querySelector("[name=accuracy]").value = Math.round(c.accuracy);
    box.classList.add("ok");
    status.textContent = box.dataset.msgOk.replace("{a}", Math.round(c.accuracy));
  }, function () {
    status.textContent = box.dataset.msgDenied;
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
})();
document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
