// The batch grid of claims or payments (cases/claims_batch.html), made easier with a script:
// - rows pasted from a spreadsheet (tab-separated, one line a row) fill the grid from the
//   cell pasted into, adding rows as needed;
// - "More rows" adds five empty rows here instead of asking the server.
// Without the script the grid still works: type row by row, "More rows" posts the form.
// The listeners are on the document: app.js may replace the page's body after an upload.
(function () {
  "use strict";
  function body() { return document.querySelector("[data-batch-grid] tbody"); }

  function rows() { return body().querySelectorAll("tr"); }

  function addRow() {
    var all = rows();
    var last = all[all.length - 1];
    var line = all.length + 1;
    var row = last.cloneNode(true);
    row.id = "row-" + line;
    row.className = "";
    row.querySelector("td.line").textContent = String(line);
    row.querySelector("td.why").textContent = "";
    Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
      input.name = input.name.replace(/^row-\d+-/, "row-" + line + "-");
      input.value = "";
      input.removeAttribute("aria-invalid");
      var label = input.getAttribute("aria-label") || "";
      input.setAttribute("aria-label", label.replace(/\d+$/, String(line)));
    });
    body().appendChild(row);
    return row;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-batch-grid] #batch-more");
    if (!button) return;
    event.preventDefault();
    for (var i = 0; i < 5; i++) addRow();
  });

  document.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input || input.tagName !== "INPUT" || !event.clipboardData) return;
    if (!input.closest("[data-batch-grid]")) return;
    var text = event.clipboardData.getData("text/plain");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) return; // one value: the usual paste
    event.preventDefault();
    var lines = text.replace(/\r/g, "").replace(/\n+$/, "").split("\n");
    var startRow = Array.prototype.indexOf.call(rows(), input.closest("tr"));
    var startColumn = parseInt(input.getAttribute("data-column"), 10);
    lines.forEach(function (line, offset) {
      var all = rows();
      var row = all[startRow + offset] || addRow();
      var inputs = row.querySelectorAll("input");
      line.split("\t").forEach(function (value, i) {
        var cell = inputs[startColumn + i];
        if (cell) cell.value = value.trim();
      });
    });
  });
})();
