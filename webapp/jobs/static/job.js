// Polls a job (/jobs/<id>.json) and shows its progress, then the download link or why it failed.
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box) return;
  var progress = box.querySelector("[data-job-progress]");
  var bar = progress.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var done = box.querySelector("[data-job-done]");
  var failed = box.querySelector("[data-job-failed]");

  function show(status) {
    bar.value = status.progress;
    text.textContent = status.progress + "%";
    if (status.state === "done") {
      progress.hidden = true;
      if (status.download_url) done.hidden = false;
      return true;
    }
    if (status.state === "failed") {
      progress.hidden = true;
      failed.querySelector("[data-job-error]").textContent = status.error || "";
      failed.hidden = false;
      return true;
    }
    return false;
  }

  function poll() {
    fetch(box.getAttribute("data-status-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (status) { if (!show(status)) setTimeout(poll, 500); })
      .catch(function () { setTimeout(poll, 2000); });
  }

  var state = box.getAttribute("data-state");
  if (state === "queued" || state === "running") poll();
})();
