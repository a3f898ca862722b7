/* stationmap: the courier's page on a weak network.
 *
 * - Registers the service worker (/sw.js), which keeps the app shell: the page and its
 *   static files (see sw.js). app.js asks for it (window.smOffline.register()) once the
 *   map's files are loaded, so that the worker copies them from the HTTP cache instead
 *   of downloading them a second time; a page without app.js registers it on "load".
 * - Keeps the last nearest answer (the API's GeoJSON, each station with open_now and
 *   next_change_at) in localStorage: window.smOffline.save(answer) after a load.
 * - With the network gone, window.smOffline.restore(origin, keep) gives that answer back
 *   for the courier's current position: distances recomputed (haversine, metres),
 *   sorted again, open/closed re-derived (below), stations that ``keep`` refuses left
 *   out, and a note "离线数据，更新于 HH:MM" for the list.
 * - When the network is back (the "online" event, or a probe every PROBE_MS) a page
 *   showing stored data reloads itself.
 *
 * Opening hours offline: a stored state stays exact until the station's next_change_at
 * (the API's own answer). After that the OSM opening_hours text is evaluated here for a
 * simple subset ("24/7"; rules "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00", several ranges,
 * ranges past midnight, "off"); anything else (PH, months, comments...) becomes
 * "hours unknown" rather than a guess.
 *
 * Station text is never parsed as HTML here: this file only computes.
 */
(function () {
  "use strict";

  var KEY = "stationmap.last-nearest.v1";
  var PROBE_MS = 15000;
  var KEEP_DELAY_MS = 1000;
  var EARTH_RADIUS_M = 6371008.8;
  var cfgEl = document.getElementById("sm-config");
  var cfg = cfgEl ? JSON.parse(cfgEl.textContent) : {text: {}};
  var T = cfg.text || {};
  var showingStored = false;
  var probeTimer = null;

  // -- the service worker --------------------------------------------------------------
  var registered = false;
  function register() {
    if (registered || !("serviceWorker" in navigator) || !cfg.sw) { return; }
    registered = true;
    navigator.serviceWorker.register(cfg.sw, {scope: "/"}).catch(function () {
      /* no worker (private mode, an old browser): the page works as before */
    });
  }
  if (!cfg.map) { window.addEventListener("load", register); }

  // -- storage ---------------------------------------------------------------------------
  function read() {
    try {
      var data = JSON.parse(window.localStorage.getItem(KEY) || "null");
      return data && Array.isArray(data.features) ? data : null;
    } catch (e) {
      return null;
    }
  }
  function offsetOf(iso) {
    var m = /(Z|([+-])(\d{2}):?(\d{2}))$/.exec(String(iso || ""));
    if (!m) { return null; }
    if (m[1] === "Z") { return 0; }
    return (m[2] === "-" ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  }
  function save(answer) {
    var features = (answer && answer.features) || [];
    if (!features.length) { return; }
    var offset = null;
    features.forEach(function (f) {
      if (offset === null) { offset = offsetOf(f.properties.next_change_at); }
    });
    try {
      window.localStorage.setItem(KEY, JSON.stringify({
        saved_ms: Date.now(), offset_min: offset === null ? 480 : offset, features: features
      }));
    } catch (e) { /* storage full or refused: nothing kept */ }
    keepBoundary(features[0].properties.district_code);
    if (showingStored) { back(); }
  }

  /** Ask the worker to keep the district boundary the page draws under this list (once
   * the page has fetched it: the worker then copies it from the HTTP cache). */
  var keptBoundary = null;
  function keepBoundary(code) {
    if (!code || code === keptBoundary || !/^[0-9]{6}$/.test(String(code)) || !cfg.api ||
        !cfg.api.district || !("serviceWorker" in navigator)) { return; }
    keptBoundary = code;
    navigator.serviceWorker.ready.then(function (registration) {
      setTimeout(function () {
        if (registration.active) { registration.active.postMessage({keep: cfg.api.district + code}); }
      }, KEEP_DELAY_MS);
    });
  }

  // -- distance ----------------------------------------------------------------------------
  function distanceM(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  // -- opening hours: a simple subset of the OSM syntax ------------------------------------
  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  function parseDays(text) {
    var days = [];
    var parts = text.split(",");
    for (var i = 0; i < parts.length; i++) {
      var range = parts[i].split("-");
      var a = DAYS.indexOf(range[0]), b = range.length === 2 ? DAYS.indexOf(range[1]) : a;
      if (a < 0 || b < 0 || range.length > 2) { return null; }
      for (var d = a; ; d = (d + 1) % 7) {
        days.push(d);
        if (d === b) { break; }
      }
    }
    return days;
  }
  function minutes(hhmm) {
    var m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
    if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) { return null; }
    return Number(m[1]) * 60 + Number(m[2]);
  }
  /** Per OSM weekday (0 = Monday) the open ranges [start, end) in minutes of that day
   * (end may pass 1440: open past midnight), or null when the text is outside the subset. */
  function parseHours(text) {
    var src = String(text || "").trim();
    if (src === "24/7") { return [0, 1, 2, 3, 4, 5, 6].map(function () { return [[0, 1440]]; }); }
    var week = [[], [], [], [], [], [], []];
    var rules = src.split(";");
    for (var i = 0; i < rules.length; i++) {
      var rule = rules[i].trim();
      if (!rule) { continue; }
      var m = /^(?:([A-Za-z,-]+)\s+)?(.+)$/.exec(rule);
      var days = m[1] ? parseDays(m[1]) : [0, 1, 2, 3, 4, 5, 6];
      if (!days) { return null; }
      var ranges = [];
      if (!/^(off|closed)$/.test(m[2].trim())) {
        var spans = m[2].split(",");
        for (var j = 0; j < spans.length; j++) {
          var ends = spans[j].trim().split("-");
          var a = ends.length === 2 ? minutes(ends[0]) : null;
          var b = ends.length === 2 ? minutes(ends[1]) : null;
          if (a === null || b === null) { return null; }
          ranges.push([a, b <= a ? b + 1440 : b]);
        }
      }
      days.forEach(function (d) { week[d] = ranges; });
    }
    return week;
  }
  /** open(t) and the next change after ``nowMs`` for ``week`` in a zone ``offsetMin``
   * east of UTC; next is null when nothing changes within 8 days. */
  function evaluate(week, nowMs, offsetMin) {
    var local = nowMs + offsetMin * 60000;
    var dayStart = Math.floor(local / 86400000) * 86400000;
    var intervals = [];  // [startMs, endMs) in UTC, from yesterday to a week ahead
    for (var k = -1; k <= 8; k++) {
      var start = dayStart + k * 86400000;
      var osmDay = (new Date(start).getUTCDay() + 6) % 7;
      week[osmDay].forEach(function (r) {
        intervals.push([start + r[0] * 60000 - offsetMin * 60000,
          start + r[1] * 60000 - offsetMin * 60000]);
      });
    }
    function openAt(t) {
      return intervals.some(function (iv) { return iv[0] <= t && t < iv[1]; });
    }
    var open = openAt(nowMs);
    var edges = [];
    intervals.forEach(function (iv) { edges.push(iv[0], iv[1]); });
    edges.sort(function (x, y) { return x - y; });
    var limit = nowMs + 8 * 86400000;
    for (var i = 0; i < edges.length; i++) {
      if (edges[i] > nowMs && edges[i] <= limit && openAt(edges[i]) !== open) {
        return {open: open, next: edges[i]};
      }
    }
    return {open: open, next: null};
  }
  function isoLocal(ms, offsetMin) {
    var d = new Date(ms + offsetMin * 60000);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var off = Math.abs(offsetMin);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":00" +
      (offsetMin < 0 ? "-" : "+") + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }
  /** open_now and next_change_at at ``nowMs`` from what was stored. */
  function rederive(props, nowMs, offsetMin) {
    var next = props.next_change_at ? Date.parse(props.next_change_at) : NaN;
    if (props.open_now === true || props.open_now === false) {
      if (!props.next_change_at || (!isNaN(next) && next > nowMs)) {
        return {open_now: props.open_now, next_change_at: props.next_change_at || null};
      }
    }
    var week = parseHours(props.opening_hours);
    if (!week) { return {open_now: null, next_change_at: null}; }
    var state = evaluate(week, nowMs, offsetMin);
    return {open_now: state.open,
      next_change_at: state.next === null ? null : isoLocal(state.next, offsetMin)};
  }

  // -- restoring -------------------------------------------------------------------------------
  function clock(ms) {
    var d = new Date(ms);
    return (d.getHours() < 10 ? "0" : "") + d.getHours() + ":" +
      (d.getMinutes() < 10 ? "0" : "") + d.getMinutes();
  }
  /** The stored answer as a FeatureCollection for WGS-84 ``origin`` {lat, lon} (or the
   * stored order without one), stations ``keep(properties)`` refuses left out, with an
   * ``offline_note``; null when nothing is stored. */
  function restore(origin, keep) {
    var last = read();
    if (!last) { return null; }
    var now = Date.now();
    var features = last.features.map(function (f) {
      var props = {};
      Object.keys(f.properties).forEach(function (k) { props[k] = f.properties[k]; });
      var c = f.geometry.coordinates;
      if (origin) { props.distance_m = distanceM(origin.lat, origin.lon, c[1], c[0]); }
      var hours = rederive(f.properties, now, last.offset_min);
      props.open_now = hours.open_now;
      props.next_change_at = hours.next_change_at;
      return {type: "Feature", geometry: f.geometry, properties: props};
    }).filter(function (f) { return !keep || keep(f.properties); });
    features.sort(function (a, b) { return a.properties.distance_m - b.properties.distance_m; });
    showingStored = true;
    document.body.setAttribute("data-offline", "stored");
    watchForNetwork();
    return {
      type: "FeatureCollection",
      features: features,
      offline_note: String(T.offline || "{t}").replace("{t}", clock(last.saved_ms))
    };
  }

  // -- the network comes back ------------------------------------------------------------------
  function back() {
    if (!showingStored) { return; }
    showingStored = false;
    clearInterval(probeTimer);
    window.location.reload();
  }
  function probe() {
    fetch(cfg.health || "/healthz", {cache: "no-store", credentials: "same-origin"})
      .then(function (r) { if (r.ok) { back(); } })
      .catch(function () { /* still offline */ });
  }
  function watchForNetwork() {
    if (probeTimer === null) { probeTimer = setInterval(probe, PROBE_MS); }
  }
  window.addEventListener("online", function () { if (showingStored) { probe(); } });

  window.smOffline = {save: save, restore: restore, register: register,
    _test: {parseHours: parseHours, evaluate: evaluate, rederive: rederive, distanceM: distanceM}};
})();
