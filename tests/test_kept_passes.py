"""The rules' per-file passes kept across scans (issue 13 item 7, `Project.own_pass`): the calls
each of CL003's cases looks at in a file read only that file's facts, the rule's data and, for the
task wrappers' case, the names of the wrappers found in other files (the pass's `extra`). The cache
keeps each file's answer with the file's content digest and the pass's `extra`
(crashlint.cache.phase, `passes-<root hash>.bin`): a commit scan asks them again of the edited files
alone, of every file when `extra` changed, and its findings equal a cold scan's whatever the edits."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from test_commit_path import FIXTURES, REJECTIONS, _apply, _assert_warm_is_cold, _edit_strategy, _everything

from crashlint.project import Project
from crashlint.scan import scan

TASKS = FIXTURES / "CL003" / "projects" / "py-task-wrappers"


def _asked(monkeypatch) -> list[tuple[object, str]]:
    """Every (pass, file) whose answer `own_pass` computes (not kept) from now on."""
    asked: list[tuple[object, str]] = []
    real = Project.own_pass

    def own_pass(self, what, compute, select=None, **options):
        return real(self, what, lambda path, facts: (asked.append((what, path)), compute(path, facts))[1], select, **options)

    monkeypatch.setattr(Project, "own_pass", own_pass)
    return asked


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_an_edit_asks_the_passes_of_the_edited_file_alone(tmp_path, monkeypatch) -> None:
    root = tmp_path / "p"
    _write(root, REJECTIONS)
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    asked = _asked(monkeypatch)
    scan([str(root)], cache_dir=cache)
    cases = {what for what, _ in asked}
    assert ("async-rejection", "CL003", "express") in cases and {path for _, path in asked} == {"src/jobs.ts", "src/orders.ts", "src/main.ts"}
    main = root / "src" / "main.ts"
    main.write_text(main.read_text().replace("  res.json(await users());\n", '  console.log("users");\n  res.json(await users());\n'))
    asked.clear()
    warm = scan(["src/main.ts"], in_project=True, cache_dir=cache)
    assert asked and {path for _, path in asked} == {"src/main.ts"} and {what for what, _ in asked} == cases
    assert _everything(warm) == _everything(scan(["src/main.ts"], in_project=True, cache_dir=None))
    assert warm.findings  # the commit scan has findings to compare
    # another list of files (a file added): the same key no longer holds, every file is asked
    (root / "src" / "log.ts").write_text("export const log = (line: string) => console.log(line);\n")
    asked.clear()
    scan(["src/main.ts"], in_project=True, cache_dir=cache)
    assert {path for _, path in asked} == {"src/jobs.ts", "src/orders.ts", "src/main.ts", "src/log.ts"}


def test_a_wrapper_found_in_another_file_asks_every_file_again(tmp_path, monkeypatch) -> None:
    """The task wrappers' case reads the names of the wrappers other files define (`extra`): an
    edit that makes a function a wrapper asks that case of every Python file again (an unchanged
    file's call of it is now a finding); an edit that leaves the names as they were asks it of the
    edited file alone."""
    root = tmp_path / "daemon-project"
    shutil.copytree(TASKS, root)
    core, main = root / "daemon" / "core.py", root / "daemon" / "__main__.py"
    returned, dropped = "        return self.sys_create_task(coroutine)\n", "        self.sys_create_task(coroutine)\n"
    core.write_text(core.read_text().replace(returned, dropped))  # `schedule` returns no task: no wrapper
    main.write_text(main.read_text().replace("    core.start()\n", "    core.start()\n    core.schedule(core.reload())\n"))
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    asked = _asked(monkeypatch)
    scan([str(root)], cache_dir=cache)
    wrappers = ("async-rejection", "CL003", "task-wrappers")
    python = {path for what, path in asked if what == wrappers}
    assert len(python) == 5
    reported = ["daemon/core.py", "daemon/__main__.py"]
    core.write_text(core.read_text().replace("        await asyncio.sleep(1)\n", "        await asyncio.sleep(2)\n"))
    asked.clear()
    warm = scan(reported, in_project=True, cache_dir=cache)
    assert {path for _, path in asked} == {"daemon/core.py"}
    assert _everything(warm) == _everything(scan(reported, in_project=True, cache_dir=None))
    assert not [f for f in warm.findings if f.location.path == "daemon/__main__.py" and f.location.start_line == 12]
    # `schedule` returns the task again: one wrapper more, every file's calls asked again
    core.write_text(core.read_text().replace(dropped, returned))
    asked.clear()
    warm = scan(reported, in_project=True, cache_dir=cache)
    assert {path for what, path in asked if what == wrappers} == python
    assert {path for what, path in asked if what != wrappers} == {"daemon/core.py"}
    cold = scan(reported, in_project=True, cache_dir=None)
    assert _everything(warm) == _everything(cold)
    # the unchanged file's call of the new wrapper is a finding now
    assert [f for f in cold.findings if f.location.path == "daemon/__main__.py" and f.location.start_line == 12]


TASK_TOGGLES = [
    "import asyncio; asyncio.ensure_future(asyncio.sleep(1))",
    "def spawn(coro):\n    return asyncio.get_event_loop().create_task(coro)",
    "spawn(asyncio.sleep(1))",
]


@pytest.mark.parametrize("project", ["CL003/projects/py-task-wrappers", "CL003/projects/events-cross-file"])
def test_hypothesis_kept_passes_equal_a_cold_scan(project: str) -> None:
    """Random edits in a row (lines inserted, deleted, duplicated; task wrappers added and called):
    after each, the warm `--in-project` scan of the edited file equals a cold one field for field
    and the whole scan's findings on it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=6, deadline=None, derandomize=True, database=None)
    @given(_edit_strategy(), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(TASK_TOGGLES)), max_size=2))
    def check(edits: list, toggles: list) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / project.split("/")[-1]
            shutil.copytree(FIXTURES / project, root)
            cache = str(Path(tmp) / "cache")
            here = os.getcwd()
            os.chdir(root)
            try:
                texts = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}
                scan([str(root)], cache_dir=cache, fixes=({}, True))
                python = sorted(rel for rel in texts if rel.endswith(".py"))
                steps = [("edit", e) for e in edits] + [("toggle", t) for t in toggles]
                for kind, step in sorted(steps, key=lambda s: repr(s[1])):
                    if kind == "toggle" and python:
                        file = python[step[0] % len(python)]
                        texts[file] = texts[file] + "\n" + step[1] + "\n"
                    elif kind == "edit":
                        file = _apply(texts, step)
                    else:
                        continue
                    (root / file).write_text(texts[file])
                    _assert_warm_is_cold(root, file, cache, (project, steps, file))
            finally:
                os.chdir(here)

    check()


def test_the_language_server_asks_the_wrapper_case_again_when_a_wrapper_appears(tmp_path) -> None:
    """The same dependency in the language server's model kept across edits: the wrapper case's
    memo is keyed by the wrapper names too, so an edit that makes `schedule` a wrapper finds the
    unchanged file's call of it (before, the kept answer of `__main__.py` missed it)."""
    from crashlint.lsp.workspace import Workspace

    root = tmp_path / "ws" / "daemon-project"
    shutil.copytree(TASKS, root)
    core, main = root / "daemon" / "core.py", root / "daemon" / "__main__.py"
    returned, dropped = "        return self.sys_create_task(coroutine)\n", "        self.sys_create_task(coroutine)\n"
    core.write_text(core.read_text().replace(returned, dropped))
    main.write_text(main.read_text().replace("    core.start()\n", "    core.start()\n    core.schedule(core.reload())\n"))
    workspace = Workspace(str(root), cache=False)
    workspace.load()
    workspace.analyse()
    model = workspace.project
    text = core.read_text().replace(dropped, returned)
    workspace.set_buffer("daemon/core.py", text.encode())
    analysis = workspace.analyse()
    assert workspace.project is model  # brought up to date, not built again
    fresh = tmp_path / "fresh" / "daemon-project"
    shutil.copytree(root, fresh)
    (fresh / "daemon" / "core.py").write_text(text)
    expected = scan([str(fresh)])
    where = sorted((f.rule_id, f.location.path, f.location.start_line) for f in analysis.result.findings)
    assert where == sorted((f.rule_id, f.location.path, f.location.start_line) for f in expected.findings)
    assert ("CL003", "daemon/__main__.py", 12) in where
