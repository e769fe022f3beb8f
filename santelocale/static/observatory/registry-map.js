/* Registry map: the perimeters of the filtered contracts coloured by status family, and the contrats de
 * ville as an optional layer. Leaflet, no basemap. The element carries data-geojson-url (contracts),
 * data-city-url (contrats de ville; ?region= is added) and data-city-toggle (id of the checkbox).
 * After an htmx swap of the results, #registry-state gives the new addresses.
 * When drawn, the element gets data-loaded="N" (contracts) and data-city-loaded="N" (contrats de ville). */
(function () {
  "use strict";
  var FAMILIES = {
    PROJECT: { color: "#b34000", dashArray: "6 4" },
    ACTIVE: { color: "#000091", dashArray: null },
    ENDED: { color: "#666666", dashArray: "2 4" }
  };
  var CITY_STYLE = { color: "#ce0500", weight: 2, fill: false, dashArray: null };
  var FRANCE = [[41.2, -5.3], [51.2, 9.7]];

  /* Leaflet inserts a string tooltip as HTML; contract names come from users, so each tooltip gets an
   * element holding the name as text. */
  function textLabel(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function showError(element, error) {
    element.setAttribute("data-error", String(error));
    var note = document.createElement("p");
    note.className = "fr-error-text";
    note.textContent = "La carte n’a pas pu être chargée (" + error.message + ").";
    element.parentNode.insertBefore(note, element.nextSibling);
  }

  function init(element) {
    var map = L.map(element, { zoomSnap: 0.25, minZoom: 2, maxZoom: 14 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Registre Santé Locale ; contours IGN 2018, COG 2026 ; contrats de ville CGET/ANCT");
    map.fitBounds(FRANCE);
    var contracts = null;
    var cities = null;
    var contractsUrl = null;
    var cityRegion = element.getAttribute("data-region") || "";
    var toggle = document.getElementById(element.getAttribute("data-city-toggle"));

    function drawContracts(url) {
      if (url === contractsUrl) { return; }
      contractsUrl = url;
      element.setAttribute("aria-busy", "true");
      element.removeAttribute("data-loaded");
      getJSON(url).then(function (data) {
        if (contracts) { map.removeLayer(contracts); }
        contracts = L.geoJSON(data, {
          style: function (feature) {
            var family = FAMILIES[feature.properties.family] || FAMILIES.ACTIVE;
            return { color: family.color, weight: 2.5, dashArray: family.dashArray, fillColor: family.color, fillOpacity: 0.25 };
          },
          onEachFeature: function (feature, item) {
            var p = feature.properties;
            item.bindTooltip(textLabel(p.name + " — " + p.kind + ", " + p.status_label), { sticky: true });
            item.on("click", function () { window.location.href = p.url; });
          }
        }).addTo(map);
        var bounds = contracts.getBounds();
        map.fitBounds(bounds.isValid() ? bounds : FRANCE, { padding: [10, 10], maxZoom: 10 });
        element.removeAttribute("aria-busy");
        element.setAttribute("data-loaded", String(data.features.length));
      }).catch(function (error) { element.removeAttribute("aria-busy"); showError(element, error); });
    }

    function drawCities() {
      if (cities) { map.removeLayer(cities); cities = null; }
      element.removeAttribute("data-city-loaded");
      if (!toggle || !toggle.checked) { return; }
      var url = element.getAttribute("data-city-url") + (cityRegion ? "?region=" + encodeURIComponent(cityRegion) : "");
      getJSON(url).then(function (data) {
        if (!toggle.checked) { return; }
        if (cities) { map.removeLayer(cities); }
        cities = L.geoJSON(data, {
          style: function () { return CITY_STYLE; },
          onEachFeature: function (feature, item) {
            item.bindTooltip(textLabel("Contrat de ville : " + feature.properties.nom), { sticky: true });
          }
        }).addTo(map);
        cities.bringToBack();
        element.setAttribute("data-city-loaded", String(data.features.length));
      }).catch(function (error) { showError(element, error); });
    }

    if (toggle) { toggle.addEventListener("change", drawCities); }
    document.body.addEventListener("htmx:afterSettle", function () {
      var state = document.getElementById("registry-state");
      if (!state) { return; }
      drawContracts(state.getAttribute("data-geojson-url"));
      var region = state.getAttribute("data-region") || "";
      if (region !== cityRegion) { cityRegion = region; drawCities(); }
    });
    element.slMap = map;
    drawContracts(element.getAttribute("data-geojson-url"));
    if (toggle && toggle.checked) { drawCities(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-obs-map]").forEach(init);
  });
})();
