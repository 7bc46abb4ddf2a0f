/* MotCua, every page: on a phone the header's menu folds behind the "Menu" button.
   Loaded in <head> (not deferred) so that the page never paints the unfolded menu first;
   without JavaScript the menu simply stays open. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }
    button.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
