// Findings browser: "select all on this page" and a count of the selected findings.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=bulk-form]");
  if (!form) return;
  var all = form.querySelector("[data-select-all]");
  var counter = form.querySelector("[data-selected-count]");
  var boxes = function () { return form.querySelectorAll("input[name=finding_ids]"); };
  function update() {
    var checked = form.querySelectorAll("input[name=finding_ids]:checked").length;
    counter.textContent = checked ? checked + " ✓" : "";
    if (all) all.checked = checked > 0 && checked === boxes().length;
  }
  if (all) all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
    update();
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "finding_ids") update();
  });
})();
