/* Workers' report pages: the pin a courier drags (the wrong-location report, starting at
   the station; the "station needed here" pin, starting at the rider's position). The
   pin's fields are in the base map's datum (data-tile-datum); the server converts.
   Loaded as a file (the CSP allows no inline script). Text is only set as text. */
(function () {
  "use strict";

  // The form is sent from here (fetch), so the page, and everything typed, stays until
  // the server has answered. No answer (the signal drops while sending, or nothing in
  // SEND_MS) keeps the form with the no-network note and lets the rider tap again; the
  // form's one-time key (request_key) makes that tap the same report, never a second:
  // the server answers the first send's receipt. A report stored is answered with a
  // redirect to its receipt, which the page then opens; a form sent back with messages
  // (a field to fix, the limit) has them put into the form's message boxes from the
  // server's own page (a form that expired, 400, comes back the same way with a fresh
  // token, which is copied too). A 5xx (the app failing, or a proxy's 502/503/504 page, or an
  // empty answer) keeps the form with the server-busy note and its body unread: it may
  // be no page of ours, and never goes into this one; the tap again sends the same key
  // (a report the server did store before failing answers its first receipt). Without
  // fetch the form is sent as a plain POST, as without a script; so is anything else
  // the server answers (an error page says what it says).
  var SEND_MS = 20000;
  var BY_SCRIPT = {"X-Requested-With": "fetch"};

  function body(form) {
    // As the plain form sends it (application/x-www-form-urlencoded, CRLF newlines).
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        params.append(name, value.replace(/\r\n|\r|\n/g, "\r\n"));
      }
    });
    return params;
  }

  function showMessages(form, html) {
    // The server's page for this form, with its messages: copy them, as nodes (never as
    // HTML), into the same boxes here, and the fields' invalid marks. False when the
    // answer is no such page.
    var answer = new DOMParser().parseFromString(html, "text/html");
    var sent = answer.querySelector("form.report-form");
    if (!sent) { return false; }
    document.querySelectorAll("[data-errors-for]").forEach(function (box) {
      var name = box.getAttribute("data-errors-for");
      var fresh = answer.querySelector('[data-errors-for="' + name + '"]');
      while (box.firstChild) { box.removeChild(box.firstChild); }
      if (fresh) {
        Array.prototype.forEach.call(fresh.childNodes, function (node) {
          box.appendChild(document.importNode(node, true));
        });
      }
    });
    Array.prototype.forEach.call(form.elements, function (control) {
      var twin = control.id ? answer.getElementById(control.id) : null;
      ["aria-invalid", "aria-describedby"].forEach(function (attr) {
        var value = twin ? twin.getAttribute(attr) : null;
        if (value === null) { control.removeAttribute(attr); } else { control.setAttribute(attr, value); }
      });
    });
    // The page's form token: fresh when the form had expired (400), the same otherwise.
    var token = sent.querySelector('input[name="csrf_token"]');
    var mine = form.querySelector('input[name="csrf_token"]');
    if (token && mine) { mine.value = token.value; }
    var first = document.querySelector("[data-errors-for] p");
    if (first) { first.scrollIntoView({block: "center"}); }
    return true;
  }

  document.querySelectorAll("form.report-form").forEach(function (form) {
    var note = form.querySelector(".offline-note");
    var busy = form.querySelector(".server-note");
    var button = form.querySelector("button.send");
    if (!note || !busy || !button) { return; }
    var label = button.textContent;
    var sending = false;
    function offline() {
      busy.hidden = true;
      note.hidden = false;
      note.scrollIntoView({block: "nearest"});
    }
    function serverFailed() {
      note.hidden = true;
      busy.hidden = false;
      busy.scrollIntoView({block: "nearest"});
    }
    function done() {
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = label;
    }
    function plainSend() {
      HTMLFormElement.prototype.submit.call(form);  // no second submit event
    }
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.AbortController || !window.URLSearchParams ||
          !window.FormData || !window.DOMParser) {
        if (navigator.onLine === false) { event.preventDefault(); offline(); }
        return;  // the plain POST
      }
      event.preventDefault();
      if (sending) { return; }  // a second tap while the first is on its way
      if (navigator.onLine === false) { offline(); return; }
      var params = body(form);
      sending = true;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.textContent = button.getAttribute("data-sending") || label;
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, SEND_MS);
      fetch(form.action, {
        method: "POST",
        body: params,
        headers: BY_SCRIPT,
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal
      }).then(function (response) {
        if (response.redirected && response.ok) {
          // Stored (now or by an earlier tap): its receipt. The button stays busy.
          clearTimeout(timer);
          window.location.assign(response.url);
          return null;
        }
        if (response.status >= 500) {
          clearTimeout(timer);
          done();
          serverFailed();
          return null;
        }
        return response.text().then(function (html) {
          clearTimeout(timer);
          note.hidden = true;
          busy.hidden = true;
          done();
          if (response.ok || !showMessages(form, html)) { plainSend(); }
        });
      }).catch(function () {
        clearTimeout(timer);
        done();
        offline();
      });
    });
    window.addEventListener("online", function () { note.hidden = true; });
  });

  var element = document.getElementById("pin-map");
  var latInput = document.getElementById("pin-lat");
  var lonInput = document.getElementById("pin-lon");
  var datumInput = document.getElementById("pin-datum");
  if (!element || !latInput || !lonInput || typeof L === "undefined") {
    return;
  }
  var layers = [];
  try {
    layers = JSON.parse(element.getAttribute("data-tiles") || "[]");
  } catch (error) {
    layers = [];
  }
  var map = L.map(element, { zoomControl: true, attributionControl: layers.length > 0 });
  if (map.attributionControl) {
    map.attributionControl.setPrefix("");
  }
  layers.forEach(function (layer) {
    L.tileLayer(layer.url, {
      attribution: layer.attribution,
      subdomains: layer.subdomains || "abc",
      maxZoom: layer.max_zoom || 18
    }).addTo(map);
  });
  datumInput.value = element.getAttribute("data-tile-datum") || "wgs84";
  var marker = null;

  function write(at) {
    latInput.value = at.lat.toFixed(7);
    lonInput.value = at.lng.toFixed(7);
    element.setAttribute("data-placed", "1");
  }

  function place(lat, lon) {
    if (marker === null) {
      marker = L.marker([lat, lon], {
        draggable: true,
        keyboard: true,
        title: element.getAttribute("data-you") || "",
        alt: element.getAttribute("data-you") || ""
      }).addTo(map);
      marker.on("dragend", function () { write(marker.getLatLng()); });
    } else {
      marker.setLatLng([lat, lon]);
    }
    write(marker.getLatLng());
  }

  var startLat = parseFloat(latInput.value || element.getAttribute("data-start-lat"));
  var startLon = parseFloat(lonInput.value || element.getAttribute("data-start-lon"));
  var station = parseFloat(element.getAttribute("data-start-lat"));
  if (isFinite(station)) {
    // Where the station is listed now: a fixed ring, so a dragged pin shows the change.
    L.circleMarker([station, parseFloat(element.getAttribute("data-start-lon"))], {
      radius: 8, color: "#5b5b60", weight: 2, fillOpacity: 0.2, interactive: false
    }).addTo(map);
  }
  if (isFinite(startLat) && isFinite(startLon)) {
    map.setView([startLat, startLon], 16);
    place(startLat, startLon);
  } else {
    map.setView([35, 105], 4);
    // No position given (the page was opened directly): ask once; WGS-84 on a WGS-84
    // map only (the server converts any datum, but a browser position is WGS-84).
    if (navigator.geolocation && datumInput.value === "wgs84") {
      navigator.geolocation.getCurrentPosition(function (pos) {
        if (marker === null) {
          map.setView([pos.coords.latitude, pos.coords.longitude], 16);
          place(pos.coords.latitude, pos.coords.longitude);
        }
      }, function () {}, { timeout: 10000, maximumAge: 60000 });
    }
  }
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng); });

  // The map may start hidden (shown only for the "wrong location" kind): size it again
  // when the kind changes.
  document.querySelectorAll("input[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      map.invalidateSize();
      if (marker !== null) { map.panTo(marker.getLatLng()); }
    });
  });
})();
