// claimledger workspace: the only script besides htmx (the Content-Security-Policy allows no inline script).
// htmx requests that write carry the session's CSRF token in a header, as forms carry it in a field.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrf;
  if (token && event.detail.verb !== "get") {
    event.detail.headers["X-CSRF-Token"] = token;
  }
});

// The incident's place on a map: Leaflet over the vendored Natural Earth country outlines (no tile server,
// nothing fetched from elsewhere). The place name goes in as text, never as HTML.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("map");
  if (!el || !window.L) {
    return;
  }
  var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { zoomSnap: 0.5 }).setView(at, 6);
  map.attributionControl.addAttribution("Natural Earth");
  fetch("/static/vendor/countries.geojson", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (g) {
      L.geoJSON(g, { interactive: false, style: { color: "#999", weight: 1, fillColor: "#eef0ea", fillOpacity: 1 } })
        .addTo(map).bringToBack();
      el.dataset.ready = "1";
    });
  var label = document.createElement("span");
  label.textContent = el.dataset.name || "";
  L.circleMarker(at, { radius: 8, color: "#a11", fillOpacity: 0.8 }).addTo(map).bindTooltip(label, { permanent: true });
});
