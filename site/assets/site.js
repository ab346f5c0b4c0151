// Text as a reader may type it: lower case, without diacritics ("Đào tạo" and "dao tao" are the same).
function foldText(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
          .toLowerCase().replace(/\s+/g, " ");
}

// Filters on the targets page. No network requests.
(function () {
  var table = document.getElementById("targets");
  if (!table || table.tagName !== "TABLE") return;
  var prov = document.getElementById("f-province"), stat = document.getElementById("f-status"),
      text = document.getElementById("f-text"), count = document.getElementById("f-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var folded = rows.map(function (r) { return foldText(r.textContent); });
  function apply() {
    var p = prov.value, s = stat.value, q = foldText(text.value.trim()), shown = 0;
    rows.forEach(function (r, i) {
      var ok = (!p || r.getAttribute("data-province") === p) && (!s || r.getAttribute("data-status") === s) &&
               (!q || folded[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " / " + rows.length;
  }
  [prov, stat, text].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  apply();
  // a link to a search record opens it (each record is written once, folded under the table)
  function openRecord() {
    var li = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var d = li && li.querySelector("details");
    if (d) d.open = true;
  }
  window.addEventListener("hashchange", openRecord);
  openRecord();
})();

// The progress grid: sort by a column (status order, then name), filter by region; the whole country stays first.
(function () {
  var grid = document.getElementById("progress-grid");
  if (!grid) return;
  var body = grid.querySelector("tbody.provinces"), region = document.getElementById("g-region");
  var rows = Array.prototype.slice.call(body.rows), last = -1, up = true;
  function key(r, col) {
    var c = r.cells[col];
    return c ? c.getAttribute("data-sort") : "";
  }
  Array.prototype.forEach.call(grid.tHead.querySelectorAll("button[data-col]"), function (b) {
    b.addEventListener("click", function () {
      var col = +b.getAttribute("data-col");
      up = col === last ? !up : true;
      last = col;
      rows.sort(function (x, y) {
        var a = key(x, col), z = key(y, col), d = col === 0 ? a.localeCompare(z, "vi") : (+a) - (+z);
        if (!d) d = key(x, 0).localeCompare(key(y, 0), "vi");
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      Array.prototype.forEach.call(grid.tHead.querySelectorAll("th"), function (th) { th.removeAttribute("aria-sort"); });
      b.parentNode.setAttribute("aria-sort", up ? "ascending" : "descending");
    });
  });
  if (region) region.addEventListener("change", function () {
    var v = region.value;
    rows.forEach(function (r) {
      r.hidden = !!v && (" " + r.getAttribute("data-regions") + " ").indexOf(" " + v + " ") < 0;
    });
  });
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

// Interactive charts (plotly.js shipped in assets/, beside this script): loaded only on a page with a chart, at
// the moment a chart comes into view; until then a report chart shows its static image and an indicator chart
// keeps its place. The figure is in data-figure. PNG and SVG download links draw their chart first if needed.
// On a narrow screen the tool bar is hidden (it would cover the chart's title); the page links the files.
(function () {
  var charts = document.querySelectorAll(".plotly-chart[data-figure]");
  if (!charts.length) return;
  var me = document.currentScript, waiting = [], requested = false;
  var src = ((me && me.src) || "").replace(/site\.js(\?.*)?$/, "plotly.min.js");
  var narrow = !!(window.matchMedia && window.matchMedia("(max-width: 50rem)").matches);
  function withPlotly(fn) {
    if (typeof Plotly !== "undefined") { fn(); return; }
    waiting.push(fn);
    if (requested) return;
    requested = true;
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = function () { var w = waiting; waiting = []; w.forEach(function (f) { f(); }); };
    document.head.appendChild(s);
  }
  window.analysisWithPlotly = withPlotly;  // for the indicator pages' controls below
  function imageBefore(el) {  // the static image a report chart's interactive twin takes the place of
    var out = el.classList.contains("static-twin") && el.closest(".output_area, .jp-OutputArea-child");
    var prev = out && out.previousElementSibling;
    return prev && prev.querySelector("img") ? prev : null;
  }
  function fitTitle(fig, width) {  // the title in lines that fit the chart's width (a phone's is narrow)
    var t = fig.layout.title, size = (t && t.font && t.font.size) || 14;
    if (!t || !t.text || !width) return;
    var old = t.text.split("<br>"), max = Math.max(16, Math.floor(width / (size * 0.56))), lines = [], cur = "";
    old.join(" ").split(" ").forEach(function (w) {
      if (cur && (cur + " " + w).length > max) { lines.push(cur); cur = w; } else { cur = cur ? cur + " " + w : w; }
    });
    if (cur) lines.push(cur);
    var extra = (lines.length - old.length) * Math.round(size * 1.3);
    if (extra <= 0) return;
    t.text = lines.join("<br>");
    fig.layout.margin = fig.layout.margin || {};
    fig.layout.margin.t = (fig.layout.margin.t || 80) + extra;
    if (fig.layout.height) fig.layout.height += extra;
  }
  function fitSource(fig, width) {  // the source line in lines that fit the chart; under the plot, below the legend
    var layout = fig.layout, m = layout.margin || {}, note = null;
    (layout.annotations || []).forEach(function (a) { if (a.name === "source") note = a; });
    if (!note || !width || !layout.height) return;
    // it starts at the plot's left edge: its lines fit what is right of it (10 px font, ~5.8 px a letter)
    var words = note.text.split(" "), max = Math.max(20, Math.floor((width - (m.l || 60)) / 5.8)), lines = [];
    var cur = "";
    words.forEach(function (w) {
      if (cur && (cur + " " + w).length > max) { lines.push(cur); cur = w; } else { cur = cur ? cur + " " + w : w; }
    });
    if (cur) lines.push(cur);
    note.text = lines.join("<br>");
    note.align = "left";
    layout.margin = m;
    if (note.yanchor === "bottom") {  // over the plot: the top margin grows by the added lines
      var extra = (lines.length - 1) * 13;
      m.t = (m.t || 80) + extra;
      layout.height += extra;
      return;
    }
    var inner = width - (m.l || 60) - (m.r || 20), x = 0, rows = layout.showlegend ? 1 : 0;
    fig.data.forEach(function (t) {  // plotly's legend: a symbol (40 px) and the name (12 px font), item after item
      if (!layout.showlegend || t.showlegend === false || !t.name) return;
      var w = 50 + String(t.name).replace(/<[^>]*>/g, "").length * 6.6;
      if (x && x + w > inner) { rows += 1; x = 0; }
      x += w;
    });
    var plot = layout.height - (m.t || 80) - (m.b || 80);
    var below = Math.round(0.2 * plot) + rows * 20 + 8;  // the legend hangs from y = -0.2 of the plot's height
    var shift = Math.max(-note.yshift || 0, below), need = shift + lines.length * 13 + 8;
    note.yshift = -shift;
    if (need > (m.b || 80)) { layout.height += need - (m.b || 80); m.b = need; }
  }
  window.analysisFitTitle = function (fig, width) { fitTitle(fig, width); fitSource(fig, width); };  // and redraws
  window.analysisPlotConfig = {responsive: true, displaylogo: false, displayModeBar: narrow ? false : "hover"};
  function draw(el, then) {
    withPlotly(function () {
      if (!el._drawn) {
        var fig = JSON.parse(el.getAttribute("data-figure"));
        fitTitle(fig, el.clientWidth);
        fitSource(fig, el.clientWidth);
        el._drawn = Plotly.newPlot(el, fig.data, fig.layout, window.analysisPlotConfig);
        el.style.minHeight = "";
        var img = imageBefore(el);
        if (img) img.classList.add("replaced-by-twin");
      }
      if (then) el._drawn.then(then);
    });
  }
  var seen = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting) return;
      seen.unobserve(e.target);
      draw(e.target._chart);
    });
  }, {rootMargin: "150px 0px"}) : null;
  Array.prototype.forEach.call(charts, function (el) {
    if (typeof Plotly !== "undefined" || !seen) { draw(el); return; }  // library already on the page: draw now
    var watch = imageBefore(el) || el;
    if (watch === el) {  // no image to show meanwhile: keep the chart's place so the page does not jump
      var h = /"height":\s*(\d+)/.exec(el.getAttribute("data-figure"));
      el.style.minHeight = (h ? h[1] : 400) + "px";
    }
    watch._chart = el;
    seen.observe(watch);
  });
  var links = document.querySelectorAll("a[data-plot-download]");
  Array.prototype.forEach.call(links, function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var el = document.getElementById(a.getAttribute("data-plot"));
      draw(el, function () {
        Plotly.downloadImage(el, {format: a.getAttribute("data-plot-download"), filename: el.id,
                                  width: 1000, height: 520});
      });
    });
  });
})();

// Indicator pages: a year control redraws the bar chart for that year; picking provinces draws their yearly
// series instead (the data and titles, in the page's language, are in data-grapher).
(function () {
  // the chart library is loaded when a chart is first shown (above): a control waits for it
  var withPlotly = window.analysisWithPlotly || function (fn) { if (typeof Plotly !== "undefined") fn(); };
  Array.prototype.forEach.call(document.querySelectorAll(".plotly-chart[data-grapher]"), function (el) {
    var g = JSON.parse(el.getAttribute("data-grapher")), base = JSON.parse(el.getAttribute("data-figure"));
    var box = el.closest("figure"), year = box.querySelector(".g-year"), pick = box.querySelector(".g-provinces");
    var bar = base.data[0];
    function draw() {
      var layout = JSON.parse(JSON.stringify(base.layout)), picked = [], traces;
      Array.prototype.forEach.call(pick.options, function (o) { if (o.selected) picked.push(o.value); });
      if (picked.length) {
        traces = picked.map(function (n) {
          return {type: "scatter", mode: "lines+markers", name: n, x: g.series[n].map(function (p) { return p[0]; }),
                  y: g.series[n].map(function (p) { return p[1]; }),
                  hovertemplate: n.replace(/</g, "&lt;") + ", %{x}: %{y:,.2~f} " + g.unit + "<extra></extra>"};
        });
        layout.title.text = g.line_title;
        layout.xaxis = {tickformat: "d"};
        layout.showlegend = true;
      } else {
        var d = g.years[year.value];
        traces = [Object.assign({}, bar, {x: d.x, y: d.y})];
        layout.title.text = d.title;
      }
      withPlotly(function () {
        var fig = {data: traces, layout: layout};
        if (window.analysisFitTitle) window.analysisFitTitle(fig, el.clientWidth);  // no tool bar over it on a phone
        Plotly.react(el, traces, fig.layout, window.analysisPlotConfig || {responsive: true, displaylogo: false});
        el.setAttribute("data-shown", picked.length ? "series" : "year-" + year.value);
      });
    }
    year.addEventListener("change", function () { Array.prototype.forEach.call(pick.options, function (o) { o.selected = false; }); draw(); });
    pick.addEventListener("change", draw);
    box.querySelector(".g-clear").addEventListener("click", function () {
      Array.prototype.forEach.call(pick.options, function (o) { o.selected = false; }); draw();
    });
  });
})();

// Cite boxes: when the page is read from a server, put its full address into the reference and the BibTeX.
(function () {
  if (!/^https?:$/.test(location.protocol)) return;
  var here = location.href.split("#")[0];
  Array.prototype.forEach.call(document.querySelectorAll("details.cite"), function (box) {
    var ref = box.querySelector(".cite-ref"), rel = ref && ref.getAttribute("data-cite-url");
    if (!rel) return;
    Array.prototype.forEach.call(box.querySelectorAll(".cite-ref, .cite-bib"), function (el) {
      el.innerHTML = el.innerHTML.split(rel).join(here);
    });
  });
})();

// Cite boxes: the access date is the reader's own (the page was built on another day): today's date, in the
// page's language, in place of the placeholder; the BibTeX's urldate as YYYY-MM-DD.
(function () {
  var now = new Date(), lang = document.documentElement.lang === "vi" ? "vi-VN" : "en-GB";
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var iso = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  var text = now.toLocaleDateString(lang, {day: "numeric", month: lang === "vi-VN" ? "2-digit" : "long",
                                           year: "numeric"});
  Array.prototype.forEach.call(document.querySelectorAll(".cite-accessed"), function (el) { el.textContent = text; });
  Array.prototype.forEach.call(document.querySelectorAll(".cite-urldate"), function (el) { el.textContent = iso; });
})();
