// A chosen file checked in the browser before anything is sent, by the limits the server
// wrote on the input (core.forms.LimitedFileInput: data-max-bytes, accept, data-max-files and
// the messages): a phone is spared uploading an 11 MB photo only to be refused. The server
// checks again. Loaded by the staff pages (app.js) and the public complaint form
// (web-intake.js), before them.
(function () {
  "use strict";
  function accepted(input, file) {
    var accept = (input.getAttribute("accept") || "").toLowerCase();
    if (!accept) return true;
    var name = file.name.toLowerCase();
    var type = (file.type || "").toLowerCase();
    return accept.split(",").some(function (item) {
      item = item.trim();
      if (!item) return false;
      if (item.charAt(0) === ".") return name.slice(-item.length) === item;
      if (item.slice(-2) === "/*") return type.indexOf(item.slice(0, -1)) === 0;
      return type === item;
    });
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  function say(input, text) {
    var box = input.parentNode.querySelector(".upload-refused");
    if (!text) {
      if (box) box.parentNode.removeChild(box);
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!box) {
      box = document.createElement("p");
      box.className = "upload-refused";
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
    }
    box.textContent = text;
    input.setAttribute("aria-invalid", "true");
  }

  // True when every chosen file may be sent; otherwise the input is emptied and says why.
  function fileCheck(input) {
    var files = Array.prototype.slice.call(input.files || []);
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var most = parseInt(input.getAttribute("data-max-files") || "0", 10);
    var problems = [];
    if (most && files.length > most) problems.push(input.getAttribute("data-too-many"));
    files.forEach(function (file) {
      if (!accepted(input, file)) {
        problems.push(input.getAttribute("data-wrong-type").replace("{name}", file.name));
      } else if (limit && file.size > limit) {
        problems.push(input.getAttribute("data-too-large")
          .replace("{name}", file.name).replace("{size}", sizeText(file.size)));
      }
    });
    if (problems.length) {
      input.value = "";
      say(input, problems.join(" "));
      return false;
    }
    say(input, "");
    return true;
  }

  window.qinglingFileCheck = fileCheck;
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[type=file][data-max-bytes]")) {
      fileCheck(target);
    }
  });
})();
