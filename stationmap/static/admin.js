/* Admin pages: the station editor's map picker, live duplicate warning and the
   opening-hours preview.
   Loaded as a file (the CSP allows no inline script). Text is only set as text. */
(function () {
  "use strict";

  var PLAIN = /^-?[0-9]+(\.[0-9]+)?$/;

  function setupPicker() {
    var element = document.getElementById("picker");
    var latInput = document.getElementById("lat");
    var lonInput = document.getElementById("lon");
    var datum = document.getElementById("datum");
    if (!element || !latInput || !lonInput || typeof L === "undefined") {
      return;
    }
    // The map is drawn in the base map's datum (GCJ-02 on AMap tiles, else WGS-84); the
    // typed fields are in the selected datum. The server converts between them (the
    // same code that converts on save), so there is one implementation.
    var convertUrl = element.getAttribute("data-coordinates");
    var mapDatum = element.getAttribute("data-tile-datum") || "wgs84";
    var layers = [];
    try {
      layers = JSON.parse(element.getAttribute("data-tiles") || "[]");
    } catch (error) {
      layers = [];
    }
    var map = L.map(element, { zoomControl: true, attributionControl: layers.length > 0 });
    layers.forEach(function (layer) {
      L.tileLayer(layer.url, {
        attribution: layer.attribution,
        subdomains: layer.subdomains || "abc",
        maxZoom: layer.max_zoom || 18
      }).addTo(map);
    });
    map.setView([35, 105], 4);
    var marker = null;
    var sequence = 0;

    function selected() {
      return datum ? datum.value : "wgs84";
    }

    // Resolves to {wgs84: [lat, lon], gcj02: [...], bd09: [...]}, or null when the
    // request failed or a newer one was made meanwhile.
    function convert(lat, lon, from) {
      sequence += 1;
      var mine = sequence;
      var url = convertUrl + "?lat=" + encodeURIComponent(lat) + "&lon=" +
        encodeURIComponent(lon) + "&datum=" + encodeURIComponent(from);
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; })
        .then(function (body) { return mine === sequence ? body : null; });
    }

    function place(lat, lon) {
      if (marker === null) {
        marker = L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          var at = marker.getLatLng();
          fromMap(at.lat, at.lng);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      element.setAttribute("data-placed", "1");
      // Where the marker stands, in the map's datum (read by tests and assistive tools).
      element.setAttribute("data-marker", lat.toFixed(7) + "," + lon.toFixed(7));
    }

    function write(point) {
      latInput.value = point[0].toFixed(7);
      lonInput.value = point[1].toFixed(7);
      element.dispatchEvent(new CustomEvent("stationmap:moved"));
    }

    // A click or a drag on the map: the fields follow, in the selected datum.
    function fromMap(lat, lon) {
      place(lat, lon);
      if (mapDatum === selected()) {
        write([lat, lon]);
        return;
      }
      convert(lat, lon, mapDatum).then(function (body) {
        if (body) {
          write(body[selected()]);
        }
      });
    }

    map.on("click", function (event) {
      fromMap(event.latlng.lat, event.latlng.lng);
    });

    // Typed fields (or a new datum for them): the marker follows, converted for the map.
    function fromInputs(recentre) {
      var latText = String(latInput.value).trim();
      var lonText = String(lonInput.value).trim();
      // A picker's pair pasted into one field ("116.397428,39.90923") goes to the
      // server with the other field empty; it answers how it split it.
      var pasted = /[,，;；、\s]/.test(latText) || /[,，;；、\s]/.test(lonText);
      if ((!latText || !lonText) && !pasted) {
        return;
      }
      var shown = function (point) {
        place(point[0], point[1]);
        if (recentre) {
          map.setView(marker.getLatLng(), 15);
        } else {
          // Typed coordinates: the map follows the marker (never leaving it off-screen),
          // close enough to show the stations around it.
          map.setView(marker.getLatLng(), Math.max(map.getZoom(), 14));
        }
        element.dispatchEvent(new CustomEvent("stationmap:moved"));
      };
      // Plain decimals in the map's datum are drawn at once; anything else (another
      // datum, 86°13′01.2″, full-width digits) is read by the server, as the save reads it.
      if (selected() === mapDatum && PLAIN.test(latText) && PLAIN.test(lonText) &&
          Math.abs(parseFloat(latText)) <= 90 && Math.abs(parseFloat(lonText)) <= 180) {
        sequence += 1; // a conversion still under way must not move the marker back
        shown([parseFloat(latText), parseFloat(lonText)]);
        return;
      }
      convert(latText, lonText, selected()).then(function (body) {
        if (body) {
          if (body.split) {
            latInput.value = body.split[0];
            lonInput.value = body.split[1];
          }
          shown(body[mapDatum]);
        }
      });
    }
    latInput.addEventListener("change", function () { fromInputs(false); });
    lonInput.addEventListener("change", function () { fromInputs(false); });
    if (datum) {
      datum.addEventListener("change", function () { fromInputs(false); });
    }
    fromInputs(true);

    // "Find address": the configured geocoder's suggestion moves the marker and fills
    // the fields (in the selected datum). Nothing is saved: the administrator checks
    // the marker and saving is the confirmation.
    var geocode = document.getElementById("geocode");
    var geocodeResult = document.getElementById("geocode-result");
    var addressInput = document.getElementById("address");
    if (geocode && geocodeResult && addressInput) {
      geocode.addEventListener("click", function () {
        var url = geocode.getAttribute("data-url") + "?address=" +
          encodeURIComponent(addressInput.value);
        geocode.disabled = true;
        geocodeResult.className = "";
        geocodeResult.textContent = "…";
        fetch(url, { credentials: "same-origin" })
          .then(function (response) {
            return response.json().catch(function () { return null; });
          })
          .catch(function () { return null; })
          .then(function (body) {
            geocode.disabled = false;
            if (!body || !body.point) {
              geocodeResult.className = "error";
              geocodeResult.textContent = (body && body.error && body.error.message) ||
                geocode.getAttribute("data-failed");
              return;
            }
            write(body.point[selected()]);
            fromInputs(true);
            geocodeResult.className = body.in_scope ? "suggested" : "error";
            geocodeResult.textContent = body.message;
            element.setAttribute("data-suggested", body.service);
          });
      });
    }

    // Existing stations in view (WGS-84, moved by the offset on a GCJ-02 base map), as
    // grey dots that do not take clicks, so a new station is not placed on top of one.
    var stationsUrl = element.getAttribute("data-stations");
    var nearby = L.layerGroup().addTo(map);
    var nearbySequence = 0;
    function showNearby() {
      if (!stationsUrl || map.getZoom() < 11) {
        nearby.clearLayers();
        return;
      }
      nearbySequence += 1;
      var mine = nearbySequence;
      var b = map.getBounds();
      var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return Math.max(-180, Math.min(180, v)).toFixed(5);
      }).join(",");
      var centre = b.getCenter();
      fetch(stationsUrl + "?limit=500&bbox=" + encodeURIComponent(box), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || mine !== nearbySequence) {
            return null;
          }
          return offsetFor({ type: "Point", coordinates: [centre.lng, centre.lat] }).then(function (shift) {
            if (mine !== nearbySequence) {
              return;
            }
            nearby.clearLayers();
            (body.features || []).forEach(function (feature) {
              var xy = feature.geometry && feature.geometry.coordinates;
              if (!xy) {
                return;
              }
              L.circleMarker([xy[1] + shift[0], xy[0] + shift[1]], {
                radius: 5, color: "#555", weight: 1, fillColor: "#999", fillOpacity: 0.8,
                interactive: false
              }).addTo(nearby);
            });
            element.setAttribute("data-nearby", String(nearby.getLayers().length));
          });
        })
        .catch(function () { return null; });
    }
    map.on("moveend", showNearby);

    var codes = (element.getAttribute("data-boundaries") || "").split(",").filter(Boolean);
    var api = element.getAttribute("data-api") || "/api/v1/districts";
    var layer = L.featureGroup().addTo(map);
    var pending = codes.length;

    function drawn(feature, shift) {
      // Boundaries are WGS-84; on a GCJ-02 base map they are moved by the offset at
      // their centre (it varies by centimetres across a county).
      return L.geoJSON(feature, {
        style: { color: "#c0392b", weight: 2, fillOpacity: 0.05 },
        interactive: false,
        coordsToLatLng: function (xy) {
          return L.latLng(xy[1] + shift[0], xy[0] + shift[1]);
        }
      });
    }

    function offsetFor(feature) {
      if (mapDatum === "wgs84") {
        return Promise.resolve([0, 0]);
      }
      var centre = L.geoJSON(feature).getBounds().getCenter();
      var url = convertUrl + "?lat=" + centre.lat + "&lon=" + centre.lng + "&datum=wgs84";
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          return body ? [body[mapDatum][0] - centre.lat, body[mapDatum][1] - centre.lng] : [0, 0];
        });
    }

    codes.forEach(function (code) {
      fetch(api + "/" + encodeURIComponent(code), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (feature) {
          if (!feature || !feature.geometry) {
            return null;
          }
          return offsetFor(feature).then(function (shift) {
            drawn(feature, shift).addTo(layer);
          });
        })
        .catch(function () { return null; })
        .then(function () {
          pending -= 1;
          if (pending === 0 && marker === null && layer.getLayers().length) {
            map.fitBounds(layer.getBounds());
          }
          if (pending === 0) {
            element.setAttribute("data-ready", "1");
          }
        });
    });
    if (!codes.length) {
      element.setAttribute("data-ready", "1");
    }
  }

  // Live duplicate warning: stations within 50 m with a similar name, shown as the
  // name is typed or the point moves. The save checks again on the server.
  function setupDuplicates() {
    var element = document.getElementById("picker");
    var box = document.getElementById("live-duplicates");
    var name = document.getElementById("name");
    var latInput = document.getElementById("lat");
    var lonInput = document.getElementById("lon");
    var datum = document.getElementById("datum");
    if (!element || !box || !name || !latInput || !lonInput) {
      return;
    }
    var url = element.getAttribute("data-duplicates");
    var exclude = element.getAttribute("data-station-id") || "";
    var list = box.querySelector("ul");
    var elsewhere = box.querySelector(".elsewhere");
    var timer = null;
    var sequence = 0;

    function show(body) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      var items = (body && body.duplicates) || [];
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        if (String(item.url).indexOf("/admin/") === 0) {
          link.href = item.url;
        }
        link.textContent = item.code + " " + item.name;
        li.appendChild(link);
        li.appendChild(document.createTextNode(
          (box.dataset.textNear || "（{address}，相距 {m} 米）")
            .replace("{m}", String(Math.round(item.distance_m)))
            .replace("{address}", function () { return item.address || "—"; })
        ));
        list.appendChild(li);
      });
      var others = (body && body.elsewhere) || 0;
      elsewhere.hidden = others === 0;
      elsewhere.textContent = others
        ? (box.dataset.textElsewhere || "另有 {n} 个在您负责区县以外。").replace("{n}", String(others))
        : "";
      box.hidden = items.length === 0 && others === 0;
    }

    function check() {
      var lat = String(latInput.value).trim();
      var lon = String(lonInput.value).trim();
      if (!name.value.trim() || !lat || !lon) {
        show(null);
        return;
      }
      sequence += 1;
      var mine = sequence;
      var query = "?name=" + encodeURIComponent(name.value) + "&lat=" + encodeURIComponent(lat) +
        "&lon=" + encodeURIComponent(lon) + "&datum=" + encodeURIComponent(datum ? datum.value : "wgs84") +
        (exclude ? "&exclude=" + encodeURIComponent(exclude) : "");
      fetch(url + query, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; })
        .then(function (body) {
          if (mine === sequence) {
            show(body);
            box.setAttribute("data-checked", String(mine));
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 300);
    }
    name.addEventListener("input", later);
    latInput.addEventListener("change", later);
    lonInput.addEventListener("change", later);
    if (datum) {
      datum.addEventListener("change", later);
    }
    element.addEventListener("stationmap:moved", later);
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
  setupDuplicates();
  setupHours();
})();
