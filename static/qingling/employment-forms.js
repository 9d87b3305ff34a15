// The employment forms: the place picker and searchable selects (loaded by the picker widget).
// Places: province → city → county lists that fill the text box beside them.
//   <span data-division-picker data-tree="ID" [data-single]> holds the text box, the
//   three selects and an add button; #ID is a JSON list of [code, name, parent code].
(function () {
  "use strict";
  if (window.qinglingDivisionPicker) return;
  window.qinglingDivisionPicker = true;

  function setup(picker) {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    var tree = JSON.parse(document.getElementById(picker.dataset.tree).textContent);
    var byCode = {};
    var children = {};
    tree.forEach(function (row) {
      byCode[row[0]] = row;
      (children[row[2]] = children[row[2]] || []).push(row);
    });
    var input = picker.querySelector("input");
    var selects = {};
    picker.querySelectorAll("select[data-level]").forEach(function (select) {
      selects[select.dataset.level] = select;
    });
    function fill(select, rows) {
      select.length = 1;
      (rows || []).forEach(function (row) {
        select.add(new Option(row[1], row[0]));
      });
      select.disabled = !rows || rows.length === 0;
      select.hidden = select.dataset.level === "county" && select.disabled;
    }
    fill(selects.province, children[""]);
    selects.province.addEventListener("change", function () {
      fill(selects.city, children[selects.province.value]);
      fill(selects.county, []);
    });
    selects.city.addEventListener("change", function () {
      fill(selects.county, children[selects.city.value]);
    });
    picker.querySelector("[data-division-add]").addEventListener("click", function () {
      var code = selects.county.value || selects.city.value || selects.province.value;
      if (!code) return;
      var names = [];
      for (var row = byCode[code]; row; row = byCode[row[2]]) names.unshift(row[1]);
      var label = names.join("");
      var current = input.value.trim();
      input.value = picker.hasAttribute("data-single") || !current ? label : current + "、" + label;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
  }

  function setupAll() {
    document.querySelectorAll("[data-division-picker]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
  document.addEventListener("htmx:afterSwap", setupAll);
})();

// A select with data-searchable gets a search box above it that hides the options
// (and groups) that do not contain what is typed.
(function () {
  "use strict";
  if (window.qinglingSearchableSelect) return;
  window.qinglingSearchableSelect = true;

  function setup(select) {
    if (select.dataset.ready) return;
    select.dataset.ready = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = select.dataset.searchLabel || "";
    box.setAttribute("aria-label", box.placeholder);
    box.className = "select-search";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var query = box.value.trim();
      select.querySelectorAll("option").forEach(function (option) {
        option.hidden = query !== "" && option.value !== "" && option.text.indexOf(query) === -1;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    });
  }

  function setupAll() {
    document.querySelectorAll("select[data-searchable]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
