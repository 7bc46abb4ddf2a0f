/* MotCua portal: progressive enhancement only; every page works without it.
   - moves focus to the error summary of a failed form;
   - uploads with a progress bar (forms marked data-upload) as soon as a file is chosen, then
     shows the server's page (a form also marked data-upload-on-choose: one paper each);
   - a form marked data-once cannot be sent twice by a double click;
   - buttons marked data-print print the page. */
(function () {
  "use strict";
  function focusSummary(root) {
    var summary = (root || document).querySelector("#error-summary");
    if (summary) { summary.focus(); }
  }
  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { window.location.assign(url); return; }
    main.innerHTML = fresh.innerHTML;
    if (doc.title) { document.title = doc.title; }
    if (url && window.history.replaceState) { window.history.replaceState(null, "", url); }
    bind(main);
    if (main.querySelector("#error-summary")) { focusSummary(main); }
    else { main.setAttribute("tabindex", "-1"); main.focus(); }
  }
  function upload(form, event) {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) { return; }
    event.preventDefault();
    var bar = form.querySelector(".upload-progress");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    if (bar) { bar.hidden = false; bar.value = 0; }
    if (button) { button.disabled = true; }
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) { bar.value = Math.round((100 * e.loaded) / e.total); }
    });
    xhr.addEventListener("load", function () { swapMain(xhr.responseText, xhr.responseURL); });
    xhr.addEventListener("error", function () { if (button) { button.disabled = false; } form.submit(); });
    xhr.send(new FormData(form));
  }
  function bind(root) {
    root.querySelectorAll("form[data-upload]").forEach(function (form) {
      form.addEventListener("submit", function (e) { upload(form, e); });
      // A chosen file is uploaded at once: pressing "Continue" never drops it.
      var input = form.hasAttribute("data-upload-on-choose") && form.querySelector("input[type=file]");
      if (input && form.requestSubmit) {
        input.addEventListener("change", function () { if (input.files.length) { form.requestSubmit(); } });
      }
    });
    root.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (form.dataset.sent) { e.preventDefault(); return; }
        form.dataset.sent = "1";
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }
  bind(document);
  focusSummary(document);
})();
