"""One-off curation: the reference tables of ../shared/reference not yet in data/raw (run by hand).

Not part of the pipeline. Writes four files and refuses to overwrite them (``--overwrite`` to replace):
- facts_panel_pci_components_2017_2019.csv: the 11 indicators inside PCI sub-index 9 "Labour training", 63
  provinces, 2017-2019, from VCCI's dataset files. Columns VCCI names "x (%)" are stored there as 0-1 fractions:
  the value is the stored fraction x 100, in percent, flagged ``derived`` (``as_written`` keeps the stored
  figure). Three are stored in percent already and are kept as stored: the two shares of business costs and the
  share of workers trained at vocational schools.
- facts_ranking_mic_2017.csv: the Ministry of Information and Communications' 2017 index (0-1) and rank of IT
  application and e-government development, the DTI's predecessor, ranks 1-53 (the stored page is cut there: the
  10 provinces below rank 53 stay missing).
- facts_ranking_pci_2017_2022.csv: PCI's rank, all 63 provinces 2017-2019 and seven 2020-2022 (2021 flagged
  ``definition_break``, as the PCI scores of facts_panel_pci_2017_2022.csv are).
- facts_series_national_extra.csv: whole-country points of national_series_2017_2025.csv that were not in
  data/raw: labour force 2018-2022 (the revised vintage: 2018 flagged ``definition_break`` after the 2005-2016
  series), community digital-technology teams and members at four dated snapshots (2022, 2023), and the share of
  level-3/4 online services that received a dossier (August 2022). The regional rows stay out (regions are not
  provinces) and so do the rows already in data/raw.
The sources these rows cite that data/raw did not hold yet are in sources_reference_components.csv, written by hand.

Usage: python scripts/curation/import_reference_components.py ../shared/reference [--overwrite]
"""

from __future__ import annotations

from pathlib import Path

from import_panels import copy_path, curation_main, province_locator, read_reference  # the same layout (same folder)

PCI_FILE = "pci_labour_training_indicators_2017_2019.csv"
# the copy's indicator name after "PCI labour-training indicator: " -> (indicator_id, id prefix)
PCI_PARTS = {
    "Firm has used labor exchange services (%)": ("pci_lt_exchange_used", "K1"),
    "Used private provider for the labor exchange services (%)": ("pci_lt_exchange_private", "K2"),
    "Intends to use the service provider again for labor exchange services (%)": ("pci_lt_exchange_again", "K3"),
    "Good general education at the province (%)": ("pci_lt_general_education_good", "K4"),
    "Good vocational training at the province (%)": ("pci_lt_vocational_training_good", "K5"),
    "Overall satisfaction with labor (%)": ("pci_lt_labour_satisfaction", "K6"),
    "Percentage of total business costs spent on labor recruitment": ("pci_lt_recruitment_cost_share", "K7"),
    "Percentage of total business costs spent on labor training (%)": ("pci_lt_training_cost_share", "K8"),
    "Percentage of workers having completed training at vocational schools (%)": (
        "pci_lt_vocational_completed_share", "K9"),
    "Ratio of vocational training school graduates to untrained laborers (%)": ("pci_lt_vocational_grads_ratio", "KA"),
    "Secondary school graduates as % of workforce (%)": ("pci_lt_secondary_grads_share", "KB"),
}
MIC = {"index": ("mic_egov_index", "index_0_1", "M1"), "rank": ("mic_egov_rank", "rank", "M2")}
# national_series_2017_2025.csv: the start of the copy's indicator name -> (indicator_id, unit)
NATIONAL = {"Labour force aged 15+": ("labour_force", "thousand_persons"),
            "Community digital-technology teams": ("community_teams", "teams"),
            "Community digital-technology team members": ("community_team_members", "persons"),
            "Share of level-3/4 online public services": ("online_services_with_dossier_share", "percent")}
# the page a national row comes from (a part of its URL) -> its source_id in data/raw/sources_reference_components.csv
# (written by hand, as the other sources files are)
NATIONAL_SOURCES = {"sdmd2045.ctu.edu.vn": "book-ctu-toancanh", "grade_12_ket_noi": "textbook-kntt-dl12",
                    "infographics.vn": "web-infographics-ldld-2022", "thoibao.online": "web-thoibao-tcns-2022",
                    "vneconomy.vn": "web-vneconomy-tcns-2022", "cafef.vn/nhung-ket-qua": "web-cafef-tttt-2023-08",
                    "cafef.vn/thue-bao": "web-cafef-tttt-2023-09", "thoisutoancanh.com": "web-thoisu-tcns-2022"}


def pci_rows(ref: Path) -> list[list[str]]:
    """The 11 components of PCI sub-index 9, in percent (stored fractions x 100, flagged derived)."""
    out = []
    for r in read_reference(ref, PCI_FILE):
        name = r["indicator"].removeprefix("PCI labour-training indicator: ")
        ind, prefix = PCI_PARTS[name]  # a new indicator in the copy stops the script here: add it above
        fraction = r["unit"].startswith("share (0-1 fraction")
        value = f"{float(r['as_written']) * 100:.6f}".rstrip("0").rstrip(".") if fraction else r["as_written"]
        how = ("VCCI's file stores it as a 0-1 fraction (as written); value = stored fraction x 100, in percent"
               if fraction else "stored in percent (as written)")
        sheet = f"{copy_path(r)} sheet “Labor Training”, column “{name}”"
        out.append([f"{prefix}-{r['province_code']}-{r['year']}", r["province_code"], "pre2025", ind, "total",
                    "observation", r["year"], value, "percent", "", "", "",
                    "pci-vcci-2017", "", f"{sheet}; province “{r['province']}”, year {r['year']}", r["as_written"],
                    "derived" if fraction else "", f"VCCI PCI {r['year']}, component of sub-index 9; {how}"])
    return out


def mic_rows(ref: Path) -> list[list[str]]:
    """MIC's 2017 IT-application / e-government index and rank, ranks 1-53 as the stored page gives them."""
    out = []
    for r in read_reference(ref, "mic_it_application_egov_index_2017.csv"):
        ind, unit, prefix = MIC["rank" if r["unit"].startswith("rank") else "index"]
        out.append([f"{prefix}-{r['province_code']}-{r['year']}", r["province_code"], "pre2025", ind, "total",
                    "observation", r["year"], r["value"], unit, "", "", "", "mic-egov-2017", "",
                    f"{copy_path(r)}; row “{r['as_written']}”", r["as_written"], "",
                    "MIC 2017 ranking of IT application and e-government development (the DTI's predecessor; not "
                    "comparable with the DTI); the stored page stops at rank 53"])
    return out


def pci_rank_rows(ref: Path) -> list[list[str]]:
    """PCI's rank among the 63 provinces: all of them 2017-2019, seven provinces 2020-2022 (2021 starts PCI's new
    method, flagged ``definition_break`` as the scores are). A rank is shown, never forecast."""
    out = []
    for r in read_reference(ref, "pci_labour_training_composite_2017_2022.csv"):
        if not r["indicator"].startswith("PCI rank") or not r["province_code"]:
            continue
        flags = "definition_break" if r["year"] == "2021" else ""
        out.append([f"PK-{r['province_code']}-{r['year']}", r["province_code"], "pre2025", "pci_rank", "total",
                    "observation", r["year"], r["value"], "rank", "", "", "", "pci-vcci-2017", "",
                    province_locator(r), r["as_written"], flags,
                    "VCCI PCI rank among 63 provinces" + ("; PCI revised its method in 2021: a new series starts"
                                                          if flags else "")])
    return out


def _national_source(path: str) -> str:
    return next(v for k, v in NATIONAL_SOURCES.items() if k in path)


def national_rows(ref: Path) -> list[list[str]]:
    """Whole-country points not yet in data/raw (labour force 2018-2022, team snapshots, level-3/4 services)."""
    out = []
    for r in read_reference(ref, "national_series_2017_2025.csv"):
        spec = next((v for k, v in NATIONAL.items() if r["indicator"].startswith(k)), None)
        if spec is None or not r["province"].startswith("Việt Nam"):
            continue
        ind, unit = spec
        note, flags, period = r["note"], [], r["year"]
        value = float(r["value"])
        if r["unit"].startswith("million"):
            value, flags = value * 1000, ["derived"]  # "50,6 triệu người" -> 50 600 thousand persons
        if "lower bound" in r["unit"]:
            flags += ["lower_bound", "derived"]  # "hơn 208 nghìn người": more than 208 000
        if "as of " in note:  # a count on a date, not a year-end figure
            d, m, y = note.split("as of ")[1].split(";")[0].split(" ")[0].split("/")
            period = f"{y}-{int(m):02d}-{int(d):02d}"
        if ind == "labour_force" and r["year"] == "2018":
            flags.append("definition_break")  # GSO's revised vintage after the 2005-2016 yearbook series
        n = len(out) + 1
        out.append([f"NX-{n:03d}", "VN", "pre2025", ind, "total", "observation", period,
                    f"{value:.2f}".rstrip("0").rstrip("."), unit, "", "", "", _national_source(r["source_url_or_repo_path"]),
                    "", copy_path(r), r["as_written"], ";".join(flags),
                    f"Whole country; {note}"])
    return out


def main(argv: list[str] | None = None) -> None:
    curation_main(__doc__, {"facts_panel_pci_components_2017_2019.csv": pci_rows, "facts_ranking_mic_2017.csv": mic_rows,
                            "facts_ranking_pci_2017_2022.csv": pci_rank_rows,
                            "facts_series_national_extra.csv": national_rows}, argv)


if __name__ == "__main__":
    main()
