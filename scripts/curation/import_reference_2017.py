"""One-off curation: the newer reference tables of ../shared/reference into data/raw (run by hand).

Not part of the pipeline. Writes three new files and refuses to overwrite them (``--overwrite`` to replace):
- facts_panel_pci_2017_2022.csv: PCI sub-index 9 "Labour training" and the weighted composite, 2017–2022. PCI
  revised its method in 2021: the 2021 rows are flagged ``definition_break`` (a series is never joined across it).
  PCI ranks are left out (ranks are not assessed).
- facts_panel_gso_2016_2021.csv: labour force aged 15+, 2016–2021, GSO's revised vintage; the 2016 rows are
  flagged ``definition_break`` (the preliminary 2016 figure of the 2005–2016 table is another vintage).
- facts_series_national_2017_2025.csv: the whole country's degree-or-certificate share 2017–2021 (another GSO table
  and vintage than the 2008–2016 yearbook series: 2017 flagged ``definition_break``; 2017–2020 printed without the
  decimal comma, so the value is derived from the figure as written and flagged ``derived``).

Usage: python scripts/curation/import_reference_2017.py ../shared/reference [--overwrite]
"""

from __future__ import annotations

from pathlib import Path

from import_panels import curation_main, province_locator, read_reference  # the same layout (same folder)

PCI = {"PCI sub-index 9": ("pci_labour_training", "points_0_10", "PL"),
       "PCI weighted composite score": ("pci_composite", "points_0_100", "PC")}


def pci_rows(ref: Path) -> list[list[str]]:
    out = []
    for r in read_reference(ref, "pci_labour_training_composite_2017_2022.csv"):
        spec = next((v for k, v in PCI.items() if r["indicator"].startswith(k)), None)
        if spec is None or not r["province_code"]:
            continue
        ind, unit, prefix = spec
        flags = "definition_break" if r["year"] == "2021" else ""
        note = "VCCI PCI" + ("; PCI revised its method in 2021: a new series starts" if flags else "")
        out.append([f"{prefix}-{r['province_code']}-{r['year']}", r["province_code"], "pre2025", ind, "total",
                    "observation", r["year"], r["value"], unit, "", "", "", "pci-vcci-2017", "", province_locator(r), r["value"],
                    flags, note])
    return out


def labour_rows(ref: Path) -> list[list[str]]:
    out = []
    for r in read_reference(ref, "gso_labour_force_2016_2021.csv"):
        if not r["province_code"]:
            continue
        flags = "definition_break" if r["year"] == "2016" else ""
        out.append([f"GR-{r['province_code']}-{r['year']}", r["province_code"], "pre2025", "labour_force", "total",
                    "observation", r["year"], r["as_written"], "thousand_persons", "", "", "", "gso-yb-labour-revised", "",
                    province_locator(r), r["as_written"], flags,
                    "GSO yearbook figures, revised vintage (differs from the preliminary 2016 of the 2005–2016 table)"])
    return out


def national_rows(ref: Path) -> list[list[str]]:
    out = []
    for r in read_reference(ref, "national_series_2017_2025.csv"):
        if not r["indicator"].startswith("Share of employed workers aged 15+ trained") or r["year"] > "2021" \
                or "vietnamplus" in r["source_url_or_repo_path"]:  # the 2020 and 2025 press figures are in the base
            continue
        flags = ["derived"] if "FORMAT-DERIVED" in r["note"] else []
        if r["year"] == "2017":
            flags.append("definition_break")
        if "Sơ bộ" in r["note"]:
            flags.append("preliminary")
        source = "gso-pxweb-trained-age" if "gsovn-py" in r["source_url_or_repo_path"] else "textbook-ctst-dl12"
        how = ("printed without the decimal comma; value = figure as written / 100" if "derived" in flags else
               "secondary source citing GSO (2022)")
        out.append([f"NV-VN-{r['year']}", "VN", "pre2025", "trained_employed_share", "total", "observation",
                    r["year"], r["value"], "percent", "", "", "", source, "", province_locator(r), r["as_written"],
                    ";".join(flags), f"Whole country; degree-or-certificate share; {how}"])
    return out


def main(argv: list[str] | None = None) -> None:
    curation_main(__doc__, {"facts_panel_pci_2017_2022.csv": pci_rows, "facts_panel_gso_2016_2021.csv": labour_rows,
                            "facts_series_national_2017_2025.csv": national_rows}, argv)


if __name__ == "__main__":
    main()
