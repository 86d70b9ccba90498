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
  function focusSummary() {
    var summary = document.querySelector("[data-module=error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  // A form sent from a page whose address has a fragment (#main, after the skip link) comes back with that
  // fragment, and going to it after loading takes the focus away again: give it back, unless the person
  // has already moved it somewhere.
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      if (!document.activeElement || document.activeElement === document.body) { focusSummary(); }
    }, 0);
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-module=error-summary] a[data-field]");
    if (link && focusField(link.getAttribute("data-field"))) {
      event.preventDefault();
    }
  });
})();
