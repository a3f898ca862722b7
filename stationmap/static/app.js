/* stationmap: the courier's map page.
 *
 * It asks for the location (or takes over the request the inline boot script,
 * templates/_courier_boot.js, already made: window.smBoot), lists the nearest stations
 * from /api/v1/stations/nearest (opening hours described here from open_now and
 * next_change_at) and only then loads Leaflet and its marker cluster (cfg.map_assets)
 * and builds the folium map (window.smBuildMap, from stationmap/render/map.py): the
 * list, what the courier came for, does not wait for the map's libraries on a weak
 * network. What needs the map waits for it (whenMap). It fills the marker cluster
 * with the stations of the visible area
 * from /api/v1/stations?bbox=... as the map moves. When the courier pans or zooms the
 * map by hand, the list follows: the nearest stations to the map centre. The list and
 * the map apply the same filters. The district picker's deeper levels come from
 * /api/v1/districts?parent= when first needed, one level at a time.
 *
 * Safety: every stored string is put into the page with textContent or as an attribute
 * value; nothing from the data is ever parsed as HTML.
 */
(function () {
  "use strict";

  var cfgEl = document.getElementById("sm-config");
  if (!cfgEl) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var T = cfg.text;
  var boot = window.smBoot || {};
  var map = null;             // the Leaflet map, once built (loadMap)
  var cluster = null;
  var mapQueue = [];          // what waits for the map, in order (whenMap)
  var mapLoading = false;
  var MAP_WAIT_MS = 3000;     // the map loads after the first list, or after this
  var GCJ = cfg.datum === "gcj02";
  var MIN_ZOOM_FOR_STATIONS = 9;
  var CENTRE_DEBOUNCE_MS = 400;
  var HOURS_TICK_MS = 60000;
  var PAGE_LIMIT = 500;
  var MAX_PAGES = 4;
  var NEAREST_K = Number(cfg.nearest_k) > 0 ? Number(cfg.nearest_k) : 10;
  var GEO_OPTIONS = cfg.geo_options || {enableHighAccuracy: true, timeout: 15000,
    maximumAge: 60000};
  var EBIKE_M_PER_MIN = 15000 / 60;
  var WALK_M_PER_MIN = 4500 / 60;
  // Walking times are shown up to 5 km (about an hour); e-bike times up to the reach
  // (STATIONMAP_REACH_KM); beyond the reach a station is "far" and has no time at all.
  var WALK_MAX_M = 5000;
  var REACH_M = Number(cfg.reach_m) > 0 ? Number(cfg.reach_m) : 20000;
  var COMPACT_AMENITIES = 2;  // tags on a folded card (more when more were filtered for)
  var TAP_PX = 44;            // the smallest tap target: markers and clusters too
  var MAIN_AMENITIES = ["water", "toilet", "ebike_charging", "microwave", "phone_charging",
    "air_conditioning", "heating", "first_aid"];

  var statusEl = document.getElementById("status");
  var listEl = document.getElementById("list");
  var noteEl = document.getElementById("list-note");
  var itemTpl = document.getElementById("item-tpl");
  var popupTpl = document.getElementById("popup-tpl");
  var filtersEl = document.getElementById("filters");
  var titleEl = document.getElementById("list-title");
  var backEl = document.getElementById("back-to-me");
  var hintEl = document.getElementById("map-hint");
  var chipsEl = document.getElementById("chips");
  var chipsMoreEl = document.getElementById("chips-more");
  var wrapEl = document.getElementById("map-wrap");
  var WEEKDAYS = String(T.weekdays || "").split(",");

  var origin = null;          // {lat, lon} WGS-84: where the list is sorted from
  var originKind = null;      // "gps" | "tap" | "district" | "centre" | "near"
  /** Inside WeChat's browser (Android XWeb, iOS WKWebView): it keeps map apps from
   * opening, so the navigation menu says how to get round it. */
  var IN_WECHAT = /MicroMessenger/i.test(navigator.userAgent || "");
  var gpsFix = null;          // the courier's last known position {lat, lon, accuracy}
  var meMarker = null;        // the courier's position
  var pickMarker = null;      // a tapped search point
  var accuracyCircle = null;
  var boundaryLayer = null;
  var boundaryCode = cfg.district ? cfg.district.code : null;
  var visibleAbort = null;
  // The stations of the visible area as last loaded: the box, the amenity codes asked
  // for, the features, whether the answer was cut short. A filter that only narrows
  // what was loaded is applied to them here, without asking the server again.
  var visibleLoaded = null;
  var moveTimer = null;
  var nearestAbort = null;
  var nearestSeq = 0;
  var markersById = {};
  var listed = [];            // the features now in the list
  var baseStatus = {text: statusEl.textContent, warn: false};  // what the status says
  var loadErrors = {list: null, map: null};  // a failed load's message, until one succeeds
  var amenityRank = {};
  (cfg.amenity_order || []).forEach(function (code, i) { amenityRank[code] = i; });

  // -- datum: WGS-84 -> GCJ-02 (the published forward formula) for AMap tiles ----------
  var KRASOVSKY_A = 6378245.0;
  var KRASOVSKY_EE = 0.00669342162296594323;
  function gcjOffset(lat, lon) {
    var x = lon - 105.0, y = lat - 35.0, pi = Math.PI;
    var sx = Math.sqrt(Math.abs(x));
    var common = (20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2 / 3;
    var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common;
    dLat += (20 * Math.sin(y * pi) + 40 * Math.sin(y / 3 * pi)) * 2 / 3;
    dLat += (160 * Math.sin(y / 12 * pi) + 320 * Math.sin(y * pi / 30)) * 2 / 3;
    var dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common;
    dLon += (20 * Math.sin(x * pi) + 40 * Math.sin(x / 3 * pi)) * 2 / 3;
    dLon += (150 * Math.sin(x / 12 * pi) + 300 * Math.sin(x / 30 * pi)) * 2 / 3;
    var rad = lat / 180 * pi;
    var magic = 1 - KRASOVSKY_EE * Math.sin(rad) * Math.sin(rad);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic) * pi);
    dLon = (dLon * 180) / (KRASOVSKY_A / sqrtMagic * Math.cos(rad) * pi);
    return [dLat, dLon];
  }
  function insideChinaBox(lat, lon) {
    return lon >= 73.4 && lon <= 135.1 && lat >= 18.1 && lat <= 53.6;
  }
  /** WGS-84 -> the map's display datum, as a Leaflet LatLng. */
  function toMap(lat, lon) {
    if (GCJ && insideChinaBox(lat, lon)) {
      var d = gcjOffset(lat, lon);
      return L.latLng(lat + d[0], lon + d[1]);
    }
    return L.latLng(lat, lon);
  }
  /** A map point (display datum) -> WGS-84 {lat, lon}, by fixed-point iteration. */
  function fromMap(latlng) {
    var lat = latlng.lat, lon = latlng.lng;
    if (!GCJ || !insideChinaBox(lat, lon)) { return {lat: lat, lon: lon}; }
    var wLat = lat, wLon = lon;
    for (var i = 0; i < 8; i++) {
      var d = gcjOffset(wLat, wLon);
      wLat = lat - d[0];
      wLon = lon - d[1];
    }
    return {lat: wLat, lon: wLon};
  }

  // -- small helpers ---------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function icon(code) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "ic");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var use = document.createElementNS(ns, "use");
    use.setAttribute("href", "#i-" + encodeURIComponent(code));
    svg.appendChild(use);
    return svg;
  }
  /** The status line: a failed load's message while there is one, else ``message``. */
  function setStatus(message, warn) {
    baseStatus = {text: message, warn: Boolean(warn)};
    showStatus();
  }
  function showStatus() {
    var error = loadErrors.list || loadErrors.map;
    statusEl.textContent = error || baseStatus.text;
    statusEl.classList.toggle("warn", Boolean(error) || baseStatus.warn);
  }
  function loadFailed(which, err) {
    loadErrors[which] = failureText(err);
    showStatus();
  }
  function loadDone(which) {
    if (loadErrors[which]) { loadErrors[which] = null; showStatus(); }
  }
  /** Whose fault a failed request was, in words: a refused request (4xx: the filters)
   * says what the API said; a server error says so; only a fetch that never got an
   * answer is blamed on the network. */
  function failureText(err) {
    var status = err && err.status;
    if (status && status >= 400 && status < 500 && status !== 429) {
      return T.request_refused.replace("{m}", err.apiMessage || "HTTP " + status);
    }
    if (status) { return T.server_failed; }
    return T.load_failed;
  }
  function safeHref(url) {
    // Only the link kinds the API produces; anything else is dropped.
    return /^(https:\/\/|amapuri:|iosamap:|baidumap:|qqmap:)/.test(String(url || "")) ? url : null;
  }
  function telHref(phone) {
    var first = String(phone || "").split(/[,，;；/]/)[0].replace(/[^0-9+-]/g, "");
    return first.replace(/[^0-9]/g, "").length >= 3 ? "tel:" + first : null;
  }
  function formatDistance(m) {
    if (m < 1000) { return Math.max(10, Math.round(m / 10) * 10) + " m"; }
    if (m < 10000) { return (m / 1000).toFixed(1) + " km"; }
    return Math.round(m / 1000) + " km";
  }
  function formatMinutes(minutes) {
    var total = Math.max(1, Math.ceil(minutes));
    if (total < 60) { return total + " " + T.min; }
    var h = Math.floor(total / 60), rest = total % 60;
    return h + " " + T.hour + (rest ? " " + rest + " " + T.min : "");
  }
  function filters() {
    var data = new FormData(filtersEl);
    return {
      amenities: data.getAll("amenity").map(String),
      openNow: data.get("open_now") === "1",
      group: String(data.get("worker_group") || "")
    };
  }
  function filterQuery(f, withOpenAndGroup) {
    var q = new URLSearchParams();
    // One parameter, comma-separated: the API's documented form for several codes.
    if (f.amenities.length) { q.set("amenity", f.amenities.join(",")); }
    if (withOpenAndGroup) {
      if (f.openNow) { q.set("open_now", "true"); }
      if (f.group) { q.set("worker_group", f.group); }
    }
    return q;
  }
  /** The same test the nearest API applies, for the stations drawn on the map. */
  function passes(props, f) {
    if (props.status && props.status !== "active") { return false; }
    var have = props.amenities || [], out = props.unavailable_amenities || [];
    for (var i = 0; i < f.amenities.length; i++) {
      if (have.indexOf(f.amenities[i]) < 0 || out.indexOf(f.amenities[i]) >= 0) { return false; }
    }
    if (f.openNow && props.open_now !== true) { return false; }
    if (f.group && (props.worker_groups || []).indexOf(f.group) < 0) { return false; }
    return true;
  }
  function hoursClass(open) {
    return open === true ? "open" : (open === false ? "closed" : "unknown");
  }
  var ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
  /** "20:00", "明天 08:00" / "tomorrow 08:00", "周六 08:00", "06-03 08:00": when the
   * ISO-8601 local time ``iso`` falls, as seen from ``nowMs`` in the same UTC offset (the
   * station's time zone, as the API wrote it), or null when ``iso`` is unreadable.
   * ``closing`` at midnight tonight reads "24:00" (as the hours in words write it), not
   * "明天 00:00" / "tomorrow 00:00". */
  function whenText(iso, nowMs, closing) {
    var m = ISO_LOCAL.exec(String(iso || ""));
    if (!m) { return null; }
    var offsetMin = 0;
    if (m[6] !== "Z") {
      var digits = m[6].replace(":", "");
      offsetMin = (digits[0] === "-" ? -1 : 1) *
        (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
    var localNow = new Date(nowMs + offsetMin * 60000);
    var today = Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), localNow.getUTCDate());
    var day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    var days = Math.round((day - today) / 86400000);
    var clock = m[4] + ":" + m[5];
    if (days <= 0) { return clock; }
    if (days === 1 && closing && clock === "00:00") { return "24:00"; }
    if (days === 1) { return T.tomorrow.replace("{t}", clock); }
    if (days < 7 && WEEKDAYS.length === 7) {
      return WEEKDAYS[new Date(day).getUTCDay()] + " " + clock;
    }
    return m[2] + "-" + m[3] + " " + clock;
  }
  /** The opening state in words, from the API's open_now and next_change_at; a change
   * within SOON_MS is said first ("即将关门（18:00）"): a station closing in five minutes
   * is still "open now", but a rider ten minutes away would find it shut. */
  var SOON_MS = 30 * 60000;
  function hoursText(props, nowMs) {
    var open = props.open_now;
    if (open !== true && open !== false) { return T.unknown; }
    var when = props.next_change_at ? whenText(props.next_change_at, nowMs, open) : null;
    var soon = when && Date.parse(props.next_change_at) - nowMs <= SOON_MS;
    if (open) {
      if (!when) { return T.always_open; }
      return (soon ? T.closing_soon : T.open_until).replace("{t}", when);
    }
    if (!when) { return T.closed_now; }
    return (soon ? T.opening_soon : T.opens_at).replace("{t}", when);
  }
  /** The hours in words in the page's language, today's first (the API's hours_zh or
   * hours_en), as a paragraph to set after the opening state; null without hours. */
  function hoursWords(props, className) {
    var words = cfg.lang === "en" ? props.hours_en : props.hours_zh;
    return words ? el("p", className, String(words)) : null;
  }
  /** True when a listed station's state has changed since the API described it. */
  function hoursStale(props, nowMs) {
    var at = props.next_change_at ? Date.parse(props.next_change_at) : NaN;
    return !isNaN(at) && at <= nowMs;
  }
  /** The JSON answer of ``url``; ``started``: that request's response promise when it
   * was made already (by the boot script). */
  function getJSON(url, signal, started) {
    return (started || fetch(url, {signal: signal, credentials: "same-origin",
      headers: {"Accept": "application/json"}})).then(function (r) {
      if (r.ok) { return r.json(); }
      return r.json().catch(function () { return null; }).then(function (body) {
        var err = new Error("HTTP " + r.status);
        err.status = r.status;
        err.apiMessage = body && body.error && body.error.message ?
          String(body.error.message).slice(0, 200) : "";
        throw err;
      });
    });
  }

  // -- markers -------------------------------------------------------------------------------
  function mainAmenities(list) {
    var out = [];
    for (var i = 0; i < MAIN_AMENITIES.length && out.length < 2; i++) {
      if (list.indexOf(MAIN_AMENITIES[i]) >= 0) { out.push(MAIN_AMENITIES[i]); }
    }
    return out;
  }
  function markerIcon(props) {
    var body = el("span", "sm-pin-body " + hoursClass(props.open_now) + (props.demo ? " demo" : ""));
    mainAmenities(props.amenities || []).forEach(function (code) { body.appendChild(icon(code)); });
    if (!body.firstChild) { body.appendChild(icon("seating")); }
    return L.divIcon({html: body, className: "sm-pin", iconSize: [TAP_PX, TAP_PX],
      iconAnchor: [TAP_PX / 2, TAP_PX / 2], popupAnchor: [0, -16]});
  }
  /** The station's temporary states and freshness in words (the API's notice), as text:
   * temporarily closed until …, reported closed, amenity unavailable, not verified.
   * "Not verified" alone is the usual case: a quiet mark (``staleOnly``). */
  function staleOnly(props) {
    return !props.temporarily_closed_until && !props.reported_closed &&
      !(props.unavailable_amenities || []).length;
  }
  function stateNote(props, tag, cls) {
    var text = cfg.lang === "en" ? props.notice_en : props.notice_zh;
    if (!text) { return null; }
    return el(tag, cls + (staleOnly(props) ? " stale-only" : ""), text);
  }
  function popupContent(props) {
    var node = popupTpl.content.firstElementChild.cloneNode(true);
    node.querySelector(".pop-name strong").textContent = props.name;
    node.querySelector(".pop-name").title = props.name;  // cut to two lines on screen
    var demo = node.querySelector(".demo");
    if (props.demo) { demo.textContent = T.demo; demo.hidden = false; }
    var hours = node.querySelector(".pop-hours");
    hours.textContent = hoursText(props, Date.now());
    hours.className = "pop-hours " + hoursClass(props.open_now);
    // The links come right after the opening state: on a phone's short map the rest
    // (hours in words, address: the list card has them too) may scroll in the popup.
    var popWords = hoursWords(props, "pop-hours-words");
    if (popWords) { node.querySelector(".pop-links").insertAdjacentElement("afterend", popWords); }
    // Not verified alone: a small mark on the name's line (the popup keeps its size).
    var popNote = stateNote(props, staleOnly(props) ? "span" : "p", "pop-state state-note");
    if (popNote && staleOnly(props)) {
      popNote.textContent = T.unverified || popNote.textContent;
      node.querySelector(".pop-name").appendChild(popNote);
    } else if (popNote) { hours.insertAdjacentElement("afterend", popNote); }
    node.querySelector(".pop-addr").textContent = props.address || "";
    var detail = node.querySelector(".pop-detail");
    detail.textContent = T.details;
    detail.href = cfg.page + encodeURIComponent(props.code);
    var tel = telHref(props.phone);
    var call = node.querySelector(".pop-call");
    if (tel) { call.href = tel; call.textContent = T.call; call.hidden = false; }
    return node;
  }
  /** The widest and tallest a popup's content may be for the whole popup (content, its
   * margins, the tip, the pan's padding) to fit the map: taller, it scrolls inside.
   * Before, a station of a long name opened a popup wider (367 px) and taller than a
   * phone's short map: its links under the map's lower edge (or, panned to show its top,
   * with the station off the map) and its close button past the right edge. */
  var POPUP_PAD_PX = 6;
  var POPUP_MAX_WIDTH_PX = 300;
  var POPUP_FRAME_W_PX = 20 + 44 + 2;  // content margins (app.css: 44 px for the close button), border
  var POPUP_FRAME_H_PX = 26 + 2 + 20;  // Leaflet's content margins, border, tip
  function popupFit() {
    var size = map.getSize();
    return {
      width: Math.max(120, Math.min(POPUP_MAX_WIDTH_PX, size.x - 2 * POPUP_PAD_PX - POPUP_FRAME_W_PX)),
      height: Math.max(60, size.y - 2 * POPUP_PAD_PX - POPUP_FRAME_H_PX)
    };
  }
  function addMarker(feature) {
    var props = feature.properties;
    var c = feature.geometry.coordinates;
    var marker = L.marker(toMap(c[1], c[0]), {icon: markerIcon(props), title: props.name,
      alt: props.name, keyboard: true, riseOnHover: true});
    // The popup is built from the marker's current properties when it opens.
    marker.bindPopup(function (layer) {
      // Read each time it opens (the phone may have turned): never beyond the map.
      var fit = popupFit();
      layer.getPopup().options.maxWidth = fit.width;
      layer.getPopup().options.maxHeight = fit.height;
      return popupContent(layer.props);
    }, {autoPanPadding: L.point(POPUP_PAD_PX, POPUP_PAD_PX), maxWidth: POPUP_MAX_WIDTH_PX});
    marker.stationId = props.id;
    marker.props = props;
    marker.drawn = markerKey(feature);
    marker.at = c[0] + "," + c[1];
    return marker;
  }
  /** A drawn marker shows ``feature`` now: same place, new icon and popup text. It is
   * not taken off the map, so its popup, if open, stays open. */
  function updateMarker(marker, feature) {
    marker.props = feature.properties;
    marker.drawn = markerKey(feature);
    marker.setIcon(markerIcon(feature.properties));
    if (marker.isPopupOpen()) { marker.getPopup().update(); }
  }
  /** What a marker and its popup show: a marker whose key is unchanged is kept. */
  function markerKey(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    return JSON.stringify([c[0], c[1], p.name, p.address, p.phone, p.code, p.demo, p.open_now,
      p.next_change_at, p.amenities]);
  }
  /** Show ``features`` (those passing the filters) on the map, changing only what
   * changed: markers already drawn stay, so an open popup stays open when the map
   * moves to fit it and the stations of the new view arrive. */
  function drawStations(features) {
    var f = filters();
    var shown = features.filter(function (feat) { return passes(feat.properties, f); });
    var next = {}, added = [], removed = [];
    shown.forEach(function (feat) {
      var id = feat.properties.id, old = markersById[id];
      var c = feat.geometry.coordinates;
      if (old && old.at === c[0] + "," + c[1]) {
        // Kept where it stands (its popup may be open): only what it shows changes.
        if (old.drawn !== markerKey(feat)) { updateMarker(old, feat); }
        next[id] = old;
        return;
      }
      if (old) { removed.push(old); }
      next[id] = addMarker(feat);
      added.push(next[id]);
    });
    Object.keys(markersById).forEach(function (id) {
      if (next[id]) { return; }
      var old = markersById[id];
      // Just outside the new view, its popup open: the courier is reading it. Or the map
      // is still moving to it for a tapped card (a load for the view before has landed).
      if (old.isPopupOpen() || old === showing) { next[id] = old; } else { removed.push(old); }
    });
    markersById = next;
    if (cluster) {
      if (removed.length) { cluster.removeLayers(removed); }
      if (added.length) { cluster.addLayers(added); }
    }
    document.body.setAttribute("data-map-count", String(shown.length));
    document.body.setAttribute("data-map-ids", shown.map(function (x) { return x.properties.id; }).join(","));
    return shown.length;
  }

  // -- zoomed out: a hint instead of stations ----------------------------------------------
  // (No per-district bubbles: they would need every district's station count, which
  // grows with the dataset; the hint costs nothing and tapping the map still searches.)
  function showZoomHint(show) {
    hintEl.hidden = !show;
  }

  // -- the visible area ------------------------------------------------------------------------
  function wgsBbox() {
    var b = map.getBounds().pad(0.05);
    var sw = fromMap(b.getSouthWest()), ne = fromMap(b.getNorthEast());
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    return [clamp(sw.lon, -180, 180), clamp(sw.lat, -90, 90), clamp(ne.lon, -180, 180),
      clamp(ne.lat, -90, 90)].map(function (v) { return v.toFixed(5); }).join(",");
  }
  function loadVisible() {
    clearTimeout(moveTimer);
    if (!map) { return; }  // loadMap calls it once the map is there
    if (visibleAbort) { visibleAbort.abort(); }
    var zoomedOut = map.getZoom() < MIN_ZOOM_FOR_STATIONS;
    showZoomHint(zoomedOut);
    if (zoomedOut) {
      visibleLoaded = null;
      clearMarkers();
      loadDone("map");
      document.body.setAttribute("data-map-count", "0");
      document.body.setAttribute("data-map-ids", "");
      document.body.setAttribute("data-map-state", "zoom");
      mapSettled();
      return;
    }
    var controller = new AbortController();
    visibleAbort = controller;
    document.body.setAttribute("data-map-state", "loading");
    var asked = filters().amenities.slice();
    var box = wgsBbox();
    var q = filterQuery(filters(), false);
    q.set("bbox", box);
    q.set("limit", String(PAGE_LIMIT));
    var collected = [];
    var truncated = false;
    function page(url, n) {
      return getJSON(url, controller.signal).then(function (data) {
        collected = collected.concat(data.features || []);
        if (data.next_cursor && n + 1 < MAX_PAGES) {
          q.set("cursor", data.next_cursor);
          return page(cfg.api.stations + "?" + q.toString(), n + 1);
        }
        truncated = Boolean(data.next_cursor);
        return null;
      });
    }
    page(cfg.api.stations + "?" + q.toString(), 0).then(function () {
      visibleLoaded = { box: box, amenities: asked, features: collected, truncated: truncated };
      drawStations(collected);
      loadDone("map");
      document.body.setAttribute("data-map-state", "ready");
      if (truncated) { setStatus(T.too_many, false); }
      mapSettled();
    }).catch(function (err) {
      if (err && err.name === "AbortError") { return; }
      document.body.setAttribute("data-map-state", "error");
      // Offline, the stored list and its markers show (offline.js): keep them. Otherwise
      // no stale markers that look current: the map shows none until a load succeeds.
      if (!document.body.getAttribute("data-offline")) {
        clearMarkers();
        loadFailed("map", err);
      }
      mapSettled();
    });
  }
  /** After a filter change: true when the stations loaded for this very view hold every
   * station the new filters pass (the load was complete and asked for no amenity the
   * filters no longer ask for); they are then drawn again, filtered here. */
  function refilterVisible() {
    var f = filters();
    if (!map || !visibleLoaded || visibleLoaded.truncated || visibleLoaded.box !== wgsBbox()) {
      return false;
    }
    var narrower = visibleLoaded.amenities.every(function (a) { return f.amenities.indexOf(a) >= 0; });
    if (!narrower) { return false; }
    // A load still under way asked for other filters: this view's stations are here.
    if (visibleAbort) { visibleAbort.abort(); visibleAbort = null; }
    drawStations(visibleLoaded.features);
    loadDone("map");
    document.body.setAttribute("data-map-state", "ready");
    mapSettled();
    return true;
  }
  /** The map's stations are in (or will not come): a listed station waiting to be shown. */
  function mapSettled() {
    if (pendingOpen) { openOnMap(pendingOpen); }
  }
  function clearMarkers() {
    showing = null;
    map.closePopup();
    if (cluster) { cluster.clearLayers(); }
    markersById = {};
    document.body.setAttribute("data-map-count", "0");
    document.body.setAttribute("data-map-ids", "");
  }
  function scheduleVisible() {
    clearTimeout(moveTimer);
    // Loading from now on: the markers on the map are about to change.
    document.body.setAttribute("data-map-state", "loading");
    moveTimer = setTimeout(loadVisible, 200);
  }

  // -- the nearest list ----------------------------------------------------------------------
  /** A station's amenity codes in reading order: those the courier filtered for first,
   * then the chips' order, then the catalogue's. */
  function orderedAmenities(codes, wanted) {
    var rank = function (code) {
      var w = wanted.indexOf(code);
      return w >= 0 ? w - 1000 : (code in amenityRank ? amenityRank[code] : 999);
    };
    return codes.slice().sort(function (a, b) { return rank(a) - rank(b); });
  }
  /** One station of the list: folded, it shows its name, distance, opening state,
   * e-bike time and the amenities asked for; a tap unfolds the rest and shows the
   * station on the map. */
  function renderItem(feature, wanted) {
    var p = feature.properties;
    var node = itemTpl.content.firstElementChild.cloneNode(true);
    node.dataset.id = String(p.id);
    var far = p.distance_m > REACH_M;
    node.querySelector(".name").textContent = p.name;
    node.querySelector(".dist").textContent = formatDistance(p.distance_m);
    var demo = node.querySelector(".demo");
    if (p.demo) { demo.textContent = T.demo; demo.hidden = false; }
    var farBadge = node.querySelector(".far");
    if (far) { farBadge.textContent = T.far; farBadge.hidden = false; }
    var ebike = node.querySelector(".eta-ebike");
    if (far) { ebike.remove(); } else {
      ebike.querySelector("span").textContent = T.ebike + " " +
        formatMinutes(p.distance_m / EBIKE_M_PER_MIN);
    }
    var walk = node.querySelector(".eta-walk");
    if (p.distance_m > WALK_MAX_M) { walk.remove(); } else {
      walk.querySelector("span").textContent = T.walk + " " +
        formatMinutes(p.distance_m / WALK_M_PER_MIN);
    }
    var hours = node.querySelector(".hours");
    hours.textContent = hoursText(p, Date.now());
    hours.className = "hours " + hoursClass(p.open_now);
    // The folded card says open or closed; the hours in words are a detail (on tap).
    var words = hoursWords(p, "hours-words");
    if (words) { node.querySelector(".item-more").prepend(words); }
    // A state the courier must see on the folded card; "not verified" alone in the
    // details, after the hours in words (today's hours open the details).
    var note = stateNote(p, "p", "state-note");
    if (note && staleOnly(p)) {
      if (words) { words.after(note); } else { node.querySelector(".item-more").prepend(note); }
    }
    else if (note) { node.querySelector(".item-meta").insertAdjacentElement("afterend", note); }
    node.querySelector(".addr").textContent = p.address || "";
    var amen = node.querySelector(".amen");
    var codes = orderedAmenities(p.amenities || [], wanted);
    var folded = Math.max(COMPACT_AMENITIES, wanted.length);
    codes.forEach(function (code, i) {
      var li = el("li", (wanted.indexOf(code) >= 0 ? "want" : "") + (i >= folded ? " extra" : ""));
      li.appendChild(icon(code));
      li.appendChild(el("span", null, cfg.amenities[code] || code));
      amen.appendChild(li);
    });
    if (codes.length > folded) {
      amen.appendChild(el("li", "more-tags", T.more_amenities.replace("{n}", codes.length - folded)));
    }
    node.querySelector(".lbl-nav").textContent = T.navigate;
    var links = p.links || {};
    [["amap", links.amap && links.amap.web], ["baidu", links.baidu && links.baidu.web],
      ["tencent", links.tencent && links.tencent.web]].forEach(function (pair) {
      var a = node.querySelector(".nav-" + pair[0]);
      var href = safeHref(pair[1]);
      if (href) { a.href = href; a.textContent = T[pair[0]]; } else { a.remove(); }
    });
    if (IN_WECHAT) {  // WeChat keeps map apps from opening: the way round it
      var hint = node.querySelector(".wx-hint");
      hint.textContent = T.wx_hint;
      hint.hidden = false;
    }
    var tel = telHref(p.phone);
    var call = node.querySelector(".call");
    if (tel) {
      call.href = tel;
      call.querySelector(".lbl-call").textContent = T.call + " " + p.phone;
      call.hidden = false;
    }
    var page = cfg.page + encodeURIComponent(p.code);
    var detail = node.querySelector(".detail");
    var back = nearQuery();
    detail.href = page + (back ? "?" + back : "");
    detail.querySelector(".lbl-detail").textContent = T.details;
    var report = node.querySelector(".report");
    report.href = page + "/report";
    report.querySelector(".lbl-report").textContent = T.report;
    var toggle = node.querySelector(".item-toggle");
    node.addEventListener("click", function (ev) {
      if (ev.target.closest("a, summary, .item-more")) { return; }
      var open = !node.classList.contains("open");
      node.classList.toggle("open", open);
      node.querySelector(".item-more").hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) { showOnMap(feature); }
    });
    return node;
  }
  /** A point as it may go into an address: 3 decimals (about 100 m). A link is passed
   * on (a WeChat chat, a screenshot of the address bar); 6 decimals would tell where the
   * rider stood to a tenth of a metre. The exact point stays in this tab
   * (sessionStorage, keepExact), so the way back sorts the list from it again. */
  var URL_DECIMALS = 3;
  var EXACT_KEY = "sm-origin";
  function urlPoint(lat, lon) {
    return lat.toFixed(URL_DECIMALS) + "," + lon.toFixed(URL_DECIMALS);
  }
  function keepExact(lat, lon) {
    try {
      var kept = {near: urlPoint(lat, lon), lat: lat, lon: lon};
      window.sessionStorage.setItem(EXACT_KEY, JSON.stringify(kept));
    } catch (e) { /* storage refused (private mode): the rounded point is used */ }
  }
  /** The exact point this tab kept for ``near`` (an address's rounded point), else ``near``. */
  function exactOf(near) {
    try {
      var kept = JSON.parse(window.sessionStorage.getItem(EXACT_KEY) || "null");
      if (kept && kept.near === urlPoint(near.lat, near.lon) && typeof kept.lat === "number" &&
          typeof kept.lon === "number" && isFinite(kept.lat) && isFinite(kept.lon)) {
        return {lat: Number(kept.lat), lon: Number(kept.lon)};
      }
    } catch (e) { /* unreadable: the rounded point */ }
    return {lat: near.lat, lon: near.lon};
  }
  /** ``near=lat,lon&by=kind`` (where the list is sorted from) and the chips ticked:
   * what the station page's way back restores. */
  function nearQuery() {
    var q = new URLSearchParams();
    if (origin) {
      q.set("near", urlPoint(origin.lat, origin.lon));
      q.set("by", originKind === "near" ? nearBy : originKind);
    }
    keepFilters(q);
    return q.toString();
  }
  /** Set the chips' parameters of ``q`` (a URLSearchParams) to the chips ticked now, in
   * the form the page reads back (public._chosen_filters). */
  var FILTER_PARAMS = ["amenity", "open_now", "worker_group"];
  function keepFilters(q) {
    var f = filters();
    FILTER_PARAMS.forEach(function (name) { q.delete(name); });
    if (f.amenities.length) { q.set("amenity", f.amenities.join(",")); }
    if (f.openNow) { q.set("open_now", "1"); }
    if (f.group) { q.set("worker_group", f.group); }
  }
  /** The chips in the page's address and in its language link: a reload, the browser's
   * back button after a station page, a switch of language or a link passed on keeps
   * them. replaceState: ticking a chip is not a page to go back to. */
  function filtersToAddress() { toAddress(keepFilters); }
  /** The page's address and its language link, with ``edit`` applied to their query. */
  function toAddress(edit) {
    var here = new URL(window.location.href);
    edit(here.searchParams);
    if (window.history && history.replaceState) {
      history.replaceState(history.state, "", here.pathname + here.search + here.hash);
    }
    var other = document.querySelector("a.lang-switch");
    if (other) {
      var there = new URL(other.href);
      edit(there.searchParams);
      other.href = there.pathname + there.search;
    }
  }
  /** A point tapped on the map is kept in the address (``near=lat,lon&by=tap``): a
   * reload or a switch of language sorts from it again. The rider's own position never
   * is (an address passed on would give it away); once the list follows it or the map
   * again, a tapped point kept there is dropped. */
  function originToAddress(kind) {
    if (kind !== "tap" && kind !== "gps" && kind !== "centre") { return; }
    if (kind !== "tap" && !new URL(window.location.href).searchParams.has("near")) { return; }
    toAddress(function (q) {
      q.delete("near");
      q.delete("by");
      if (kind === "tap") {
        q.set("near", urlPoint(origin.lat, origin.lon));
        q.set("by", "tap");
      }
    });
  }
  /** Bring a listed station's marker into view and open its popup. */
  function showOnMap(feature) {
    var id = feature.properties.id;
    listEl.querySelectorAll("li.active").forEach(function (li) { li.classList.remove("active"); });
    var li = listEl.querySelector('li[data-id="' + String(Number(id)) + '"]');
    if (li) { li.classList.add("active"); }
    whenMap(function () { openOnMap(feature); });
  }
  /** Open a listed station's popup once the map's stations are in: stations arriving
   * after it opened would be clustered with its marker, which takes the marker (and its
   * popup) off the map. */
  var pendingOpen = null;
  /** The marker the map is moving to for a tapped card, until its popup opens: the
   * stations of a view arriving meanwhile do not take it off the map. */
  var showing = null;
  function openOnMap(feature) {
    if (document.body.getAttribute("data-map-state") === "loading") {
      pendingOpen = feature;  // mapSettled opens it
      return;
    }
    pendingOpen = null;
    var id = feature.properties.id;
    var m = markersById[id];
    if (!m) {
      // Outside the loaded view (or not loaded yet): draw it from the list's answer.
      m = addMarker(feature);
      markersById[id] = m;
      if (cluster) { cluster.addLayer(m); } else { m.addTo(map); }
    }
    programmatic();
    showing = m;
    if (cluster) {
      cluster.zoomToShowLayer(m, function () {
        // Only the card tapped last, and only once its marker is on the map: the plugin
        // may call back late, when another cluster spreads out (its 'spiderfied').
        if (showing !== m || !map.hasLayer(m)) { return; }
        showing = null;
        m.openPopup();
      });
    } else {
      map.setView(m.getLatLng(), Math.max(map.getZoom(), 15));
      m.openPopup();
    }
  }
  /** Re-describe the listed stations' hours as time passes; once one has changed state
   * (it opened or closed since the API answered), ask the API again. */
  function tickHours() {
    if (document.hidden || !listed.length) { return; }
    var now = Date.now();
    if (listed.some(function (f) { return hoursStale(f.properties, now); })) {
      loadNearest(false);
      loadVisible();
      return;
    }
    listed.forEach(function (f) {
      var item = listEl.querySelector('li[data-id="' + String(Number(f.properties.id)) + '"] .hours');
      if (item) { item.textContent = hoursText(f.properties, now); }
    });
  }
  function showListTitle(far) {
    var key = origin ? "title_" + originKind : "title_none";
    titleEl.textContent = far ? reachText(T.far_title) : (T[key] || T.title_none);
    listEl.setAttribute("aria-label", titleEl.textContent);
    backEl.hidden = !(gpsFix && originKind !== "gps");
    if (wrapEl) { wrapEl.classList.toggle("centre-mode", originKind === "centre"); }
  }
  function reachText(template) {
    return template.replace("{km}", String(Math.round(REACH_M / 100) / 10));
  }
  function clearList(note) {
    listEl.textContent = "";
    listed = [];
    noteEl.textContent = note;
  }
  /** The note over a list whose nearest station is beyond the reach: says so plainly
   * and offers the district picker. */
  function farNote() {
    noteEl.textContent = reachText(T.far_note) + " ";
    var pick = el("a", "pick-link", T.pick_district);
    pick.href = "#district-pick";
    pick.addEventListener("click", function (ev) {
      ev.preventDefault();
      var form = document.getElementById("district-pick");
      form.scrollIntoView({block: "start"});
      form.querySelector("select").focus({preventScroll: true});
    });
    noteEl.appendChild(pick);
  }
  function loadNearest(fit) {
    showListTitle(false);
    if (!origin) {
      clearList(T.choose_origin);
      loadMap();  // the map is where to tap
      return Promise.resolve();
    }
    if (nearestAbort) { nearestAbort.abort(); }
    var controller = new AbortController();
    nearestAbort = controller;
    var seq = ++nearestSeq;
    var q = filterQuery(filters(), true);
    q.set("lat", origin.lat.toFixed(6));
    q.set("lon", origin.lon.toFixed(6));
    q.set("k", String(NEAREST_K));
    document.body.setAttribute("data-list-state", "loading");
    // On a slow network the answer takes seconds: the list on screen was found with
    // other filters or from elsewhere, so it is greyed out and the note says why.
    listEl.setAttribute("aria-busy", "true");
    noteEl.textContent = T.loading;
    var f = filters();
    var url = cfg.api.nearest + "?" + q.toString();
    // The boot script's request, when it asked exactly this: taken once.
    var early = boot.answer && boot.answer.url === url ? boot.answer.response : null;
    boot.answer = null;
    return getJSON(url, controller.signal, early).then(function (data) {
      if (window.smOffline) { window.smOffline.save(data); }  // kept for offline use
      return data;
    }, function (err) {  // no network: the last answer kept, if any (offline.js)
      // Only when no answer came: a refused request (4xx, 5xx) is shown as what it is.
      var stored = !err.status && err.name !== "AbortError" && window.smOffline &&
        window.smOffline.restore(origin, function (p) { return passes(p, f); });
      if (stored) { return stored; }
      throw err;
    }).then(function (data) {
      if (seq !== nearestSeq) { return; }
      listEl.removeAttribute("aria-busy");
      var features = data.features || [];
      var wanted = filters().amenities;
      var far = features.length > 0 && features[0].properties.distance_m > REACH_M;
      clearList(features.length ? "" : T.none_found);
      var frag = document.createDocumentFragment();
      features.forEach(function (f) { frag.appendChild(renderItem(f, wanted)); });
      listEl.appendChild(frag);
      listed = features;
      showListTitle(far);
      if (far) { farNote(); }
      loadDone("list");
      if (data.offline_note) {
        noteEl.textContent = data.offline_note;
        whenMap(function () { drawStations(features); });
        setStatus(data.offline_note, true);
      }
      document.body.setAttribute("data-list-far", String(far));
      document.body.setAttribute("data-list-origin", originKind);
      document.body.setAttribute("data-list-state", "ready");
      // The boundary comes whole from the API: not worth fetching for every pan.
      if (features.length && features[0].properties.district_code && originKind !== "centre") {
        showBoundary(features[0].properties.district_code);
      }
      if (fit && features.length) {
        var from = origin;
        whenMap(function (fresh) {
          if (seq !== nearestSeq) { return; }  // a newer list has its own view
          var pts = [toMap(from.lat, from.lon)];
          features.slice(0, 3).forEach(function (f) {
            pts.push(toMap(f.geometry.coordinates[1], f.geometry.coordinates[0]));
          });
          programmatic();
          // A map just built jumps there; one already on screen glides.
          map.fitBounds(L.latLngBounds(pts).pad(0.2), {maxZoom: 16, animate: !fresh});
        });
      }
      loadMap();
    }).catch(function (err) {
      if (err && err.name === "AbortError") { return; }
      if (seq !== nearestSeq) { return; }
      listEl.removeAttribute("aria-busy");
      // A failed load never leaves the old list looking current: it goes.
      clearList("");
      loadFailed("list", err);
      document.body.setAttribute("data-list-state", "error");
      loadMap();
    });
  }

  // -- the district boundary (when the page did not draw one) ------------------------------
  function showBoundary(code) {
    if (boundaryCode === code || !/^[0-9]{6}$/.test(code)) { return; }
    boundaryCode = code;
    getJSON(cfg.api.district + code).then(function (feature) {
      whenMap(function () {
        if (boundaryCode !== code || !feature.geometry) { return; }
        if (boundaryLayer) { map.removeLayer(boundaryLayer); }
        boundaryLayer = L.geoJSON(feature.geometry, {
          coordsToLatLng: function (c) { return toMap(c[1], c[0]); },
          style: {color: "#b3261e", weight: 2, opacity: 0.9, fillOpacity: 0.04},
          interactive: false
        }).addTo(map);
      });
    }).catch(function () { /* the boundary is decoration */ });
  }

  // -- the search point ------------------------------------------------------------------------
  function dotIcon(picked) {
    var dot = el("span", "sm-me-dot" + (picked ? " picked" : ""));
    return L.divIcon({html: dot, className: "sm-me", iconSize: [20, 20], iconAnchor: [10, 10]});
  }
  /** What the status line says about where the list is sorted from: one message per
   * kind, so it never contradicts the list's title. */
  function originStatus(kind) {
    if (kind === "gps" && roughFix()) {
      return T.located_rough.replace("{km}", String(Math.round(gpsFix.accuracy / 100) / 10));
    }
    if (kind === "gps") { return T.located; }
    if (kind === "tap") { return gpsFix ? T.picked_long : T.picked; }
    if (kind === "centre") { return T.centre; }
    if (kind === "near") { return T.back_near; }
    if (kind === "district" && cfg.district) { return cfg.district.name + ": " + T.district; }
    return "";
  }
  /** Sort the list from WGS-84 (lat, lon): the courier ("gps"), a tapped point ("tap"),
   * a district's centre ("district"), the map's centre ("centre") or the point the
   * list had when the courier left for a station page ("near"). */
  function placeOrigin(lat, lon, kind, accuracy) {
    origin = {lat: lat, lon: lon};
    originKind = kind;
    var demand = document.getElementById("demand-link");
    if (demand) {  // "a station is needed here" starts its pin where the list is sorted from
      demand.href = demand.getAttribute("data-base") + "?lat=" + lat.toFixed(URL_DECIMALS) +
        "&lon=" + lon.toFixed(URL_DECIMALS);
    }
    if (kind === "gps") { gpsFix = {lat: lat, lon: lon, accuracy: accuracy}; }
    keepExact(lat, lon);
    drawOrigin();
    document.body.setAttribute("data-origin", kind);
    setStatus(originStatus(kind), kind === "gps" && roughFix());
    showListTitle(false);
    originToAddress(kind);
  }
  /** True when the courier's position is too rough to take distances at their word (a
   * cell tower's fix, kilometres off): the status line says so. */
  var ROUGH_FIX_M = 1000;
  var CIRCLE_MAX_M = 50000;  // beyond, a circle would only tint the whole map
  function roughFix() {
    return Boolean(gpsFix && gpsFix.accuracy > ROUGH_FIX_M);
  }
  /** The courier's dot (and its accuracy) and a tapped search point, on the map. */
  var drawnFix = null;
  function drawOrigin() {
    if (!map) { return; }  // loadMap draws them
    if (pickMarker) { map.removeLayer(pickMarker); pickMarker = null; }
    if (gpsFix && gpsFix !== drawnFix) {
      drawnFix = gpsFix;
      var at = toMap(gpsFix.lat, gpsFix.lon);
      if (meMarker) { map.removeLayer(meMarker); }
      meMarker = L.marker(at, {icon: dotIcon(false), title: T.you, alt: T.you, keyboard: false,
        interactive: false, zIndexOffset: 1000}).addTo(map);
      if (accuracyCircle) { map.removeLayer(accuracyCircle); accuracyCircle = null; }
      if (gpsFix.accuracy && gpsFix.accuracy <= CIRCLE_MAX_M) {
        accuracyCircle = L.circle(at, {radius: gpsFix.accuracy, color: "#1a5fb4", weight: 1,
          fillOpacity: 0.08, interactive: false}).addTo(map);
      }
    }
    if (originKind === "tap") {
      pickMarker = L.marker(toMap(origin.lat, origin.lon), {icon: dotIcon(true),
        title: T.picked_point, alt: T.picked_point, keyboard: false, interactive: false,
        zIndexOffset: 1000}).addTo(map);
    }
  }
  function locate() {
    var why = null;
    if (!("geolocation" in navigator)) { why = T.unsupported; }
    else if (window.isSecureContext === false) { why = T.insecure; }
    if (why) { noLocation(why); return; }
    setStatus(T.locating, false);
    function located(pos) {
      placeOrigin(pos.coords.latitude, pos.coords.longitude, "gps", pos.coords.accuracy);
      loadNearest(true);
    }
    function failed(err) {
      var reason = err.code === 1 ? T.denied : (err.code === 3 ? T.timeout : T.unavailable);
      noLocation(reason);
    }
    // The boot script's question, when it asked one: its answer, once.
    var early = boot.position;
    boot.position = null;
    if (early) {
      early.then(function (r) { if (r.position) { located(r.position); } else { failed(r.error); } });
      return;
    }
    navigator.geolocation.getCurrentPosition(located, failed, GEO_OPTIONS);
  }
  function noLocation(reason) {
    document.body.setAttribute("data-origin", origin ? originKind : "none");
    setStatus(reason + " " + T.fallback, true);
    if (!origin) { loadNearest(false); }
  }
  function pickPoint(ev) {
    // Once the courier's position is known a plain tap could be a slip: long-press picks.
    if (gpsFix && ev.type === "click") { return; }
    var p = fromMap(ev.latlng);
    placeOrigin(p.lat, p.lon, "tap", null);
    loadNearest(false);
  }
  function backToMe() {
    if (!gpsFix) { return; }
    placeOrigin(gpsFix.lat, gpsFix.lon, "gps", gpsFix.accuracy);
    loadNearest(true);
  }

  // -- the list follows the map when the courier moves it ------------------------------------
  // Only moves the courier makes (drag, pinch, wheel, double tap, keys, the zoom buttons, a
  // cluster tap) count; this script's own moves (fitting the nearest stations, showing a
  // listed station) and a popup panning into view do not.
  var nearBy = null;  // for "near": how that point was first found
  var userMove = false;
  var centreTimer = null;
  function markUserMove() {
    userMove = true;
    clearTimeout(centreTimer);
  }
  function programmatic() {
    userMove = false;
    clearTimeout(centreTimer);
  }
  function followCentre() {
    if (!userMove) { return; }
    userMove = false;
    clearTimeout(centreTimer);
    if (map.getZoom() < MIN_ZOOM_FOR_STATIONS) { return; }  // the map shows no stations
    centreTimer = setTimeout(function () {
      var c = fromMap(map.getCenter());
      placeOrigin(c.lat, c.lon, "centre", null);
      loadNearest(false);
    }, CENTRE_DEBOUNCE_MS);
  }
  function watchUserMoves() {
    var box = map.getContainer();
    map.on("dragstart", markUserMove);
    box.addEventListener("wheel", markUserMove, {capture: true, passive: true});
    box.addEventListener("dblclick", markUserMove, true);
    box.addEventListener("touchstart", function (ev) {
      if (ev.touches && ev.touches.length > 1) { markUserMove(); }
    }, {capture: true, passive: true});
    box.addEventListener("keydown", function (ev) {
      if (/^(Arrow|\+|-|=|_)/.test(ev.key) && !ev.target.closest(".leaflet-popup")) {
        markUserMove();
      }
    }, true);
    box.addEventListener("click", function (ev) {
      // The click that ends a drag is not a tap (Leaflet ignores it too): the drag
      // counted already, and its timer must not be cancelled.
      if (map.dragging && map.dragging.moved()) { return; }
      if (ev.target.closest && ev.target.closest(".leaflet-control-zoom, .marker-cluster")) {
        markUserMove();
      }
    }, true);
    map.on("moveend", followCentre);
  }

  // -- the district picker: deeper levels from the API when first needed -----------------------
  var districtChildren = {};  // parent code -> promise of [{code, name}], one request a level
  function loadChildren(parent) {
    if (!districtChildren[parent]) {
      districtChildren[parent] = getJSON(cfg.api.districts + "?parent=" + encodeURIComponent(parent))
        .then(function (data) {
          return (data.districts || []).map(function (d) {
            return {code: String(d.code), name: String(d.name)};
          });
        }).catch(function (err) {
          delete districtChildren[parent];
          throw err;
        });
    }
    return districtChildren[parent];
  }
  function initPicker() {
    var form = document.getElementById("district-pick");
    if (!form) { return; }
    var selects = ["province", "city", "county"].map(function (n) {
      return document.getElementById("pick-" + n);
    });
    function fill(index, options, note) {
      var select = selects[index];
      select.textContent = "";
      select.appendChild(el("option", null, note || T.choose)).value = "";
      (options || []).forEach(function (o) { select.appendChild(el("option", null, o.name)).value = o.code; });
      select.closest("label").hidden = !(options && options.length) && !note;
    }
    function onChange(index) {
      for (var j = index + 1; j < selects.length; j++) { fill(j, null); }
      var code = selects[index].value;
      if (!code || index + 1 >= selects.length) { return; }
      fill(index + 1, null, T.loading);
      loadChildren(code).then(function (children) {
        if (selects[index].value !== code) { return; }
        fill(index + 1, children.length ? children : null);
      }).catch(function () {
        fill(index + 1, null);
        setStatus(T.districts_failed, true);
      });
    }
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () { onChange(index); });
    });
    form.addEventListener("submit", function (ev) {
      var chosen = "";
      selects.forEach(function (s) { if (s.value && !s.closest("label").hidden) { chosen = s.value; } });
      ev.preventDefault();
      if (!chosen) { return; }
      var q = new URLSearchParams();
      q.set("district", chosen);
      keepFilters(q);  // the chips ticked come along
      window.location.href = cfg.index + "?" + q.toString();
    });
  }

  // -- the chip row scrolls sideways: a visible hint while more chips lie to the right ----
  function initChipHint() {
    if (!chipsEl || !chipsMoreEl) { return; }
    var update = function () {
      var more = chipsEl.scrollLeft + chipsEl.clientWidth < chipsEl.scrollWidth - 2;
      chipsMoreEl.hidden = !more;
    };
    chipsEl.addEventListener("scroll", update, {passive: true});
    window.addEventListener("resize", update);
    chipsMoreEl.addEventListener("click", function () {
      chipsEl.scrollBy({left: chipsEl.clientWidth * 0.7, behavior: "smooth"});
    });
    update();
  }

  // -- clusters at finger size (the plugin's default icon is 40 x 40) -----------------------
  function clusterIcon(group) {
    var n = group.getChildCount();
    var size = n < 10 ? "small" : (n < 100 ? "medium" : "large");
    var inner = el("div");
    inner.appendChild(el("span", null, n));
    return L.divIcon({html: inner, className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(TAP_PX, TAP_PX)});
  }

  // -- base tiles that do not come (a closed network, a blocked host) ----------------------
  // The map would stay grey around the stations with nothing said: after a few tiles
  // failed and none loaded, a note says so (the stations and the list work without
  // them); a tile that loads takes it away.
  var TILE_FAILS_TO_SAY = 4;
  function watchTiles() {
    var note = document.getElementById("tiles-note");
    if (!note) { return; }
    var failed = 0, loaded = 0;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) { return; }
      layer.on("tileerror", function () {
        failed += 1;
        if (!loaded && failed >= TILE_FAILS_TO_SAY) { note.hidden = false; }
      });
      layer.on("tileload", function () {
        loaded += 1;
        note.hidden = true;
      });
    });
  }

  // -- the map: loaded once the list is drawn -------------------------------------------------
  /** Run ``fn(fresh)`` once the map is there (now, if it is); ``fresh`` is true when the
   * map was built just before. */
  function whenMap(fn) {
    if (map) { fn(false); } else { mapQueue.push(fn); }
  }
  /** A stylesheet of the map's, placed before the page's own (app.css adjusts Leaflet's
   * rules, so it must come later in the cascade). */
  function loadStyle(href, before) {
    return new Promise(function (resolve) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = link.onerror = function () { resolve(); };
      document.head.insertBefore(link, before);
    });
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;  // downloaded together, run in order (Leaflet first)
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("failed to load " + src)); };
      document.body.appendChild(script);
    });
  }
  /** Load Leaflet, its cluster plugin and their styles, build the folium map
   * (window.smBuildMap), then do what waited for it. Once; later calls do nothing. */
  function loadMap() {
    whenList();
    if (mapLoading) { return; }
    mapLoading = true;
    clearTimeout(mapTimer);
    var assets = cfg.map_assets || {scripts: [], styles: []};
    var pageStyle = document.querySelector('link[rel="stylesheet"]');
    var loads = assets.styles.map(function (href) { return loadStyle(href, pageStyle); })
      .concat(assets.scripts.map(loadScript));
    Promise.all(loads).then(function () {
      if (typeof window.smBuildMap !== "function" || typeof L === "undefined") {
        throw new Error("no map");
      }
      window.smBuildMap();
      mapReady(window[cfg.map], cfg.cluster ? window[cfg.cluster] : null);
    }).catch(function () {
      // The list works without the map: it says the map is missing, and nothing waits.
      mapQueue = [];
      document.body.setAttribute("data-map-state", "error");
    }).then(function () {
      // The worker keeps the page's files: asked now, they come from the HTTP cache.
      if (window.smOffline) { window.smOffline.register(); }
    });
  }
  /** Leaflet 1.8 and later throw on ``map.hasLayer(undefined)``, which markercluster
   * 1.5.3 asks after every move while it zooms to a marker that has since left the
   * cluster (its ``__parent`` is gone): the page would throw on each move from then on.
   * Asked about nothing, the map holds nothing. */
  function guardHasLayer() {
    var hasLayer = L.Map.prototype.hasLayer;
    L.Map.include({hasLayer: function (layer) { return Boolean(layer) && hasLayer.call(this, layer); }});
  }
  function mapReady(built, builtCluster) {
    guardHasLayer();
    map = built;
    cluster = builtCluster;
    if (cluster) {
      cluster.options.iconCreateFunction = clusterIcon;
      // The cluster keeps every marker it holds on the map (it holds only the stations of
      // the view, which drawStations replaces as the map moves). Dropping those outside
      // the view at the end of each move took a marker whose popup was opening while the
      // map glided (a flick, another card's pan): the popup, stopping the glide to fit
      // itself, closed under itself and threw; and one whose popup had just panned into
      // view went too, closing it.
      cluster.options.removeOutsideVisibleBounds = false;
    }
    // The phone's map is short: while a popup is open the buttons over the map step aside.
    map.on("popupopen", function () { wrapEl.classList.add("popup-open"); });
    map.on("popupclose", function () { wrapEl.classList.remove("popup-open"); });
    watchTiles();
    drawOrigin();
    mapQueue.splice(0).forEach(function (fn) { fn(true); });
    // Listened to only now: the moves above were this script's own.
    map.on("moveend", scheduleVisible);
    watchUserMoves();
    map.on("click", pickPoint);
    map.on("contextmenu", pickPoint);
    loadVisible();
  }

  // -- wiring ----------------------------------------------------------------------------------
  initPicker();
  // The chip row's hint measures the row (a layout of the page): it waits until the list
  // is drawn or the map asked for (whenList).
  var listWaiting = [initChipHint];
  function whenList() {
    listWaiting.splice(0).forEach(function (fn) { fn(); });
  }
  document.body.setAttribute("data-map-state", "loading");
  filtersEl.addEventListener("submit", function (ev) { ev.preventDefault(); });
  filtersEl.addEventListener("change", function () {
    filtersToAddress();
    pendingOpen = null;
    if (map) { map.closePopup(); }  // its station may not pass the new filters
    if (!refilterVisible()) { loadVisible(); }
    loadNearest(false);
  });
  document.getElementById("locate").addEventListener("click", locate);
  backEl.addEventListener("click", backToMe);
  setInterval(tickHours, HOURS_TICK_MS);
  // A slow location (a permission prompt, a weak signal) does not hold the map back.
  var mapTimer = setTimeout(loadMap, MAP_WAIT_MS);

  if (cfg.near) {
    // Back from a station page: the same list at once; a courier who was located is
    // located again and the list follows the fresh position.
    nearBy = cfg.near.by;
    var exact = exactOf(cfg.near);
    placeOrigin(exact.lat, exact.lon, "near", null);
    loadNearest(true);
    if (nearBy === "gps") { locate(); }
  } else if (cfg.district && cfg.district.bounds) {
    var b = cfg.district.bounds;
    var centre = {lat: (b[0] + b[2]) / 2, lon: (b[1] + b[3]) / 2};
    placeOrigin(centre.lat, centre.lon, "district", null);
    // A large district fitted to a phone's short map is too far out to draw stations:
    // show its middle, where the list is sorted from, instead.
    whenMap(function () {
      if (map.getZoom() < MIN_ZOOM_FOR_STATIONS) {
        map.setView(toMap(centre.lat, centre.lon), MIN_ZOOM_FOR_STATIONS, {animate: false});
      }
    });
    loadNearest(false);
  } else {
    locate();
  }
})();
