"""Sections of the province report. Notebooks call these and only display what they return.

Every function takes a ``ProvinceContext`` (one province, one language) and returns a table (DataFrame with
text formatted for that language), a list of charts, or Markdown text. The work is done in small modules, which
this one gathers under the names the notebooks use (``R.profile(ctx)``, ``R.show_table(...)``):

- ``report.context``: loading one province (its facts, the stored assessments, its registry rows);
- ``report.wording``: the words of a cell (breakdowns, flags, periods, values, target names);
- ``report.text``: the sections written as Markdown (title, findings, search records, nearest evidence, gaps);
- ``report.tables``: the tables (profile, figures by section, targets, checks, sources);
- ``report.figures``: the charts (qualifications, training, series with fans, target projections);
- ``report.display``: showing tables and charts in the notebook, numbered, with their files and cite markers.
"""

from __future__ import annotations

from analysis.labels import t
from analysis.report.context import ProvinceContext, former_rows, load_context, own_assessments, with_scenarios
from analysis.report.display import COLLAPSE_ROWS, numbered_caption, show_charts, show_table
from analysis.report.figures import projection_charts, qualification_chart, series_charts, training_chart
from analysis.report.tables import (SECTIONS, TEAMS, TRAINING, WORKFORCE, audit_table, facts_table,
                                    former_provinces, other_indicators, profile, section_empty, sources_table,
                                    targets_table, teams, training, workforce)
from analysis.report.text import (boundary_note, findings, gaps, nearest_section, search_records, targets_intro,
                                  title)
from analysis.labels import breakdown_label
from analysis.report.wording import drop_empty_columns, source_names, target_name

__all__ = [
    "COLLAPSE_ROWS", "SECTIONS", "TEAMS", "TRAINING", "WORKFORCE", "ProvinceContext",
    "audit_table", "boundary_note", "breakdown_label", "drop_empty_columns", "facts_table", "findings",
    "former_provinces", "former_rows", "gaps", "load_context", "nearest_section", "numbered_caption",
    "other_indicators", "own_assessments", "profile", "projection_charts", "qualification_chart",
    "search_records", "section_empty", "series_charts", "show_charts", "show_table", "source_names",
    "sources_table", "t", "target_name", "targets_intro", "targets_table", "teams", "title", "training",
    "training_chart", "with_scenarios", "workforce",
]
