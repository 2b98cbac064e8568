// The filter boxes of the browsing pages (pipeline/site/browse.py): the rows of the table after a box that
// do not contain the typed text are hidden. Text only: nothing typed is ever put into the page.
(function () {
  function setUp() {
    document.querySelectorAll("input.yusuan-filter").forEach(function (box) {
      var tables = Array.prototype.filter.call(document.querySelectorAll("table"), function (t) {
        return box.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
      });
      if (!tables.length || box.dataset.ready) return;
      box.dataset.ready = "1";
      var rows = tables[0].querySelectorAll("tbody tr");
      box.addEventListener("input", function () {
        var wanted = box.value.trim().toLowerCase();
        rows.forEach(function (row) {
          row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
        });
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
