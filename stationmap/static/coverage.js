/* The admin coverage page's map: the district, covered and uncovered areas at the
   chosen reach, grids coloured by covered share, demand points, stations and proposed
   sites. Loaded as a file (the CSP allows no inline script); every text from the data
   is set with textContent, never as HTML. */
(function () {
  "use strict";

  var element = document.getElementById("coverage-map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var words = {};
  var tiles = [];
  try {
    words = JSON.parse(element.getAttribute("data-words") || "{}");
    tiles = JSON.parse(element.getAttribute("data-tiles") || "[]");
  } catch (error) {
    words = {};
  }
  var lang = element.getAttribute("data-lang") || "zh";
  var radius = Number(element.getAttribute("data-radius"));
  var map = L.map(element, { zoomControl: true, attributionControl: tiles.length > 0 });
  if (map.attributionControl) {
    map.attributionControl.setPrefix("");
  }
  tiles.forEach(function (layer) {
    L.tileLayer(layer.url, {
      attribution: layer.attribution,
      subdomains: layer.subdomains || "abc",
      maxZoom: layer.max_zoom || 18
    }).addTo(map);
  });
  L.control.scale({ imperial: false }).addTo(map);
  map.setView([35, 105], 4);

  // A popup of label/value rows, built from text nodes.
  function popup(rows) {
    var box = document.createElement("div");
    rows.forEach(function (row) {
      var line = document.createElement("div");
      var label = document.createElement("strong");
      label.textContent = row[0] + "：";
      line.appendChild(label);
      line.appendChild(document.createTextNode(String(row[1])));
      box.appendChild(line);
    });
    return box;
  }

  function shareColour(share) {
    // red (0) -> amber -> green (1)
    if (share >= 0.9) { return "#1a9850"; }
    if (share >= 0.6) { return "#91cf60"; }
    if (share >= 0.3) { return "#fee08b"; }
    if (share > 0) { return "#fc8d59"; }
    return "#d73027";
  }

  function layerOf(features, name) {
    return features.filter(function (f) {
      return f.properties.layer === name;
    });
  }

  function draw(body) {
    var features = body.features || [];
    var overlays = {};
    var district = L.geoJSON(layerOf(features, "district"), {
      style: { color: "#333", weight: 2, fill: false }
    }).addTo(map);
    overlays[words.district || "district"] = district;
    var atReach = function (f) { return Number(f.properties.radius_m) === radius; };
    overlays[words.covered || "covered"] = L.geoJSON(layerOf(features, "covered").filter(atReach), {
      style: { color: "#1a9850", weight: 0, fillOpacity: 0.35, className: "coverage-covered" }
    }).addTo(map);
    overlays[words.uncovered || "uncovered"] = L.geoJSON(layerOf(features, "uncovered").filter(atReach), {
      style: { color: "#d73027", weight: 0, fillOpacity: 0.25, className: "coverage-uncovered" }
    }).addTo(map);
    overlays[words.grids || "grids"] = L.geoJSON(layerOf(features, "grids"), {
      style: function (f) {
        return {
          color: "#555", weight: 1, fillColor: shareColour(f.properties.covered_share), fillOpacity: 0.4,
          className: "coverage-grid"
        };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindPopup(popup([
          [words.grids || "grid", p.code + " " + p.name],
          [words.share || "share", Math.round(p.covered_share * 100) + "%"],
          [words.stations || "stations", p.stations_inside],
          [words.demand || "demand", p.demand]
        ]));
      }
    }).addTo(map);
    overlays[words.demand || "demand"] = L.geoJSON(layerOf(features, "demand"), {
      pointToLayer: function (f, at) {
        return L.circleMarker(at, { radius: 3, color: "#7b3294", weight: 1, fillOpacity: 0.7 });
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(popup([[words.weight || "weight", f.properties.weight]]));
      }
    }).addTo(map);
    overlays[words.stations || "stations"] = L.geoJSON(layerOf(features, "stations"), {
      pointToLayer: function (f, at) {
        return L.circleMarker(at, { radius: 5, color: "#08519c", weight: 2, fillOpacity: 0.9 });
      }
    }).addTo(map);
    overlays[words.sites || "sites"] = L.geoJSON(layerOf(features, "sites"), {
      pointToLayer: function (f, at) {
        return L.circleMarker(at, {
          radius: 8, color: "#000", weight: 2, fillColor: "#ffd700", fillOpacity: 1, className: "coverage-site"
        });
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindPopup(popup([["#" + p.rank, lang === "en" ? p.reason_en : p.reason_zh]]));
      }
    }).addTo(map);
    L.control.layers(null, overlays, { collapsed: window.innerWidth < 600 }).addTo(map);
    var bounds = district.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds);
    }
    element.setAttribute("data-ready", String(features.length));
  }

  fetch(element.getAttribute("data-layers"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      element.setAttribute("data-ready", "error");
      var note = document.createElement("p");
      note.textContent = lang === "en" ? "The map layers could not be loaded." : "地图图层加载失败。";
      element.appendChild(note);
    });
})();
