/* Admin pages: the station editor's map picker and the opening-hours preview.
   Loaded as a file (the CSP allows no inline script). Text is only set as text. */
(function () {
  "use strict";

  function number(input) {
    var value = parseFloat(String(input.value).trim());
    return isFinite(value) ? value : null;
  }

  function setupPicker() {
    var element = document.getElementById("picker");
    var latInput = document.getElementById("lat");
    var lonInput = document.getElementById("lon");
    var datum = document.getElementById("datum");
    if (!element || !latInput || !lonInput || typeof L === "undefined") {
      return;
    }
    var map = L.map(element, { zoomControl: true, attributionControl: false });
    map.setView([35, 105], 4);
    var marker = null;

    function place(lat, lon) {
      if (marker === null) {
        marker = L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          var at = marker.getLatLng();
          write(at.lat, at.lng);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
    }

    function write(lat, lon) {
      latInput.value = lat.toFixed(7);
      lonInput.value = lon.toFixed(7);
      if (datum) {
        datum.value = "wgs84"; // the map is drawn in WGS-84
      }
      element.setAttribute("data-placed", "1");
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng);
      write(event.latlng.lat, event.latlng.lng);
    });

    function fromInputs() {
      var lat = number(latInput);
      var lon = number(lonInput);
      if (lat === null || lon === null || (datum && datum.value !== "wgs84")) {
        return false;
      }
      place(lat, lon);
      return true;
    }
    latInput.addEventListener("change", fromInputs);
    lonInput.addEventListener("change", fromInputs);
    if (fromInputs()) {
      map.setView(marker.getLatLng(), 15);
    }

    var codes = (element.getAttribute("data-boundaries") || "").split(",").filter(Boolean);
    var api = element.getAttribute("data-api") || "/api/v1/districts";
    var layer = L.featureGroup().addTo(map);
    var pending = codes.length;
    codes.forEach(function (code) {
      fetch(api + "/" + encodeURIComponent(code), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (feature) {
          if (feature && feature.geometry) {
            L.geoJSON(feature, {
              style: { color: "#c0392b", weight: 2, fillOpacity: 0.05 },
              interactive: false
            }).addTo(layer);
          }
        })
        .catch(function () { return null; })
        .then(function () {
          pending -= 1;
          if (pending === 0 && marker === null && layer.getLayers().length) {
            map.fitBounds(layer.getBounds());
          }
          element.setAttribute("data-ready", "1");
        });
    });
    if (!codes.length) {
      element.setAttribute("data-ready", "1");
    }
  }

  function setupHours() {
    var input = document.getElementById("opening_hours");
    var output = document.getElementById("hours-preview");
    if (!input || !output) {
      return;
    }
    var url = input.getAttribute("data-preview");
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        fetch(url + "?text=" + encodeURIComponent(input.value), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (body) {
            output.textContent = body.text;
            output.className = body.ok ? "ok" : "error";
          })
          .catch(function () { return null; });
      }, 300);
    });
  }

  setupPicker();
  setupHours();
})();
