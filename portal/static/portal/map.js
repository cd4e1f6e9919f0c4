// The bays near the shop on an OpenStreetMap background. The list on the page
// is the real content; when Leaflet or the tiles cannot load, it stays useful.
(function () {
  var el = document.getElementById("map");
  var status = document.getElementById("map-status");
  var data = JSON.parse(document.getElementById("map-data").textContent);
  if (!el || typeof L === "undefined") { if (status) status.textContent = data.offline; return; }
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
  var points = [];
  if (data.shop) {
    L.circleMarker(data.shop, { radius: 9, color: "#0b5d3b", fillOpacity: 0.9 }).addTo(map).bindPopup(data.shopName);
    points.push(data.shop);
  }
  var markers = {};
  data.bays.forEach(function (bay) {
    markers[bay.code] = L.marker([bay.lat, bay.lon], { title: bay.code, alt: bay.code })
      .addTo(map).bindPopup(bay.label);
    points.push([bay.lat, bay.lon]);
  });
  // The list's bay codes become buttons that show the bay on the map: a keyboard
  // (Enter or Space) reaches every bay without pointing at a marker.
  document.querySelectorAll("button.show-bay").forEach(function (button) {
    var marker = markers[button.dataset.bay];
    if (!marker) return;
    button.hidden = false;
    button.nextElementSibling.hidden = true;
    button.addEventListener("click", function () {
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 17));
      marker.openPopup();
      if (status) status.textContent = button.dataset.bay + ": " + marker.getPopup().getContent();
    });
  });
  if (points.length) map.fitBounds(points, { padding: [30, 30], maxZoom: 17 });
  else map.setView([52.158, 4.492], 15);
  if (data.pick) {
    // On the profile page: click to set the shop's point.
    var marker = data.shop ? null : undefined;
    map.on("click", function (e) {
      document.getElementById("id_latitude").value = e.latlng.lat.toFixed(6);
      document.getElementById("id_longitude").value = e.latlng.lng.toFixed(6);
      if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
    });
  }
})();
