// Klankbord capture screen: photos (a plugin of capture.js, see its header).
//
// - Take or add photos (<input type=file accept=image/* capture=environment multiple>): each is
//   shown at once, reduced on the device (longest side 2,560 px, JPEG: the canvas writes no
//   EXIF, so no GPS position leaves the tablet) and put in the same IndexedDB outbox as the
//   findings, under a client_id made here. capture.js sends it (this file's `send`: multipart
//   to POST /api/v1/projects/<slug>/photos with an upload progress bar), exactly once, with the
//   same counter, retry and discard.
// - Transcribe: the photo beside the form, zoom and pan by touch (pinch, drag) or with the
//   buttons; "Mark a region" draws the part a finding is read from. Every finding saved while
//   a photo is open records it (photo_client_id, kept for the next finding) and the region
//   (photo_region, cleared after each save). Works offline: a photo not sent yet is read from
//   the outbox, and the server resolves the client_id once the photo has arrived (it is sent
//   first: the outbox goes in the order things were saved).
(function () {
  "use strict";

  var MAX_SIDE = 2560;
  var QUALITY = 0.85;
  var CACHE = "klankbord-capture-v1";

  function plugin(capture) {
    var root = capture.root;
    var panel = root.querySelector("[data-photos]");
    if (!panel) { return; }
    var form = capture.form;
    var t = JSON.parse(panel.dataset.i18n);
    var apiUrl = panel.dataset.apiUrl;
    var strip = panel.querySelector("[data-photo-strip]");
    var input = panel.querySelector("[data-photo-input]");
    var messageBox = panel.querySelector("[data-photo-message]");
    var template = panel.querySelector("[data-photo-item-template]");
    var pane = root.querySelector("[data-transcribe-pane]");
    var viewer = pane.querySelector("[data-viewer]");
    var image = pane.querySelector("[data-viewer-image]");
    var regionBox = pane.querySelector("[data-region-box]");
    var statusBox = pane.querySelector("[data-transcribe-status]");
    var markButton = pane.querySelector("[data-action=mark-region]");
    var blobUrls = {};  // client_id -> object URL of a photo still in the outbox

    function say(text) { messageBox.textContent = text || ""; }

    // ---- the draft's fields: which photo, which region ------------------------------------

    function hidden(name, keep, json) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      field.setAttribute("data-draft-extra", json ? "json" : "");
      if (keep) { field.setAttribute("data-draft-keep", ""); }
      form.appendChild(field);
      return field;
    }
    var photoField = hidden("photo_client_id", true, false);
    var regionField = hidden("photo_region", false, true);

    // With JavaScript the files go through the outbox, not the plain form.
    panel.querySelector("[data-photo-upload]").hidden = true;
    panel.querySelector("[data-photo-form]").addEventListener("submit", function (event) { event.preventDefault(); });

    // ---- taking photos --------------------------------------------------------------------

    function reduce(file) {
      if (!window.createImageBitmap) { return Promise.reject(new Error("no createImageBitmap")); }
      return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        var width = Math.max(1, Math.round(bitmap.width * scale));
        var height = Math.max(1, Math.round(bitmap.height * scale));
        var canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = height;
        var context = canvas.getContext("2d");
        context.fillStyle = "#fff";  // a transparent PNG on white, as the server would
        context.fillRect(0, 0, width, height);
        context.drawImage(bitmap, 0, 0, width, height);
        if (bitmap.close) { bitmap.close(); }
        return new Promise(function (resolve, reject) {
          canvas.toBlob(function (blob) {
            if (blob) { resolve({ blob: blob, width: width, height: height }); } else { reject(new Error("toBlob")); }
          }, "image/jpeg", QUALITY);
        });
      });
    }

    function takePhoto(file) {
      var clientId = capture.newUuid();
      var preview = URL.createObjectURL(file);
      var node = stripItem(clientId, preview);  // shown at once, before it is reduced
      node.querySelector("[data-photo-status]").textContent = t.photo_waiting;
      return reduce(file).then(function (reduced) {
        var item = {
          client_id: clientId, kind_of_entry: "photo", activity_id: parseInt(capture.activityId, 10),
          api_url: apiUrl, blob: reduced.blob, width: reduced.width, height: reduced.height,
          text: t.photo, themes: [], status: "waiting", reason: "", saved_at: Date.now()
        };
        return capture.outbox.put(item).then(function () {
          blobUrls[clientId] = URL.createObjectURL(reduced.blob);
          node.querySelector("img").src = blobUrls[clientId];
          URL.revokeObjectURL(preview);
        });
      }, function () {
        node.remove();
        URL.revokeObjectURL(preview);
        say(t.not_a_photo);
      });
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      input.value = "";
      say(files.length ? t.photos_queued : "");
      files.reduce(function (done, file) { return done.then(function () { return takePhoto(file); }); }, Promise.resolve())
        .then(capture.renderQueue).then(capture.flush);
    });

    // ---- the strip of photos --------------------------------------------------------------

    function stripItem(clientId, src) {
      var node = strip.querySelector('[data-photo-client-id="' + clientId + '"]');
      if (node) { return node; }
      node = template.content.firstElementChild.cloneNode(true);
      node.dataset.photoClientId = clientId;
      node.querySelector("img").src = src;
      strip.appendChild(node);
      numberPhotos();
      return node;
    }

    function numberPhotos() {
      strip.querySelectorAll("[data-photo-client-id]").forEach(function (node, index) {
        var label = t.photo_n.replace("{n}", index + 1);
        node.dataset.label = label;
        node.querySelector("img").alt = label;
      });
    }

    // The queued photos of this activity, as the outbox holds them now (after every change of the queue).
    function showQueued(items) {
      items.filter(function (item) { return item.kind_of_entry === "photo"; }).forEach(function (item) {
        if (!blobUrls[item.client_id]) { blobUrls[item.client_id] = URL.createObjectURL(item.blob); }
        var node = stripItem(item.client_id, blobUrls[item.client_id]);
        var refused = item.status === "refused";
        node.classList.toggle("refused", refused);
        node.querySelector("[data-photo-status]").textContent =
          refused ? capture.t.refused + ": " + item.reason : t.photo_waiting;
      });
      if (wanted) { openTranscribe(wanted, true); }
    }
    root.addEventListener("capture:queue", function (event) {
      var items = event.detail || [];
      showQueued(items);
      // The counter counts every entry; say how many of them are photos.
      var photos = items.filter(function (item) { return item.kind_of_entry === "photo"; }).length;
      var count = root.querySelector("[data-testid=outbox-count]");
      if (photos && count) {
        var findings = items.length - photos;
        var text = (photos === 1 ? t.photos_waiting_one : t.photos_waiting_other).replace("{n}", photos);
        count.textContent = findings ? (findings === 1 ? capture.t.waiting_one : capture.t.waiting_other)
          .replace("{n}", findings) + " · " + text : text;
      }
    });

    function progress(clientId, fraction) {
      var node = strip.querySelector('[data-photo-client-id="' + clientId + '"]');
      if (!node) { return; }
      var bar = node.querySelector("[data-photo-progress]");
      var percent = Math.round(fraction * 100);
      if (bar) { bar.hidden = fraction >= 1; bar.value = percent; }
      node.querySelector("[data-photo-status]").textContent = t.sending_photo.replace("{p}", percent);
    }

    capture.addKind("photo", {
      send: function (item) {
        return new Promise(function (resolve) {
          var data = new FormData();
          data.append("client_id", item.client_id);
          data.append("activity_id", String(item.activity_id));
          data.append("file", item.blob, "photo.jpg");
          var request = new XMLHttpRequest();
          request.open("POST", item.api_url || apiUrl);
          request.setRequestHeader("X-CSRFToken", capture.csrfToken);
          request.setRequestHeader("Accept", "application/json");
          request.upload.onprogress = function (event) {
            if (event.lengthComputable) { progress(item.client_id, event.loaded / event.total); }
          };
          request.onload = function () {
            var body = {};
            try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
            var status = request.status;
            // A file the server refuses (too large, not a photo) is refused for good, not retried.
            if (status >= 400 && status < 500 && [401, 403, 408, 409, 422, 429].indexOf(status) === -1) { status = 422; }
            resolve({ status: status, body: body });
          };
          request.onerror = request.ontimeout = function () { resolve({ status: 0, body: {} }); };
          request.send(data);
        });
      },
      stored: function (item, photo) {
        var node = strip.querySelector('[data-photo-client-id="' + item.client_id + '"]');
        if (!node) { return; }
        node.classList.remove("queued", "refused");
        node.dataset.photoId = photo.id;
        if (photo.image_url) { node.dataset.imageUrl = photo.image_url; }
        node.querySelector("[data-photo-status]").textContent = t.photo_stored;
        var bar = node.querySelector("[data-photo-progress]");
        if (bar) { bar.hidden = true; }
      },
      render: function (item, node) {
        var thumb = document.createElement("img");
        thumb.className = "queue-photo";
        thumb.alt = t.photo;
        if (!blobUrls[item.client_id]) { blobUrls[item.client_id] = URL.createObjectURL(item.blob); }
        thumb.src = blobUrls[item.client_id];
        node.querySelector(".queue-text").replaceChildren(thumb);
        var toEditor = node.querySelector("[data-action=to-editor]");
        if (toEditor) { toEditor.hidden = true; }
      }
    });

    strip.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action=transcribe]");
      if (button) { openTranscribe(button.closest("[data-photo-client-id]").dataset.photoClientId); }
    });

    // ---- transcribing beside a photo ------------------------------------------------------

    var view = { scale: 1, x: 0, y: 0 };
    var region = null;  // {x, y, w, h} in fractions of the photo

    function imageSource(clientId) {
      if (blobUrls[clientId]) { return blobUrls[clientId]; }
      var node = strip.querySelector('[data-photo-client-id="' + clientId + '"]');
      return node ? node.dataset.imageUrl : null;
    }

    var wanted = null;  // a photo asked for before the outbox's photos are on the strip

    function openTranscribe(clientId, keepRegion) {
      var source = imageSource(clientId);
      var node = strip.querySelector('[data-photo-client-id="' + clientId + '"]');
      if (!source || !node) { wanted = clientId; return; }
      wanted = null;
      var changed = photoField.value !== clientId;
      photoField.value = clientId;
      if (!keepRegion) { setRegion(null); }
      pane.hidden = false;
      root.classList.add("transcribing");
      pane.querySelector("[data-transcribe-title]").textContent = node.dataset.label || t.photo;
      if (changed || image.getAttribute("src") !== source) {
        image.onload = fit;
        image.onerror = function () { statusBox.textContent = t.image_offline; };
        image.src = source;
        if (!blobUrls[clientId] && window.caches && navigator.onLine) {
          caches.open(CACHE).then(function (cache) { return cache.add(source); }).catch(function () {});
        }
      }
      statusBox.textContent = t.typed_from;
      capture.saveDraft();
      if (history.replaceState) { history.replaceState(null, "", location.pathname + "?photo=" + encodeURIComponent(clientId)); }
    }

    function closeTranscribe() {
      photoField.value = "";
      setRegion(null);
      pane.hidden = true;
      root.classList.remove("transcribing");
      capture.saveDraft();
      if (history.replaceState) { history.replaceState(null, "", location.pathname); }
    }

    pane.querySelector("[data-action=close-transcribe]").addEventListener("click", closeTranscribe);

    // A draft restored (a reload) or the next one after a save: the photo it records stays open.
    form.addEventListener("capture:filled", function (event) {
      var item = event.detail || {};
      var photo = (item.extra || {}).photo_client_id;
      if (photo) {
        var saved = (item.extra || {}).photo_region;
        setRegion(saved ? JSON.parse(saved) : null, true);
        openTranscribe(photo, true);
      } else if (!pane.hidden) {
        closeTranscribe();
      }
    });

    function fit() {
      var box = viewer.getBoundingClientRect();
      var scale = Math.min(box.width / image.naturalWidth, box.height / image.naturalHeight) || 1;
      view = { scale: scale, x: (box.width - image.naturalWidth * scale) / 2, y: (box.height - image.naturalHeight * scale) / 2 };
      apply();
    }

    function apply() {
      image.style.width = image.naturalWidth + "px";
      image.style.height = image.naturalHeight + "px";
      image.style.transform = "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
      drawRegion();
    }

    function zoomAt(factor, px, py) {
      var scale = Math.max(0.05, Math.min(8, view.scale * factor));
      factor = scale / view.scale;
      view.x = px - (px - view.x) * factor;
      view.y = py - (py - view.y) * factor;
      view.scale = scale;
      apply();
    }

    pane.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var box = viewer.getBoundingClientRect();
        if (button.dataset.zoom === "fit") { fit(); } else { zoomAt(button.dataset.zoom === "in" ? 1.5 : 1 / 1.5, box.width / 2, box.height / 2); }
      });
    });
    viewer.addEventListener("wheel", function (event) {
      event.preventDefault();
      var box = viewer.getBoundingClientRect();
      zoomAt(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - box.left, event.clientY - box.top);
    }, { passive: false });

    // Pointers: one drags (pans, or draws the region while marking), two pinch.
    var pointers = {};
    var gesture = null;

    function local(event) {
      var box = viewer.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    function inPhoto(point) {  // a point of the viewer as a fraction of the photo, kept inside it
      var fx = (point.x - view.x) / (image.naturalWidth * view.scale);
      var fy = (point.y - view.y) / (image.naturalHeight * view.scale);
      return { x: Math.max(0, Math.min(1, fx)), y: Math.max(0, Math.min(1, fy)) };
    }
    function pinch() {
      var points = Object.keys(pointers).map(function (id) { return pointers[id]; });
      var dx = points[0].x - points[1].x;
      var dy = points[0].y - points[1].y;
      return { distance: Math.sqrt(dx * dx + dy * dy) || 1, x: (points[0].x + points[1].x) / 2, y: (points[0].y + points[1].y) / 2 };
    }

    viewer.addEventListener("pointerdown", function (event) {
      viewer.setPointerCapture(event.pointerId);
      pointers[event.pointerId] = local(event);
      var count = Object.keys(pointers).length;
      if (count === 2) {
        gesture = { kind: "pinch", last: pinch() };
      } else if (count === 1) {
        var point = pointers[event.pointerId];
        gesture = markButton.getAttribute("aria-pressed") === "true"
          ? { kind: "mark", from: inPhoto(point) } : { kind: "pan", last: point };
      }
    });
    viewer.addEventListener("pointermove", function (event) {
      if (!(event.pointerId in pointers) || !gesture) { return; }
      var point = local(event);
      pointers[event.pointerId] = point;
      if (gesture.kind === "pinch" && Object.keys(pointers).length === 2) {
        var now = pinch();
        view.x += now.x - gesture.last.x;
        view.y += now.y - gesture.last.y;
        zoomAt(now.distance / gesture.last.distance, now.x, now.y);
        gesture.last = now;
      } else if (gesture.kind === "pan") {
        view.x += point.x - gesture.last.x;
        view.y += point.y - gesture.last.y;
        gesture.last = point;
        apply();
      } else if (gesture.kind === "mark") {
        var to = inPhoto(point);
        region = { x: Math.min(gesture.from.x, to.x), y: Math.min(gesture.from.y, to.y),
          w: Math.abs(to.x - gesture.from.x), h: Math.abs(to.y - gesture.from.y) };
        drawRegion();
      }
    });
    function endPointer(event) {
      if (!(event.pointerId in pointers)) { return; }
      delete pointers[event.pointerId];
      if (gesture && gesture.kind === "mark") {
        setRegion(region && region.w > 0.005 && region.h > 0.005 ? region : null);
        markButton.setAttribute("aria-pressed", "false");
        viewer.classList.remove("marking");
      }
      gesture = Object.keys(pointers).length ? { kind: "pan", last: pointers[Object.keys(pointers)[0]] } : null;
    }
    viewer.addEventListener("pointerup", endPointer);
    viewer.addEventListener("pointercancel", endPointer);

    markButton.addEventListener("click", function () {
      var on = markButton.getAttribute("aria-pressed") !== "true";
      markButton.setAttribute("aria-pressed", String(on));
      viewer.classList.toggle("marking", on);
    });
    pane.querySelector("[data-action=clear-region]").addEventListener("click", function () { setRegion(null); });

    function round(value) { return Math.round(value * 10000) / 10000; }

    function setRegion(value, quiet) {
      region = value ? { x: round(value.x), y: round(value.y), w: round(value.w), h: round(value.h) } : null;
      if (region) {  // rounding must not push it past the photo's edge
        region.w = Math.min(region.w, round(1 - region.x));
        region.h = Math.min(region.h, round(1 - region.y));
      }
      regionField.value = region ? JSON.stringify(region) : "";
      drawRegion();
      if (!quiet) {
        statusBox.textContent = region ? t.region_marked : t.whole_photo;
        capture.saveDraft();
      }
    }

    function drawRegion() {
      if (!region || !image.naturalWidth) { regionBox.hidden = true; return; }
      var width = image.naturalWidth * view.scale;
      var height = image.naturalHeight * view.scale;
      regionBox.hidden = false;
      regionBox.style.left = (view.x + region.x * width) + "px";
      regionBox.style.top = (view.y + region.y * height) + "px";
      regionBox.style.width = (region.w * width) + "px";
      regionBox.style.height = (region.h * height) + "px";
    }

    window.addEventListener("resize", function () { if (!pane.hidden && image.naturalWidth) { fit(); } });

    // Opened from a photo's page (?photo=<client_id>) when no draft says otherwise.
    setTimeout(function () {
      var asked = new URLSearchParams(location.search).get("photo");
      if (asked && !photoField.value) { openTranscribe(asked); }
    }, 0);
    capture.outbox.all().then(function (items) { showQueued(capture.mine(items)); });
  }

  (window.klankbordCapturePlugins = window.klankbordCapturePlugins || []).push(plugin);
})();
