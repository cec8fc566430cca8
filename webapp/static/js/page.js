// Small behaviours of the staff pages, kept out of the templates so the
// Content-Security-Policy can refuse every inline script, handler and style attribute.
(function () {
  "use strict";

  // <form data-confirm="question">: ask before submitting (closing a survey, deleting).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <input data-select-on-focus>: a link to copy is selected whole when focused.
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.hasAttribute("data-select-on-focus")) {
      event.target.select();
    }
  });

  function applyLayout() {
    // data-indent="1.7": indentation in rem (tree depth in the codebook and the evidence matrix).
    document.querySelectorAll("[data-indent]").forEach(function (el) {
      el.style.paddingInlineStart = parseFloat(el.dataset.indent) + "rem";
    });
    // data-width="40": a bar's length in percent (dashboard counts).
    document.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = parseFloat(el.dataset.width) + "%";
    });
    markScrollingTables();
  }

  // A table wider than the screen scrolls in its own box (.table-scroll): that box takes the
  // keyboard's focus, so it can be scrolled without a mouse, only while it does scroll.
  function markScrollingTables() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  window.addEventListener("resize", markScrollingTables);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyLayout);
  } else {
    applyLayout();
  }
})();
