// The header on a phone: everything after the brand folds behind the menu button.
(function () {
  "use strict";
  var header = document.querySelector("[data-site-header]");
  var toggle = header && header.querySelector("[data-menu-toggle]");
  if (!toggle) { return; }

  function setOpen(open) {
    header.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
  // Back from the browser's cache ("back" after a menu link): the menu starts closed again.
  window.addEventListener("pageshow", function () { setOpen(false); });
})();

// The staff menu on a tablet: one line that scrolls sideways. While items are out of sight a
// fade and a "More" button say so; the button scrolls the menu on (and back at the end).
(function () {
  "use strict";
  var wrap = document.querySelector("[data-nav-wrap]");
  if (!wrap) { return; }
  var nav = wrap.querySelector("[data-main-nav]");
  var more = wrap.querySelector("[data-nav-scroll]");
  var rtl = getComputedStyle(nav).direction === "rtl";

  function update() {
    var hidden = nav.scrollWidth - nav.clientWidth;
    var at = Math.abs(nav.scrollLeft);
    more.hidden = hidden <= 2;
    wrap.classList.toggle("more-after", hidden > 2 && at < hidden - 2);
    wrap.classList.toggle("more-before", hidden > 2 && at > 2);
  }

  more.addEventListener("click", function () {
    var hidden = nav.scrollWidth - nav.clientWidth;
    var atEnd = Math.abs(nav.scrollLeft) >= hidden - 2;
    var step = atEnd ? -nav.scrollWidth : nav.clientWidth * 0.7;
    nav.scrollBy({ left: rtl ? -step : step, behavior: "smooth" });
  });
  nav.addEventListener("scroll", update, { passive: true });
  window.addEventListener("resize", update);
  // Show the page's own item: scroll it into view when it sits beyond the edge.
  var current = nav.querySelector("[aria-current=page]");
  if (current) { current.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  update();
})();
