/* Workers' report pages: the pin a courier drags (the wrong-location report, starting at
   the station; the "station needed here" pin, starting at the rider's position). The
   pin's fields are in the base map's datum (data-tile-datum); the server converts.
   Loaded as a file (the CSP allows no inline script). Text is only set as text. */
(function () {
  "use strict";

  // Sent without a network, the form would leave for the browser's own error page and
  // take what the rider wrote with it: it stays, and says so, until there is a signal.
  // A phone on a signal too weak to carry anything still says it is online: the form
  // first asks the server (data-check, a small answer) and leaves only once it answers.
  var CHECK_MS = 10000;
  document.querySelectorAll("form.report-form").forEach(function (form) {
    var note = form.querySelector(".offline-note");
    if (!note) { return; }
    var check = note.getAttribute("data-check");
    var checking = false;
    function offline() {
      note.hidden = false;
      note.scrollIntoView({block: "nearest"});
    }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        offline();
        return;
      }
      if (!check || !window.fetch || !window.AbortController) { return; }
      event.preventDefault();
      if (checking) { return; }  // a second tap while the first is asking
      checking = true;
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, CHECK_MS);
      // Any answer, even an error, means the form can reach the server, which then says
      // what it says; only no answer at all keeps the form here.
      fetch(check, {cache: "no-store", credentials: "same-origin", signal: controller.signal})
        .then(function () {
          clearTimeout(timer);
          checking = false;
          note.hidden = true;
          HTMLFormElement.prototype.submit.call(form);  // no second submit event
        }, function () {
          clearTimeout(timer);
          checking = false;
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
