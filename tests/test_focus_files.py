"""The files a per-file or per-package rule looks at when a scan reports on a few files
(`--in-project`, the commit path): `RuleContext.subject_files` and `package_subject_files` take the
focus files (or their packages' files) straight from the model's indexes, not from a walk over every
file per pass (issue 13 item 7). They must yield exactly what that walk yielded — the same files, in
file order, with `current_path` naming each — including focus paths the project does not hold,
packages with several files and files a rule broke on (`skipped`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crashlint.engine.context import RuleContext
from crashlint.scan import process_model
from crashlint.source import SourceCache

FIXTURES = Path(__file__).parent / "fixtures"
PROJECTS = [FIXTURES / "CL002" / "projects" / "monorepo-queues", FIXTURES / "CL002" / "projects" / "ts-forgot-one"]


def _walked(ctx: RuleContext, wanted) -> list[tuple[str, str | None]]:
    """What the walk over every file yielded (the code before): each admitted file and the path
    `current_path` named as it was yielded."""
    return [(path, ctx.current_path) for path, _ in ctx.files() if wanted(path)]


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_focus_files_are_what_a_walk_over_every_file_admits(root: Path) -> None:
    project, processes, found = process_model([str(root)])
    paths = sorted(project.files)
    assert len(paths) >= 3
    root_of = project.package_root
    focus_sets = [
        {paths[0]}, {paths[-1]}, set(paths[::2]), set(paths),
        {paths[1], "not/in/the/project.ts"},  # a path the model does not hold: never yielded
    ]
    for focus in focus_sets:
        for skipped in (set(), {paths[0]}, {paths[-1], paths[1]}):
            ctx = RuleContext(project, SourceCache(found.root), frozenset(), processes, frozenset(focus))
            ctx.skipped = set(skipped)
            packages = {root_of(path) for path in focus}
            expected_files = [p for p, _ in _walked(ctx, lambda p: p in focus)]
            expected_package = [p for p, _ in _walked(ctx, lambda p: root_of(p) in packages)]
            seen = []
            for path, facts in ctx.subject_files():
                assert ctx.current_path == path and facts is project.files[path]
                seen.append(path)
            assert ctx.current_path is None
            assert seen == expected_files
            seen = []
            for path, facts in ctx.package_subject_files():
                assert ctx.current_path == path and facts is project.files[path]
                seen.append(path)
            assert ctx.current_path is None
            assert seen == expected_package
            assert all(p not in skipped for p in seen)
    # with no focus, every file but the skipped ones, as before
    ctx = RuleContext(project, SourceCache(found.root), frozenset(), processes, None)
    ctx.skipped = {paths[1]}
    assert [p for p, _ in ctx.subject_files()] == [p for p in paths if p != paths[1]]
    assert [p for p, _ in ctx.package_subject_files()] == [p for p in paths if p != paths[1]]
