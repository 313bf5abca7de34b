// Desk pages: the print button, and no double submit of the intake form
// (the server also refuses a second dossier for the same form token).
(function () {
  "use strict";
  var printButton = document.getElementById("print-now");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
  var form = document.getElementById("intake-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("submit-intake");
      if (button) { button.disabled = true; }
    });
  }
})();
