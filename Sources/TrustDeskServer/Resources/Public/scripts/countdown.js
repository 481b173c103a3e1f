// Live due countdowns on the staff ticket page (support/staff-ticket.leaf). The page works
// without this script: the server writes each countdown as it stood when the page was made
// (TrustDeskCore.DueCountdown). The script only keeps them current, with the same wording and
// rounding as DueCountdown: "in 1 h 20 min", rounded down while running; "breached 12 min
// ago", rounded up, and red, once the due time has passed. It counts from the server's clock
// (data-now on the list), not the browser's, so a wrong clock on a laptop doesn't move it.
(function () {
  "use strict";

  function span(minutes) {
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    if (days > 0) return hours > 0 ? days + " d " + hours + " h" : days + " d";
    if (hours > 0) return rest > 0 ? hours + " h " + rest + " min" : hours + " h";
    return rest + " min";
  }

  function text(seconds) {
    var breached = seconds <= 0;
    var minutes = breached ? Math.ceil(-seconds / 60) : Math.floor(seconds / 60);
    if (breached) return { text: "breached " + span(minutes) + " ago", breached: true };
    return { text: minutes === 0 ? "in under 1 min" : "in " + span(minutes), breached: false };
  }

  function start() {
    var list = document.querySelector("[data-now]");
    if (!list) return;
    var serverNow = Date.parse(list.getAttribute("data-now"));
    if (isNaN(serverNow)) return;
    var skew = serverNow - Date.now();
    var clocks = list.querySelectorAll(".countdown[data-due][data-ticking]");
    function tick() {
      var now = Date.now() + skew;
      for (var i = 0; i < clocks.length; i++) {
        var due = Date.parse(clocks[i].getAttribute("data-due"));
        if (isNaN(due)) continue;
        var shown = text((due - now) / 1000);
        if (clocks[i].textContent !== shown.text) clocks[i].textContent = shown.text;
        clocks[i].classList.toggle("breached", shown.breached);
      }
    }
    tick();
    window.setInterval(tick, 15000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
