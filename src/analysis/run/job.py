"""One notebook run: which notebook, in which language, with which parameters, written where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Job:
    name: str  # e.g. "quang-ninh" or "compare"
    lang: str
    notebook: Path
    output: Path  # executed notebook
    out_dir: Path  # figures and tables
    parameters: dict

    @property
    def label(self) -> str:
        return f"{self.name} ({self.lang})"
