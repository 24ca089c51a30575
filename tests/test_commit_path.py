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


def _assert_warm_is_cold(root: Path, file: str, cache: str, why: tuple) -> None:
    """After an edit of `file` (cwd = `root`): the warm `--in-project` scan equals a cold one field
    for field, and the whole project's scan's findings on that file."""
    warm = scan([file], in_project=True, cache_dir=cache, fixes=({}, True))
    cold = scan([file], in_project=True, cache_dir=None, fixes=({}, True))
    assert _everything(warm) == _everything(cold), why
    whole = scan([str(root)], cache_dir=None, fixes=({}, True))
    assert _key(warm) == [k for k in _key(whole) if k[1].path == file], why


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


# services of one monorepo, each a package of its own (its manifest): findings of the rules whose
# --in-project scan looks only at the packages of the files given (CL002's groups, CL005, CL010)
# or at their listens and key calls (CL012, CL007), beside per-file ones
MONOREPO = {
    "queues": "CL002/projects/monorepo-queues",
    "forgot": "CL002/projects/ts-forgot-one",
    "api": "CL005/projects/monorepo",
    "health": "CL010/projects/monorepo",
    "server": "CL012/projects/no-handler",
    "crossfile": "CL012/projects/shutdown-cross-file",
    "loop": "CL012/projects/python-main-guard-loop",
    "redis": "CL007/projects/ts-shared-client",
    "clients": "CL001/projects/ts-cross-file",
}


def test_in_project_equals_the_whole_scan_in_a_monorepo(tmp_path, monkeypatch) -> None:
    """The rules that look only at the packages of the files given, or at their listens and key
    calls, report on each file what the whole scan reports on it; and a file with no listen, no
    construction and no key call in a package of no grouped finding builds no shutdown paths."""
    import shutil

    import crashlint.engine.context as context

    for name, fixture in MONOREPO.items():
        shutil.copytree(ROOT / "tests" / "fixtures" / fixture, tmp_path / "services" / name)
    (tmp_path / "services" / "quiet").mkdir()
    (tmp_path / "services" / "quiet" / "package.json").write_text('{"name": "quiet", "scripts": {"start": "node main.js"}}')
    (tmp_path / "services" / "quiet" / "main.js").write_text("const x = require('./util');\nconsole.log(x.twice(2));\n")
    (tmp_path / "services" / "quiet" / "util.js").write_text("exports.twice = (n) => n * 2;\n")
    monkeypatch.chdir(tmp_path)
    whole = scan([str(tmp_path)], cache_dir=None)
    assert {"CL001", "CL002", "CL005", "CL007", "CL010", "CL012"} <= {f.rule_id for f in whole.findings}, _key(whole)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.suffix in SOURCES and p.is_file())
    for rel in files:
        alone = scan([rel], in_project=True, cache_dir=None)
        assert _key(alone) == [k for k in _key(whole) if k[1].path == rel], rel
    built: list[int] = []
    real = context.RuleContext.shutdown
    monkeypatch.setattr(context.RuleContext, "shutdown", lambda self, spec: (built.append(1), real(self, spec))[1])
    assert scan(["services/quiet/main.js"], in_project=True, cache_dir=None).findings == []
    assert built == []
    listening = next(f.location.path for f in whole.findings if f.rule_id == "CL012")
    assert scan([listening], in_project=True, cache_dir=None).findings
    assert built  # a listen: its shutdown paths


def _files(found) -> list[tuple]:
    return [(f.abs_path, f.rel_path, f.grammar, f.forced) for f in found.files]


def test_discovery_is_reused_while_its_folders_are_unchanged(tmp_path, monkeypatch) -> None:
    """The discovery cache trusts folder mtimes and .gitignore stats, as git's untracked cache
    does: every change that can add or remove a file from the scan is seen, and an unchanged tree
    is not walked again."""
    import os
    import time

    import crashlint.cache.discovery as cached
    from crashlint.discover import discover

    project = tmp_path / "p"
    (project / "src" / "deep").mkdir(parents=True)
    (project / "src" / "a.ts").write_text("export const a = 1;\n")
    (project / "src" / "deep" / "b.ts").write_text("export const b = 1;\n")
    (project / "gen").mkdir()
    (project / "gen" / "g.ts").write_text("export const g = 1;\n")
    (project / ".gitignore").write_text("gen/\n")
    cache = str(tmp_path / "cache")
    monkeypatch.setattr(cached, "RACY_SECONDS", 0.0)
    walks: list[int] = []
    real = cached.discover
    monkeypatch.setattr(cached, "discover", lambda *a, **k: (walks.append(1), real(*a, **k))[1])
    options = dict(respect_gitignore=True, exclude=[], include=[])
    tick = [time.time_ns() - 60 * 10**9]

    def settle() -> None:
        # every folder and file an older mtime, so that the next change is a change of mtime
        tick[0] += 10**9
        for folder, dirs, names in os.walk(project):
            for name in [*dirs, *names, "."]:
                os.utime(os.path.join(folder, name), ns=(tick[0], tick[0]))

    def check(expect_walk: bool) -> None:
        walks.clear()
        found = cached.cached_discover(cache, [str(project)], **options)
        assert _files(found) == _files(discover([str(project)], **options))
        assert bool(walks) == expect_walk

    settle()
    check(True)
    check(False)
    (project / "src" / "deep" / "c.ts").write_text("export const c = 1;\n")  # a file added deep down
    check(True)
    settle()
    check(True)
    check(False)
    (project / "src" / "a.ts").write_text("export const a = 2;\n")  # an edit: the list stays
    check(False)
    (project / ".gitignore").write_text("gen/\nsrc/deep/\n")  # edited in place
    check(True)
    settle()
    check(True)
    (project / "src" / "deep" / "b.ts").unlink()  # in an ignored folder: not watched, nothing to see
    check(False)
    (project / "src" / "d.ts").write_text("export const d = 1;\n")
    check(True)
    settle()
    check(True)
    (project / "gen" / ".gitignore").write_text("x\n")  # a folder ignored: nothing to watch there
    (project / ".gitignore").write_text("src/deep/\n")  # now gen/ is walked
    check(True)
    assert any(f.rel_path == "gen/g.ts" for f in cached.cached_discover(cache, [str(project)], **options).files)


def test_a_tree_changed_just_now_is_not_saved(tmp_path, monkeypatch) -> None:
    import crashlint.cache.discovery as cached

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.ts").write_text("export const a = 1;\n")
    cache = str(tmp_path / "cache")
    walks: list[int] = []
    real = cached.discover
    monkeypatch.setattr(cached, "discover", lambda *a, **k: (walks.append(1), real(*a, **k))[1])
    for _ in range(2):
        cached.cached_discover(cache, [str(tmp_path / "p")], respect_gitignore=True, exclude=[], include=[])
    assert len(walks) == 2  # the folder's mtime is within RACY_SECONDS of the walk: never trusted


def test_files_whose_stat_is_unchanged_are_not_read_again(tmp_path, monkeypatch) -> None:
    """Stat before hash: a warm scan reads no unchanged file (neither to key the result cache nor
    to check afterwards that nothing changed meanwhile); an edit that keeps the size and puts the
    mtime back still changes the ctime, and is seen."""
    import os

    import crashlint.cache.stats as stats

    monkeypatch.setattr(stats, "RACY_SECONDS", 0.0)
    (tmp_path / "p").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "p" / f"{name}.ts").write_text(f"export const {name} = () => fetch('https://x');\n")
    cache = str(tmp_path / "cache")
    project = str(tmp_path / "p")
    first = scan([project], cache_dir=cache)
    hashed: list[str] = []
    real = stats._hash
    monkeypatch.setattr(stats, "_hash", lambda source: (hashed.append(source.rel_path), real(source))[1])
    assert [f.fingerprint for f in scan([project], cache_dir=cache).findings] == [f.fingerprint for f in first.findings]
    assert hashed == []
    target = tmp_path / "p" / "b.ts"
    before = target.stat()
    target.write_text("export const b = () => 1 + fetch('https://x');\n"[: before.st_size - 1] + "\n")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    edited = scan([project], cache_dir=cache)
    assert "b.ts" in hashed and "a.ts" not in hashed
    assert [f.fingerprint for f in edited.findings] == [f.fingerprint for f in scan([project]).findings]
    assert [f.fingerprint for f in edited.findings] != [f.fingerprint for f in first.findings]


# ---- a warm commit scan after an edit equals a cold one (the rules phase kept: cache/phase.py) ----

FIXTURES = ROOT / "tests" / "fixtures"
CROSS = FIXTURES / "CL001" / "projects" / "ts-cross-file"
WRAPPERS = FIXTURES / "CL008" / "projects" / "fetch-wrappers"
FORGOT = FIXTURES / "CL002" / "projects" / "ts-forgot-one"

# (project, the file edited, (old text, new text): "" appends, the files scanned --in-project,
# whether the kept rules phase may be reused: the rules read nothing the edit changed)
EDITS = {
    "listener-removed-elsewhere": (CROSS, "src/events/redisEvents.ts", ('conn.on("error", (err) => console.error("redis", err));\n', ""),
                                   ["src/lib/redis.ts"], False),
    "sigterm-handler-removed": (CROSS, "src/server.ts", ('process.on("SIGTERM"', 'process.on("SIGUSR2"'), ["src/lib/redis.ts", "src/server.ts"], False),
    "import-removed": (CROSS, "src/server.ts", ('import "./events/redisEvents";\n', ""), ["src/lib/redis.ts"], False),
    "import-added": (FORGOT, "src/main.ts", ('import "./workers";\n', 'import "./workers";\nimport "./payments";\n'), ["src/workers.ts"], False),
    "close-added": (FORGOT, "src/shutdown.ts", ("workers.refundWorker.close()]", "workers.refundWorker.close(), workers.ledgerWorker.close()]"),
                    ["src/workers.ts"], False),
    "timeout-added": (WRAPPERS, "src/index.ts", ("const page = await safeFetch(url);", "const page = await safeFetch(url, { timeout: 1000 });"),
                      ["src/index.ts"], False),
    "timeout-removed": (WRAPPERS, "src/index.ts", ("safeFetch(url, { timeout: 5000 })", "safeFetch(url, {})"), ["src/index.ts"], False),
    "wrapper-default-timeout-removed": (WRAPPERS, "src/lib/safeFetch.ts", ("const { timeout = 10_000, ...rest }", "const { timeout, ...rest }"),
                                       ["src/index.ts"], False),
    "comment-appended": (CROSS, "src/server.ts", ("", "// shut down in order\n"), ["src/lib/redis.ts", "src/server.ts"], True),
    "comment-appended-to-the-reported-file": (WRAPPERS, "src/index.ts", ("", "// reviewed\n"), ["src/index.ts"], True),
    "comment-on-a-finding-line": (WRAPPERS, "src/index.ts", ("const page = await safeFetch(url);", "const page = await safeFetch(url); // why"),
                                  ["src/index.ts"], False),
    "suppression-added": (WRAPPERS, "src/index.ts", ("const meta = await getJson(url);", "const meta = await getJson(url); // crashlint-disable-line CL008"),
                          ["src/index.ts"], False),
    "comment-line-inserted": (WRAPPERS, "src/index.ts", ("const app = express();\n", "// the app\nconst app = express();\n"), ["src/index.ts"], False),
}


def _everything(result) -> list:
    """What a report can show of a result: every field of every finding, hidden one and note."""
    import dataclasses

    return [repr(dataclasses.asdict(f)) for f in result.findings] + [
        repr((dataclasses.asdict(f), reason)) for f, reason in result.suppressed] + [repr(n) for n in result.notes] + [result.files_scanned]


@pytest.mark.parametrize("name", sorted(EDITS))
@pytest.mark.parametrize("before", ["whole", "in-project"])
def test_a_warm_commit_scan_after_an_edit_equals_a_cold_one(name: str, before: str, tmp_path, monkeypatch) -> None:
    import shutil

    import crashlint.scan as pipeline

    source, edited, (old, new), reported, reusable = EDITS[name]
    project = tmp_path / "p"
    shutil.copytree(source, project)
    monkeypatch.chdir(project)
    cache = str(tmp_path / "cache")
    fixes = ({}, True)
    # warm: the last scan was of the whole project, or of the same files before the edit
    scan([str(project)], cache_dir=cache, fixes=fixes) if before == "whole" else scan(reported, in_project=True, cache_dir=cache, fixes=fixes)
    path = project / edited
    text = path.read_text()
    assert old in text, name
    path.write_text(text + new if old == "" else text.replace(old, new, 1))
    runs: list[int] = []
    real = pipeline.rules_phase
    monkeypatch.setattr(pipeline, "rules_phase", lambda *a, **k: (runs.append(1), real(*a, **k))[1])
    warm = scan(reported, in_project=True, cache_dir=cache, fixes=fixes)
    assert runs == ([] if reusable else [1]), "the kept rules phase was " + ("not " if reusable else "") + "reused"
    cold = scan(reported, in_project=True, cache_dir=None, fixes=fixes)
    assert _everything(warm) == _everything(cold)
    whole = scan([str(project)], cache_dir=None, fixes=fixes)
    assert _key(warm) == [k for k in _key(whole) if k[1].path in reported]
    # and once more, warm and unchanged (the whole result cache), and after putting it back
    assert _everything(scan(reported, in_project=True, cache_dir=cache, fixes=fixes)) == _everything(cold)
    path.write_text(text)
    runs.clear()
    back = scan(reported, in_project=True, cache_dir=cache, fixes=fixes)
    assert runs == ([] if reusable else [1])  # the record and the pack name the edited file's new facts
    assert _everything(back) == _everything(scan(reported, in_project=True, cache_dir=None, fixes=fixes))


def test_a_manifest_change_runs_the_rules_again(tmp_path, monkeypatch) -> None:
    """The kept rules phase is keyed by the manifests and the configuration: an express major
    version, a dependency, a start command change what the rules find anywhere."""
    import shutil

    import crashlint.scan as pipeline

    project = tmp_path / "p"
    shutil.copytree(WRAPPERS, project)
    monkeypatch.chdir(project)
    cache = str(tmp_path / "cache")
    scan([str(project)], cache_dir=cache)
    manifest = project / "package.json"
    manifest.write_text(manifest.read_text().replace('"node-fetch": "^2.7.0"', '"node-fetch": "^3.3.0"'))
    (project / "src" / "index.ts").write_text((project / "src" / "index.ts").read_text() + "// x\n")
    runs: list[int] = []
    real = pipeline.rules_phase
    monkeypatch.setattr(pipeline, "rules_phase", lambda *a, **k: (runs.append(1), real(*a, **k))[1])
    warm = scan(["src/index.ts"], in_project=True, cache_dir=cache)
    assert runs == [1]
    assert _everything(warm) == _everything(scan(["src/index.ts"], in_project=True, cache_dir=None))
    (project / "crashlint.toml").write_text('ignore = ["CL003"]\n')
    (project / "src" / "index.ts").write_text((project / "src" / "index.ts").read_text() + "// y\n")
    from crashlint.config import load_config

    config = load_config(project, {key for rule in pipeline.rule_pack() for key in (rule.id, rule.slug)})
    runs.clear()
    warm = scan(["src/index.ts"], in_project=True, cache_dir=cache, config=config)
    assert runs == [1]
    assert _everything(warm) == _everything(scan(["src/index.ts"], in_project=True, cache_dir=None, config=config))


# ---- many edits in a row, each committed: the warm --in-project scan equals a cold one ----------
# Edits that change code the rules read across files (a listener, a SIGTERM handler, an import, a
# client, a cyclic self-assignment whose memos depend on the order of the questions), and random
# line deletions, restorations, duplicates and copies (tests/test_lsp_incremental.py's generator),
# one after another on one project and its cache, as a developer's commits come.

CHAIN_PROJECTS = ["CL001/projects/ts-cross-file", "CL002/projects/py-all-closed", "CL002/projects/ts-pushed-workers"]
SLOW_CHAIN_PROJECTS = ["CL001/projects/py-package", "CL001/projects/js-commonjs", "CL002/projects/ts-forgot-one",
                       "CL003/projects/events-cross-file", "CL004/projects/js-map-registry", "CL008/projects/fetch-wrappers",
                       "CL002/projects/monorepo-queues", "CL008/projects/celery-task-limits", "CL006/projects/py-session"]
TS_TOGGLES = [
    'process.on("SIGTERM", () => process.exit(0));',
    'process.on("unhandledRejection", (err) => console.error(err));',
    'let hosts = process.env.HOSTS || ""; hosts = hosts.split(",").join(",");',
    'let conn2 = new IORedis(); conn2 = conn2.duplicate(); conn2.on("error", () => {});',
    'export const ping = () => fetch("https://status.example.com");',
    'import "./index";',
]
PY_TOGGLES = [
    "import signal; signal.signal(signal.SIGTERM, lambda *args: None)",
    "import os; hosts = os.environ.get('HOSTS', ''); hosts = hosts.split(',')",
    "import redis; conn2 = redis.Redis(); conn2 = conn2.pipeline()",
    "import requests; ping = lambda: requests.get('https://status.example.com')",
    "from . import main",
]


def _toggle(texts: dict[str, str], rng, removed: dict[str, list[str]]) -> str:
    """A line of TS_TOGGLES / PY_TOGGLES added to a random source file (at the top or at the end), or
    taken out again."""
    sources = sorted(rel for rel in texts if rel.endswith(SOURCES))
    file = rng.choice(sources)
    toggles = PY_TOGGLES if file.endswith(".py") else TS_TOGGLES
    lines = texts[file].split("\n")
    present = [line for line in toggles if line in lines]
    if present and rng.random() < 0.5:
        lines.remove(rng.choice(present))
    else:
        line = rng.choice(toggles)
        lines.insert(0 if line.startswith(("import", "from")) or rng.random() < 0.3 else len(lines), line)
    texts[file] = "\n".join(lines)
    return file


def _edits_in_a_row(tmp_path: Path, monkeypatch, project: str, seed: int, steps: int) -> None:
    import random
    import shutil

    from test_lsp_incremental import _code_edit

    name = project.split("/")[-1]
    root = tmp_path / name  # the same folder for the warm and the cold scans: its name names processes
    shutil.copytree(FIXTURES / project, root)
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    texts = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}
    sources = sorted(rel for rel in texts if rel.endswith(SOURCES))
    rng = random.Random(seed)
    removed: dict[str, list[str]] = {}
    scan([str(root)], cache_dir=cache)
    for step in range(steps):
        file = _toggle(texts, rng, removed) if rng.random() < 0.6 else _code_edit(texts, rng, removed)
        (root / file).write_text(texts[file])
        # pre-commit passes the changed files; sometimes another one too, sometimes a whole scan runs
        reported = sorted({file, rng.choice(sources)} if rng.random() < 0.4 else {file})
        if rng.random() < 0.15:
            scan([str(root)], cache_dir=cache)
        warm = scan(reported, in_project=True, cache_dir=cache, fixes=({}, True))
        cold = scan(reported, in_project=True, cache_dir=None, fixes=({}, True))
        assert _everything(warm) == _everything(cold), (project, seed, step, file, texts[file])
        assert not [n for n in cold.notes if n.level == "error"]  # no rule broke


@pytest.mark.parametrize("project", CHAIN_PROJECTS)
def test_commits_in_a_row_equal_cold_scans(tmp_path, monkeypatch, project: str) -> None:
    _edits_in_a_row(tmp_path, monkeypatch, project, seed=5, steps=10)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [21, 22])
@pytest.mark.parametrize("project", CHAIN_PROJECTS + SLOW_CHAIN_PROJECTS)
def test_many_commits_in_a_row_equal_cold_scans(tmp_path, monkeypatch, project: str, seed: int) -> None:
    _edits_in_a_row(tmp_path, monkeypatch, project, seed, steps=25)


def test_import_answers_are_kept_for_the_files_and_manifests_they_were_made_of(tmp_path, monkeypatch) -> None:
    """Where each import of each file leads, and which files a start command runs, read only the
    list of files and the manifests: they are kept beside the rules phase, under its key
    (crashlint.cache.phase.load_model). A code edit resolves only the imports the kept answers
    lack; a file added (an import that led nowhere may lead to it now) starts afresh; the findings
    are a cold scan's either way."""
    import shutil

    from crashlint.processes import _Finder
    from crashlint.project import Project

    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "CL001/projects/ts-cross-file", root)
    (root / "package.json").write_text('{"name": "svc", "scripts": {"start": "ts-node src/server.ts"}, "dependencies": {"ioredis": "^5.3.0"}}')
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    resolved: list[tuple[str, str]] = []
    commands: list[str] = []
    real = Project._resolve_module
    monkeypatch.setattr(Project, "_resolve_module", lambda self, path, spec: (resolved.append((path, spec)), real(self, path, spec))[1])
    real_commands = _Finder._command_entries
    monkeypatch.setattr(_Finder, "_command_entries", lambda self, package, command, *a: (commands.append(command), real_commands(self, package, command, *a))[1])
    scan([str(root)], cache_dir=cache)
    assert ("src/server.ts", "./lib/index") in resolved and "ts-node src/server.ts" in commands
    server = root / "src" / "server.ts"
    # a code edit: the rules phase runs again, and only the new import is resolved
    server.write_text('import { later } from "./later";\n' + server.read_text() + "export const edited1 = 1;\n")
    resolved.clear()
    commands.clear()
    warm = scan(["src/server.ts"], in_project=True, cache_dir=cache)
    assert resolved == [("src/server.ts", "./later")] and commands == []
    assert _everything(warm) == _everything(scan(["src/server.ts"], in_project=True, cache_dir=None))
    # the file it names appears: another list of files, every import resolved again
    (root / "src" / "later.ts").write_text('import Redis from "ioredis";\nexport const later = new Redis();\n')
    server.write_text(server.read_text() + "later.on('error', () => {});\n")
    resolved.clear()
    commands.clear()
    warm = scan(["src/server.ts"], in_project=True, cache_dir=cache)
    assert ("src/server.ts", "./later") in resolved and ("src/server.ts", "./lib/index") in resolved and commands
    assert _everything(warm) == _everything(scan(["src/server.ts"], in_project=True, cache_dir=None))


# ---- hypothesis over edits: the commit path, with facts decoded lazily from the pack ------------
# A warm `--in-project` scan decodes every file's facts from the pack, but a declaration's value
# and a call's arguments only where a pass reads them (crashlint.facts.codec.LAZY). Whatever the
# edit, the warm scan of the edited file equals the cold one and the whole scan's findings on it.

HYPOTHESIS_PROJECTS = ["CL001/projects/ts-cross-file", "CL002/projects/py-all-closed", "CL008/projects/fetch-wrappers",
                       "CL002/projects/monorepo-queues"]


def _edit_strategy():
    from hypothesis import strategies as st

    line = st.sampled_from(TS_TOGGLES + PY_TOGGLES + ["", "// a comment", "# a comment"])
    return st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["insert", "delete", "duplicate"]),
                              st.integers(0, 10_000), line), min_size=1, max_size=3)


def _apply(texts: dict[str, str], edit: tuple[int, str, int, str]) -> str:
    """One edit of a source file (`_edit_strategy`): a line inserted (a TS line only into a TS file,
    a Python one into a Python file), deleted or duplicated; the file edited."""
    which, kind, where, line = edit
    sources = sorted(rel for rel in texts if rel.endswith(SOURCES))
    file = sources[which % len(sources)]
    lines = texts[file].split("\n")
    python = file.endswith(".py")
    if kind == "insert":
        if line in (PY_TOGGLES if not python else TS_TOGGLES) or line == ("// a comment" if python else "# a comment"):
            line = ""
        lines.insert(where % (len(lines) + 1), line)
    elif kind == "delete" and len(lines) > 1:
        lines.pop(where % len(lines))
    elif kind == "duplicate":
        n = where % len(lines)
        lines.insert(n, lines[n])
    texts[file] = "\n".join(lines)
    return file


@pytest.mark.parametrize("project", HYPOTHESIS_PROJECTS)
def test_hypothesis_commit_scan_equals_the_whole_scan(project: str) -> None:
    import os
    import shutil
    import tempfile

    from hypothesis import given, settings

    @settings(max_examples=6, deadline=None, derandomize=True)
    @given(_edit_strategy())
    def check(edits: list) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / project.split("/")[-1]
            shutil.copytree(FIXTURES / project, root)
            cache = str(Path(tmp) / "cache")
            here = os.getcwd()
            os.chdir(root)
            try:
                texts = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}
                scan([str(root)], cache_dir=cache, fixes=({}, True))  # the pack holds every file
                for edit in edits:
                    file = _apply(texts, edit)
                    (root / file).write_text(texts[file])
                    _assert_warm_is_cold(root, file, cache, (project, edits, file))
            finally:
                os.chdir(here)

    check()


# ---- the rules' work on files a commit scan does not report on ----------------------------------
# A commit scan (`--in-project FILE`) runs every rule over the whole project and keeps the findings
# on FILE. CL003 writes no text for a finding on another file (its problem text, the process's
# unhandled-rejection listener that text names, the template engine are not asked for it): edits of
# each kind, each followed by a warm commit scan of each file, which must equal the whole scan's
# findings on that file, text included.

REJECTIONS = {
    "package.json": '{"name": "svc", "dependencies": {"express": "^4.18.0"}}\n',
    "src/jobs.ts": 'export async function users(): Promise<string[]> {\n'
                   '  const response = await fetch("https://example.com/users", { signal: AbortSignal.timeout(5_000) });\n'
                   '  return response.json();\n}\n',
    "src/orders.ts": 'import express from "express";\nimport { users } from "./jobs";\n\nexport const orders = express.Router();\n'
                     'orders.get("/orders", async (_req, res) => {\n  res.json(await users());\n});\n',
    "src/main.ts": 'import express from "express";\nimport { users } from "./jobs";\nimport { orders } from "./orders";\n\n'
                   'const app = express();\napp.use(orders);\napp.get("/users", async (_req, res) => {\n  res.json(await users());\n});\n'
                   'app.listen(3000);\n',
}
# (file, old text, new text): "" old appends; None new deletes the file
REJECTION_EDITS = [
    ("src/main.ts", "  res.json(await users());\n", '  console.log("users");\n  res.json(await users());\n'),  # a body edit
    ("src/orders.ts", 'import { users } from "./jobs";\n', 'import { users } from "./jobs";\nimport { log } from "./log";\n'),  # an import
    ("src/log.ts", "", 'export async function log(line: string): Promise<void> {\n  await fetch("https://example.com/log");\n}\n'),  # a file added
    ("src/main.ts", "app.listen(3000);\n",  # a listener: every CL003 text of the process says it logs and goes on
     'app.listen(3000);\nprocess.on("unhandledRejection", (reason) => console.error("unhandled", reason));\n'),
    ("src/orders.ts", "  res.json(await users());\n", "  res.json(await users());\n  void log(\"orders\");\n"),  # a body edit
    ("src/jobs.ts", "export async function users(", 'const BASE = "https://example.com";\n\nexport async function users('),  # a file the others import
    ("src/orders.ts", "export const orders = express.Router();\n",  # a file main.ts imports: its health route is main's app's
     'export const orders = express.Router();\norders.get("/health", (_req, res) => res.send("ok"));\n'),
    ("src/log.ts", "", None),  # a file deleted
    ("src/main.ts", 'process.on("unhandledRejection", (reason) => console.error("unhandled", reason));\n', ""),  # the listener removed
]


def test_commit_scans_of_each_file_after_edits_of_each_kind_equal_the_whole_scan(tmp_path, monkeypatch) -> None:
    from crashlint.engine import async_rejection

    root = tmp_path / "svc"
    for rel, text in REJECTIONS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    asked: list[str] = []  # the files whose process handlers CL003 asked about, for a finding's text
    real = async_rejection._Checker.kept_alive
    monkeypatch.setattr(async_rejection._Checker, "kept_alive", lambda self, path: (asked.append(path), real(self, path))[1])
    scan([str(root)], cache_dir=cache)  # warm
    logged = unhealthy = 0
    for rel, old, new in REJECTION_EDITS:
        path = root / rel
        if new is None:
            path.unlink()
        else:
            text = path.read_text() if path.exists() else ""
            assert old in text, (rel, old)
            path.write_text(text + new if old == "" else text.replace(old, new, 1))
        asked.clear()
        whole = scan([str(root)], cache_dir=None)
        assert {"src/main.ts", "src/orders.ts"} <= {f.location.path for f in whole.findings if f.rule_id == "CL003"}, _key(whole)
        assert {"src/main.ts", "src/orders.ts"} <= set(asked)  # the whole scan writes both files' texts
        logged += any("logs" in p for f in whole.findings for p in f.problems)
        unhealthy += any(f.rule_id == "CL010" for f in whole.findings)
        for focus in sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ts")):
            asked.clear()
            warm = scan([focus], in_project=True, cache_dir=cache)
            assert set(asked) <= {focus}, (rel, focus, asked)  # no text for another file's finding
            assert _key(warm) == [k for k in _key(whole) if k[1].path == focus], (rel, new, focus)
    assert logged == 5  # the texts changed while the listener was there (five steps)
    assert unhealthy == 6  # main.ts's CL010 until orders.ts, which it imports, answers /health


def test_the_collector_is_off_only_while_a_commit_scan_runs_its_rules(tmp_path, monkeypatch) -> None:
    """An --in-project scan runs its rules phase with the collector off (its collections walked the
    memos the phase keeps; the phase leaves next to no cyclic garbage); a whole scan keeps it on, and
    either leaves it as it found it."""
    import gc

    import crashlint.scan as pipeline

    for rel, text in REJECTIONS.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    seen: list[bool] = []
    real = pipeline.run_rules
    monkeypatch.setattr(pipeline, "run_rules", lambda *a, **k: (seen.append(gc.isenabled()), real(*a, **k))[1])
    assert gc.isenabled()
    whole = scan([str(tmp_path)], cache_dir=None)
    alone = scan(["src/main.ts"], in_project=True, cache_dir=None)
    assert seen == [True, False] and gc.isenabled()
    assert _key(alone) == [k for k in _key(whole) if k[1].path == "src/main.ts"] and _key(alone)


# ---- a commit scan of a file that makes nothing: the package's other files are not looked at -----
# CL002 (grouped: one finding per package, at one of its constructions), CL005 and CL010 (a finding
# at an app of the package) look at every file of the focus files' packages; when the focus files
# make none of the rule's resources or apps, no finding of theirs can lie in them, and the package's
# other files are not asked. A CL008 spec whose findings all lie at its own calls (axios: no
# wrapper whose callers are the finding, no helper whose callers decide) looks at the focus files
# only; a wrapper spec (fetch) still looks at every file, its findings lying at the callers.

PACKAGE = {
    "package.json": '{"name": "svc", "dependencies": {"bullmq": "^5.0.0", "express": "^4.18.0", "axios": "^1.6.0"}}\n',
    "src/workers.ts": 'import { Worker } from "bullmq";\nexport const mail = new Worker("mail", async () => {});\n'
                      'export const sms = new Worker("sms", async () => {});\n',
    "src/client.ts": 'import axios from "axios";\nexport async function users() {\n  const { data } = await axios.get("https://example.com/users");\n'
                     '  return data;\n}\n',
    "src/wrapper.ts": 'export async function getJson(url: string, init?: RequestInit) {\n  const r = await fetch(url, init);\n  return r.json();\n}\n',
    "src/controller.ts": 'import { users } from "./client";\nimport { getJson } from "./wrapper";\n\n'
                         'export async function list() {\n  return [await users(), await getJson("https://example.com/a")];\n}\n',
    "src/main.ts": 'import express from "express";\nimport "./workers";\nimport { list } from "./controller";\n\nconst app = express();\n'
                   'app.get("/", (_req, res) => {\n  list().then((all) => res.json(all), () => res.sendStatus(500));\n});\n'
                   'app.get("/b", (_req, res) => res.send("b"));\napp.get("/c", (_req, res) => res.send("c"));\napp.listen(3000);\n',
}


def test_a_commit_scan_of_a_file_that_makes_nothing_looks_at_no_other_file_of_its_package(tmp_path, monkeypatch) -> None:
    from crashlint.engine import call_option, context, resource

    for rel, text in PACKAGE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    whole = scan([str(tmp_path)], cache_dir=None)
    found = {(f.rule_id, f.location.path) for f in whole.findings}
    # what the near-misses need: a grouped finding, an app's, an axios call's, a wrapper's at its caller
    assert {("CL002", "src/workers.ts"), ("CL005", "src/main.ts"), ("CL010", "src/main.ts"), ("CL008", "src/client.ts"),
            ("CL008", "src/controller.ts")} <= found, _key(whole)
    made: list[str] = []  # the files whose resources a rule asked for
    apps: list[str] = []  # the files whose app constructions CL005 / CL010 asked for
    axios: list[str] = []  # the files whose calls CL008's axios spec asked for
    fetch: list[str] = []  # those its fetch spec (a wrapper's findings lie at its callers) asked for
    real_made, real_calls, real_parts = resource._resources_made, call_option._calls_of, context.RuleContext.parts
    monkeypatch.setattr(resource, "_resources_made", lambda ctx, c, f, facts, *a: (made.append(facts.path), real_made(ctx, c, f, facts, *a))[1])

    def calls_of(project, path, facts, callees, *args):
        (axios if "axios.get" in callees else fetch if "fetch" in callees else []).append(path)
        return real_calls(project, path, facts, callees, *args)

    def parts(self, what, compute, *args, **kwargs):
        if isinstance(what, tuple) and what[:1] == ("constructions",) and what[1] in ("CL005", "CL010"):
            compute = (lambda inner: lambda path, facts: (apps.append(path), inner(path, facts))[1])(compute)
        return real_parts(self, what, compute, *args, **kwargs)

    monkeypatch.setattr(call_option, "_calls_of", calls_of)
    monkeypatch.setattr(context.RuleContext, "parts", parts)
    for rel in sorted(p for p in PACKAGE if p.endswith(".ts")):
        made.clear(), apps.clear(), axios.clear(), fetch.clear()
        alone = scan([rel], in_project=True, cache_dir=None)
        assert _key(alone) == [k for k in _key(whole) if k[1].path == rel], rel
        if rel == "src/controller.ts":
            assert set(made) == set(apps) == set(axios) == {rel}, (made, apps, axios)
            assert {"src/client.ts", "src/wrapper.ts", "src/main.ts"} <= set(fetch)  # the wrapper's callers: every file
    made.clear()
    scan(["src/workers.ts"], in_project=True, cache_dir=None)
    assert {"src/workers.ts", "src/controller.ts", "src/main.ts"} <= set(made)  # a construction: its package's files
