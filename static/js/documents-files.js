// The "Open a new file" form: the file code (agency code . year . notation) as it is typed.
(function () {
  "use strict";
  var preview = document.getElementById("file-code-preview");
  if (!preview) return;
  function follow(inputId, part) {
    var input = document.getElementById(inputId);
    var target = preview.querySelector('[data-part="' + part + '"]');
    if (!input || !target) return;
    var update = function () { target.textContent = input.value.trim() || "…"; };
    input.addEventListener("input", update);
    update();
  }
  follow("id_file_catalog", "year");
  follow("id_file_notation", "notation");
})();
