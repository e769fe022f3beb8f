/* Behaviour shared by every page, in a file because the Content-Security-Policy runs no inline script:
 * - htmx requests carry the CSRF token, read from <meta name="csrf-token"> (the cookie is HttpOnly);
 * - a refused htmx form comes back with status 400 and its French messages: it is shown, not dropped;
 * - <form data-sl-confirm="Question ?"> asks before sending; <input data-sl-autosubmit> sends its form
 *   when changed (each form keeps its submit button for browsers without JavaScript). */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');

  document.addEventListener("htmx:configRequest", function (e) {
    if (meta) { e.detail.headers["X-CSRFToken"] = meta.getAttribute("content"); }
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 400) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-sl-confirm]");
    if (form && !window.confirm(form.getAttribute("data-sl-confirm"))) { e.preventDefault(); }
  });

  document.addEventListener("change", function (e) {
    var input = e.target.closest("[data-sl-autosubmit]");
    if (input && input.form) { input.form.submit(); }
  });
})();
