// Error summary (issue 15, the GOV.UK pattern): on a page whose form came back with errors, focus moves to
// the summary so a screen reader reads it and the person sees it first; a link in it moves focus to its
// field (and scrolls it, with its label, into view). Without JavaScript the links still jump to the field.
(function () {
  "use strict";
  function focusField(id) {
    var input = document.getElementById(id);
    if (!input) { return false; }
    var holder = input.closest("fieldset, .field") || input;
    holder.scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-module=error-summary]");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-module=error-summary] a[data-field]");
    if (link && focusField(link.getAttribute("data-field"))) {
      event.preventDefault();
    }
  });
})();
