"""Forked workers: results in order, errors raised as in a loop, one worker runs in this process."""

from __future__ import annotations

import os

import pytest

from analysis.site.parallel import available_workers, fork_map


def test_results_come_back_in_order_from_other_processes(monkeypatch):
    monkeypatch.setenv("ANALYSIS_WORKERS", "2")
    offset = 10  # a closure: nothing is pickled on the way in
    out = fork_map(lambda x: (x + offset, os.getpid()), [1, 2, 3, 4])
    assert [v for v, _ in out] == [11, 12, 13, 14]
    assert os.getpid() not in {pid for _, pid in out}


def test_one_worker_runs_in_this_process(monkeypatch):
    monkeypatch.setenv("ANALYSIS_WORKERS", "1")
    assert available_workers() == 1
    assert {pid for pid in fork_map(lambda x: os.getpid(), [1, 2, 3])} == {os.getpid()}


def test_an_error_in_a_worker_is_raised_here(monkeypatch):
    monkeypatch.setenv("ANALYSIS_WORKERS", "2")

    def fail_on_three(x):
        if x == 3:
            raise ValueError(f"bad item {x}")
        return x

    with pytest.raises(ValueError, match="bad item 3"):
        fork_map(fail_on_three, [1, 2, 3, 4])


def test_a_worker_does_not_fork_again(monkeypatch):
    monkeypatch.setenv("ANALYSIS_WORKERS", "2")
    out = fork_map(lambda x: {pid for pid in fork_map(lambda y: os.getpid(), [1, 2])} == {os.getpid()}, [1, 2])
    assert out == [True, True]
