"""Growth: a project twice as large costs at most 2.2 times as much (issue 13).

The shapes (benchmarks/shapes.py) stress resolution: barrels and `export *` chains, factories that
return factories, alias and call chains, classes whose members hold clients, one generated file of
many small functions, Python packages. The count of derived queries is exact and machine
independent; CPU time and memory are the best of three runs in fresh processes, taken in turn.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import shapes  # noqa: E402


@pytest.fixture(scope="module")
def measured():
    return shapes.growth(400, runs=3)


def test_findings_and_files_grow_with_the_project(measured) -> None:
    small, large = measured
    assert large["files"] >= 1.9 * small["files"]
    assert small["findings"] > 100  # the rules do real work on these shapes
    assert large["findings"] >= 1.9 * small["findings"]


def test_resolution_work_is_linear(measured) -> None:
    small, large = measured
    assert large["derivations"] <= 2.2 * small["derivations"], (small, large)


def test_time_and_memory_are_linear(measured) -> None:
    small, large = measured
    assert large["cpu_seconds"] <= 2.2 * small["cpu_seconds"], (small, large)
    assert large["memory_kb"] <= 2.2 * small["memory_kb"], (small, large)
