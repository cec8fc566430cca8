// Klankbord capture: the service worker. Scope /capture/.
//
// Network first, cache as fallback: online the screen is always fresh; offline (poor wifi
// at a working visit) the capture page and its static files come from the cache that the
// page itself fills when it opens online (capture.js). API calls are never cached: the
// outbox in IndexedDB deals with them.
"use strict";

const CACHE = "klankbord-capture-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;  // the browser handles it as if there were no worker
  }
  event.respondWith(networkFirst(request));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Keep the cached copy fresh, but only for what the capture page asked to keep,
    // and never a login redirect or an error page in place of the screen.
    if (response.ok && !response.redirected && (await cache.match(request, { ignoreVary: true }))) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true, ignoreSearch: request.mode === "navigate" });
    if (cached) {
      return cached;
    }
    throw error;
  }
}
