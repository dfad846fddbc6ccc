/* pupilstats dashboard: sortable tables, the school search and phase filter, and the table's
   scroll cue. Inlined into the page; the page reads fine without it.
   Each sortable column header holds a <button>; activating it (click, Enter or Space) sorts by
   that column, toggling ascending/descending, and sets aria-sort on the header. Numbers sort
   by their data-value; symbols (suppressed, not applicable) always sort last. */
(function () {
  "use strict";
  function key(cell) {
    if (!cell) return { missing: true, n: 0, t: "" };
    var v = cell.getAttribute("data-value");
    if (v !== null && v !== "") return { missing: false, n: parseFloat(v), t: "" };
    if (cell.hasAttribute("data-symbol")) return { missing: true, n: 0, t: "" };
    return { missing: false, n: NaN, t: (cell.textContent || "").trim().toLowerCase() };
  }
  function compare(a, b, dir) {
    if (a.missing !== b.missing) return a.missing ? 1 : -1;
    if (a.missing) return 0;
    var r = (!isNaN(a.n) && !isNaN(b.n)) ? a.n - b.n : a.t.localeCompare(b.t, "en", { numeric: true });
    return dir * r;
  }
  function sortTable(table, col, th) {
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) { return compare(key(r1.cells[col]), key(r2.cells[col]), dir); });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var live = document.getElementById(table.id + "-status");
    if (live) live.textContent = "Sorted by " + th.textContent.trim() + ", " +
      (dir === 1 ? "ascending" : "descending") + ".";
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () { sortTable(table, col, th); });
    });
  });
  var form = document.getElementById("school-filters");
  var table = document.getElementById("school-table");
  if (form && table) {
    var search = document.getElementById("school-search");
    var phase = document.getElementById("school-phase");
    var status = document.getElementById("school-filter-status");
    form.hidden = false;
    var filter = function () {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = phase ? phase.value : "";
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.getAttribute("data-search") || "";
        var match = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
          (!wanted || row.getAttribute("data-phase") === wanted);
        row.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = !words.length && !wanted ? "" :
        (shown ? "Showing the schools that match." : "No school matches.");
    };
    search.addEventListener("input", filter);
    if (phase) phase.addEventListener("change", filter);
  }
  var cue = document.getElementById("school-table-cue");
  if (cue && table) {
    var wrap = table.parentNode;
    var fit = function () { cue.classList.toggle("fits", wrap.scrollWidth <= wrap.clientWidth + 1); };
    fit();
    window.addEventListener("resize", fit);
  }
})();
