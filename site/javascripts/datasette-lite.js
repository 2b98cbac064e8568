// Datasette Lite links (class "datasette-lite") need the absolute address of this site's yusuan.db.
// Without a configured site_url the build cannot know it, so it is completed here from the page address.
(function () {
  function complete() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    var database = new URL(base + "/yusuan.db", window.location.href).href;
    document.querySelectorAll("a.datasette-lite").forEach(function (link) {
      link.href = link.href.replace(/\?url=[^#]*/, "?url=" + encodeURIComponent(database));
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(complete);
  } else {
    document.addEventListener("DOMContentLoaded", complete);
  }
})();
