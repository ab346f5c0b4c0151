"""Every source can be reached or says why not: an address, or `url` in `unknown` with the reason in its notes."""

from __future__ import annotations

import html
from pathlib import Path

from analysis.data.validate import load_raw

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_has_an_address_or_a_stated_reason():
    src = load_raw(ROOT / "data" / "raw").sources
    missing = []
    for _, s in src.iterrows():
        if s["url"]:
            assert s["url"].startswith(("https://", "http://")), s["source_id"]
            assert "url" not in s["unknown"].split(";"), s["source_id"]
            continue
        reason = s["notes"].split("No address:", 1)[1].strip() if "No address:" in s["notes"] else ""
        if "url" not in s["unknown"].split(";") or len(reason.split()) < 4:
            missing.append(s["source_id"])
    assert missing == [], f"sources without an address and without a stated reason: {missing}"
    # the addresses found for the core article and the decisions' texts are kept
    urls = src.set_index("source_id")["url"]
    assert urls["seed-qn-tccs"].startswith("https://tapchicongsan.org.vn/")
    assert urls["qd-146-2022"].startswith("https://thuvienphapluat.vn/")


def test_the_sources_page_lists_every_address(project):
    from analysis.data.store import load_processed
    from analysis.site.pages import sources_body

    sources = load_processed("sources")
    for lang in ("vi", "en"):
        page = sources_body(lang, sources)
        for url in sources["url"].dropna():
            if isinstance(url, str) and url:
                assert f'href="{html.escape(url)}"' in page, url
        # the reason is shown where there is no address, in the page's language
        assert ("Không có địa chỉ:" if lang == "vi" else "No address:") in page


def test_curators_notes_are_in_the_pages_language_where_translated(project):
    """The Vietnamese sources page shows each curator's note in Vietnamese (notes_vi), marked lang="vi"; the English
    page shows the note as written. A note not yet translated is quoted in English and labelled so."""
    from markupsafe import escape

    from analysis.data.store import load_processed
    from analysis.site.pages import sources_body

    sources = load_processed("sources")
    noted = sources[sources["notes"].fillna("") != ""]
    assert len(noted) and (noted["notes_vi"].fillna("") != "").all()  # every shipped note is translated
    vi, en = sources_body("vi", sources), sources_body("en", sources)
    for _, s in noted.iterrows():
        assert f"<span lang='vi'>{escape(s['notes_vi'])}</span>" in vi, s["source_id"]
        assert f"<span lang='en'>{escape(s['notes'])}</span>" in en, s["source_id"]
    assert "(tiếng Anh)" not in vi
    one = noted.iloc[[0]].assign(notes_vi="")
    assert "Ghi chú của người biên soạn (tiếng Anh): <span lang='en'>" in sources_body("vi", one)
