// Klankbord capture screen: drafts kept while typing, an outbox that survives a dropped
// connection, and exactly-once sending.
//
// - One draft per tab: the draft (text and choices) is written to localStorage on every
//   keystroke under the activity and this tab's id (kept in sessionStorage, so a reload keeps
//   it; a duplicated tab, which copies sessionStorage, takes a new one). It carries a UUID made
//   when the draft starts (its client_id). A reload restores this tab's draft only.
// - Text a tab left behind (closed, crashed; a tab is alive while it holds its Web Lock) is
//   offered above the form as a recovered draft; taking it sets your own text aside as a
//   recovered draft in turn, so nothing typed is ever written over.
// - Save moves the draft into the outbox (IndexedDB, shared by all tabs) and starts a new
//   draft. The outbox is sent with POST /api/v1/projects/<slug>/findings; an entry is removed only after a
//   200/201. A refusal (409, 422) stays visible with its reason until the user acts.
// - Tabs: a Web Lock lets one tab send at a time; a BroadcastChannel tells the other tabs
//   what was saved, so a draft restored in two tabs is saved once. A tab whose words differ
//   from what the other tab saved keeps them under a new client_id: nothing typed is ever
//   cleared by another tab. The server's idempotency on client_id is the last line: the same
//   UUID is never stored twice.
// - Messages (errors, saved, offline) are shown in the sticky Save bar, in an aria-live region.
// - Other kinds of outbox entry (photos: webapp/photos/static/capture-photos.js) come from
//   plugins listed in window.klankbordCapturePlugins before this script runs: each gets this
//   screen's API (`init(api)`) and may name a kind with its own `send` and `render`; the
//   outbox, its counter, retry, discard and the one sending tab are the same for every kind.
//   Form fields marked data-draft-extra (the photo a finding is typed from) travel with the
//   draft and the finding; data-draft-keep ones stay for the next finding.
(function () {
  "use strict";

  var root = document.querySelector("[data-capture]");
  if (!root) { return; }
  var form = root.querySelector("[data-capture-form]");
  var activityId = root.dataset.activityId;
  var apiUrl = root.dataset.apiUrl;
  var csrfToken = root.dataset.csrf;
  var t = JSON.parse(root.dataset.i18n);
  // One slot per tab: "<prefix><tab id>". The prefix ends in a dot, so activity 1 never reads 12's.
  var DRAFT_PREFIX = "klankbord.capture.draft." + activityId + ".";
  var LEGACY_DRAFT_KEY = "klankbord.capture.draft." + activityId;  // the one slot all tabs shared before
  var TAB_KEY = "klankbord.capture.tab";
  var TAB_LOCK = "klankbord-capture-tab-";
  var SAVED_KEY = "klankbord.capture.saved";  // client_id -> fingerprint of what was saved
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("klankbord-capture") : null;
  var messageBox = root.querySelector("[data-capture-message]");
  var countBox = root.querySelector("[data-testid=outbox-count]");
  var queueBox = root.querySelector("#queue");
  var queueList = root.querySelector("[data-queue-list]");
  var capturedList = root.querySelector("[data-captured-list]");
  var recoveredBox = root.querySelector("[data-recovered]");
  var recoveredList = root.querySelector("[data-recovered-list]");
  var sending = false;

  // ---- small helpers --------------------------------------------------------------------

  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));  // RFC 4122 version 4 by hand
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ---- this tab ---------------------------------------------------------------------------

  var tabId = sessionStorage.getItem(TAB_KEY) || newUuid();
  sessionStorage.setItem(TAB_KEY, tabId);
  function draftKey() { return DRAFT_PREFIX + tabId; }

  // Hold this tab's lock while the page lives: other tabs ask the lock manager which tabs are
  // still open. A lock already held under our id means this tab is a duplicate (its
  // sessionStorage was copied) - after a short wait, since a reload's old page may still be
  // letting go: then it takes an id of its own and keeps the words it shows.
  function claimTab(retried) {
    if (!navigator.locks) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      navigator.locks.request(TAB_LOCK + tabId, { ifAvailable: true }, function (lock) {
        if (!lock) { resolve(false); return null; }
        resolve(true);
        return new Promise(function () {});  // held until the page goes
      }).catch(function () { resolve(true); });
    }).then(function (held) {
      if (held) { return null; }
      if (!retried) { return new Promise(function (r) { setTimeout(r, 400); }).then(function () { return claimTab(true); }); }
      tabId = newUuid();
      sessionStorage.setItem(TAB_KEY, tabId);
      saveDraft();
      return claimTab(true);
    });
  }

  function openTabs() {
    if (!navigator.locks || !navigator.locks.query) { return Promise.resolve(null); }
    return navigator.locks.query().then(function (state) {
      return (state.held || []).map(function (lock) { return lock.name; })
        .filter(function (name) { return name.indexOf(TAB_LOCK) === 0; })
        .map(function (name) { return name.slice(TAB_LOCK.length); });
    }).catch(function () { return null; });
  }

  function say(text, kind) {
    messageBox.textContent = text || "";
    messageBox.className = "capture-message" + (kind ? " " + kind : "");
  }

  // Theme code -> label, read from the chips (they carry the label in the interface language).
  var themeLabels = {};
  form.querySelectorAll("input[name=themes]").forEach(function (input) {
    var label = input.closest("label");
    themeLabels[input.value] = label ? label.textContent.trim() : input.value;
  });

  function themeChips(codes) {
    return (codes || []).map(function (code) {
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = themeLabels[code] || code;
      return chip;
    });
  }

  var dateFormat = (function () {
    var lang = document.documentElement.lang === "en" ? "en-GB" : (document.documentElement.lang || "nl");
    try { return new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" }); } catch (e) { return null; }
  })();

  function fingerprint(item) {
    return JSON.stringify([item.text.trim(), item.kind, item.language, item.themes.slice().sort(),
      item.stakeholder_type, item.organisation_id, item.contributor_id, item.extra || {}]);
  }

  // Fields a plugin adds to the form (the photo a finding is typed from, its region).
  function extraFields() { return form.querySelectorAll("[data-draft-extra]"); }

  function readJson(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }

  // ---- IndexedDB outbox -----------------------------------------------------------------

  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("klankbord-capture", 1);
    request.onupgradeneeded = function () { request.result.createObjectStore("outbox", { keyPath: "client_id" }); };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("outbox", mode);
        var result = work(tx.objectStore("outbox"));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  var outbox = {
    all: function () { return store("readonly", function (s) { return s.getAll(); }); },
    get: function (id) { return store("readonly", function (s) { return s.get(id); }); },
    put: function (item) { return store("readwrite", function (s) { s.put(item); }); },
    remove: function (id) { return store("readwrite", function (s) { s.delete(id); }); }
  };

  function mine(items) {
    return items.filter(function (item) { return String(item.activity_id) === String(activityId); })
      .sort(function (a, b) { return a.saved_at - b.saved_at; });
  }

  // ---- the draft ------------------------------------------------------------------------

  function collect() {
    var data = new FormData(form);
    var number = function (name) { var v = data.get(name); return v ? parseInt(v, 10) : null; };
    return {
      client_id: form.elements.client_id.value,
      activity_id: parseInt(activityId, 10),
      text: data.get("text") || "",
      kind: data.get("kind") || "",
      language: data.get("language") || "nl",
      themes: data.getAll("themes"),
      stakeholder_type: data.get("stakeholder_type") || null,
      organisation_id: number("organisation_id"),
      contributor_id: number("contributor_id"),
      extra: collectExtra()
    };
  }

  function collectExtra() {
    var extra = {};
    extraFields().forEach(function (field) { if (field.value) { extra[field.name] = field.value; } });
    return extra;
  }

  function fill(item) {
    form.elements.client_id.value = item.client_id;
    form.elements.text.value = item.text || "";
    form.querySelectorAll("input[name=kind]").forEach(function (i) { i.checked = i.value === item.kind; });
    form.querySelectorAll("input[name=themes]").forEach(function (i) { i.checked = (item.themes || []).indexOf(i.value) !== -1; });
    ["language", "stakeholder_type", "organisation_id", "contributor_id"].forEach(function (name) {
      var value = item[name];
      if (value !== undefined) { form.elements[name].value = value === null ? "" : String(value); }
    });
    extraFields().forEach(function (field) { field.value = (item.extra || {})[field.name] || ""; });
    refreshChips();
    form.dispatchEvent(new CustomEvent("capture:filled", { detail: item }));
  }

  function refreshChips() {
    var box = form.querySelector("[data-theme-chips]");
    if (box) { box.querySelector("[data-theme-search]").value = ""; box.dispatchEvent(new Event("theme-chips:reset")); }
  }

  function saveDraft() {
    var item = collect();
    item.updated_at = Date.now();
    if (item.text.trim()) { localStorage.setItem(draftKey(), JSON.stringify(item)); }
    else { localStorage.removeItem(draftKey()); }
  }

  function startNewDraft() {
    // Language, stakeholder type, organisation and contributor stay: the next finding is
    // often from the same speaker. Text, kind and themes start empty.
    localStorage.removeItem(draftKey());
    var keep = collect();
    var extra = {};
    extraFields().forEach(function (field) { if (field.hasAttribute("data-draft-keep") && field.value) { extra[field.name] = field.value; } });
    fill({ client_id: newUuid(), text: "", kind: "", themes: [], language: keep.language, extra: extra,
      stakeholder_type: keep.stakeholder_type, organisation_id: keep.organisation_id, contributor_id: keep.contributor_id });
  }

  function rememberSaved(item) {
    var saved = readJson(SAVED_KEY, {});
    saved[item.client_id] = { fingerprint: fingerprint(item), at: Date.now() };
    var ids = Object.keys(saved).sort(function (a, b) { return saved[b].at - saved[a].at; });
    ids.slice(300).forEach(function (id) { delete saved[id]; });  // keep the list small
    localStorage.setItem(SAVED_KEY, JSON.stringify(saved));
  }

  // ---- drafts other tabs left behind --------------------------------------------------------

  // Your own words, set aside as a recovered draft of their own (before the form shows other text).
  function setAside() {
    var item = collect();
    if (!item.text.trim()) { return false; }
    item.updated_at = Date.now();
    localStorage.setItem(DRAFT_PREFIX + "set-aside-" + newUuid(), JSON.stringify(item));
    return true;
  }

  function leftBehind() {
    return openTabs().then(function (open) {
      var found = [];
      for (var i = 0; i < localStorage.length; i += 1) {
        var key = localStorage.key(i);
        var owner = key.indexOf(DRAFT_PREFIX) === 0 ? key.slice(DRAFT_PREFIX.length) : null;
        if (key !== LEGACY_DRAFT_KEY && (owner === null || owner === tabId || (open && open.indexOf(owner) !== -1))) { continue; }
        var item = readJson(key, null);
        if (item && item.text && item.text.trim()) { found.push({ key: key, item: item }); }
      }
      return found.sort(function (a, b) { return (b.item.updated_at || 0) - (a.item.updated_at || 0); });
    });
  }

  var recoveredShown = null;  // what the list shows now: not redrawn (nor its focus lost) for nothing
  function renderRecovered() {
    if (!recoveredBox) { return Promise.resolve(); }
    return leftBehind().then(function (found) {
      var shown = JSON.stringify(found.map(function (entry) { return [entry.key, entry.item.updated_at]; }));
      if (shown === recoveredShown) { return; }
      recoveredShown = shown;
      recoveredBox.hidden = found.length === 0;
      recoveredList.textContent = "";
      var template = root.querySelector("[data-recovered-item-template]");
      found.forEach(function (entry) {
        var node = template.content.firstElementChild.cloneNode(true);
        node.dataset.key = entry.key;
        var text = node.querySelector(".recovered-text");
        text.textContent = entry.item.text;
        if (entry.item.language) { text.lang = entry.item.language; }
        node.querySelector(".recovered-themes").replaceChildren.apply(node.querySelector(".recovered-themes"), themeChips(entry.item.themes));
        var when = entry.item.updated_at ? new Date(entry.item.updated_at) : null;
        node.querySelector(".recovered-when").textContent = when && dateFormat ? dateFormat.format(when) : "";
        recoveredList.appendChild(node);
      });
    });
  }

  function recover(key) {
    var item = readJson(key, null);
    localStorage.removeItem(key);  // taken: no other tab offers it any more
    if (!item || !item.text) { return renderRecovered(); }
    var asideNow = setAside();
    fill(item);
    saveDraft();
    form.elements.text.focus();
    say(asideNow ? t.set_aside : t.restored, "notice");
    return renderRecovered();
  }

  // ---- saving ---------------------------------------------------------------------------

  function save() {
    var item = collect();
    if (!item.text.trim()) { say(t.empty_text, "error"); form.elements.text.focus(); return Promise.resolve(); }
    if (!item.kind) {
      say(t.no_kind, "error");
      var firstKind = form.querySelector("input[name=kind]");
      if (firstKind) { firstKind.focus({ preventScroll: true }); }
      return Promise.resolve();
    }
    item.text = item.text.trim();
    return outbox.get(item.client_id).then(function (queued) {
      var earlier = readJson(SAVED_KEY, {})[item.client_id];
      if (queued || earlier) {
        // This draft was saved already (another tab, or a double tap).
        var same = (queued ? fingerprint(queued) : earlier.fingerprint) === fingerprint(item);
        if (same) { startNewDraft(); say(t.other_tab, "notice"); return null; }
        item.client_id = newUuid();  // changed since: a finding of its own, nothing lost
      }
      item.status = "waiting";
      item.reason = "";
      // The project's API address travels with the finding: it is sent there even when
      // the outbox is flushed from another project's capture screen.
      item.api_url = apiUrl;
      item.saved_at = Date.now();
      return outbox.put(item).then(function () {
        rememberSaved(item);
        if (channel) { channel.postMessage({ type: "queued", client_id: item.client_id, fingerprint: fingerprint(item) }); }
        startNewDraft();
        form.elements.text.focus();
        say(t.queued, "notice");
        return renderQueue().then(flush).then(function () { return reportOutcome(item.client_id); });
      });
    });
  }

  // After a save: say plainly where the finding is now.
  function reportOutcome(clientId) {
    return outbox.get(clientId).then(function (queued) {
      if (!queued) { say(t.stored, "ok"); }
      else if (queued.status === "refused") { say(t.refused + (queued.reason ? ": " + queued.reason : ""), "error"); }
      else { say(t.saved_offline, "notice"); }
    });
  }

  function payload(item) {
    var body = {
      client_id: item.client_id, activity_id: item.activity_id, text: item.text, kind: item.kind,
      language: item.language, themes: item.themes, stakeholder_type: item.stakeholder_type,
      organisation_id: item.organisation_id, contributor_id: item.contributor_id
    };
    var extra = item.extra || {};
    Object.keys(extra).forEach(function (name) {
      var field = form.querySelector('[data-draft-extra][name="' + name + '"]');
      body[name] = field && field.dataset.draftExtra === "json" ? JSON.parse(extra[name]) : extra[name];
    });
    return JSON.stringify(body);
  }

  // Kinds of outbox entry besides findings, from the plugins: {send(item) -> {status, body}, render(item, node)}.
  var kinds = {};

  function sendOne(item) {
    if (item.kind_of_entry && kinds[item.kind_of_entry]) { return kinds[item.kind_of_entry].send(item); }
    return fetch(item.api_url || apiUrl, {
      method: "POST", credentials: "same-origin", body: payload(item),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }, function () { return { status: 0, body: {} }; });  // no connection
  }

  function sendAll() {
    return outbox.all().then(function (items) {
      var queue = mine(items).filter(function (item) { return item.status !== "refused"; });
      var next = function (index) {
        if (index >= queue.length) { return Promise.resolve(); }
        var item = queue[index];
        return outbox.get(item.client_id).then(function (current) {
          if (!current || current.status === "refused") { return next(index + 1); }  // another tab dealt with it
          return sendOne(current).then(function (result) {
            if (result.status === 200 || result.status === 201) {
              return outbox.remove(current.client_id).then(function () {
                if (current.kind_of_entry) {
                  var kind = kinds[current.kind_of_entry];
                  if (kind && kind.stored) { kind.stored(current, result.body); }
                  refreshOfflineCopy();
                  return next(index + 1);
                }
                showStored(result.body);
                if (channel) { channel.postMessage({ type: "stored", finding: result.body }); }
                return next(index + 1);
              });
            }
            if (result.status === 409 || result.status === 422) {
              current.status = "refused";
              current.reason = result.body.message + (result.body.errors ? " " + Object.keys(result.body.errors)
                .map(function (k) { return result.body.errors[k]; }).join(" ") : "");
              return outbox.put(current).then(function () { return next(index + 1); });
            }
            // Offline, logged out, expired page or a server hiccup: keep waiting, say why, stop for now.
            // Every item still waiting gets the same reason: none is left with a bare "Waiting".
            var reason = result.status === 0 ? t.offline : (result.status === 401 ? t.login_again : (result.body.message || ""));
            return Promise.all(queue.slice(index).map(function (waitingItem) {
              return outbox.get(waitingItem.client_id).then(function (stored) {
                if (!stored || stored.status === "refused") { return null; }
                stored.reason = reason;
                return outbox.put(stored);
              });
            }));
          });
        });
      };
      return next(0);
    });
  }

  function flush() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    var run = function () { return sendAll(); };
    var locked = navigator.locks ? navigator.locks.request("klankbord-capture-outbox", run) : run();
    return locked.catch(function () {}).then(function () {
      sending = false;
      return renderQueue();
    });
  }

  // ---- what the user sees ---------------------------------------------------------------

  function renderQueue() {
    return outbox.all().then(function (items) {
      items = mine(items);
      var waiting = items.length;
      countBox.dataset.count = String(waiting);
      countBox.textContent = waiting ? (waiting === 1 ? t.waiting_one : t.waiting_other).replace("{n}", waiting) : t.all_stored;
      countBox.classList.toggle("has-waiting", waiting > 0);
      countBox.classList.toggle("has-refused", items.some(function (i) { return i.status === "refused"; }));
      root.querySelector("[data-queue-empty]").hidden = waiting > 0;
      queueList.textContent = "";
      var template = root.querySelector("[data-queue-item-template]");
      items.forEach(function (item) {
        var node = template.content.firstElementChild.cloneNode(true);
        node.dataset.clientId = item.client_id;
        node.classList.toggle("refused", item.status === "refused");
        node.querySelector(".queue-text").textContent = item.text;
        node.querySelector(".queue-themes").replaceChildren.apply(node.querySelector(".queue-themes"), themeChips(item.themes));
        node.querySelector(".queue-reason").textContent =
          (item.status === "refused" ? t.refused : t.waiting) + ": " + (item.reason || t.waiting_for_turn);
        if (item.kind_of_entry && kinds[item.kind_of_entry]) { kinds[item.kind_of_entry].render(item, node); }
        queueList.appendChild(node);
      });
      root.dispatchEvent(new CustomEvent("capture:queue", { detail: items }));
    });
  }

  function showStored(finding) {
    if (!finding || !finding.client_id || capturedList.querySelector('[data-client-id="' + finding.client_id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "finding";
    item.dataset.clientId = finding.client_id;
    item.dataset.findingId = finding.id;
    var tag = document.createElement("span");
    tag.className = "tag kind-" + finding.kind;
    tag.textContent = t.kinds[finding.kind] || finding.kind;
    var text = document.createElement("p");
    text.textContent = finding.text;
    text.dir = "auto";
    if (finding.language) { text.lang = finding.language; }
    var meta = document.createElement("p");
    meta.className = "meta";
    var created = finding.created_at ? new Date(finding.created_at) : new Date();
    meta.textContent = dateFormat ? dateFormat.format(created) : created.toLocaleString();
    var edit = document.createElement("a");
    edit.className = "button";
    edit.href = root.dataset.editUrl.replace("/0/", "/" + finding.id + "/");
    edit.textContent = t.edit;
    item.append.apply(item, [tag].concat(themeChips(finding.themes), [text, meta, edit]));
    capturedList.prepend(item);
    refreshOfflineCopy();
  }

  // ---- offline copy of the screen -------------------------------------------------------

  var refreshTimer = null;
  function refreshOfflineCopy() {
    // Re-cache the page after stores, so an offline reload shows a recent list.
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      if (window.caches && navigator.onLine) { caches.open("klankbord-capture-v1").then(function (c) { return c.add(location.pathname); }).catch(function () {}); }
    }, 300);
  }

  function prepareOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) { return; }
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        if (!navigator.onLine) { return null; }
        var urls = JSON.parse(root.dataset.cacheUrls);  // the screen and its files, and what plugins add
        root.querySelectorAll("[data-cache-urls]").forEach(function (node) { urls = urls.concat(JSON.parse(node.dataset.cacheUrls)); });
        return caches.open("klankbord-capture-v1").then(function (cache) { return cache.addAll(urls); });
      })
      .then(function () { root.dataset.offlineReady = "1"; })
      .catch(function () { root.dataset.offlineReady = "0"; });
  }

  // ---- wiring ---------------------------------------------------------------------------

  form.addEventListener("submit", function (event) { event.preventDefault(); save(); });
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(); }
  });

  root.querySelector("[data-action=toggle-queue]").addEventListener("click", function (event) {
    queueBox.hidden = !queueBox.hidden;
    event.currentTarget.setAttribute("aria-expanded", String(!queueBox.hidden));
  });
  root.querySelector("[data-action=send-now]").addEventListener("click", function () {
    outbox.all().then(function (items) {
      // "Send now" also retries refused ones: the user has seen why and asks again.
      return Promise.all(mine(items).filter(function (i) { return i.status === "refused"; }).map(function (i) {
        i.status = "waiting"; i.reason = ""; return outbox.put(i);
      }));
    }).then(flush);
  });
  queueList.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) { return; }
    var id = button.closest(".queue-item").dataset.clientId;
    if (button.dataset.action === "discard") {
      if (window.confirm(t.discard_confirm)) { outbox.remove(id).then(renderQueue); }
    } else if (button.dataset.action === "to-editor") {
      outbox.get(id).then(function (item) {
        if (!item || item.kind_of_entry) { return null; }
        var asideNow = setAside();  // what you were typing is kept, not written over
        // A new identity: the refused one may be taken on the server by other content.
        item.client_id = newUuid();
        fill(item);
        saveDraft();
        form.elements.text.focus();
        if (asideNow) { say(t.set_aside, "notice"); }
        return outbox.remove(id).then(renderQueue).then(renderRecovered);
      });
    }
  });

  if (channel) {
    channel.onmessage = function (event) {
      var message = event.data || {};
      if (message.type === "queued" && message.client_id === form.elements.client_id.value) {
        var here = collect();
        if (!message.fingerprint || message.fingerprint === fingerprint(here) || !here.text.trim()) {
          startNewDraft();  // exactly what the other tab saved: nothing of ours is lost
          say(t.other_tab, "notice");
        } else {
          // Our words differ from what was saved there: keep them, as a finding of their own.
          form.elements.client_id.value = newUuid();
          saveDraft();
          say(t.other_tab_kept, "notice");
        }
      }
      if (message.type === "stored") { showStored(message.finding); }
      renderQueue();
    };
  }
  if (recoveredList) {
    recoveredList.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) { return; }
      var key = button.closest(".recovered-item").dataset.key;
      if (button.dataset.action === "recover") { recover(key); }
      else if (button.dataset.action === "discard-recovered" && window.confirm(t.discard_recovered_confirm)) {
        localStorage.removeItem(key);
        renderRecovered();
      }
    });
  }
  // Another tab took or discarded a recovered draft, or closed: the offer follows.
  window.addEventListener("storage", function (event) {
    if (event.key === null || event.key.indexOf(DRAFT_PREFIX) === 0 || event.key === LEGACY_DRAFT_KEY) { renderRecovered(); }
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { say(t.offline, "notice"); });
  setInterval(function () { renderRecovered(); if (navigator.onLine) { flush(); } }, 20000);

  // The plugins (photos) join before anything is restored or sent.
  var api = {
    root: root, form: form, t: t, outbox: outbox, flush: flush, renderQueue: renderQueue, say: say,
    newUuid: newUuid, saveDraft: saveDraft, refreshOfflineCopy: refreshOfflineCopy, csrfToken: csrfToken,
    activityId: activityId, mine: mine,
    addKind: function (name, handler) { kinds[name] = handler; }
  };
  (window.klankbordCapturePlugins || []).forEach(function (plugin) { plugin(api); });

  // Restore this tab's unsaved draft (a reload, a crash); other tabs' drafts are offered, not filled in.
  var draft = readJson(draftKey(), null);
  if (draft && draft.text && !form.querySelector(".error")) {
    fill(draft);
    say(t.restored, "notice");
  } else if (!form.elements.client_id.value) {
    form.elements.client_id.value = newUuid();
  }
  claimTab(false).then(renderRecovered);
  renderQueue().then(flush);
  prepareOffline();
})();
