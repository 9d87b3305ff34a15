// The public phone form: disable the submit button once the form is sent, so a double tap
// sends it once. The form works without this; the server also treats a repeat as the same.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) { return; }
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
