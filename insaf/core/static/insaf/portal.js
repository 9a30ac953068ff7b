// The portal's small behaviours. Every page works without them; they only help.
// - Drafts: a form marked data-draft="NAME" is saved in this tab's sessionStorage as it is typed,
//   so a reload or an expired page loses nothing; the page marked data-draft-done="NAME" (the
//   confirmation) erases it, as does a successful send of a form marked data-draft-once.
//   sessionStorage, not localStorage: on a shared phone, closing the tab erases the draft.
// - data-show-when="field=value" shows a block only while that radio choice is made.
// - The error summary takes the focus, so a screen reader reads it first.
// - Print and "save as a file" on the confirmation page; a form is sent once.
(function () {
  "use strict";
  var PREFIX = "insaf-draft:";
  var PENDING = "insaf-draft-pending:";

  function store() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage switched off: drafts are simply not kept
    }
  }

  function draftable(element) {
    if (!element.name || element.disabled) return false;
    var type = (element.type || "").toLowerCase();
    return ["hidden", "file", "submit", "button", "password"].indexOf(type) === -1 &&
      element.name !== "csrfmiddlewaretoken";
  }

  function save(form, storage) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!draftable(element)) return;
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) values[element.name] = element.value;
      } else {
        values[element.name] = element.value;
      }
    });
    storage.setItem(PREFIX + form.dataset.draft, JSON.stringify(values));
  }

  function restore(form, storage) {
    var saved;
    try {
      saved = JSON.parse(storage.getItem(PREFIX + form.dataset.draft) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved) return;
    // A form the server filled (sent back with errors, or with answers to change) wins.
    var fresh = !document.getElementById("error-summary") && form.dataset.draftFresh === "1";
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!draftable(element) || !(element.name in saved)) return;
      var value = saved[element.name];
      if (element.type === "radio" || element.type === "checkbox") {
        if (fresh) element.checked = element.value === value;
      } else if (!element.value) {
        element.value = value;
      }
    });
  }

  function setUpDrafts() {
    var storage = store();
    if (!storage) return;
    document.querySelectorAll("[data-draft-done]").forEach(function (element) {
      storage.removeItem(PREFIX + element.dataset.draftDone);
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var name = form.dataset.draft;
      if (storage.getItem(PENDING + name) && !document.getElementById("error-summary")) {
        // The last send of this form went through.
        storage.removeItem(PREFIX + name);
      }
      storage.removeItem(PENDING + name);
      restore(form, storage);
      form.addEventListener("input", function () { save(form, storage); });
      form.addEventListener("change", function () { save(form, storage); });
      if (form.hasAttribute("data-draft-once")) {
        form.addEventListener("submit", function () { storage.setItem(PENDING + name, "1"); });
      }
    });
  }

  function setUpConditionalBlocks() {
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      var parts = block.dataset.showWhen.split("=");
      var radios = document.querySelectorAll('input[type="radio"][name="' + parts[0] + '"]');
      function update() {
        var chosen = document.querySelector('input[type="radio"][name="' + parts[0] + '"]:checked');
        block.hidden = !chosen || chosen.value !== parts[1];
      }
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  }

  function setUpReceipt() {
    document.querySelectorAll('[data-action="print"]').forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll('[data-action="save-receipt"]').forEach(function (button) {
      button.addEventListener("click", function () {
        var blob = new Blob([button.dataset.text], { type: "text/plain;charset=utf-8" });
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = button.dataset.filename;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      });
    });
  }

  function sendOnce() {
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sending === "1") {
          event.preventDefault();
          return;
        }
        form.dataset.sending = "1";
        // A page restored from the back/forward cache may be sent again.
        window.addEventListener("pageshow", function () { form.dataset.sending = ""; });
      });
    });
  }

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  function start() {
    setUpDrafts();
    setUpConditionalBlocks();
    setUpReceipt();
    sendOnce();
    focusErrors();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
