"""The search index is reused only for identical pages."""

from __future__ import annotations

import shutil

from analysis.site.build import _run_pagefind

PAGE = ("<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{t}</title></head>"
        "<body><main data-pagefind-body><h1>{t}</h1><p>{text}</p></main></body></html>")


def _site(root, text):
    (root / "vi").mkdir(parents=True)
    (root / "vi" / "a.html").write_text(PAGE.format(t="Quảng Ninh", text=text), encoding="utf-8")
    (root / "vi" / "b.html").write_text(PAGE.format(t="Cần Thơ", text="lao động qua đào tạo"), encoding="utf-8")
    return root


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_identical_pages_reuse_the_index_and_a_changed_page_rebuilds_it(tmp_path):
    cache = tmp_path / "cache"
    first = _site(tmp_path / "one", "chuyển đổi số")
    assert _run_pagefind(first, cache) is False  # built
    second = _site(tmp_path / "two", "chuyển đổi số")
    assert _run_pagefind(second, cache) is True  # same pages: reused
    assert _files(second / "pagefind") == _files(first / "pagefind")
    third = _site(tmp_path / "three", "nhân lực số")
    assert _run_pagefind(third, cache) is False  # one word changed: built again
    assert _files(third / "pagefind") != _files(first / "pagefind")
    assert len(list(cache.iterdir())) == 1  # only the latest index is kept
    shutil.rmtree(cache)
    assert _run_pagefind(_site(tmp_path / "four", "nhân lực số"), None) is False  # no cache: always built
