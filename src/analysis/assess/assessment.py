"""The result of assessing one target: its status, chance, projection and intervals, and how they were made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

STATUSES = ["achieved", "not_met", "awaiting_data", "on_track", "at_risk", "off_track", "outdated", "not_assessable",
            "insufficient_data", "no_data"]
FORECAST_STATUSES = ("on_track", "at_risk", "off_track")  # the statuses a forecast gives (status_of)
ON_TRACK, OFF_TRACK = 0.8, 0.2  # the legend's cut-offs of the chance of meeting a target


def status_of(p: float) -> str:
    """The status a chance of meeting the target gives, by the legend's cut-offs."""
    return "on_track" if p >= ON_TRACK else "off_track" if p < OFF_TRACK else "at_risk"


@dataclass
class Assessment:
    """One target assessed: status, chance of meeting it, projection and intervals, the method in words."""

    status: str
    p_meet: float | None
    projection: float | None
    pi80: tuple[float, float] | None
    pi95: tuple[float, float] | None
    method: str
    n_points: int
    first_year: int | None
    last_year: int | None
    unsd_cr: float | None
    unsd_category: str | None
    required_annual_change: float | None
    target: float
    target_year: int
    comparator: str
    last_value: float | None = None
    last_flags: str = ""  # the flags of the figure last_value is ('approx', 'lower_bound' …): how to write it
    transform: str | None = None
    rests_on_assumption: bool = False
    assumption: str | None = None
    backtest: dict[str, float] | None = None
    scenario_annual_change: float | None = None
    scenario_projection: float | None = None
    scenario_meets: bool | None = None
    provisional: bool = False
    build_year: int | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Flat fields for a table row: intervals as low/high columns, backtest and notes as text."""
        d = asdict(self)
        for k in ("pi80", "pi95"):
            lo_hi = d.pop(k)
            d[f"{k}_low"], d[f"{k}_high"] = (lo_hi if lo_hi else (None, None))
        d["backtest"] = None if not self.backtest else "; ".join(f"{k}={v:.3g}" for k, v in self.backtest.items())
        d["notes"] = " ".join(self.notes)
        return d

    def to_row(self) -> pd.DataFrame:
        """A one-row table of :meth:`to_dict`."""
        return pd.DataFrame([self.to_dict()])
