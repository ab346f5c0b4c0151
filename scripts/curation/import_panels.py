"""One-off curation: all-province yearly panels from ../shared/reference into data/raw (run by hand).

Not part of the pipeline (the pipeline only reads data/raw). Kept so anyone can see exactly how
data/raw/facts_panel_{gso,pci,papi}.csv were made. Each row keeps the value exactly as written in the
machine-readable copy it comes from (`as_written`), the copy's path as its locator, and the copy's note.
Regional rows and Hà Tây (merged into Hà Nội in 2008) are left out; the whole-country rows become `VN`.
It refuses to overwrite existing files unless --overwrite is given.

The GSO panel is now reproduced from the original PX-Web exports by the pipeline's own command (a test checks that
it gives the same ids, codes, years and values: tests/test_import_table.py), e.g.

    analysis import-table "Percentage of trained employed workers at 15 years of age and above by province.csv" \
        --indicator trained_employed_share --source-id gso-yb-trained --id-prefix GT --dry-run

Use `analysis import-table` for any new GSO table; this script stays only as the record of how the PCI and PAPI
panels (which do not come as PX-Web tables) were made.

Usage: python scripts/curation/import_panels.py ../shared/reference [--overwrite]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
FACT_HEADER = ["fact_id", "province_code", "boundary", "indicator_id", "breakdown", "kind", "period", "value",
               "unit", "comparator", "baseline_year", "tracked_by", "source_id", "cited_source_id", "locator",
               "as_written", "flags", "scope_note"]

# reference file -> {indicator text in the copy: (indicator_id, unit, source_id, id prefix)}
PANELS = {
    "gso": {
        "gso_trained_employed_share_2008_2016.csv": {
            None: ("trained_employed_share", "percent", "gso-yb-trained", "GT")},
        "gso_labour_force_2005_2016.csv": {None: ("labour_force", "thousand_persons", "gso-yb-labour", "GL")},
        "gso_employed_share_2005_2016.csv": {None: ("employed_pop_share", "percent", "gso-yb-employed", "GE")},
    },
    "pci": {
        "pci_labour_training_2005_2016.csv": {
            "PCI sub-index: Labor and Training (Đào tạo lao động)": ("pci_labour_training", "points_0_10",
                                                                     "pci-vcci", "PL"),
            "PCI weighted composite score": ("pci_composite", "points_0_100", "pci-vcci", "PC")},
    },
    "papi": {
        "papi_egovernance_2018_2024.csv": {
            "PAPI SC81 E-Governance: Access to E-Government Portals": ("papi_egov_portal_access", "papi_score",
                                                                       "papi-undp", "P1"),
            "PAPI SC82 E-Governance: Access to the Internet": ("papi_internet_access", "papi_score", "papi-undp",
                                                               "P2"),
            "PAPI SC83 E-Governance: E-Responsiveness of Provincial Authorities": (
                "papi_e_responsiveness", "papi_score", "papi-undp", "P3"),
            "PAPI C08 E-Governance dimension (derived: SC81+SC82+SC83)": ("papi_egovernance", "papi_dimension",
                                                                          "papi-undp", "P8")},
    },
}


def _flags(note: str) -> str:
    flags = []
    if "DERIVED" in note:
        flags.append("derived")
    if "preliminary" in note.lower():
        flags.append("preliminary")
    return ";".join(flags)


def read_reference(ref: Path, name: str) -> list[dict]:
    """The rows of one reference table (a CSV of the shared reference folder)."""
    with (ref / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def copy_path(r: dict) -> str:
    """Where a reference row was read, without the copy's parenthesised detail: its URL or repository path."""
    return r["source_url_or_repo_path"].split(" (")[0].split(";")[0]


def province_locator(r: dict) -> str:
    """A reference row's locator: where it was read, the province and the year as the copy writes them."""
    return f"{copy_path(r)}; province “{r['province']}”, year {r['year']}"


def rows_for(ref: Path, name: str, spec: dict) -> list[list[str]]:
    out = []
    for r in read_reference(ref, name):
        key = r["indicator"] if None not in spec else None
        if key not in spec:
            continue
        code = r["province_code"] or ("VN" if r["province"] == "WHOLE COUNTRY" else "")
        if not code:
            continue  # regions and Hà Tây: no province of either registry
        ind, unit, source, prefix = spec[key]
        fact_id = f"{prefix}-{code}-{r['year']}"
        note = r["note"].replace("REGION/NATIONAL aggregate row", "national row").replace(
            "(có bằng/chứng chỉ)", "(“có bằng/chứng chỉ”)")  # a Vietnamese term in an English note: quoted
        # curated locators are written in English; Vietnamese pages show them in Vietnamese (labels.locator_label)
        locator = f"{copy_path(r)}; row “{r['as_written']}”, year {r['year']}"
        out.append([fact_id, code, "pre2025", ind, "total", "observation", r["year"], r["value"], unit, "", "",
                    "", source, "", locator, r["value"], _flags(r["note"]), note])
    return out


def write_facts(path: Path, rows: list[list]) -> None:
    """A facts file of data/raw: the header, then the rows (LF line ends, UTF-8)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FACT_HEADER)
        w.writerows(rows)
    print(f"wrote {path.relative_to(RAW.parents[1])}: {len(rows)} rows")


def curation_main(doc: str, jobs: dict, argv: list[str] | None = None) -> None:
    """The command line of a curation script: ``REFERENCE [--overwrite]``, then each facts file of ``jobs`` (name in
    data/raw -> a function of the reference folder giving its rows) written; none is written if one exists and
    ``--overwrite`` is not given."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("reference", type=Path)
    p.add_argument("--overwrite", action="store_true")
    a = p.parse_args(argv)
    for name in jobs:
        if (RAW / name).exists() and not a.overwrite:
            sys.exit(f"{RAW / name} exists; pass --overwrite to replace it")
    for name, make in jobs.items():
        write_facts(RAW / name, make(a.reference))


def panel_rows(files: dict):
    """The rows of one panel file: those of each of its reference tables, in order."""
    return lambda ref: [row for name, spec in files.items() for row in rows_for(ref, name, spec)]


def main(argv: list[str] | None = None) -> None:
    curation_main(__doc__, {f"facts_panel_{panel}.csv": panel_rows(files) for panel, files in PANELS.items()}, argv)


if __name__ == "__main__":
    main()
