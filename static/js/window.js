// Window mode (issue 15), no dependencies. Two enhancements; without JavaScript every page works as before.
//
// 1. Type-ahead pickers: a <select data-combobox> becomes an editable combobox (WAI-ARIA 1.2 combobox with a
//    listbox popup). With data-lookup="<url>" the options come from that JSON lookup (?q= → {"results":
//    [{id, label, detail}]}), otherwise from the select's own options. The select stays in the form, hidden,
//    and holds the chosen value, so the server sees exactly what the plain select would send.
//    Keys: type to search; Down/Up move through the options (Alt+Down opens); Enter chooses; Escape closes,
//    or clears the text when closed.
//    A <select multiple data-combobox> (e.g. 交办's co-departments) works the same way, except that choosing
//    adds the option to a list of chosen ones shown under the box, each with its own "remove" button, and the
//    box empties for the next one; options already chosen are not offered again; Backspace in the empty box
//    removes the last one chosen. The hidden select keeps every chosen option selected.
// 2. Shortcuts: an element with data-shortcut="Alt+N" (and aria-keyshortcuts, so assistive technology says
//    it) is clicked — or focused, when it is a field — on Alt plus that key. Only Alt combinations: typing in
//    a field is never taken over.
(function () {
  "use strict";
  var script = document.currentScript;
  var text = {
    found: (script && script.getAttribute("data-found")) || "{n} results",
    none: (script && script.getAttribute("data-none")) || "No results",
    more: (script && script.getAttribute("data-more")) || "Type more to narrow",
    failed: (script && script.getAttribute("data-failed")) || "Search failed",
    remove: (script && script.getAttribute("data-remove")) || "Remove {label}",
    added: (script && script.getAttribute("data-added")) || "{label} added",
    removed: (script && script.getAttribute("data-removed")) || "{label} removed",
    chosen: (script && script.getAttribute("data-chosen")) || "Chosen",
  };
  var counter = 0;

  function Combobox(select) {
    counter += 1;
    // The text box takes the select's id, so its label, the error summary's link and the autofocus all
    // land on what the person types into; the select keeps the value under another id.
    var id = select.id || "combobox-" + counter;
    select.id = id + "-select";
    this.select = select;
    this.multiple = select.multiple;
    this.lookup = select.getAttribute("data-lookup");
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;

    var wrap = document.createElement("div");
    wrap.className = "combobox";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.className = select.className;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("data-testid", (select.getAttribute("data-testid") || select.name) + "-combobox");
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", select.getAttribute("aria-invalid")); }
    if (select.getAttribute("placeholder")) { input.placeholder = select.getAttribute("placeholder"); }
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var label = document.querySelector("label[for='" + id + "']");
    if (label) {
      list.setAttribute("aria-labelledby", label.id || (label.id = id + "-label"));
    } else if (select.getAttribute("aria-label")) {
      input.setAttribute("aria-label", select.getAttribute("aria-label"));
      list.setAttribute("aria-label", select.getAttribute("aria-label"));
    }
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value && !this.multiple) { input.value = chosen.text; }
    select.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    if (this.multiple) {
      // the chosen options, each with a button that removes it (reached with Tab after the box)
      var tags = document.createElement("ul");
      tags.className = "combobox-chosen";
      tags.setAttribute("aria-label", (label ? label.textContent.replace("*", "").trim() + "：" : "") + text.chosen);
      tags.setAttribute("data-testid", (select.getAttribute("data-testid") || select.name) + "-chosen");
      wrap.appendChild(tags);
      this.tags = tags;
    }
    wrap.appendChild(select);
    if (select.autofocus || select.hasAttribute("autofocus")) { input.focus(); }
    if (select.hasAttribute("data-shortcut")) {
      input.setAttribute("data-shortcut", select.getAttribute("data-shortcut"));
      input.setAttribute("aria-keyshortcuts", select.getAttribute("data-shortcut"));
      select.removeAttribute("data-shortcut");
    }
    this.input = input;
    this.list = list;
    this.status = status;
    if (this.multiple) {
      // the chosen values in the order they were chosen (those the page came with first, in its order)
      this.order = Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; })
        .map(function (o) { return o.value; });
      this.renderChosen();
    }

    var self = this;
    input.addEventListener("input", function () { self.typed(); });
    input.addEventListener("keydown", function (event) { self.key(event); });
    input.addEventListener("blur", function () { window.setTimeout(function () { self.close(); }, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) { self.choose(Number(item.getAttribute("data-index"))); }
    });
  }

  Combobox.prototype.isChosen = function (value) {
    if (!this.multiple) { return false; }
    return Array.prototype.some.call(this.select.options, function (o) { return o.selected && o.value === String(value); });
  };

  Combobox.prototype.renderChosen = function () {
    var self = this;
    var tags = this.tags;
    while (tags.firstChild) { tags.removeChild(tags.firstChild); }
    this.chosenOptions().forEach(function (option) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = option.text;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "combobox-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", text.remove.replace("{label}", option.text));
      remove.setAttribute("data-value", option.value);
      remove.addEventListener("click", function () { self.unchoose(option); });
      item.appendChild(name);
      item.appendChild(remove);
      tags.appendChild(item);
    });
    tags.hidden = !tags.firstChild;
  };

  Combobox.prototype.chosenOptions = function () {
    var byValue = {};
    Array.prototype.forEach.call(this.select.options, function (o) { if (o.selected && o.value) { byValue[o.value] = o; } });
    this.order = this.order.filter(function (value) { return byValue[value]; });
    return this.order.map(function (value) { return byValue[value]; });
  };

  Combobox.prototype.unchoose = function (option) {
    option.selected = false;
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.renderChosen();
    this.status.textContent = text.removed.replace("{label}", option.text);
    this.input.focus();
  };

  Combobox.prototype.typed = function () {
    var self = this;
    // What was chosen no longer matches the text: nothing is chosen until an option is (a multiple picker
    // keeps what it has: its box is only for finding the next one).
    if (this.select.value && !this.multiple) { this.select.selectedIndex = -1; }
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.search(self.input.value.trim()); }, this.lookup ? 200 : 0);
  };

  Combobox.prototype.search = function (q) {
    var self = this;
    if (!q && this.lookup) { this.show([], false, ""); return; }
    if (!this.lookup) {
      var needle = q.toLowerCase();
      var local = [];
      Array.prototype.forEach.call(this.select.options, function (option) {
        if (option.value && !option.selected && option.text.toLowerCase().indexOf(needle) !== -1) {
          local.push({ id: option.value, label: option.text });
        }
      });
      this.show(local, false);
      return;
    }
    var ticket = ++this.request;
    var url = this.lookup + (this.lookup.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (ticket !== self.request) { return; }
        self.show((data.results || []).filter(function (row) { return !self.isChosen(row.id); }), !!data.more);
      })
      .catch(function () { if (ticket === self.request) { self.show([], false, text.failed); } });
  };

  Combobox.prototype.show = function (options, more, message) {
    var list = this.list;
    this.options = options;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    options.forEach(function (option, index) {
      var item = document.createElement("li");
      item.id = list.id + "-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("data-index", String(index));
      item.textContent = option.label;
      if (option.detail) {
        var detail = document.createElement("span");
        detail.className = "combobox-detail";
        detail.textContent = " " + option.detail;
        item.appendChild(detail);
      }
      list.appendChild(item);
    });
    var open = options.length > 0;
    list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    if (message !== undefined) {
      this.status.textContent = message;
    } else {
      this.status.textContent = options.length ? text.found.replace("{n}", options.length) + (more ? " " + text.more : "") : text.none;
    }
  };

  Combobox.prototype.move = function (step) {
    if (!this.options.length) { return; }
    var next = this.active + step;
    if (next < 0) { next = this.options.length - 1; }
    if (next >= this.options.length) { next = 0; }
    var items = this.list.querySelectorAll("[role=option]");
    if (this.active >= 0) { items[this.active].setAttribute("aria-selected", "false"); }
    this.active = next;
    items[next].setAttribute("aria-selected", "true");
    items[next].scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", items[next].id);
  };

  Combobox.prototype.choose = function (index) {
    var option = this.options[index];
    if (!option) { return; }
    var value = String(option.id);
    var found = null;
    Array.prototype.forEach.call(this.select.options, function (o) { if (o.value === value) { found = o; } });
    if (!found) {
      found = document.createElement("option");
      found.value = value;
      found.text = option.label;
      this.select.appendChild(found);
    }
    if (this.multiple) {
      found.selected = true;
      if (this.order.indexOf(value) === -1) { this.order.push(value); }
      this.select.dispatchEvent(new Event("change", { bubbles: true }));
      this.input.value = "";
      this.show([], false, "");
      this.renderChosen();
      this.status.textContent = text.added.replace("{label}", option.label);
      return;
    }
    this.select.value = value;
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.input.value = option.label;
    this.close();
    this.status.textContent = option.label;
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { this.search(this.input.value.trim()); } else { this.move(1); }
    } else if (event.key === "ArrowUp") {
      if (open) { event.preventDefault(); this.move(-1); }
    } else if (event.key === "Enter") {
      if (open && this.active >= 0) { event.preventDefault(); this.choose(this.active); }
      else if (open && this.options.length === 1) { event.preventDefault(); this.choose(0); }
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); this.close(); }
      else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
        if (!this.multiple) { this.select.selectedIndex = -1; }
      }
    } else if (event.key === "Backspace" && this.multiple && !this.input.value) {
      var chosen = this.chosenOptions();
      if (chosen.length) { event.preventDefault(); this.unchoose(chosen[chosen.length - 1]); }
    }
  };

  function shortcutOf(event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return null; }
    // event.code names the key whatever the keyboard layout or input method (KeyN → N).
    var match = /^(Key|Digit)(.)$/.exec(event.code || "");
    return match ? "Alt+" + match[2].toUpperCase() : null;
  }

  document.addEventListener("keydown", function (event) {
    var shortcut = shortcutOf(event);
    if (!shortcut) { return; }
    var target = document.querySelector("[data-shortcut='" + shortcut + "']");
    if (!target) { return; }
    event.preventDefault();
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) { target.focus(); } else { target.click(); }
  });

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-combobox]"), function (select) {
      if (!select.hasAttribute("data-combobox-ready")) {
        select.setAttribute("data-combobox-ready", "");
        new Combobox(select);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  // Parts of a page swapped in by htmx get their pickers too.
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
