"""Data errors that name the file, line and column, and keep every problem found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One bad cell or row: ``file:line: column: message (value)``."""

    file: str
    line: int | None
    column: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        col = f" column '{self.column}':" if self.column else ""
        val = f" (value: {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}:{col} {self.message}{val}"


class DataError(ValueError):
    """Raised when input data is invalid; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the input data:"
        super().__init__("\n".join([head] + [f"  - {p}" for p in self.problems]))
