"""The commit path (issue 13, item 7): `--in-project` on changed files reports exactly what a scan
of the whole project reports on them, and a warm scan after an edit equals a cold one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crashlint.scan import scan

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".py")
PROJECTS = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()) + sorted(
    p for p in (ROOT / "tests" / "fixtures").glob("CL*/projects/*") if p.is_dir()
)


def _key(result) -> list[tuple]:
    return [
        (f.rule_id, f.location, f.subject, f.message, tuple(f.problems), f.severity, f.fingerprint, f.process)
        for f in result.findings
    ]


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_in_project_equals_the_whole_scan_on_each_file(project: Path, monkeypatch) -> None:
    # the per-file rules look only at the files given; the findings must not change for it
    monkeypatch.chdir(project)
    whole = scan([str(project)], cache_dir=None)
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.suffix in SOURCES and p.is_file())
    assert files
    for rel in files:
        alone = scan([rel], in_project=True, cache_dir=None)
        expected = [k for k in _key(whole) if k[1].path == rel]
        assert _key(alone) == expected, rel


WORKER = 'import {{ Worker, Queue }} from "bullmq";\nexport const {name} = new Worker("{name}", async () => {{}});\n'


def test_in_project_keeps_grouped_findings_of_other_files(tmp_path, monkeypatch) -> None:
    # CL002 reports one finding per package for all its workers, located at the first one: the
    # grouped rules still look at every file, so a.ts's finding names b.ts's worker too
    (tmp_path / "package.json").write_text('{"name": "svc", "dependencies": {"bullmq": "^5.0.0"}}')
    for name in ("a", "b"):
        (tmp_path / f"{name}.ts").write_text(WORKER.format(name=name) + ("import './b';\n" if name == "a" else ""))
    (tmp_path / "queue.ts").write_text('import { Queue } from "bullmq";\nexport const q = new Queue("q");\n')
    monkeypatch.chdir(tmp_path)
    whole = scan([str(tmp_path)], cache_dir=None)
    assert any("a" in f.subject and "b" in f.subject for f in whole.findings if f.rule_id == "CL002"), _key(whole)
    for rel in ("a.ts", "b.ts", "queue.ts"):
        alone = scan([rel], in_project=True, cache_dir=None)
        assert _key(alone) == [k for k in _key(whole) if k[1].path == rel], rel
