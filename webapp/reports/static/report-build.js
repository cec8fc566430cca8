// Starts a report build without leaving the page, shows its progress and then the download link.
(function () {
  "use strict";
  var form = document.querySelector("[data-build-form]");
  if (!form) return;
  var box = document.querySelector("[data-build-progress]");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-build-text]");
  var result = document.querySelector("[data-build-result]");
  var failed = document.querySelector("[data-build-failed]");

  function show(status) {
    bar.value = status.progress;
    text.textContent = status.progress + "%";
    if (status.status === "done") {
      bar.value = 100;  // stays visible, full: the build is finished
      var link = document.createElement("a");
      link.className = "button primary";
      link.href = status.download_url;
      link.textContent = status.label;
      link.setAttribute("data-testid", "download-link");
      result.replaceChildren(link);
      form.querySelector("button").disabled = false;
      return true;
    }
    if (status.status === "failed") {
      box.hidden = true;
      failed.querySelector("[data-build-error]").textContent = status.error || "";
      failed.hidden = false;
      form.querySelector("button").disabled = false;
      return true;
    }
    return false;
  }

  function poll(url) {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (status) { if (!show(status)) setTimeout(function () { poll(url); }, 400); })
      .catch(function () { setTimeout(function () { poll(url); }, 1500); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    failed.hidden = true;
    result.replaceChildren();
    box.hidden = false;
    bar.value = 0;
    form.querySelector("button").disabled = true;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (status) { if (!show(status)) poll(status.status_url); })
      .catch(function () { box.hidden = true; failed.hidden = false; form.querySelector("button").disabled = false; });
  });
})();
