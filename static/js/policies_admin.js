/* Live plain-language preview of policy conditions in the admin (progressive enhancement: the saved
   preview is rendered by the server; this only refreshes it while typing). */
(function () {
  "use strict";
  var KEYS = ["fact", "operator", "value", "value2", "guard_fact", "guard_operator", "guard_value", "guard_value2"];
  var URL = "/policies/admin/condition-preview/";

  function rowInputs(row) {
    var out = {};
    KEYS.forEach(function (key) {
      var el = row.querySelector('[name$="-' + key + '"]');
      out[key] = el ? el.value : "";
    });
    return out;
  }

  function refresh(row) {
    var target = row.querySelector(".field-preview");
    if (!target) { return; }
    var data = rowInputs(row);
    if (!data.fact || !data.operator) { target.textContent = ""; return; }
    var query = new URLSearchParams(data).toString();
    fetch(URL + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        target.textContent = body.text;
        target.style.color = body.ok ? "" : "#ba2121";
      })
      .catch(function () { /* keep the last preview */ });
  }

  var timer = null;
  document.addEventListener("input", handle);
  document.addEventListener("change", handle);
  function handle(event) {
    var row = event.target.closest && event.target.closest("tr.form-row");
    if (!row || !row.querySelector(".field-preview")) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(row); }, 250);
  }
})();
