"""Crash-safe and interruptible: a kernel that dies fails its notebook at once (warm kernels too), Ctrl-C cancels
the notebook queue and exits 130 with one line, leftovers of killed builds are swept, a second build waits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import built_copy

ROOT = Path(__file__).resolve().parents[1]


def _insert_cell(notebook: Path, source: str, at: int = 2) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "inserted", "metadata": {},
                            "outputs": [], "source": source})
    notebook.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    """A project copy with data/processed built, whose province notebook dies in Quảng Ninh and is slow in
    Bình Phước."""
    def fault(root: Path) -> None:
        _insert_cell(root / "notebooks" / "province.ipynb",
                     "import os, time\n"
                     "if province_key == 'quang-ninh':\n    os._exit(1)  # the kernel dies, as on running out of memory\n"
                     "if province_key == 'binh-phuoc':\n    time.sleep(60)\n")

    with built_copy(tmp_path_factory.mktemp("interrupts"), fault) as root:
        yield root


@pytest.fixture()
def launch(proj):
    """Start `analysis run` in a process group of its own (as a terminal would); killed at the end if still running."""
    started = []

    def run(*args: str) -> subprocess.Popen:
        env = os.environ | {"ANALYSIS_PROJECT_ROOT": str(proj)}
        started.append(subprocess.Popen([sys.executable, "-m", "analysis", "run", *args], cwd=proj, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        start_new_session=True))
        return started[-1]

    yield run
    for p in started:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_a_kernel_that_dies_fails_its_notebook_at_once_on_warm_kernels(proj, launch):
    t0 = time.monotonic()
    p = launch("quang-ninh", "can-tho", "--lang", "vi", "--no-compare", "--workers", "1")
    out, err = p.communicate(timeout=240)
    assert p.returncode == 1, out + err
    assert "FAILED quang-ninh (vi)" in out and "the kernel died while running the notebook" in out
    assert "can-tho (vi): ok" in out  # the next notebook ran on a fresh kernel
    assert "retried" not in out  # a death mid-notebook is not a start-up failure
    assert time.monotonic() - t0 < 200


def test_ctrl_c_cancels_the_notebook_queue_and_exits_130_with_one_line(proj, launch):
    p = launch("binh-phuoc", "quang-tri", "bac-kan", "--lang", "vi", "--no-compare", "--workers", "1", "--force")
    nb = proj / "build" / "notebooks" / "vi" / "binh-phuoc.ipynb"
    deadline = time.monotonic() + 120
    while not nb.exists() and time.monotonic() < deadline:  # the first notebook is running (sleeping)
        time.sleep(0.5)
    time.sleep(3)
    os.killpg(p.pid, signal.SIGINT)  # Ctrl-C goes to the whole process group
    t0 = time.monotonic()
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, out + err
    assert time.monotonic() - t0 < 20
    assert err.strip().count("\n") == 0 and "interrupted" in err and "Traceback" not in err, err
    for key in ("quang-tri", "bac-kan"):  # the queued notebooks never started
        assert not (proj / "build" / "notebooks" / "vi" / f"{key}.ipynb").exists()
    assert not (proj / "build" / "notebooks" / "vi" / "binh-phuoc.cache.json").exists()
