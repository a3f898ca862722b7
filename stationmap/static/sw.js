/* stationmap's service worker: the courier's page without a network.
 *
 * Served at /sw.js (scope "/") by the app, which puts before this text
 *   self.SM_VERSION = "<hash of the static files>";
 *   self.SM_SHELL = ["/static/app.<hash>.js", ...];   the public static files
 *   self.SM_PAGES = ["/"];                             pages kept for offline use
 *
 * - install: the shell and the pages are fetched into the cache SM_VERSION;
 *   activate: older caches are deleted.
 * - /static/ GETs: cache first (their URLs carry their content's hash), then network.
 * - navigations to the public pages ("/" and "/s/<code>"): network first; a good answer
 *   replaces the kept copy; without a network, the kept copy of that URL, else of "/".
 * - Everything else (the API, reads and writes alike, /admin, /auth, other origins'
 *   tiles) is not touched: it goes to the network as if there were no worker. The last
 *   nearest answer is kept by the page itself (offline.js).
 */
/* global self, caches, fetch, URL, Response */
"use strict";

var VERSION = "stationmap-" + self.SM_VERSION;
var SHELL = self.SM_SHELL || [];
var PAGES = self.SM_PAGES || ["/"];

function isPublicPage(url) {
  return url.pathname === "/" || /^\/s\/[0-9A-Za-z-]{1,20}$/.test(url.pathname);
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    return cache.addAll(SHELL.concat(PAGES));
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
      return cache.match(request).then(function (hit) {
        return hit || cache.match("/", {ignoreSearch: true});
      });
    }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function staticFile(request) {
  return caches.open(VERSION).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
        return response;
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
  } else if (url.pathname.indexOf("/static/") === 0 && url.pathname.indexOf("/static/admin") !== 0) {
    event.respondWith(staticFile(request));
  }
});
