/* Autocomplete over the ROME referential (templates/referentials/components/autocomplete.html).
   htmx fetches the options; this file adds keyboard navigation and, when the component has a
   data-autocomplete-target, fills that hidden input instead of following the option's link. */
(function () {
  "use strict";
  if (window.trajectoireAutocomplete) {
    return;
  }
  window.trajectoireAutocomplete = true;

  function parts(element) {
    var root = element.closest("[data-autocomplete]");
    if (!root) {
      return null;
    }
    return {
      root: root,
      input: root.querySelector("[data-autocomplete-input]"),
      options: root.querySelector("[data-autocomplete-options]"),
      target: root.dataset.autocompleteTarget ? document.getElementById(root.dataset.autocompleteTarget) : null,
    };
  }

  function optionsOf(p) {
    return Array.prototype.slice.call(p.options.querySelectorAll("[role=option]"));
  }

  function close(p) {
    p.options.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, index) {
    var options = optionsOf(p);
    if (!options.length) {
      return;
    }
    index = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.classList.toggle("active", i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    p.input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  }

  function choose(p, option, event) {
    if (!p.target) {
      return; /* plain link: let the browser follow it */
    }
    if (event) {
      event.preventDefault();
    }
    p.target.value = option.dataset.autocompleteValue;
    p.input.value = option.dataset.autocompleteLabel;
    p.target.dispatchEvent(new Event("change", { bubbles: true }));
    close(p);
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-autocomplete] [role=option]");
    if (option) {
      choose(parts(option), option, event);
      return;
    }
    document.querySelectorAll("[data-autocomplete]").forEach(function (root) {
      if (!root.contains(event.target)) {
        close(parts(root));
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches("[data-autocomplete-input]")) {
      return;
    }
    var p = parts(event.target);
    var options = optionsOf(p);
    var current = options.findIndex(function (o) {
      return o.classList.contains("active");
    });
    if (event.key === "ArrowDown") {
      event.preventDefault();
      activate(p, current + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      activate(p, current - 1);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      if (p.target) {
        choose(p, options[current], null);
      } else {
        window.location.assign(options[current].href);
      }
    } else if (event.key === "Escape") {
      close(p);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-autocomplete-input]")) {
      var p = parts(event.target);
      if (p.target) {
        p.target.value = ""; /* the text changed: the previous choice no longer holds */
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.matches("[data-autocomplete-options]")) {
      var p = parts(event.target);
      p.input.setAttribute("aria-expanded", optionsOf(p).length ? "true" : "false");
    }
  });
})();
