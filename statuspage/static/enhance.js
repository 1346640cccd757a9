/* Optional enhancement; the page is complete without it.
   Adds the reader's own local time next to times shown in the site's zone. */
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var siteZone = document.documentElement.getAttribute("data-time-zone");
  if (!zone || zone === siteZone || zone === "UTC" || zone === "Etc/UTC") { return; }
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    timeZoneName: "short"
  });
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i += 1) {
    var when = new Date(times[i].getAttribute("datetime"));
    if (isNaN(when.getTime())) { continue; }
    var note = document.createElement("span");
    note.className = "viewer-time";
    note.textContent = " (your time: " + format.format(when) + ")";
    times[i].parentNode.insertBefore(note, times[i].nextSibling);
  }
}());
