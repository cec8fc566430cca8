// Links shown once (reviewer links): a copy button per link and the CSV of all of them,
// made from what the page already holds (nothing is fetched again: only hashes are stored).
(function () {
  "use strict";
  var box = document.querySelector("[data-copy-links]");
  if (!box) { return; }
  var status = box.querySelector("[data-copy-status]");

  function copied(text, message) {
    status.textContent = message;
    return text;
  }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      var input = document.getElementById(button.dataset.copy);
      var done = function () { copied(input.value, button.dataset.copied); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { input.select(); document.execCommand("copy"); done(); });
      } else {
        input.select();
        document.execCommand("copy");
        done();
      }
      return;
    }
    var download = event.target.closest("[data-download-csv]");
    if (download) {
      // A byte order mark, so Excel reads the names as UTF-8.
      var blob = new Blob(["\ufeff" + box.querySelector("[data-links-csv]").value], { type: "text/csv;charset=utf-8" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = download.dataset.filename || "links.csv";
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }
  });
})();
