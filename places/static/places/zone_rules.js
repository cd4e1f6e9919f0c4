// The zone and its bays on an OpenStreetMap background. Without tiles (or without
// Leaflet) the outline and markers still show, and the tables stay the real content.
(function () {
  var el = document.getElementById("zone-map");
  var status = document.getElementById("map-status");
  var source = document.getElementById("map-data");
  if (!el || !source) return;
  var data = JSON.parse(source.textContent);
  if (typeof L === "undefined") { if (status) status.textContent = data.offline; return; }
  L.Icon.Default.imagePath = data.images;
  var map = L.map(el, { scrollWheelZoom: false });
  var tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "&copy; OpenStreetMap"
  }).addTo(map);
  var loaded = false;
  tiles.on("tileload", function () { loaded = true; });
  tiles.on("tileerror", function () { if (status && !loaded) status.textContent = data.offline; });
  // Offline, a tile request may hang instead of failing: say so after a while.
  window.setTimeout(function () { if (status && !loaded) status.textContent = data.offline; }, 4000);
  var bounds = [];
  if (data.boundary) {
    var outline = L.geoJSON(data.boundary, { style: { color: "#0b5d3b", weight: 2, fillOpacity: 0.08 } })
      .addTo(map);
    var box = outline.getBounds();
    if (box.isValid()) bounds.push(box.getSouthWest(), box.getNorthEast());
  }
  data.bays.forEach(function (bay) {
    L.marker([bay.lat, bay.lon], { title: bay.code, alt: bay.code }).addTo(map).bindPopup(bay.label);
    bounds.push([bay.lat, bay.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
  else map.setView([52.158, 4.492], 14);
})();
