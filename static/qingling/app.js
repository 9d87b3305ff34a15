// Small behaviours of the back office, in a file because the Content-Security-Policy
// allows no inline script or onclick="" attribute:
//   <button data-print>            prints the page
//   <select data-autosubmit>       sends its form when the choice changes
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
  });
})();
