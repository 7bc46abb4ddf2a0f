/* The wizard's list of desks: a filter box that hides the desks whose name and place do not
   contain what is typed (diacritics and case ignored, as the server folds them). Without
   JavaScript the whole list shows, sorted, with the applicant's desk already chosen. */
(function () {
  "use strict";
  var box = document.querySelector(".desk-filter");
  var input = document.getElementById("desk-filter");
  if (!box || !input) { return; }
  var desks = Array.prototype.slice.call(document.querySelectorAll(".desk[data-search]"));
  var empty = document.getElementById("desk-filter-empty");
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }
  box.hidden = false;
  input.addEventListener("input", function () {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    desks.forEach(function (desk) {
      var text = desk.getAttribute("data-search");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      var checked = desk.querySelector("input").checked;
      desk.hidden = !(match || checked);
      if (!desk.hidden) { shown += 1; }
    });
    empty.hidden = shown !== 0;
  });
}());
