/* stationmap's service worker: the courier's page without a network.
 *
 * Served at /sw.js (scope "/") by the app, which puts before this text
 *   self.SM_VERSION = "<hash of the static files>";
 *   self.SM_SHELL = ["/static/app.<hash>.js", ...];   the public static files
 *   self.SM_PAGES = ["/"];                             pages kept for offline use
 *
 * - install: the shell and the pages are fetched into the cache SM_VERSION, the pages
 *   from the browser's HTTP cache when they are there (the page registers the worker
 *   after its first load: asking the server for "/" again would cost the courier the
 *   page twice); activate: older caches are deleted.
 * - /static/ GETs: cache first (their URLs carry their content's hash), then network.
 * - navigations to the public pages ("/" and "/s/<code>"): network first; a good answer
 *   replaces the kept copy; without a network, the kept copy of that URL, else of "/".
 * - a district's boundary (GET /api/v1/districts/<6 digits>, drawn as decoration under
 *   the list): kept for BOUNDARY_MAX_AGE_MS and answered from the cache meanwhile, so a
 *   repeat visit does not download it again (the largest answer of a visit).
 * - Everything else (the other API reads, every write, /admin, /auth, other origins'
 *   tiles) is not touched: it goes to the network as if there were no worker. The last
 *   nearest answer is kept by the page itself (offline.js).
 */
/* global self, caches, fetch, URL, Response */
"use strict";

var VERSION = "stationmap-" + self.SM_VERSION;
var SHELL = self.SM_SHELL || [];
var PAGES = self.SM_PAGES || ["/"];
var BOUNDARY_MAX_AGE_MS = 24 * 3600 * 1000;
var PAGE_FRESH_MS = 10 * 60 * 1000;

function isPublicPage(url) {
  return url.pathname === "/" || /^\/s\/[0-9A-Za-z-]{1,20}$/.test(url.pathname);
}

/** How long ago ``response`` was sent (NaN without a readable Date). A server may send
 * Date twice, which the Headers object joins with ", ". */
function ageMs(response) {
  var date = String(response.headers.get("Date") || "").split(",").slice(0, 2).join(",");
  return Date.now() - Date.parse(date);
}

/** ``url``'s copy in the HTTP cache when it was sent within PAGE_FRESH_MS (the page the
 * courier has just loaded), else the network's. */
function keepPage(cache, url) {
  return fetch(url, {cache: "force-cache", credentials: "same-origin"}).then(function (response) {
    var age = ageMs(response);
    if (!(age >= -60000 && age < PAGE_FRESH_MS)) {
      return fetch(url, {credentials: "same-origin"});
    }
    return response;
  }).then(function (response) {
    return response.ok && response.type === "basic" ? cache.put(url, response) : null;
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    return cache.addAll(SHELL).then(function () {
      return Promise.all(PAGES.map(function (url) { return keepPage(cache, url); }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("stationmap-") === 0 && name !== VERSION;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageFromNetwork(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(VERSION).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(VERSION).then(function (cache) {
      return cache.match(request, {ignoreVary: true}).then(function (hit) {
        return hit || cache.match("/", {ignoreSearch: true, ignoreVary: true});
      });
    }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function staticFile(request) {
  return caches.open(VERSION).then(function (cache) {
    return cache.match(request, {ignoreVary: true}).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

var BOUNDARY = /^\/api\/v1\/districts\/[0-9]{6}$/;

// The page asks for the boundary it has just drawn to be kept ({keep: url}): the copy
// comes from the browser's HTTP cache when it is there (no second download).
self.addEventListener("message", function (event) {
  var url = event.data && event.data.keep;
  if (typeof url !== "string") { return; }
  var target = new URL(url, self.location.origin);
  if (target.origin !== self.location.origin || !BOUNDARY.test(target.pathname) || target.search) {
    return;
  }
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    return cache.match(target.href, {ignoreVary: true}).then(function (hit) {
      if (hit) { return null; }
      return fetch(target.href, {cache: "force-cache"}).then(function (response) {
        return response.ok ? cache.put(target.href, response) : null;
      });
    });
  }).catch(function () { /* kept next time */ }));
});

function boundary(request) {
  return caches.open(VERSION).then(function (cache) {
    return cache.match(request, {ignoreVary: true}).then(function (hit) {
      var age = hit ? ageMs(hit) : NaN;
      if (hit && age >= 0 && age < BOUNDARY_MAX_AGE_MS) { return hit; }
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
        return response;
      }, function (err) {
        if (hit) { return hit; }
        throw err;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && isPublicPage(url)) {
    event.respondWith(pageFromNetwork(request));
  } else if (BOUNDARY.test(url.pathname) && !url.search) {
    event.respondWith(boundary(request));
  } else if (url.pathname.indexOf("/static/") === 0 && url.pathname.indexOf("/static/admin") !== 0) {
    event.respondWith(staticFile(request));
  }
});
