// Starts a report build without leaving the page, says in words where it is (in the queue,
// laying out, ready), then offers the download and refreshes the list of versions.
(function () {
  "use strict";
  var form = document.querySelector("[data-build-form]");
  if (!form) return;
  var box = document.querySelector("[data-build-progress]");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-build-text]");
  var states = JSON.parse(box.dataset.states);
  var result = document.querySelector("[data-build-result]");
  var failed = document.querySelector("[data-build-failed]");
  var failedDefault = failed.textContent;

  function refreshVersions() {
    // The versions list is re-read from the page itself, so it looks exactly as after a reload.
    return fetch(window.location.pathname, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-versions]");
        var current = document.querySelector("[data-versions]");
        if (fresh && current) current.replaceWith(fresh);
      })
      .catch(function () {});
  }

  function show(status) {
    var running = status.status === "running";
    bar.hidden = !running;  // a bar only while there is something to measure
    bar.value = status.progress;
    text.textContent = (states[status.status] || "") + (running ? " (" + status.progress + "%)" : "");
    if (status.status === "done") {
      var link = document.createElement("a");
      link.className = "button primary";
      link.href = status.download_url;
      link.textContent = status.label;
      link.setAttribute("data-testid", "download-link");
      result.replaceChildren(link);
      form.querySelector("button").disabled = false;
      refreshVersions();
      return true;
    }
    if (status.status === "failed") {
      failed.textContent = status.message || failedDefault;  // why, in the user's language
      box.hidden = true;
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
    show({status: "queued", progress: 0});
    form.querySelector("button").disabled = true;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (status) { if (!show(status)) poll(status.status_url); })
      .catch(function () { failed.textContent = failedDefault; box.hidden = true; failed.hidden = false; form.querySelector("button").disabled = false; });
  });
})();
