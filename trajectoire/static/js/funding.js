// Pistes de financement: a print button (hidden without JavaScript), and open explanations when printing.
(function () {
  "use strict";

  function openDetails() {
    document.querySelectorAll(".funding-scheme details").forEach(function (details) {
      details.open = true;
    });
  }

  document.querySelectorAll("[data-funding-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      openDetails();
      window.print();
    });
  });

  window.addEventListener("beforeprint", openDetails);
})();
