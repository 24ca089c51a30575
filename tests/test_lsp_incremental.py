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
