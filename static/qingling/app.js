// Small behaviours of the back office, in a file because the Content-Security-Policy
// allows no inline script or onclick="" attribute:
//   <button data-print>            prints the page
//   <select data-autosubmit>       sends its form when the choice changes
//   <input data-check-all="id">    ticks or unticks every row box inside the element #id
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
})();
