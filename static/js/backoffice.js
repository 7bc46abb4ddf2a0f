/* MotCua back office: what htmx attributes cannot say (the Content-Security-Policy allows no
   inline script, so no hx-on attributes). Progressive enhancement only.
   - A search box marked data-narrows="ID" narrows the list <select id="ID"> as the official
     types (hx-get): Enter moves to the list instead of sending the form, and when the narrowed
     list selects another entry the list announces a "change" (the case and papers follow).
   - A field marked data-enter="change" announces a "change" on Enter instead of sending the
     form (the ID number looks a returning applicant up).
   - A field marked data-lookup-min="N" announces a "lookup" as the official types once it holds
     N characters or more (hx-trigger="lookup …"). */
(function () {
  "use strict";
  function list(input) { return document.getElementById(input.dataset.narrows); }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var input = e.target;
    if (input.dataset && input.dataset.narrows && list(input)) { input.dataset.was = list(input).value; }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var input = e.target;
    var select = input.dataset && input.dataset.narrows ? list(input) : null;
    if (select && select.value !== input.dataset.was && window.htmx) { window.htmx.trigger(select, "change"); }
  });
  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (e.key !== "Enter" || e.isComposing || !input.dataset) { return; }
    if (input.dataset.narrows && list(input)) {
      e.preventDefault();
      list(input).focus();
    } else if (input.dataset.enter && window.htmx) {
      e.preventDefault();
      window.htmx.trigger(input, input.dataset.enter);
    }
  });
  document.addEventListener("input", function (e) {
    var input = e.target;
    var min = input.dataset ? parseInt(input.dataset.lookupMin, 10) : NaN;
    if (min && input.value.trim().length >= min && window.htmx) { window.htmx.trigger(input, "lookup"); }
  });
})();
