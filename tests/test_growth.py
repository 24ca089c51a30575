"""Growth: a project twice as large costs at most 2.2 times as much (issue 13).

The shapes (benchmarks/shapes.py) stress resolution: barrels and `export *` chains, factories that
return factories, alias and call chains, classes whose members hold clients, one generated file of
many small functions, Python packages. The count of derived queries is exact and machine
independent; CPU time and memory are the best of five runs in fresh processes, taken in turn.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import shapes  # noqa: E402


@pytest.fixture(scope="module")
def measured():
    # best of 5: with jinja2 no longer imported on the scan path (a4b28fd) N's time lost a constant
    # that padded it, and the ratio sits at 1.96-2.15 on a quiet machine (derivations exactly 2.0x);
    # best of 3 let one slow N run fail the 2.2 bound (CI of b6ffe92: 2.203)
    return shapes.growth(400, runs=5)


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


# ---- `Project.calls_of`: the calls of a function, for every function of a name at once -----------

def _calls_of_project(root: Path, n: int):
    """N TypeScript modules that each declare a `handle` and call their own twice, and N Python
    modules whose class each has a `handle` method that `self.handle()` calls: 2N declarations named
    alike, each with calls of its own among 4N calls of that name."""
    import os

    from crashlint.cache.facts import load_facts
    from crashlint.dependencies import read_manifests
    from crashlint.discover import discover
    from crashlint.project import Project

    for i in range(n):
        (root / f"m{i}.ts").write_text(f"export function handle() {{ return {i}; }}\n"
                                       f"export function run{i}() {{ handle(); handle(); }}\n")
        (root / f"p{i}.py").write_text(f"class Job{i}:\n    def handle(self):\n        return {i}\n\n"
                                       f"    def run(self):\n        self.handle()\n        return self.handle()\n")
    found = discover([str(root)])
    facts = [p.facts for p in load_facts(found.files, None, 1, root=found.root) if p.facts is not None]
    return Project(found.root, facts, read_manifests(found.root, {os.path.dirname(f.path) for f in facts}))


def _calls_of_work(tmp_path: Path, n: int, monkeypatch) -> int:
    """How many resolutions asking `calls_of` of every `handle` costs, each answer checked."""
    from crashlint.project import Project, Target

    folder = tmp_path / f"calls-of-{n}"
    folder.mkdir()
    project = _calls_of_project(folder, n)
    count = [0]
    real = Project.resolve

    def counted(self, *args, **kwargs):
        count[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Project, "resolve", counted)
    asked = 0
    for path, facts in project.files.items():
        for scope, function in facts.functions.items():
            if function.name != "handle":
                continue
            calls = project.calls_of(Target("function", path=path, scope=scope), self_calls=path.endswith(".py"))
            assert [(p, c.callee) for p, c in calls] == [(path, c.callee) for c in facts.calls if c.callee[-1] == "handle"]
            asked += 1
    monkeypatch.undo()
    assert asked == 2 * n
    return count[0]


def test_calls_of_is_linear(tmp_path, monkeypatch) -> None:
    # one pass over the calls of a name serves every declaration of it: a loop over `calls_named`
    # per declaration resolved 4N calls for each of 2N declarations (8N², 8× for 2N)
    small, large = (_calls_of_work(tmp_path, size, monkeypatch) for size in (50, 100))
    assert 0 < small and large <= 2.2 * small, (small, large)
