"""Answers about one file kept across scans (issue 13 item 7, `Project.own_part`): where a file's
imports, re-exports and spawns lead (`_Finder._loads`) and its role by its path (`_path_role`) read
only that file's facts, the list of files, the manifests and, for the role, whether its package's
`bin` starts its server. The cache keeps them with the file's content digest (crashlint.cache.phase),
and a later scan recomputes them for the edited files alone. Whatever the edits (a body-only edit,
an import added, an export renamed, a listener added, a file deleted, a `bin` that starts or stops
serving, a Python `Popen([...])`), the process model built with the kept answers equals a fresh
one, and a warm `--in-project` scan equals a cold one."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from crashlint.scan import scan

PROJECT = {
    "api/package.json": '{"name": "api", "scripts": {"start": "node dist/main.js"}, '
                        '"dependencies": {"express": "^4.18.0", "ioredis": "^5.3.0"}}',
    "api/src/main.ts": 'import express from "express";\nimport { routes } from "./routes";\nimport "../../cli/lib/util";\n\n'
                       'const app = express();\napp.use(routes);\napp.listen(3000);\n',
    "api/src/routes.ts": 'import { Router } from "express";\nimport { redis } from "./lib/redis";\n\n'
                         'export const routes = Router();\nroutes.get("/", async (req, res) => {\n'
                         '  const page = await fetch("https://example.com/a");\n  res.send(await redis.get("k"));\n});\n',
    "api/src/lib/redis.ts": 'import Redis from "ioredis";\n\nexport const redis = new Redis();\n',
    "api/src/jobs/spawn.ts": 'import { fork } from "child_process";\nimport path from "path";\n\n'
                             'export const child = fork(path.join(__dirname, "child.js"));\n',
    "api/src/jobs/child.ts": 'import Redis from "ioredis";\n\nexport const queue = new Redis();\n',
    "web/package.json": '{"name": "web", "dependencies": {"react": "^18.2.0"}}',
    "web/src/button.tsx": 'export const Button = () => <button>ok</button>;\n',
    "web/src/api.ts": 'export const load = () => fetch("/api/x");\n',
    "cli/package.json": '{"name": "tool", "bin": {"tool": "bin/tool.js"}, "main": "bin/tool.js", "dependencies": {"ioredis": "^5.3.0", "react": "^18.2.0"}}',
    "cli/bin/tool.js": 'const http = require("http");\nconst lib = require("../lib/util");\n\nlib.run();\n',
    "cli/lib/util.js": 'exports.run = () => 1;\n',
    "worker/requirements.txt": "redis==5.0.0\nrequests==2.31.0\n",
    "worker/spawner.py": "from subprocess import Popen\n",
    "worker/app.py": 'from spawner import Popen\nimport requests\n\n\ndef main():\n    requests.get("https://example.com")\n\n\n'
                     'if __name__ == "__main__":\n    main()\n',
    "worker/job.py": 'import redis\n\nconn = redis.Redis()\n\nwhile True:\n    conn.get("k")\n',
}

# (file, text before, text after): each edit swaps one way or the other; "" before appends
EDITS = [
    ("api/src/routes.ts", 'fetch("https://example.com/a")', 'fetch("https://example.com/b", { signal: AbortSignal.timeout(5000) })'),  # body only
    ("api/src/main.ts", 'import { routes } from "./routes";\n', 'import { routes } from "./routes";\nimport "./jobs/spawn";\n'),  # import added
    ("api/src/lib/redis.ts", "export const redis = new Redis();", "export const redisClient = new Redis();"),  # export renamed
    ("api/src/routes.ts", "export const routes = Router();\n", 'export const routes = Router();\nredis.on("error", () => {});\n'),  # listener
    ("api/src/main.ts", "app.listen(3000);\n", 'app.listen(3000);\nprocess.on("SIGTERM", () => process.exit(0));\n'),  # listener
    ("cli/bin/tool.js", "lib.run();\n", "lib.run();\nhttp.createServer(() => {}).listen(8080);\n"),  # the bin serves
    ("worker/app.py", "def main():\n", 'def main():\n    Popen(["python", "job.py"])\n'),  # a Python spawn
    ("worker/spawner.py", "from subprocess import Popen\n", "def Popen(args):\n    return args\n"),  # what it spawns with
    ("web/src/button.tsx", "<button>ok</button>", "<button onClick={() => fetch('/x')}>ok</button>"),  # body only
    ("api/src/jobs/child.ts", None, None),  # the file deleted (or put back)
    ("api/src/lib/redis.ts", "", 'export const other = new Redis({ lazyConnect: true });\n'),  # an export added
]


def _edit(file: str) -> int:
    """The first edit of EDITS of `file`."""
    return next(i for i, edit in enumerate(EDITS) if edit[0] == file)


def _apply(root: Path, texts: dict[str, str], index: int) -> str:
    """Edit `index` of EDITS swapped in or out of the project (`texts`: what it holds); the file."""
    file, before, after = EDITS[index]
    path = root / file
    if before is None:  # delete, or put back
        if file in texts:
            del texts[file]
            path.unlink()
        else:
            texts[file] = PROJECT[file]
            path.write_text(texts[file])
        return file
    if file not in texts:
        return file
    text = texts[file]
    if before == "":
        text = text[: -len(after)] if text.endswith(after) else text + after
    elif before in text:
        text = text.replace(before, after, 1)
    else:
        text = text.replace(after, before, 1)
    texts[file] = text
    path.write_text(text)
    return file


def _model(root: Path, kept_from=None):
    """The project model and process model of `root`; `kept_from`: (project, texts) of an earlier
    model whose `own_part` answers are kept for the files whose text is the same (what the cache's
    digests decide)."""
    from crashlint.cache.facts import load_facts
    from crashlint.dependencies import read_manifests
    from crashlint.discover import discover
    from crashlint.processes import find_processes
    from crashlint.project import Project

    found = discover([str(root)])
    facts = [p.facts for p in load_facts(found.files, None, 1, root=found.root) if p.facts is not None]
    kept = None
    if kept_from is not None:
        earlier, texts_then = kept_from
        now = {f.rel_path: Path(f.abs_path).read_text() for f in found.files}
        kept = {"parts": {what: {path: answer for path, answer in table.items() if texts_then.get(path) == now.get(path)}
                          for what, table in earlier.own_parts().items()}}
    project = Project(found.root, facts, read_manifests(found.root, {os.path.dirname(f.path) for f in facts}), kept=kept)
    project.build_members()
    model = find_processes(project)
    return project, model


def _described(model) -> tuple:
    return ([dataclasses.asdict(p) for p in model.processes], model.roles, model.reasons, model.loaders, sorted(model.fallback),
            {path: model.runs_long(path, 1) for path in sorted(model.roles)})


def _everything(result) -> list:
    return [repr(dataclasses.asdict(f)) for f in result.findings] + [repr(n) for n in result.notes] + [result.files_scanned]


def _write(root: Path) -> dict[str, str]:
    for rel, text in PROJECT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return dict(PROJECT)


def test_the_fixture_has_what_the_kept_answers_are_about(tmp_path) -> None:
    # a server with a start command, a spawned child, page code, a CLI package, a Python program
    root = tmp_path / "p"
    _write(root)
    project, model = _model(root)
    parts = project.own_parts()
    assert {"loads", "path-role"} <= parts.keys()
    assert parts["loads"]["api/src/jobs/spawn.ts"][1] == ["api/src/jobs/child.ts"]
    assert model.roles["api/src/main.ts"] == "server" and model.roles["web/src/button.tsx"] == "browser"
    texts = dict(PROJECT)
    _apply(root, texts, _edit("worker/app.py"))  # a Popen: app.py's answer resolves a callee, so it is never kept
    project, model = _model(root)
    assert "worker/app.py" not in project.own_parts()["loads"] and "worker/job.py" in project.own_parts()["loads"]
    assert "worker/job.py" in model.processes[[p.name for p in model.processes].index("app")].files
    earlier = (project, dict(texts))
    # what it calls Popen is no longer subprocess's: app.py unchanged, but it spawns nothing now
    _apply(root, texts, _edit("worker/spawner.py"))
    _, kept = _model(root, earlier)
    assert "worker/job.py" not in kept.processes[[p.name for p in kept.processes].index("app")].files
    assert _described(kept) == _described(_model(root)[1])


def test_an_edit_recomputes_the_edited_file_alone(tmp_path, monkeypatch) -> None:
    from crashlint.processes import _Finder

    root = tmp_path / "p"
    texts = _write(root)
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    scan([str(root)], cache_dir=cache)
    asked: list[str] = []
    roles: list[str] = []
    real_loads, real_role = _Finder._loads, _Finder._path_role
    monkeypatch.setattr(_Finder, "_loads", lambda self, path, facts: (asked.append(path), real_loads(self, path, facts))[1])
    monkeypatch.setattr(_Finder, "_path_role", lambda self, path: (roles.append(path), real_role(self, path))[1])
    file = _apply(root, texts, _edit("api/src/routes.ts"))  # a body-only edit
    warm = scan([file], in_project=True, cache_dir=cache)
    assert asked == [file] and set(roles) <= {file}
    assert _everything(warm) == _everything(scan([file], in_project=True, cache_dir=None))
    asked.clear()
    file = _apply(root, texts, _edit("api/src/jobs/child.ts"))  # a file deleted: another list of files, every answer again
    warm = scan(["api/src/jobs/spawn.ts"], in_project=True, cache_dir=cache)
    assert len(asked) == len(texts) - len([t for t in texts if not t.endswith((".ts", ".tsx", ".js", ".py"))])
    assert _everything(warm) == _everything(scan(["api/src/jobs/spawn.ts"], in_project=True, cache_dir=None))


@pytest.mark.parametrize("seed", [1, 2])
def test_hypothesis_kept_answers_give_a_fresh_model(seed: int) -> None:
    """Edits in a row: after each, the process model built with the last model's kept answers
    equals a fresh one (processes, files, roles, reasons, what runs long), and the warm
    `--in-project` scan of the edited file equals a cold one."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=5, deadline=None, derandomize=True, database=None)
    @given(st.lists(st.integers(0, len(EDITS) - 1), min_size=1, max_size=5), st.just(seed))
    def check(edits: list[int], _seed: int) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "p"
            texts = _write(root)
            cache = str(Path(tmp) / "cache")
            here = os.getcwd()
            os.chdir(root)
            try:
                scan([str(root)], cache_dir=cache)
                earlier = (_model(root)[0], dict(texts))
                for index in edits:
                    file = _apply(root, texts, index)
                    project, kept = _model(root, earlier)
                    assert _described(kept) == _described(_model(root)[1]), (edits, index)
                    earlier = (project, dict(texts))
                    reported = [file if file in texts else "api/src/main.ts"]
                    warm = scan(reported, in_project=True, cache_dir=cache)
                    assert _everything(warm) == _everything(scan(reported, in_project=True, cache_dir=None)), (edits, index)
            finally:
                os.chdir(here)

    check()
