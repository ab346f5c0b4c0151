"""Which executed notebooks may be published: finished, successful runs on the current inputs (the site build asks
before it starts; the site itself never imports the run stage)."""

from __future__ import annotations

from pathlib import Path

from analysis.run.params import ParamsError
from analysis.run.runner import plan, stale_runs


class UnpublishableRuns(RuntimeError):
    """Some executed notebooks are not finished, successful runs on the current inputs; the message names each."""


def check_runs(keys: list[str], build_dir: Path) -> None:
    """Refuse executed notebooks that are not finished, successful runs on the current processed data, code,
    catalogues and parameters (an interrupted or failed run, or one from before a change)."""
    try:
        jobs = plan(keys, build_dir=build_dir)
    except ParamsError as e:
        raise UnpublishableRuns(str(e)) from None
    stale = stale_runs(jobs)
    if stale:
        lines = [f"  - {j.output}: {why}" for j, why in stale[:10]] + (
            [f"  - … and {len(stale) - 10} more"] if len(stale) > 10 else [])
        raise UnpublishableRuns(f"{len(stale)} executed notebook(s) cannot be published; run `make report` (or "
                                "`analysis run`) first:\n" + "\n".join(lines))


def check_site_inputs(inputs) -> None:
    """``check_runs`` for the reports a site build is made from (``analysis.site.build.SiteInputs``)."""
    check_runs([p["key"] for p in inputs.provinces], inputs.notebooks_dir.parent)
