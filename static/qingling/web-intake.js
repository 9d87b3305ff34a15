// The public phone form: disable the submit button once the form is sent, so a double tap
// sends it once. The form works without this; the server also treats a repeat as the same.
(function () {
  "use strict";
  // The first send of a form with a code step asks for the code without leaving the page
  // (so chosen photos stay chosen); any refusal falls back to an ordinary post, whose
  // page says what to fix.
  function askForCode(form, resend) {
    var data = new FormData(form);
    data.delete("evidence");
    data.delete("code");
    if (resend) { data.set("send_code", "1"); }
    var fallback = function () {
      form.setAttribute("data-fallback", "1");
      if (resend) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "send_code"; input.value = "1";
        form.appendChild(input);
      }
      form.submit();
    };
    window.fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Qingling-Step": "code" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      // The form is fine now: the marks of an earlier refusal would only confuse.
      var marks = form.querySelectorAll(".error-summary, .errorlist");
      for (var i = 0; i < marks.length; i++) { marks[i].parentNode.removeChild(marks[i]); }
      var fields = form.querySelectorAll(".has-error");
      for (var j = 0; j < fields.length; j++) { fields[j].classList.remove("has-error"); }
      var step = document.getElementById("code-step");
      var resendLink = document.getElementById("code-resend");
      document.getElementById("code-sent").textContent = answer.message;
      step.hidden = false;
      if (resendLink) { resendLink.hidden = false; }
      var code = form.querySelector("[name=code]");
      code.value = "";
      code.focus();
    }).catch(fallback);
  }
  // The camera's input takes the same limits as the evidence input the server rendered,
  // so upload-check.js refuses an oversize photo from either before it is sent.
  var evidence = document.getElementById("id_evidence");
  var camera = document.getElementById("id_evidence_camera");
  if (evidence && camera) {
    ["data-max-bytes", "data-too-large", "data-wrong-type"].forEach(function (name) {
      if (evidence.hasAttribute(name)) { camera.setAttribute(name, evidence.getAttribute(name)); }
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute) { return; }
    if (window.qinglingFileCheck) {
      var ok = true;
      var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
      for (var f = 0; f < inputs.length; f++) { ok = window.qinglingFileCheck(inputs[f]) && ok; }
      if (!ok) { event.preventDefault(); return; }
    }
    if (form.hasAttribute("data-code-step") && !form.hasAttribute("data-fallback") && window.fetch) {
      var code = form.querySelector("[name=code]");
      var resend = !!(event.submitter && event.submitter.name === "send_code");
      if (code && (resend || code.value.trim() === "")) {
        event.preventDefault();
        askForCode(form, resend);
        return;
      }
    }
    if (!form.hasAttribute("data-submit-once")) { return; }
    var button = form.querySelector("button[type=submit]");
    if (!button) { return; }
    if (form.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
    // Disable after the browser has taken the submission, so the form still sends.
    window.setTimeout(function () {
      button.disabled = true;
      if (button.getAttribute("data-busy-text")) {
        button.setAttribute("data-idle-text", button.textContent);
        button.textContent = button.getAttribute("data-busy-text");
      }
    }, 0);
  });
  // Coming back with the back button shows the page from cache: let it be sent again.
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-submit-once]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].removeAttribute("data-sent");
      forms[i].removeAttribute("data-fallback");
      var button = forms[i].querySelector("button[type=submit]");
      if (!button) { continue; }
      button.disabled = false;
      if (button.getAttribute("data-idle-text")) {
        button.textContent = button.getAttribute("data-idle-text");
      }
    }
  });
  // After a refused submission, bring the summary of what to fix into view.
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) { summary.focus(); }
})();
