"""Caches and published folders are replaced whole or not at all."""

from __future__ import annotations

import pytest

from analysis.atomic import swap_dir, write_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")

    def half(tmp):
        tmp.write_text("half a pa", encoding="utf-8")
        raise RuntimeError("pandoc died")

    with pytest.raises(RuntimeError, match="pandoc died"):
        write_atomic(target, half)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    write_atomic(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new" and len(list(tmp_path.iterdir())) == 1


def test_a_folder_is_swapped_in_whole(tmp_path):
    out, new = tmp_path / "site", tmp_path / "site.tmp"
    out.mkdir()
    (out / "old.html").write_text("old", encoding="utf-8")
    new.mkdir()
    (new / "index.html").write_text("new", encoding="utf-8")
    swap_dir(new, out)
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no .old left behind, no temporary
    fresh = tmp_path / "first.tmp"
    fresh.mkdir()
    swap_dir(fresh, tmp_path / "first")  # nothing to replace yet
    assert (tmp_path / "first").is_dir() and not fresh.exists()
