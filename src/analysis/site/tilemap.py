"""A tile-grid map of the 34 provinces in force from 1 July 2025 (no boundary data needed).

Each province is one square placed roughly where it lies (layout in ``site/assets/tilegrid-34.csv``: a schematic
arrangement, not geography); the square's colour is its status against a national target, its title the
province's name, status, data points and years. Static SVG: it works without JavaScript and prints.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis import config
from analysis.catalogue import msg
from analysis.labels import STATUS_COLOUR, status_label

TILE, GAP = 40, 4


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def load_grid() -> pd.DataFrame:
    return pd.read_csv(config.site_src_dir() / "assets" / "tilegrid-34.csv", dtype={"province_code": str, "abbr": str},
                       keep_default_na=False)  # "NA" is Nghệ An, not a missing value


def status_map(national: pd.DataFrame, registry: pd.DataFrame, target_id: str, target_text: str, lang: str,
               link=None) -> str:
    """The map of every province's status against one national target, as a <figure> with an inline SVG."""
    grid = load_grid()
    nat = national[(national["national_target_id"] == target_id) & (national["boundary"] == "post2025")]
    nat = nat.set_index("province_code")
    names = registry[registry["boundary"] == "post2025"].set_index("province_code")[f"name_{lang}"]
    w = (grid["col"].max() + 1) * (TILE + GAP)
    h = (grid["row"].max() + 1) * (TILE + GAP)
    tiles, counts = [], {}
    for _, g in grid.iterrows():
        code = g["province_code"]
        status = nat.at[code, "status"] if code in nat.index else "no_data"
        counts[status] = counts.get(status, 0) + 1
        colour = STATUS_COLOUR[status]
        ink = "#ffffff" if _luminance(colour) < 0.3 else "#1a1a1a"
        n = int(nat.at[code, "n_points"]) if code in nat.index else 0
        years = str(nat.at[code, "years"]).split(";") if code in nat.index and n else []
        tip = msg("map_tile_title", lang, province=names.get(code, code), status=status_label(status, lang), n=n,
                  years=f"{years[0]}–{years[-1]}" if years else "–")
        x, y = g["col"] * (TILE + GAP), g["row"] * (TILE + GAP)
        rect = (f"<rect x='{x}' y='{y}' width='{TILE}' height='{TILE}' rx='4' fill='{colour}' "
                f"data-province='{code}' data-status='{status}'><title>{html.escape(tip)}</title></rect>"
                f"<text x='{x + TILE / 2}' y='{y + TILE / 2 + 4}' text-anchor='middle' font-size='11' fill='{ink}' "
                f"aria-hidden='true'>{html.escape(g['abbr'])}</text>")
        href = link(code) if link else None
        tiles.append(f"<a href='{html.escape(href)}'>{rect}</a>" if href else rect)
    last = int(nat["last_year"].max()) if len(nat) else "–"
    summary = ", ".join(f"{status_label(s, lang).lower()} {v}" for s, v in counts.items())
    title = msg("map_title", lang, target=target_text)
    alt = msg("map_alt", lang, n=len(grid), summary=summary)
    legend = "".join(f"<li><span class='swatch' style='background:{STATUS_COLOUR[s]}'></span>"
                     f"{html.escape(status_label(s, lang))}</li>" for s in STATUS_COLOUR if s in counts)
    return (f"<figure class='tilemap' id='map-{html.escape(target_id)}'><figcaption><b>{html.escape(title)}</b>"
            f"</figcaption><svg viewBox='0 0 {w} {h}' width='{w}' height='{h}' role='img' "
            f"aria-label='{html.escape(alt, quote=True)}'>{''.join(tiles)}</svg><ul class='map-legend'>{legend}"
            f"</ul><p class='muted'>{html.escape(msg('map_note', lang, year=last))}</p></figure>")


BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]  # ColorBrewer Blues, 5 classes


def value_map(values: pd.DataFrame, registry: pd.DataFrame, title: str, unit_words: str, year: int, lang: str,
              fmt) -> str:
    """A choropleth on the tile grid: each province's value in one year, in five quantile classes.

    ``values`` has province_code and value for the post-2025 provinces; ``fmt`` formats a number for the page."""
    grid = load_grid()
    v = values.set_index("province_code")["value"].astype(float)
    qs = sorted(set(v.quantile([0.2, 0.4, 0.6, 0.8]).round(6)))
    edges = [v.min(), *qs, v.max()]

    def klass(x: float) -> int:
        return sum(x > q for q in qs)

    post = registry[registry["boundary"] == "post2025"]
    names = dict(zip(post["province_code"], post[f"name_{lang}"]))
    w = (grid["col"].max() + 1) * (TILE + GAP)
    h = (grid["row"].max() + 1) * (TILE + GAP)
    tiles = []
    value = v.to_dict()
    for g in grid.to_dict("records"):
        code = g["province_code"]
        x, y = g["col"] * (TILE + GAP), g["row"] * (TILE + GAP)
        if code in value:
            k = klass(value[code])
            colour, label = BLUES[k], f"{names.get(code, code)}: {fmt(value[code])} {unit_words}".strip()
        else:
            k, colour, label = -1, "#ffffff", f"{names.get(code, code)}: {msg('map_no_figure', lang)}"
        ink = "#ffffff" if k >= 3 else "#1a1a1a"
        tiles.append(f"<rect x='{x}' y='{y}' width='{TILE}' height='{TILE}' rx='4' fill='{colour}' stroke='#999' "
                     f"data-province='{code}' data-value='{value.get(code, '')}'><title>{html.escape(label)}</title></rect>"
                     f"<text x='{x + TILE / 2}' y='{y + TILE / 2 + 4}' text-anchor='middle' font-size='11' "
                     f"fill='{ink}' aria-hidden='true'>{html.escape(g['abbr'])}</text>")
    legend = "".join(f"<li><span class='swatch' style='background:{BLUES[i]}'></span>{html.escape(fmt(edges[i]))}"
                     f"–{html.escape(fmt(edges[i + 1]))}</li>" for i in range(len(edges) - 1))
    top, bottom = v.idxmax(), v.idxmin()
    alt = msg("map_value_alt", lang, n=len(v), year=year, top=names.get(top, top), top_value=fmt(v[top]),
              bottom=names.get(bottom, bottom), bottom_value=fmt(v[bottom]))
    return (f"<figure class='tilemap' id='map-values'><figcaption><b>{html.escape(title)}</b></figcaption>"
            f"<svg viewBox='0 0 {w} {h}' width='{w}' height='{h}' role='img' aria-label='{html.escape(alt, quote=True)}'>"
            f"{''.join(tiles)}</svg><ul class='map-legend'>{legend}</ul>"
            f"<p class='muted'>{html.escape(msg('map_value_note', lang, unit=unit_words))}</p></figure>")
