"""Site assembly reuses what has not changed: rendered notebook pages (by content), and images move to files."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest

from analysis.site import build as S
from analysis.site import notebook_html as render

# a 1x1 PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _executed(path: Path, text: str, error: bool = False) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<p>{text}</p>"}),
                    nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()},
                                           metadata={"alt": "a dot"})]
    if error:
        cell.outputs.append(nbformat.v4.new_output("error", ename="ValueError", evalue="broken", traceback=[]))
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {text}"), cell]
    nbformat.write(nb, path)
    return path


def test_unchanged_notebooks_are_not_rendered_again(tmp_path, monkeypatch):
    a, b = _executed(tmp_path / "a.ipynb", "Hà Giang"), _executed(tmp_path / "b.ipynb", "Cao Bằng")
    cache = tmp_path / "cache"
    first = S.render_notebooks([a, b], cache)
    assert "Hà Giang" in first[a] and "Cao Bằng" in first[b]
    rendered = []
    real = render.notebook_body
    monkeypatch.setattr(render, "notebook_body", lambda p, exporter=None: rendered.append(p.name) or real(p, exporter))
    assert S.render_notebooks([a, b], cache) == first and rendered == []
    _executed(b, "Lào Cai")  # one notebook changed: only it is rendered again
    again = S.render_notebooks([a, b], cache)
    assert rendered == ["b.ipynb"] and "Lào Cai" in again[b] and again[a] == first[a]


@pytest.mark.parametrize("n", [1, 4])  # in this process, and in worker processes
def test_a_notebook_with_an_error_stops_the_render_and_is_named(tmp_path, n):
    paths = [_executed(tmp_path / f"ok{i}.ipynb", f"tỉnh {i}") for i in range(n - 1)]
    paths.append(_executed(tmp_path / "broken.ipynb", "x", error=True))
    with pytest.raises(S.SiteError, match=r"broken\.ipynb.*ValueError: broken"):
        S.render_notebooks(paths, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_embedded_images_become_shared_files(tmp_path):
    body = S.render_notebooks([_executed(tmp_path / "a.ipynb", "x")], tmp_path / "cache")[tmp_path / "a.ipynb"]
    assert "data:image/png;base64" in body
    twice = body + body
    out = S.extract_images(twice, tmp_path / "site", "../../")
    assert "data:image" not in out
    files = list((tmp_path / "site" / "img").iterdir())
    assert len(files) == 1 and files[0].read_bytes() == PNG  # the same image on two pages is stored once
    assert out.count(f'src="../../img/{files[0].name}"') == 2 and 'alt="a dot"' in out


def test_an_empty_executed_notebook_is_named_not_a_traceback(tmp_path):
    (tmp_path / "empty.ipynb").write_bytes(b"")  # what a full disk leaves
    with pytest.raises(S.SiteError, match=r"empty\.ipynb: the executed notebook cannot be read \(0 bytes"):
        S.render_notebooks([tmp_path / "empty.ipynb"], tmp_path / "cache")
