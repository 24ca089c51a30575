"""The language server's incremental analysis gives exactly what a fresh scan gives: random edits
(listeners, signal handlers, imports, calls with and without a timeout, comments, whitespace) typed
into a project's buffers one after another, each analysis compared with `crashlint scan` of the
same contents written to a folder of their own."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from crashlint.lsp.workspace import Workspace
from crashlint.scan import scan
from lsp_client import service_project

EVENTS = "src/events/redisEvents.ts"
SERVER = "src/server.ts"
API_FILE = "src/api.ts"
REDIS = "src/lib/redis.ts"

# (file, line added or removed): each edit toggles one of them
TOGGLES = [
    (EVENTS, 'conn.on("error", (err) => console.error("redis", err));'),
    (EVENTS, 'cacheClient.on("error", (err) => console.error("cache", err));'),
    (SERVER, 'process.on("SIGTERM", async () => { await cache.quit(); });'),
    (SERVER, 'process.on("SIGINT", () => lib.connection.disconnect());'),
    (SERVER, 'import "./events/redisEvents";'),
    (API_FILE, 'export const ping = () => fetch("https://status.example.com");'),
    (API_FILE, 'export const pong = () => fetch("https://status.example.com", { signal: AbortSignal.timeout(5000) });'),
    (REDIS, 'export const third = new IORedis({ lazyConnect: true });'),
]


def _contents(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


def _edit(text: str, rng: random.Random, file: str, toggles: list[str]) -> str:
    """One random edit of `text`: a line of `toggles` added or removed, or a change no fact sees
    (a comment typed, a space at the end of a random line, a comment after a finding's line)."""
    lines = text.split("\n")
    kind = rng.choice(["toggle", "toggle", "comment", "space", "line-comment", "finding-comment"])
    if kind == "toggle" and toggles:
        line = rng.choice(toggles)
        if line in lines:
            lines.remove(line)
        else:
            lines.insert(rng.randrange(len(lines) + 1) if not line.startswith("import") else 0, line)
    elif kind == "comment":
        lines.append("// typed " + rng.choice("abcxyz") * rng.randint(1, 5))
    elif kind == "space":
        n = rng.randrange(len(lines))
        lines[n] += " "
    elif kind == "finding-comment":  # the line a report quotes changes, and no fact does
        found = [n for n, line in enumerate(lines) if ("fetch(" in line or "new IORedis(" in line) and "//" not in line]
        if found:
            lines[rng.choice(found)] += " // " + rng.choice(["why", "note", "todo"])
    else:
        n = rng.randrange(len(lines))
        if lines[n].rstrip().endswith(";"):
            lines[n] += " // " + rng.choice(["why", "note", "todo"])
    return "\n".join(lines)


def _key(findings) -> list[tuple]:
    return sorted((f.rule_id, f.location.path, f.location.start_line, f.location.start_col, f.location.end_line,
                   f.location.end_col, f.subject, f.message, tuple(f.problems), f.line_text, f.process,
                   tuple((r.location.path, r.location.start_line, r.message) for r in f.related))
                  for f in findings)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_match_a_fresh_scan(tmp_path: Path, seed: int) -> None:
    root = service_project(tmp_path)
    workspace = Workspace(str(root), cache=False)
    workspace.load()
    workspace.analyse()
    texts = _contents(root)
    rng = random.Random(seed)
    reused = 0
    for _ in range(14):
        file = rng.choice([EVENTS, SERVER, API_FILE, REDIS])
        texts[file] = _edit(texts[file], rng, file, [line for f, line in TOGGLES if f == file])
        phase = workspace.phase
        workspace.set_buffer(file, texts[file].encode())  # False when the edit changed nothing
        analysis = workspace.analyse()
        reused += workspace.phase is phase
        fresh = tmp_path / "fresh" / "svc"  # the same folder name: it names the process
        shutil.rmtree(fresh, ignore_errors=True)
        for rel, text in texts.items():
            (fresh / rel).parent.mkdir(parents=True, exist_ok=True)
            (fresh / rel).write_text(text)
        expected = scan([str(fresh)])
        assert _key(analysis.result.findings) == _key(expected.findings), (seed, file, texts[file])
    assert reused, "no edit reused the rules' findings"
    assert reused < 14, "every edit reused the rules' findings"


# Projects whose findings hang on other files (listeners, shutdown handlers, factories, barrels,
# re-exports, injected clients, pushed workers): random edits that change their code, each analysis
# (the project model brought up to date by `Project.update`) compared with a fresh scan.
FIXTURES = Path(__file__).parent / "fixtures"
CODE_EDIT_PROJECTS = ["CL001/projects/ts-cross-file", "CL002/projects/ts-pushed-workers", "CL005/projects/factory-handler",
                      "CL004/projects/ts-queue-shared-client", "CL006/projects/presign-across-files"]
SLOW_CODE_EDIT_PROJECTS = ["CL001/projects/js-commonjs", "CL001/projects/py-package", "CL002/projects/ts-class-service",
                           "CL002/projects/ts-nest-lifecycle", "CL002/projects/monorepo-queues", "CL003/projects/events-cross-file",
                           "CL004/projects/js-map-registry", "CL007/projects/ts-shared-client", "CL008/projects/fetch-wrappers",
                           "CL001/projects/ts-di-providers", "CL002/projects/ts-static-registry"]


def _code_edit(texts: dict[str, str], rng: random.Random, removed: dict[str, list[str]]) -> str:
    """One random edit of a source file's code: a line deleted, one deleted before put back, a line
    duplicated, a line of another file copied in, the whole file emptied or given back."""
    sources = sorted(rel for rel in texts if rel.endswith((".ts", ".js", ".py", ".tsx", ".mjs", ".cjs")))
    file = rng.choice(sources)
    lines = texts[file].split("\n")
    kind = rng.choice(["delete", "delete", "restore", "restore", "duplicate", "copy", "empty"])
    if kind == "delete" and any(line.strip() for line in lines):
        n = rng.choice([i for i, line in enumerate(lines) if line.strip()])
        removed.setdefault(file, []).append(lines.pop(n))
    elif kind == "restore" and removed.get(file):
        lines.insert(rng.randrange(len(lines) + 1), removed[file].pop(rng.randrange(len(removed[file]))))
    elif kind == "duplicate" and lines:
        n = rng.randrange(len(lines))
        lines.insert(n, lines[n])
    elif kind == "copy":
        other = rng.choice(sources)
        candidates = [line for line in texts[other].split("\n") if line.strip() and not line.startswith((" ", "\t", "}"))]
        if candidates:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(candidates))
    elif kind == "empty":
        removed.setdefault(file, []).extend(line for line in lines if line.strip())
        lines = [""]
    texts[file] = "\n".join(lines)
    return file


def _code_edits_match(tmp_path: Path, project: str, seed: int, steps: int = 12) -> None:
    name = project.split("/")[-1]
    root = tmp_path / "ws" / name
    shutil.copytree(FIXTURES / project, root)
    workspace = Workspace(str(root), cache=False)
    workspace.load()
    workspace.analyse()
    texts = _contents(root)
    rng = random.Random(seed)
    removed: dict[str, list[str]] = {}
    updated = 0
    for _ in range(steps):
        model = workspace.project
        file = _code_edit(texts, rng, removed)
        workspace.set_buffer(file, texts[file].encode())
        analysis = workspace.analyse()
        updated += model is not None and workspace.project is model
        fresh = tmp_path / "fresh" / name
        shutil.rmtree(fresh, ignore_errors=True)
        for rel, text in texts.items():
            (fresh / rel).parent.mkdir(parents=True, exist_ok=True)
            (fresh / rel).write_text(text)
        expected = scan([str(fresh)])
        assert _key(analysis.result.findings) == _key(expected.findings), (project, seed, file, texts[file])
        assert not [n for n in analysis.result.notes + expected.notes if n.level == "error"]  # no rule broke
    assert updated, "the project model was never brought up to date: every edit built a new one"


@pytest.mark.parametrize("project", CODE_EDIT_PROJECTS)
def test_code_edits_match_a_fresh_scan(tmp_path: Path, project: str) -> None:
    _code_edits_match(tmp_path, project, seed=7)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 100])  # 100: one edit changes several files' parts of one index
@pytest.mark.parametrize("project", CODE_EDIT_PROJECTS + SLOW_CODE_EDIT_PROJECTS)
def test_many_code_edits_match_a_fresh_scan(tmp_path: Path, project: str, seed: int) -> None:
    _code_edits_match(tmp_path, project, seed, steps=20)
