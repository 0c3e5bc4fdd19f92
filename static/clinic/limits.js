// Long text is never cut silently. A browser stops typing (and truncates a paste) at a textarea's maxlength, so a
// 5,000-character desk note became 2,000 without a word. Here every textarea with a limit shows it with a counter
// instead, and the limit moves to data-maxlength: a longer text stays whole in the box, the counter says it is too
// long, and the server refuses it with its message next to the field (the form keeps what was typed).
(function () {
  "use strict";

  function counterFor(box) {
    var limit = parseInt(box.getAttribute("data-maxlength"), 10);
    // A field the server refused (required, say) stays marked, so its message stays shown beside it.
    var refused = box.classList.contains("is-invalid");
    var counter = document.createElement("div");
    counter.className = "form-text text-counter";
    counter.id = (box.id || box.name) + "_counter";
    counter.setAttribute("aria-live", "polite");
    box.setAttribute("aria-describedby", ((box.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    function update() {
      var used = box.value.length;
      var over = used > limit;
      counter.textContent = used + " / " + limit + " characters" + (over ? ": " + (used - limit) + " too many" : "");
      counter.classList.toggle("text-danger", over);
      box.classList.toggle("is-invalid", over || refused);
    }
    box.addEventListener("input", update);
    box.insertAdjacentElement("afterend", counter);
    update();
  }

  function init(root) {
    root.querySelectorAll("textarea[maxlength]").forEach(function (box) {
      box.setAttribute("data-maxlength", box.getAttribute("maxlength"));
      box.removeAttribute("maxlength");
      counterFor(box);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
