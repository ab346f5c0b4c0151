"""One-off curation: copy ../shared/reference into data/raw with source ids (run once, by hand).

Not part of the pipeline: the pipeline only reads data/raw and never writes it. This script is
kept so that anyone can see exactly how data/raw/{population_gso,admin_crosswalk_2025,dti_2022,
national_targets,sources_web,facts_press}.csv were made from the shared reference tables.
It refuses to overwrite existing files unless --overwrite is given.

Usage: python scripts/curation/import_reference.py ../shared/reference [--overwrite]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"

PROVINCES = {"Quảng Ninh": "22", "Bình Phước": "70", "Quảng Trị": "45", "Cần Thơ": "92",
             "Bắc Kạn": "06", "Việt Nam (national)": "VN"}

# press indicator text -> (indicator_id, breakdown)
INDICATORS = {
    "DTI provincial rank": ("dti_rank", "total"),
    "DTI provincial score": ("dti_score", "total"),
    "DTI digital government pillar (chính quyền số) score": ("dti_score", "pillar=government"),
    "DTI digital government pillar (chính quyền số) rank": ("dti_rank", "pillar=government"),
    "DTI digital economy pillar (kinh tế số) score": ("dti_score", "pillar=economy"),
    "DTI digital economy pillar (kinh tế số) rank": ("dti_rank", "pillar=economy"),
    "DTI digital society pillar (xã hội số) score": ("dti_score", "pillar=society"),
    "DTI digital society pillar (xã hội số) rank": ("dti_rank", "pillar=society"),
    "online dossiers submitted (count)": ("online_dossiers_submitted", "total"),
    "total dossiers (count, denominator for online share)": ("dossiers_total", "total"),
    "share of admin procedures offered as level-3 online service": ("tthc_online_share", "level=level3"),
    "share of admin procedures offered as level-4 online service": ("tthc_online_share", "level=level4"),
    "share of dossiers handled as online public services": ("dossiers_online_any_share", "total"),
    "share of dossiers resolved before deadline (provincial one-stop system)": ("early_dossier_share", "total"),
    "reuse rate of digitised data on national portal": ("data_reuse_share", "total"),
    "digitisation rate of input dossiers - provincial level": ("tthc_digitisation_share", "scope=input_province"),
    "digitisation rate of input dossiers - district level": ("tthc_digitisation_share", "scope=input_district"),
    "digitisation rate of input dossiers - commune level": ("tthc_digitisation_share", "scope=input_commune"),
    "share of admin procedures offered as online public services": ("tthc_online_share", "total"),
    "share of admin procedures offered on online public-service portals": ("tthc_online_share", "total"),
    "personal (bank) payment accounts (count)": ("payment_accounts_personal", "total"),
    "active payment accounts per person aged 15+": ("payment_accounts_per_adult", "total"),
    "e-wallet accounts (count)": ("ewallet_accounts", "total"),
    "community digital technology teams (count)": ("community_teams", "total"),
    "community digital technology team members (count)": ("community_team_members", "total"),
    "community digital technology teams - commune level (count)": ("community_teams", "level=commune"),
    "community digital technology teams - village level (count)": ("community_teams", "level=village"),
    "community digital technology team members - commune level (count)": ("community_team_members", "level=commune"),
    "community digital technology team members - village level (count)": ("community_team_members", "level=village"),
    "digital-skills training classes for officials (count)": ("training_classes", "audience=officials"),
    "share of citizens 14+ with e-ID (VNeID) account": ("citizens14_eid_share", "total"),
    "SIPAS citizen satisfaction with admin services": ("sipas_share", "total"),
    "SIPAS rank": ("sipas_rank", "total"),
    "PAR Index rank": ("par_index_rank", "total"),
    "PAR Index score": ("par_index_score", "total"),
    "digitisation rate of dossiers (city Public Administration Service Center)": ("tthc_digitisation_share", "scope=city_service_centre"),
    "share of electronic results issued (city PASC)": ("electronic_results_share", "scope=city_service_centre"),
    "share of dossiers successfully resolved (city PASC)": ("dossiers_resolved_share", "scope=city_service_centre"),
    "online dossier rate (tỷ lệ hồ sơ trực tuyến)": ("online_dossier_share", "total"),
    "online payment rate": ("online_payment_share", "total"),
    "digitisation rate of dossiers and results": ("tthc_digitisation_share", "total"),
    "share of dossiers with electronic result": ("electronic_results_share", "total"),
    "data reuse rate": ("data_reuse_share", "total"),
    "766 service index score (Bộ chỉ số phục vụ người dân, DN)": ("service766_score", "total"),
    "766 service index rank": ("service766_rank", "total"),
    "people attending DT training conferences (count)": ("training_attendees", "total"),
    "community team members trained (count)": ("team_members_trained", "total"),
    "share of official documents sent fully electronically": ("edocs_electronic_share", "total"),
    "766 service index score (monthly)": ("service766_score", "total"),
    "766 service index rank (monthly)": ("service766_rank", "total"),
    "national DTI": ("national_dti_score", "total"),
    "provincial DTI average": ("dti_provincial_average", "total"),
    "full-process online dossier rate (all agencies)": ("full_process_online_dossier_share", "scope=all_agencies"),
    "full-process online dossier rate (localities/provinces block)": ("full_process_online_dossier_share", "scope=provinces"),
    "digitisation rate of dossiers/results (localities)": ("tthc_digitisation_share", "scope=provinces"),
    "online dossier rate (hồ sơ trực tuyến, broad)": ("online_dossier_share_broad", "total"),
}

FLAG_RULES = [  # (regex on note + as_written, flag)
    (r"DERIVED", "derived"),
    (r"lower bound|\btrên\b|\bhơn\b|more than", "lower_bound"),
    (r"\bgần\b|approx", "approx"),
    (r"MONTH", "monthly"),
    (r"partial year|first 5 months|first half|6 months|Q3|mid-2025|end-June", "partial_year"),
    (r"MIRROR", "mirror"),
    (r"year approximate|does not name the DTI year|page undated", "year_inferred"),
    (r"position \d+ in an ordered", "from_list_position"),
]


def _write(path: Path, header: list[str], rows: list[list], overwrite: bool) -> None:
    if path.exists() and not overwrite:
        sys.exit(f"{path} exists; pass --overwrite to replace it")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path.relative_to(RAW.parents[1])}: {len(rows)} rows")


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def _copy_with_source(ref: Path, name: str, out: str, source_of, overwrite: bool) -> None:
    header, rows = _read(ref / name)
    _write(RAW / out, header + ["source_id"], [[r[h] for h in header] + [source_of(r)] for r in rows], overwrite)


def _page_date(title: str) -> str:
    m = re.search(r"\((?:EN, )?(\d{4}-\d{2}(?:-\d{2})?)\)", title) or re.search(r"\((?:EN, )?(\d{4})\)", title)
    if m:
        return m.group(1)
    m = re.search(r"\((\d{1,2})/(\d{1,2})/(\d{4})\)", title)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return ""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", type=Path)
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args(argv)
    ref: Path = a.reference

    _copy_with_source(ref, "population_gso_e0201.csv", "population_gso.csv", lambda r: "gso-e0201", a.overwrite)
    _copy_with_source(ref, "admin_crosswalk_2025.csv", "admin_crosswalk_2025.csv",
                      lambda r: "nq-202-2025-qh15", a.overwrite)
    _copy_with_source(ref, "dti_2022_provinces.csv", "dti_2022.csv", lambda r: "dti-2022", a.overwrite)
    _copy_with_source(ref, "national_targets.csv", "national_targets.csv",
                      lambda r: {"749/QĐ-TTg": "qd-749-2020", "146/QĐ-TTg": "qd-146-2022"}[r["decision"]],
                      a.overwrite)

    _, press = _read(ref / "extra_series_press.csv")
    sources: dict[str, list] = {}
    src_header = ["source_id", "type", "issuer_author", "title", "date", "publisher", "url", "seed_file",
                  "licence", "language", "number_format", "cited_via", "unknown", "notes"]
    for r in press:
        url = r["url"]
        if url in sources:
            continue
        title = r["page_title_or_publisher"]
        if url == "https://dti.gov.vn/xep-hang-2022":
            sources[url] = None  # already in sources_documents.csv
            continue
        sid = f"web-{sum(1 for v in sources.values() if v) + 1:02d}"
        publisher = re.split(r" \(| - ", title, maxsplit=1)[0].strip()
        english = "(EN" in title or "English" in title
        date = _page_date(title)
        unknown = ["issuer_author", "licence"] + ([] if date else ["date"])
        sources[url] = [sid, "web_page", "", title, date, publisher, url, "", "",
                        "en" if english else "vi", "en" if english else "vi", "", ";".join(sorted(unknown)),
                        "From the project's press and portal series (extra_series_press.csv)."]
    web_rows = [v for v in sources.values() if v]
    _write(RAW / "sources_web.csv", src_header, web_rows, a.overwrite)
    sid_of = {url: (v[0] if v else "dti-2022") for url, v in sources.items()}

    fact_header = ["fact_id", "province_code", "boundary", "indicator_id", "breakdown", "kind", "period", "value",
                   "unit", "comparator", "baseline_year", "tracked_by", "source_id", "cited_source_id", "locator",
                   "as_written", "flags", "scope_note"]
    units = {r["indicator_id"]: r["unit"] for r in _read(RAW / "indicators.csv")[1]}
    rows = []
    for i, r in enumerate(press, start=1):
        ind, bd = INDICATORS[r["indicator"]]
        code, boundary = PROVINCES[r["province"]], "pre2025"
        if "POST-MERGER" in r["note"]:
            code, boundary = "44", "post2025"
        text = f"{r['note']} {r['as_written']}"
        flags = [flag for rx, flag in FLAG_RULES if re.search(rx, text)]
        value = r["value"]
        if value.endswith(".0"):
            value = value[:-2]
        rows.append([f"PR-{i:03d}", code, boundary, ind, bd, "observation", r["year"], value, units[ind], "", "", "",
                     sid_of[r["url"]], "", "web page (figure as written)", r["as_written"], ";".join(flags),
                     f"{r['indicator']}. {r['note']}".strip()])
    _write(RAW / "facts_press.csv", fact_header, rows, a.overwrite)


if __name__ == "__main__":
    main()
