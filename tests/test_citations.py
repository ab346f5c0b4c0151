"""Tables cite sources as readers cite them (author or agency, year, title, locator), linked to the sources page."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.data.store import load_processed
from analysis.report import citations as C
from analysis.report import province as R


@pytest.fixture(scope="module")
def sources(project) -> pd.DataFrame:
    return load_processed("sources")  # the throwaway project's processed tables (conftest.project)


def test_short_citation_names_who_when_and_what(sources):
    qn = C.short_citation(sources, "seed-qn-tccs", "vi")
    assert qn.startswith("Tạp chí Cộng sản") and "(không rõ năm)" in qn and "Quảng Ninh" not in qn[:20]
    assert "(n.d.)" in C.short_citation(sources, "seed-qn-tccs", "en")
    # several authors: their names without affiliations; a dated decision: its year
    qt = C.short_citation(sources, "seed-qt-leduan", "vi")
    assert qt.startswith("Trần Văn Toàn, Nguyễn Thị Như Quỳnh (") and "Trường Chính trị" not in qt
    assert C.short_citation(sources, "qd-749-2020", "en").startswith("Thủ tướng Chính phủ (2020), “Quyết định 749")
    # an id the table does not hold is shown as it is, never dropped
    assert C.short_citation(sources, "no-such-source", "vi") == "no-such-source"


def test_every_source_has_its_own_citation(sources):
    for lang in ("vi", "en"):
        cites = C.citation_map(sources, lang)
        assert sorted(cites.values()) == sorted(sources["source_id"])
        # two sources that would read the same keep their ids apart
        dup = pd.concat([sources, sources[sources["source_id"] == "web-07"].assign(source_id="web-07-copy")])
        m = C.citation_map(dup, lang)
        assert len(m) == len(dup) and any(k.endswith("[web-07-copy]") for k in m)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fact_tables_cite_readably_and_link_to_the_sources_page(project, lang):
    ctx = R.load_context("quang-ninh", lang)
    table = pd.concat([R.training(ctx), R.teams(ctx), R.other_indicators(ctx)])
    col = table.columns[5]
    observed = table[~table[col].str.startswith(R.t("derived", lang))][col]
    assert len(observed) > 10
    ids = set(ctx.sources["source_id"])
    for cell in observed:
        # no internal id where a reader expects a name, and every cell starts with a known citation
        assert not any(re.match(rf"{re.escape(i)}\b", cell) for i in ids), cell
        assert any(cell.startswith(c) for c in ctx.cites), cell
    html = C.link_citations(table.to_html(index=False, escape=True), ctx.cites)
    links = re.findall(r'<a class="cite-link" href="\.\./sources\.html#([^"]+)">', html)
    assert len(links) == len(observed)
    assert set(links) <= ids and "seed-qn-tccs" in links


def test_undated_yearbook_series_is_cited_various_years(sources):
    """A table compiled from many yearly editions (GSO yearbook, PCI) reads '(nhiều năm)' / '(various years)'; an
    undated article stays '(không rõ năm)', and a dated source keeps its year."""
    from analysis.data.store import source_year

    assert C.source_label(sources, "gso-yb-trained", "vi").endswith("(nhiều năm)")
    assert C.source_label(sources, "pci-vcci", "en").endswith("(various years)")
    assert C.source_label(sources, "seed-qn-tccs", "en").endswith("(n.d.)")
    assert source_year({"date": "", "type": "dataset"}) == "various"
    assert source_year({"date": "2023-07-01", "type": "dataset"}) == "2023"
    assert source_year({"date": None, "type": "news_article"}) == ""
    long = load_processed("sources").set_index("source_id")["citation"]
    assert "(various years)" in long["gso-yb-trained"] and "(n.d.)" in long["seed-qn-tccs"]


def test_one_naming_rule_for_sources_everywhere(sources):
    """Summary sentences, indicator pages and chart source lines name a source by the same words that open its
    table citation (who and year), so a reader finds it on the sources page."""
    from analysis.report.findings import source_name

    for sid in sources["source_id"]:
        for lang in ("vi", "en"):
            label = C.source_label(sources, sid, lang)
            assert source_name(sources, sid, lang) == label
            assert C.short_citation(sources, sid, lang).startswith(label)
            assert R.source_names(sources, [sid], lang) == label
            assert re.search(r"\((\d{4}|không rõ năm|n\.d\.|nhiều năm|various years)\)$", label), label
