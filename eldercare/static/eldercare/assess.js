// The phone assessment form keeps its draft in this browser (localStorage) on every change, so
// nothing is lost when the connection drops mid-form. Submitting while offline — or a submit whose
// request fails — keeps the draft and resends it as soon as the browser is back online. The form's
// client key (made once per draft) lets the server record a resent form only once.
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) return;
  var key = form.dataset.draftKey;
  var status = document.getElementById("draft-status");
  var hasErrors = !!form.querySelector(".errorlist, .form-error");

  function say(text) { status.textContent = text; status.hidden = false; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else if (el.type === "checkbox") data[el.name] = el.checked;
      else data[el.name] = el.value;
    });
    localStorage.setItem(key, JSON.stringify(data));
  }

  function restore(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio") el.checked = data[el.name] === el.value;
      else if (el.type === "checkbox") el.checked = !!data[el.name];
      else el.value = data[el.name];
    });
  }

  var draft = read();
  var clientKey = form.elements.client_key;
  if (draft && !hasErrors) { restore(draft); say(form.dataset.restored); }
  if (!clientKey.value) clientKey.value = (draft && draft.client_key) || uuid();
  save();
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  // Resend on the browser's "online" event, and also every few seconds while it claims to be online
  // (a flaky connection may fail a request without ever going "offline").
  var timer = null;
  function resendWhenOnline() {
    say(form.dataset.offline);
    if (timer) return;
    function retry() {
      if (!timer) return;
      window.clearInterval(timer);
      timer = null;
      window.removeEventListener("online", retry);
      say(form.dataset.retrying);
      send();
    }
    timer = window.setInterval(function () { if (navigator.onLine) retry(); }, 3000);
    window.addEventListener("online", retry);
  }

  function send() {
    save();
    if (!navigator.onLine) { resendWhenOnline(); return; }
    fetch(form.action || window.location.href, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        // Either the saved assessment (after the redirect) or the form with the server's errors (a
        // missing item, an unknown ID number): show the page the server answered, at its address.
        if (response.redirected && response.ok) localStorage.removeItem(key);
        return response.text().then(function (html) {
          if (response.redirected) window.history.replaceState(null, "", response.url);
          document.open(); document.write(html); document.close();
        });
      })
      .catch(resendWhenOnline);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
})();
