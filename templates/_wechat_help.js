/* Station page, inside WeChat only (its user agent says MicroMessenger): show the hint
 * and the copy-address button near the navigation links. WeChat's browser keeps the map
 * apps from opening (the map's web page opens, or WeChat's own "open in browser" wall),
 * so the rider can take the address to a map app by hand. The clipboard may be refused
 * (no permission, not https, an older WebView): then the old copy command, and if that
 * fails too, the text is shown selected for a press-and-hold copy. Any other browser
 * sees the page unchanged. Text comes from data attributes (escaped by the template). */
(function () {
  "use strict";
  var box = document.getElementById("wechat-help");
  if (!box || !/MicroMessenger/i.test(navigator.userAgent || "")) { return; }
  box.hidden = false;
  var button = box.querySelector(".copy-address");
  var status = box.querySelector(".copy-status");
  var spare = box.querySelector(".copy-spare");
  function copied() {
    spare.hidden = true;
    status.textContent = box.getAttribute("data-copied");
  }
  function byHand(text) {
    spare.value = text;
    spare.hidden = false;
    spare.focus();
    spare.select();
    status.textContent = box.getAttribute("data-refused");
  }
  function commandCopy(text) {
    spare.value = text;
    spare.hidden = false;
    spare.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    if (ok) { copied(); } else { byHand(text); }
  }
  button.addEventListener("click", function () {
    var text = button.getAttribute("data-copy");
    status.textContent = "";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(copied, function () { commandCopy(text); });
    } else {
      commandCopy(text);
    }
  });
})();
