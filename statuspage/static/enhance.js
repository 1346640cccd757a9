/* Optional enhancement; the page is complete without it (every time is written out,
   every day of a bar is a link to its figures on the component's calendar).
   - times: how long ago ("5 minutes ago"), and the reader's own local time when
     it differs from the site's zone;
   - day bars: a tap or click on a day shows its figures in place, read from the
     component's uptime JSON (same origin), with buttons to step to the day before
     or after and the link to the calendar. */
(function () {
  "use strict";

  // [unit, its length in seconds, from how far away it is used]: days up to two
  // weeks ("9 days ago" says more than "last week").
  var RELATIVE_UNITS = [["year", 31536000, 31536000], ["month", 2592000, 5184000],
    ["week", 604800, 1209600], ["day", 86400, 86400], ["hour", 3600, 3600],
    ["minute", 60, 60]];

  function relativeText(format, when, now) {
    var seconds = (when.getTime() - now.getTime()) / 1000;
    for (var i = 0; i < RELATIVE_UNITS.length; i += 1) {
      if (Math.abs(seconds) >= RELATIVE_UNITS[i][2]) {
        return format.format(Math.round(seconds / RELATIVE_UNITS[i][1]), RELATIVE_UNITS[i][0]);
      }
    }
    return format.format(0, "second");  // "now"
  }

  function addTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) { return; }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var siteZone = document.documentElement.getAttribute("data-time-zone");
    var ownZone = zone && zone !== siteZone && zone !== "UTC" && zone !== "Etc/UTC";
    var local = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short"
    });
    var relative = Intl.RelativeTimeFormat ?
      new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
    var times = document.querySelectorAll("time[data-local]");
    var notes = [];
    for (var i = 0; i < times.length; i += 1) {
      var when = new Date(times[i].getAttribute("datetime"));
      if (isNaN(when.getTime())) { continue; }
      var note = document.createElement("span");
      note.className = "viewer-time";
      times[i].parentNode.insertBefore(note, times[i].nextSibling);
      notes.push({ note: note, when: when, local: ownZone ? local.format(when) : null });
    }
    function refresh() {
      var now = new Date();
      for (var j = 0; j < notes.length; j += 1) {
        var parts = [];
        if (relative) { parts.push(relativeText(relative, notes[j].when, now)); }
        if (notes[j].local) { parts.push("your time: " + notes[j].local); }
        notes[j].note.textContent = parts.length ? " (" + parts.join("; ") + ")" : "";
      }
    }
    refresh();
    if (relative && notes.length) { window.setInterval(refresh, 60000); }
  }

  var uptimeCache = {};

  function uptime(url) {
    if (!url) { return Promise.reject(new Error("no API beside this page")); }
    if (!uptimeCache[url]) {
      uptimeCache[url] = window.fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        });
    }
    return uptimeCache[url];
  }

  // "/components/api#g0907" -> "/api/v2/components/api/uptime.json" (served pages only:
  // in a static export the link is relative, the fetch fails and the link remains).
  function uptimeUrl(link) {
    var path = link.getAttribute("href").split("#")[0];
    return path.charAt(0) === "/" ? "/api/v2" + path + "/uptime.json" : null;
  }

  // "2026-12-04" -> "Fri, 4 Dec 2026" in the reader's language (a calendar date: no zone).
  function dayText(iso) {
    if (!window.Intl || !Intl.DateTimeFormat) { return iso; }
    var when = new Date(iso + "T00:00:00Z");
    if (isNaN(when.getTime())) { return iso; }
    return new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC"
    }).format(when);
  }

  function line(text, strong) {
    var p = document.createElement("p");
    if (strong) {
      var b = document.createElement("strong");
      b.textContent = text;
      p.appendChild(b);
    } else {
      p.textContent = text;
    }
    return p;
  }

  // A component without a check has no measured availability: its day is its
  // reported status, worded as the bar's own label words it.
  function figureText(day) {
    if (day.availability_percent === null) { return "No data"; }
    if (day.source === "reported_status") {
      return "Uptime " + day.availability_percent + " % (from reported status)";
    }
    return "Availability " + day.availability_percent + " %";
  }

  function closePopover(bar) {
    var open = bar.parentNode.querySelector(".day-pop");
    if (open) { open.parentNode.removeChild(open); }
    var expanded = bar.querySelector("a[aria-expanded]");
    if (expanded) { expanded.removeAttribute("aria-expanded"); }
  }

  // One popover at a time, so Escape has one to close.
  function closeAll() {
    var open = document.querySelectorAll(".days a[aria-expanded]");
    for (var i = 0; i < open.length; i += 1) { closePopover(open[i].parentNode); }
  }

  // The bar's one tab stop follows the day shown, so Tab and Escape come back to it.
  function makeCurrent(bar, link) {
    for (var i = 0; i < bar.children.length; i += 1) {
      bar.children[i].setAttribute("tabindex", bar.children[i] === link ? "0" : "-1");
    }
  }

  // A day's stripe is about 2.5 px wide on a phone: a finger that lands a day off
  // steps to the right one with these instead of aiming again. After a step the
  // same button of the new popover has the focus (the other one at the bar's end).
  function stepButton(bar, index, step) {
    var button = document.createElement("button");
    var name = step < 0 ? "day-pop-previous" : "day-pop-next";
    button.type = "button";
    button.className = name;
    button.textContent = step < 0 ? "Previous day" : "Next day";
    if (!bar.children[index + step]) { button.disabled = true; return button; }
    button.addEventListener("click", function () {
      showDay(bar, index + step);
      var pop = bar.parentNode.querySelector(".day-pop");
      var same = pop.querySelector("." + name);
      (same.disabled ? pop.querySelector("." + (step < 0 ? "day-pop-next" : "day-pop-previous"))
        : same).focus();
    });
    return button;
  }

  function showDay(bar, index) {
    var link = bar.children[index];
    closeAll();
    makeCurrent(bar, link);
    var pop = document.createElement("div");
    pop.className = "day-pop";
    pop.setAttribute("role", "status");
    var body = document.createElement("div");
    body.appendChild(line("Loading…", false));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "day-pop-close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "×";
    close.addEventListener("click", function () { closePopover(bar); link.focus(); });
    var steps = document.createElement("p");
    steps.className = "day-pop-steps";
    steps.appendChild(stepButton(bar, index, -1));
    steps.appendChild(stepButton(bar, index, 1));
    var more = document.createElement("a");
    more.href = link.getAttribute("href");
    more.textContent = "Open this day on the calendar";
    pop.appendChild(close);
    pop.appendChild(body);
    pop.appendChild(steps);
    pop.appendChild(more);
    bar.parentNode.insertBefore(pop, bar.nextSibling);
    link.setAttribute("aria-expanded", "true");
    uptime(uptimeUrl(link)).then(function (data) {
      var day = data.days[data.days.length - bar.children.length + index];
      body.textContent = "";
      if (!day) { throw new Error("no such day"); }
      body.appendChild(line(dayText(day.date), true));
      body.appendChild(line(figureText(day), false));
      if (day.sla_compliance_percent !== null) {
        body.appendChild(line("Within SLA " + day.sla_compliance_percent + " %", false));
      }
    }).catch(function () {
      body.textContent = "";
      body.appendChild(line("This day's figures are on the component's calendar.", false));
    });
  }

  function addPopovers() {
    if (!window.fetch || !window.Promise) { return; }
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest(".days a") : null;
      if (!link) { return; }
      var bar = link.parentNode;
      var index = Array.prototype.indexOf.call(bar.children, link);
      event.preventDefault();
      if (link.getAttribute("aria-expanded") === "true") { closePopover(bar); return; }
      showDay(bar, index);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var open = document.querySelector(".days a[aria-expanded]");
      if (open) { closePopover(open.parentNode); open.focus(); }
    });
  }

  // Without the script each day is a tab stop (90 per bar); with it a bar is one tab
  // stop (today) and the arrow keys, Home and End move along it.
  var MOVES = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };

  function addKeyboard() {
    var bars = document.querySelectorAll(".days");
    for (var i = 0; i < bars.length; i += 1) {
      var links = bars[i].children;
      for (var j = 0; j < links.length; j += 1) {
        links[j].setAttribute("tabindex", j === links.length - 1 ? "0" : "-1");
      }
    }
    document.addEventListener("keydown", function (event) {
      var link = event.target.closest ? event.target.closest(".days a") : null;
      if (!link || !(event.key in MOVES)) { return; }
      var links = link.parentNode.children;
      var at = Array.prototype.indexOf.call(links, link);
      var next = Math.max(0, Math.min(links.length - 1, at + MOVES[event.key]));
      event.preventDefault();
      link.setAttribute("tabindex", "-1");
      links[next].setAttribute("tabindex", "0");
      links[next].focus();
    });
  }

  addTimes();
  addPopovers();
  addKeyboard();
}());
