/* stationmap: the courier page's first steps, inline in <head> before any stylesheet
 * (an inline script after a stylesheet waits for it). It asks for the location and,
 * once it comes, for the nearest stations, while the page's own scripts are still on
 * their way; app.js takes both over (window.smBoot) and draws the list before it loads
 * the map's libraries. Nothing here ever rejects unhandled: a refused location or a
 * failed request is handed to app.js as it is. */
(function () {
  "use strict";
  var boot = {{ boot|tojson }};
  var S = window.smBoot = {};
  if (!boot.locate || !("geolocation" in navigator) || window.isSecureContext === false) {
    return;
  }
  S.position = new Promise(function (resolve) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      var q = new URLSearchParams();
      // The chips ticked in the address first, as app.js orders its question.
      boot.filters.forEach(function (pair) { q.set(pair[0], pair[1]); });
      q.set("lat", pos.coords.latitude.toFixed(6));
      q.set("lon", pos.coords.longitude.toFixed(6));
      q.set("k", String(boot.k));
      var url = boot.nearest + "?" + q.toString();
      var response = fetch(url, {credentials: "same-origin",
        headers: {"Accept": "application/json"}});
      response.catch(function () { /* app.js sees the failure on its own chain */ });
      S.answer = {url: url, response: response};
      resolve({position: pos});
    }, function (err) {
      resolve({error: err});
    }, boot.options);
  });
})();
