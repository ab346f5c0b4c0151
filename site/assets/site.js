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
