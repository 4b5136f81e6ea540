// telcrm UI shell behaviour (kept in a static file so CSP script-src 'self' holds).
(function () {
  "use strict";
  // A form or button with data-confirm asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  // Bootstrap tooltips for disabled transition buttons that explain themselves.
  function initTooltips(root) {
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      if (window.bootstrap) { window.bootstrap.Tooltip.getOrCreateInstance(el); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initTooltips(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initTooltips(event.target); });
})();
