"""Weight and load time of a province report on a simulated 4G phone, against the full plotly.js loaded on every page.

The site is served with gzip by a small local server (127.0.0.1); Debian's Chromium (Playwright) loads the page
with network emulation (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency) and 4x CPU throttling, with an empty
cache (first visit). Measured: bytes transferred (compressed, as served, headers included) until the load event,
the load event's time, and the bytes once every chart on the page has been scrolled into view and drawn.
"Before" is the same site with the old way of loading charts: the full plotly.js bundle of the python plotly
package, loaded by a script tag on every page with a chart and drawn at once (site.js draws every chart at once
when plotly.js is already on the page).

Run: python benchmarks/page_weight.py [--site site/_build] [--page vi/provinces/quang-ninh.html]
(without site/_build the site is assembled into a temporary folder from build/notebooks: `make notebooks` first).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import mimetypes
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml|x-ipynb)|image/svg)")
PAGE = "vi/provinces/quang-ninh.html"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed (level 6, as common web servers do) when the browser accepts it."""

    _cache: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        encoded = "gzip" in self.headers.get("Accept-Encoding", "") and COMPRESSIBLE.match(ctype)
        if encoded:
            key = (str(path), path.stat().st_mtime_ns)
            if key not in self._cache:
                self._cache[key] = gzip.compress(data, 6)
            data = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(data)))
        if encoded:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(data)


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve ``folder`` with gzip on 127.0.0.1 (a free port); returns its address and the server (to shut down)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


def measure(browser, url: str, throttle: bool = True, width: int = 390, height: int = 844) -> dict:
    """Open ``url`` in a new context (empty cache) on a simulated 4G phone: bytes (compressed) until the load
    event, the load event's time in seconds, the requests made until then; then every chart scrolled into view:
    the bytes of the whole visit and the number of charts drawn."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttle:
        cdp.send("Network.emulateNetworkConditions", PHONE_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    t0 = time.perf_counter()
    page.goto(url, wait_until="load", timeout=180_000)
    wall = time.perf_counter() - t0
    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart") / 1000
    at_load = dict(sizes)
    first = {"bytes": sum(at_load.values()), "load_s": load, "wall_s": wall,
             "requests": sorted(urls[r] for r in at_load)}
    n = page.locator(".plotly-chart[data-figure]").count()
    page.evaluate("""async () => {
        for (const el of document.querySelectorAll('.plotly-chart[data-figure]')) {
            const out = el.closest('.output_area, .jp-OutputArea-child');
            const img = out && out.previousElementSibling;
            (img && img.querySelector('img') ? img : el).scrollIntoView();
            await new Promise(r => setTimeout(r, 100));
        }
    }""")
    if n:
        page.wait_for_function(f"document.querySelectorAll('.plotly-chart.js-plotly-plot').length >= {n}",
                               timeout=180_000)
    page.wait_for_load_state("networkidle")
    first |= {"charts": n, "drawn": page.locator(".plotly-chart.js-plotly-plot").count(),
              "bytes_all_charts": sum(sizes.values()), "requests_all": sorted(set(urls.values()))}
    context.close()
    return first


def full_bundle_variant(site: Path, dest: Path) -> Path:
    """A copy of ``site`` that loads charts the old way: the full plotly.js bundle by a script tag on every page
    with a chart (before site.js, which then draws every chart at once)."""
    from analysis.site.chart_library import ASSET, full_bundle

    shutil.copytree(site, dest)
    shutil.copy2(full_bundle(), dest / "assets" / ASSET)
    for page in dest.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "plotly-chart" not in text:
            continue
        text, n = re.subn(r'<script src="([./]*)assets/site\.js"></script>',
                          rf'<script src="\1assets/{ASSET}"></script><script src="\1assets/site.js"></script>', text)
        assert n == 1, page
        page.write_text(text, encoding="utf-8")
    return dest


def _site(arg: str | None, tmp: Path) -> Path:
    site = Path(arg) if arg else ROOT / "site" / "_build"
    if site.is_dir():
        return site
    from analysis.site.build import build_site

    print("no built site: assembling one from build/notebooks (no Word files) …", flush=True)
    return build_site(tmp / "site", docx=False, calibration_series=60)


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", help="a built site (default: site/_build)")
    ap.add_argument("--page", default=PAGE)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from analysis.site.chart_library import bundle_version

    with tempfile.TemporaryDirectory() as tmp:
        site = _site(args.site, Path(tmp))
        before = full_bundle_variant(site, Path(tmp) / "before")
        lib = site / "assets" / "plotly.min.js"
        print(f"chart library shipped: {lib.stat().st_size / 1e6:.2f} MB "
              f"({'cartesian partial bundle' if 'cartesian' in lib.read_text(errors='replace')[:200] else 'full bundle'}"
              f" v{bundle_version(lib)}); full bundle: {(before / 'assets' / 'plotly.min.js').stat().st_size / 1e6:.2f} MB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            results = {}
            for name, folder in (("before: full plotly.js on load", before), ("after: partial bundle, lazy", site)):
                url, httpd = serve(folder)
                try:
                    results[name] = measure(browser, url + args.page)
                finally:
                    httpd.shutdown()
            browser.close()
    print(f"\n{args.page} on a simulated 4G phone (1.6 Mbit/s, 150 ms, CPU 4x slower), first visit, gzip:")
    print(f"{'':34} {'until load':>11} {'load event':>11} {'all charts shown':>17} {'charts drawn':>13}")
    for name, r in results.items():
        print(f"{name:34} {_mb(r['bytes']):>11} {r['load_s']:>10.1f}s {_mb(r['bytes_all_charts']):>17} "
              f"{r['drawn']:>6}/{r['charts']}")
    b, a = results.values()
    print(f"ratio after/before: bytes until load {a['bytes'] / b['bytes']:.2f}, load time {a['load_s'] / b['load_s']:.2f}, "
          f"bytes with every chart shown {a['bytes_all_charts'] / b['bytes_all_charts']:.2f}")


if __name__ == "__main__":
    main()
