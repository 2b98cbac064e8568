// Sortable comparison tables (pipeline/site/compare.py): a table inside <div class="yusuan-sortable"> sorts by
// the column whose header is clicked, amounts as numbers (tablesort 5.6.0 and its number sort, MIT, vendored
// in javascripts/vendor/ so the site works offline).
(function () {
  function setUp() {
    if (typeof Tablesort === "undefined") return;
    document.querySelectorAll(".yusuan-sortable table").forEach(function (table) {
      if (table.dataset.sortable) return;
      table.dataset.sortable = "1";
      new Tablesort(table);
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
