// A live character counter under the text areas marked `data-char-counter` (with `data-char-counter-max`),
// so that a long note is shortened before it is sent; the form refuses beyond the maximum anyway.
(function () {
  "use strict";

  var format = new Intl.NumberFormat("fr-FR");

  function plural(n, one, many) {
    return n < 2 ? one : many;
  }

  document.querySelectorAll("textarea[data-char-counter]").forEach(function (area) {
    var max = parseInt(area.getAttribute("data-char-counter-max"), 10);
    if (!max) {
      return;
    }
    var counter = document.createElement("div");
    counter.className = "form-text";
    counter.id = area.id + "_counter";
    area.insertAdjacentElement("afterend", counter);
    // Screen readers hear the counter on focus (aria-describedby) and, through this live region, only when
    // the text goes over or back under the maximum: not at every key.
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    counter.insertAdjacentElement("afterend", status);
    var wasOver = false;
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    function update() {
      // The server counts characters as Python does (code points), not UTF-16 units.
      var length = Array.from(area.value).length;
      var over = length - max;
      if (over > 0) {
        counter.textContent =
          format.format(length) + " caractères sur " + format.format(max) + " au plus : retirez-en " +
          format.format(over) + " avant d'enregistrer.";
      } else {
        counter.textContent =
          format.format(length) + " " + plural(length, "caractère", "caractères") + " sur " +
          format.format(max) + " au plus.";
      }
      counter.classList.toggle("char-counter-over", over > 0);
      if (over > 0 !== wasOver) {
        wasOver = over > 0;
        status.textContent = wasOver ? counter.textContent : "Longueur de nouveau acceptée.";
      }
    }

    area.addEventListener("input", update);
    update();
  });
})();
