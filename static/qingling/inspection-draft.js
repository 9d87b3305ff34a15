// The inspection form on site keeps its draft on the phone (localStorage) at every change,
// so a dropped network or a reload loses nothing. Sent while offline, the form waits and
// is sent once when the network returns; the idempotency key travels with the draft, so
// the server stores one inspection however often the same draft is sent. The page the
// server answers with names the key it stored (data-draft-sent): that draft is removed.
(function () {
  "use strict";
  var PREFIX = "qingling:draft:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function controls(form) {
    var found = [];
    var all = form.querySelectorAll("input, select, textarea");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "file") { continue; }
      found.push(el);
    }
    return found;
  }

  function snapshot(form) {
    var values = {};
    controls(form).forEach(function (el) {
      var list = values[el.name] || (values[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { list.push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        for (var i = 0; i < el.options.length; i++) {
          if (el.options[i].selected) { list.push(el.options[i].value); }
        }
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function restore(form, values) {
    var seen = {};
    controls(form).forEach(function (el) {
      var list = values[el.name];
      if (!list) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        for (var i = 0; i < el.options.length; i++) {
          el.options[i].selected = list.indexOf(el.options[i].value) !== -1;
        }
      } else {
        var index = seen[el.name] || 0;
        if (index < list.length) { el.value = list[index]; }
        seen[el.name] = index + 1;
      }
    });
  }

  function say(status, key) {
    if (!status) { return; }
    status.textContent = status.getAttribute("data-" + key) || "";
    status.hidden = !status.textContent;
  }

  function setUp(form) {
    var store = storage();
    if (!store) { return; }
    var key = PREFIX + form.getAttribute("data-draft");
    var status = document.getElementById(form.getAttribute("data-draft-status") || "");
    var pending = false;
    var saved = store.getItem(key);
    if (saved) {
      try {
        restore(form, JSON.parse(saved).values || {});
        say(status, "restored");
      } catch (e) { store.removeItem(key); }
    }
    function save() {
      try {
        store.setItem(key, JSON.stringify({ saved: new Date().toISOString(), values: snapshot(form) }));
      } catch (e) { /* storage full: the form still works online */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        pending = true;
        say(status, "offline");
        return;
      }
      if (form.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      say(status, "sending");
    });
    window.addEventListener("online", function () {
      if (!pending) { return; }
      pending = false;
      form.setAttribute("data-sent", "1");
      say(status, "sending");
      form.submit();
    });
    window.addEventListener("pageshow", function () { form.removeAttribute("data-sent"); });
    var discard = document.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        window.location.reload();
      });
    }
  }

  function forget(sentKey) {
    var store = storage();
    if (!store || !sentKey) { return; }
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (!name || name.indexOf(PREFIX) !== 0) { continue; }
      try {
        var values = JSON.parse(store.getItem(name)).values || {};
        if ((values.idempotency_key || [])[0] === sentKey) { store.removeItem(name); }
      } catch (e) { store.removeItem(name); }
    }
  }

  var sent = document.querySelector("[data-draft-sent]");
  if (sent) { forget(sent.getAttribute("data-draft-sent")); }
  var forms = document.querySelectorAll("form[data-draft]");
  for (var i = 0; i < forms.length; i++) { setUp(forms[i]); }
})();
