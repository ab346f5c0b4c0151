// Filters on the targets page; nothing else needs script. No network requests.
(function () {
  var table = document.getElementById("targets");
  if (!table) return;
  var prov = document.getElementById("f-province"), stat = document.getElementById("f-status"),
      text = document.getElementById("f-text"), count = document.getElementById("f-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function apply() {
    var p = prov.value, s = stat.value, q = text.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (r) {
      var ok = (!p || r.getAttribute("data-province") === p) && (!s || r.getAttribute("data-status") === s) &&
               (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " / " + rows.length;
  }
  [prov, stat, text].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  apply();
})();

// Phones: every data table reads as cards, each cell labelled with its column header (CSS below 40rem).
(function () {
  var tables = document.querySelectorAll("table.data-table, table.overview");
  Array.prototype.forEach.call(tables, function (t) {
    if (!t.tHead || !t.tHead.rows.length) return;
    var head = t.tHead.rows[t.tHead.rows.length - 1], labels = [];
    for (var i = 0; i < head.cells.length; i++) labels.push(head.cells[i].textContent.trim());
    Array.prototype.forEach.call(t.tBodies, function (tb) {
      Array.prototype.forEach.call(tb.rows, function (r) {
        for (var j = 0; j < r.cells.length && j < labels.length; j++) {
          if (labels[j]) r.cells[j].setAttribute("data-label", labels[j]);
        }
      });
    });
    t.classList.add("cards-ready");
  });
})();
