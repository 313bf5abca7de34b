/* Hỗ trợ kích hoạt VNeID: live check of the ID while typing, keyboard help, print button.
   Works without JavaScript too (the forms post normally). */
(function () {
  "use strict";

  function liveCheck(form) {
    var slot = document.getElementById("inspection-slot");
    var url = form.getAttribute("data-check-url");
    if (!slot || !url || !window.fetch) { return; }
    var timer = null;
    function run() {
      var body = new FormData(form);
      body.delete("action");
      fetch(url, { method: "POST", body: body, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) { slot.innerHTML = html; } })
        .catch(function () { /* the Kiểm tra button still works */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 50);
    });
  }

  function stepForms() {
    // Enter in a step's note or reason records a failure (the reason was the point of typing).
    document.querySelectorAll(".step-form").forEach(function (form) {
      var fail = form.querySelector('button[value="failed"]');
      form.querySelectorAll("input[name=note]").forEach(function (input) {
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter" && fail) { event.preventDefault(); fail.click(); }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var intake = document.getElementById("intake");
    if (intake) { liveCheck(intake); }
    stepForms();
    document.querySelectorAll('[data-action="print"]').forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
