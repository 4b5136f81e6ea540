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
  // Progress bars carry their percentage in data-progress: a style attribute in the page
  // would be blocked by the CSP, a width set from this script is not.
  function initProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (el) {
      var percent = Math.max(0, Math.min(100, parseFloat(el.dataset.progress) || 0));
      el.style.width = percent + "%";
    });
  }
  function init(root) { initTooltips(root); initProgress(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
