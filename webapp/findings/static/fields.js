// Theme chips: the most used ones show first; typing in the search box shows the rest.
(function () {
  "use strict";
  document.querySelectorAll("[data-theme-chips]").forEach(function (box) {
    var search = box.querySelector("[data-theme-search]");
    var chips = Array.prototype.slice.call(box.querySelectorAll(".chip-toggle"));
    box.classList.add("js-chips");
    function filter() {
      var query = (search.value || "").trim().toLowerCase();
      chips.forEach(function (chip) {
        var checked = chip.querySelector("input").checked;
        var match = query ? chip.dataset.search.indexOf(query) !== -1 : !chip.classList.contains("more");
        chip.hidden = !(match || checked);
      });
    }
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter in the search must not save
    });
    box.addEventListener("theme-chips:reset", filter);
    filter();
  });
})();
