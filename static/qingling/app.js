// Small behaviours of the back office, in a file because the Content-Security-Policy
// allows no inline script or onclick="" attribute:
//   <button data-print>            prints the page
//   <select data-autosubmit>       sends its form when the choice changes
//   <input data-check-all="id">    ticks or unticks every row box inside the element #id
//   #error-summary                 a refused form: the summary is focused, so a screen reader
//                                  and a phone's viewport start at what to correct
//   <input type=file data-max-bytes accept data-too-large data-wrong-type>
//                                  (core.forms.LimitedFileInput) a file over the server's limit
//                                  or of another kind is refused here, before it is sent
//   a form with such an input      is sent by XMLHttpRequest with a progress bar; when the
//                                  server refuses another field (422) the page is shown again
//                                  with the chosen files still in their inputs. Without this
//                                  script the plain form posts as usual (docs/forms.md).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
    if (target && target.hasAttribute && target.hasAttribute("data-check-all")) {
      var scope = document.getElementById(target.getAttribute("data-check-all"));
      if (scope) {
        scope.querySelectorAll("input[name=rows]").forEach(function (box) {
          box.checked = target.checked;
        });
      }
    }
  });

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }

  // The check of a chosen file is upload-check.js's (shared with the public form).
  var fileCheck = window.qinglingFileCheck;

  // --- upload with progress; files kept when the server refuses another field --------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var inputs = form.querySelectorAll ? form.querySelectorAll("input[type=file][data-max-bytes]") : [];
    if (!inputs.length || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    var ok = true;
    Array.prototype.forEach.call(inputs, function (input) { ok = fileCheck(input) && ok; });
    if (!ok) { event.preventDefault(); return; }
    var hasFile = Array.prototype.some.call(inputs, function (input) { return input.files && input.files.length; });
    if (!hasFile) return; // nothing to show progress for: the plain post
    event.preventDefault();
    var wording = inputs[0].getAttribute("data-uploading") || "{percent}%";
    var box = document.createElement("div");
    box.className = "upload-progress";
    box.setAttribute("role", "status");
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    var label = document.createElement("span");
    label.textContent = wording.replace("{percent}", "0");
    box.appendChild(label); box.appendChild(bar);
    form.appendChild(box);
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    var xhr = new XMLHttpRequest();
    // the attribute, not form.action: a field named "action" would shadow the property
    var target = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), target.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      label.textContent = wording.replace("{percent}", String(percent));
    });
    xhr.addEventListener("load", function () {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var action = form.getAttribute("action");
      var chosen = Array.prototype.map.call(inputs, function (input) {
        return { name: input.name, files: input.files };
      });
      if (xhr.status !== 422 && xhr.responseURL) {
        history.replaceState(null, "", xhr.responseURL);
      }
      document.title = page.title;
      document.body.replaceWith(document.importNode(page.body, true));
      if (window.htmx) window.htmx.process(document.body);
      if (xhr.status !== 422) { window.scrollTo(0, 0); return; }
      // refused for another field: the same form, shown again, gets back the files chosen
      var again = Array.prototype.filter.call(document.querySelectorAll("form"), function (f) {
        return f.getAttribute("action") === action;
      })[0];
      if (again) {
        chosen.forEach(function (item) {
          var input = again.querySelector('input[type=file][name="' + item.name + '"]');
          if (input && item.files && item.files.length) {
            try { input.files = item.files; } catch (e) { /* an old browser: choose again */ }
          }
        });
      }
      focusErrors();
    });
    xhr.addEventListener("error", function () {
      box.parentNode.removeChild(box);
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = false; });
      form.submit(); // the network failed the script: let the browser try the plain post
    });
    xhr.send(new FormData(form));
  });
})();
