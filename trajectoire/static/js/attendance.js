// Émargement pads: each [data-attendance-pad] gets a signature_pad on its canvas (pointer, touch and mouse input);
// its drawing goes as SVG (toSVG()) into the pad's hidden [data-attendance-output] field, which the server
// sanitises. « Effacer » empties the pad and the field. An empty pad sends nothing (« signature manquante »).
(function () {
  "use strict";

  if (typeof window.SignaturePad !== "function") {
    return;
  }

  function setUp(field) {
    var canvas = field.querySelector("canvas");
    var output = field.querySelector("[data-attendance-output]");
    var state = field.querySelector("[data-attendance-state]");
    var clear = field.querySelector("[data-attendance-clear]");
    var pad = new window.SignaturePad(canvas, { penColor: "#111111", minWidth: 0.8, maxWidth: 2.6 });

    function sync() {
      output.value = pad.isEmpty() ? "" : pad.toSVG();
      state.textContent = pad.isEmpty() ? "Cadre vide" : "Signature tracée";
      field.classList.toggle("attendance-pad-signed", !pad.isEmpty());
    }

    // The canvas bitmap follows its CSS size and the screen's pixel ratio, keeping what was drawn.
    function resize() {
      var width = canvas.offsetWidth;
      var height = canvas.offsetHeight;
      if (!width || !height) {
        return;
      }
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      if (canvas.width === Math.round(width * ratio) && canvas.height === Math.round(height * ratio)) {
        return;
      }
      var data = pad.toData();
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(data);
      sync();
    }

    pad.addEventListener("endStroke", sync);
    clear.addEventListener("click", function () {
      pad.clear();
      sync();
      canvas.focus();
    });
    window.addEventListener("resize", resize);
    var details = field.closest("details");
    if (details) {
      details.addEventListener("toggle", resize);
    }
    resize();
    sync();
    field.setAttribute("data-attendance-ready", "");
    return sync;
  }

  document.querySelectorAll("[data-attendance-form]").forEach(function (form) {
    var syncs = [];
    form.querySelectorAll("[data-attendance-pad]").forEach(function (field) {
      syncs.push(setUp(field));
    });
    // A correction offers two proofs: show the pads or the evidence field, whichever is chosen.
    var methods = form.querySelectorAll("input[name=method]");
    var pads = form.querySelector("[data-attendance-pads]");
    var evidence = form.querySelector("[data-attendance-evidence]");
    function showChosen() {
      var chosen = form.querySelector("input[name=method]:checked");
      var signing = !chosen || chosen.value === "on_site_signature";
      if (pads) {
        pads.hidden = !signing;
      }
      if (evidence) {
        evidence.hidden = signing;
      }
      // Pads shown again get their size back.
      window.dispatchEvent(new Event("resize"));
    }
    methods.forEach(function (radio) {
      radio.addEventListener("change", showChosen);
    });
    if (methods.length) {
      showChosen();
    }
    form.addEventListener("submit", function () {
      syncs.forEach(function (sync) {
        sync();
      });
    });
  });
})();
