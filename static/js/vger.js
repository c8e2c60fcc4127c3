// Vger's small progressive script: pages work without it. Later views add
// chart tooltips and drag-to-zoom here; nothing runs inline (CSP forbids it).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Pages that show background work (a sync, a facts rebuild) ask to be
  // reloaded now and then, until it is done. Never while someone is
  // typing or has changed a form: their input would be lost.
  var every = parseInt(document.body && document.body.getAttribute("data-refresh"), 10);
  if (every > 0) {
    var touched = false;
    document.addEventListener("input", function () { touched = true; }, true);
    document.addEventListener("change", function () { touched = true; }, true);
    var tick = function () {
      var a = document.activeElement;
      var busy = a && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
      if (!touched && !busy && document.visibilityState === "visible") {
        window.location.reload();
        return;
      }
      window.setTimeout(tick, every * 1000);
    };
    window.setTimeout(tick, every * 1000);
  }

  // On a narrow screen the board's tabs scroll sideways: bring the current
  // one into view (Annotations and Settings sit at the far end).
  var tabs = document.querySelector("nav.tabs");
  var current = tabs && tabs.querySelector('[aria-current="page"]');
  if (current && tabs.scrollWidth > tabs.clientWidth) {
    var nav = tabs.getBoundingClientRect(), tab = current.getBoundingClientRect();
    tabs.scrollLeft += (tab.left + tab.width / 2) - (nav.left + nav.width / 2);
  }

  // After a failed save, take keyboard focus to the list of problems.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
})();
