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


def test_a_swap_killed_between_its_two_renames_is_recovered(tmp_path, monkeypatch):
    import os

    from analysis import atomic

    out, new = tmp_path / "site", tmp_path / "site.tmp"
    for d, text in ((out, "old"), (new, "new")):
        d.mkdir()
        (d / "index.html").write_text(text, encoding="utf-8")
    real, calls = os.replace, []

    def killed_after_first(src, dst):
        if calls:
            raise KeyboardInterrupt  # the kill, after out -> out.old
        calls.append(src)
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", killed_after_first)
    with pytest.raises(KeyboardInterrupt):
        swap_dir(new, out)
    monkeypatch.setattr(atomic.os, "replace", real)
    assert not out.exists() and (tmp_path / "site.old").exists()  # the state the kill leaves
    assert atomic.recover_dir(out) and (out / "index.html").read_text(encoding="utf-8") == "old"
    assert not (tmp_path / "site.old").exists()
    # the next swap also recovers first: the previous site is never deleted before a new one is in place
    real(out, tmp_path / "site.old")
    swap_dir(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new" and not (tmp_path / "site.old").exists()


def test_leftovers_of_killed_builds_are_swept_and_a_second_build_stops_at_once(tmp_path, monkeypatch, capsys):
    import subprocess
    import sys

    from analysis.cli import main
    from analysis.lock import hold

    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(tmp_path))
    (tmp_path / "site" / "_build.tmp-abc" / "vi").mkdir(parents=True)
    (tmp_path / "site" / "_build.tmp-abc" / "vi" / "index.html").write_bytes(b"x" * 2_000_000)
    (tmp_path / "site" / "_build.old").mkdir()  # a kill between the two renames of the last swap
    (tmp_path / "site" / "_build.old" / "index.html").write_text("last good site", encoding="utf-8")
    (tmp_path / "data" / ".processed-xyz").mkdir(parents=True)
    (tmp_path / "build" / "docx-cache").mkdir(parents=True)
    (tmp_path / "build" / "docx-cache" / ".a.docx.12-34.tmp").write_bytes(b"half")
    (tmp_path / "build" / "docx-cache" / "kept.docx").write_bytes(b"whole")
    (tmp_path / "build" / ".docx-tmp-q1w2").mkdir()
    assert main(["site", "--no-docx"]) == 1  # fails for want of data, after sweeping
    err = capsys.readouterr().err
    assert "removed or restored 5 leftover(s) of an interrupted build (2 MB freed)" in err
    assert "reports.csv is missing: run `make data` first" in err  # names the registry table, no traceback
    assert "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["_build"]
    assert (tmp_path / "site" / "_build" / "index.html").read_text(encoding="utf-8") == "last good site"
    assert [p.name for p in (tmp_path / "build" / "docx-cache").iterdir()] == ["kept.docx"]
    assert not list((tmp_path / "data").iterdir()) and not (tmp_path / "build" / ".docx-tmp-q1w2").exists()
    with hold("run"):  # a build is running: a second one stops with one line naming it
        p = subprocess.run([sys.executable, "-m", "analysis", "data"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
    assert "another build is running in this checkout (analysis run, pid" in p.stderr
    assert not (tmp_path / "data" / "processed").exists()
