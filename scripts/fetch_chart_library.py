"""Set-up step of `make venv`: fetch plotly.js's cartesian partial bundle (pinned version, checked integrity hash)
from the npm registry into the environment, for the report site's charts (analysis/site/chart_library.py).

Never fails the set-up: without npm or the registry, or on a hash mismatch, it says so and the site build ships
the full plotly.js of the python plotly package instead.
Run: .venv/bin/python scripts/fetch_chart_library.py
"""

from __future__ import annotations

import sys

from analysis.site.chart_library import PACKAGE, VERSION, ChartLibraryError, fetch, partial_bundle

if __name__ == "__main__":
    have = partial_bundle()
    if have is not None:
        print(f"{PACKAGE} {VERSION}: installed ({have})")
        sys.exit(0)
    try:
        print(f"{PACKAGE} {VERSION}: installed ({fetch()}), integrity checked")
    except ChartLibraryError as e:
        print(f"WARNING: {e}\nThe report site will ship the full plotly.js of the python plotly package "
              f"(about three times heavier). Rerun `make venv` with access to the npm registry to fix.",
              file=sys.stderr)
