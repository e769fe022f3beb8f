/* Santé Locale maps: Leaflet with no basemap, drawing the platform's own GeoJSON.
 * Every element carrying data-sl-map gets a map of the layer at data-geojson-url.
 * With data-zoomable, the layer is fetched again, more or less simplified, when the zoom level crosses
 * a threshold (?zoom=low|medium|high). When the layer for the current zoom is drawn, the element gets
 * data-loaded="N" (features); it loses it while another level is being fetched, and a late answer for a
 * level the map has left is dropped, so what is shown (and data-loaded) always matches the zoom. */
(function () {
  "use strict";
  var STYLES = {
    territoire: { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: 0.25 },
    subdivision: { color: "#666666", weight: 1, fillColor: "#e3e3fd", fillOpacity: 0.35 },
    qpv: { color: "#ce0500", weight: 1.5, fillColor: "#ce0500", fillOpacity: 0.45 }
  };
  var RAMP = ["#f5f5fe", "#e3e3fd", "#cacafb", "#a1a1f8", "#6a6af4", "#313178"];

  function zoomClass(z) { return z <= 6 ? "low" : z <= 8 ? "medium" : "high"; }

  function withZoom(url, zoom) { return url + (url.indexOf("?") >= 0 ? "&" : "?") + "zoom=" + zoom; }

  /* Leaflet inserts a string tooltip as HTML; names come from users (perimeters, contracts), so each
   * tooltip gets an element holding the name as text. */
  function textLabel(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function formatNumber(n) { return n === null || n === undefined ? "n.d." : n.toLocaleString("fr-FR"); }

  function colourFor(population, breaks) {
    if (population === null || population === undefined) { return "#dddddd"; }
    for (var i = 0; i < breaks.length; i++) { if (population <= breaks[i]) { return RAMP[i]; } }
    return RAMP[RAMP.length - 1];
  }

  function quantiles(values) {
    var sorted = values.filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var i = 1; i < RAMP.length; i++) { breaks.push(sorted[Math.floor(sorted.length * i / RAMP.length)] || 0); }
    return breaks;
  }

  function init(element) {
    var map = L.map(element, { zoomControl: true, attributionControl: true, zoomSnap: 0.25, minZoom: 2, maxZoom: 14 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Contours IGN 2018 simplifiés, COG 2026");
    map.setView([46.6, 2.4], 5);
    var baseUrl = element.getAttribute("data-geojson-url");
    var zoomable = element.hasAttribute("data-zoomable");
    var layer = null;
    var currentZoom = null;
    var fitted = false;
    var legend = null;

    function showLegend(breaks) {
      if (legend) { map.removeControl(legend); }
      legend = L.control({ position: "bottomleft" });
      legend.onAdd = function () {
        // Built as nodes and text, never innerHTML: nothing here is ever parsed as HTML.
        var box = L.DomUtil.create("div", "sl-map-legend leaflet-bar");
        var title = document.createElement("strong");
        title.textContent = "Population";
        box.appendChild(title);
        var lower = 0;
        for (var i = 0; i < RAMP.length; i++) {
          var upper = i < breaks.length ? breaks[i] : null;
          var label = upper === null ? "plus de " + formatNumber(lower) : formatNumber(lower) + " à " + formatNumber(upper);
          box.appendChild(document.createElement("br"));
          var swatch = document.createElement("span");
          swatch.className = "sl-swatch";
          swatch.style.background = RAMP[i];
          box.appendChild(swatch);
          box.appendChild(document.createTextNode(label));
          lower = upper;
        }
        return box;
      };
      legend.addTo(map);
    }

    function draw(data, zoom) {
      if (zoom !== currentZoom) { return; }  // a late answer: the map has moved to another level since
      if (layer) { map.removeLayer(layer); }
      var choropleth = zoomable;
      var breaks = choropleth ? quantiles(data.features.map(function (f) { return f.properties.population; })) : [];
      if (choropleth) { showLegend(breaks); }
      layer = L.geoJSON(data, {
        style: function (feature) {
          if (choropleth) {
            return { color: "#3a3a3a", weight: 0.6, fillColor: colourFor(feature.properties.population, breaks), fillOpacity: 0.85 };
          }
          return STYLES[feature.properties.role] || STYLES.territoire;
        },
        onEachFeature: function (feature, item) {
          var p = feature.properties;
          item.bindTooltip(textLabel(p.nom + (p.population !== undefined ? " — " + formatNumber(p.population) + " hab." : "")), { sticky: true });
          if (p.url) { item.on("click", function () { window.location.href = p.url; }); }
        }
      }).addTo(map);
      if (!fitted) {
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          // Not animated: a zoom change is known now (zoomend may start loading another level).
          if (zoomable) {
            map.fitBounds([[41.2, -5.3], [51.2, 9.7]], { animate: false });
          } else {
            map.fitBounds(bounds, { padding: [10, 10], animate: false });
          }
        }
        fitted = true;
      }
      if (zoom === currentZoom) { element.setAttribute("data-loaded", String(data.features.length)); }
    }

    function load() {
      var zoom = zoomable ? zoomClass(map.getZoom()) : (element.getAttribute("data-zoom") || "medium");
      if (zoom === currentZoom) { return; }
      currentZoom = zoom;
      element.removeAttribute("data-loaded");
      element.setAttribute("aria-busy", "true");
      fetch(withZoom(baseUrl, zoom), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          draw(data, zoom);
          if (zoom === currentZoom) { element.removeAttribute("aria-busy"); }
        })
        .catch(function (error) {
          element.removeAttribute("aria-busy");
          element.setAttribute("data-error", String(error));
          var note = document.createElement("p");
          note.className = "fr-error-text";
          note.textContent = "La carte n’a pas pu être chargée (" + error.message + ").";
          element.parentNode.insertBefore(note, element.nextSibling);
        });
    }

    if (zoomable) { map.on("zoomend", load); }
    element.slMap = map;
    load();
  }

  function fitFromButton(event) {
    var button = event.target.closest("[data-sl-fit]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("aria-controls"));
    var b = button.getAttribute("data-sl-fit").split(",").map(Number);
    if (target && target.slMap) { target.slMap.fitBounds([[b[0], b[1]], [b[2], b[3]]]); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-sl-map]").forEach(init);
    document.addEventListener("click", fitFromButton);
  });
})();
