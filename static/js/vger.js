// Vger's small progressive script: pages work without it. Later views add
// chart tooltips and drag-to-zoom here; nothing runs inline (CSP forbids it).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
})();
