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

  // Each answer swaps the panel (htmx): keep « Modifier ces informations » open while the user edits known facts.
  var changeOpen = false;
  document.body.addEventListener("htmx:beforeSwap", function () {
    var details = document.getElementById("funding-change");
    changeOpen = Boolean(details && details.open);
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    var details = document.getElementById("funding-change");
    if (details && changeOpen) {
      details.open = true;
    }
  });
})();
