"""Issue 15: what a team adopting crashlint in CI, pull requests and pre-commit relies on."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import EXAMPLE, run_cli

FETCH = "export async function load(url: string) {\n  return await fetch(url);\n}\n"
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="needs git")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.devnull}


def git(repo: Path, *args: str) -> str:
    run = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=repo,
                         env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
    return run.stdout


# ---- item 4: the cache folder stays out of git and backups ---------------------------------


@needs_git
def test_cache_folder_is_ignored_by_git_and_tagged(tmp_path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.ts").write_text(FETCH)
    cache = tmp_path / ".crashlint_cache"
    assert run_cli("scan", str(tmp_path), "--cache-dir", str(cache))[0] == 1
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert list(cache.glob("facts-*.bin"))
    assert git(tmp_path, "status", "--porcelain", "--untracked-files=all").split() == ["??", "a.ts"]


def test_a_shared_cache_folder_gets_no_gitignore(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text(FETCH)
    shared = tmp_path / "ci-cache"
    shared.mkdir()
    run_cli("scan", str(tmp_path / "src"), "--cache-dir", str(shared))
    assert not (shared / ".gitignore").exists() and list(shared.glob("facts-*.bin"))
    fresh = tmp_path / "new-cache"  # one crashlint creates is its own
    run_cli("scan", str(tmp_path / "src"), "--cache-dir", str(fresh))
    assert (fresh / ".gitignore").is_file() and (fresh / "CACHEDIR.TAG").is_file()


# ---- item 1: paths relative to the working directory; SARIF relative to the repository ------


WORKER = (
    'import { Worker } from "bullmq";\nimport Redis from "ioredis";\n\n'
    'export const connection = new Redis({ maxRetriesPerRequest: null });\nconnection.on("error", console.error);\n\n'
    'export const worker = new Worker(\n  "jobs",\n  async (job) => {\n    return job.data;\n  },\n  { connection },\n);\n'
    'worker.on("error", console.error);\nworker.on("failed", console.error);\n'
)


def _service(root: Path) -> Path:
    """A monorepo service: <root>/services/api/src/{config/db.ts, worker.ts}."""
    src = root / "services" / "api" / "src"
    (src / "config").mkdir(parents=True)
    (src / "config" / "db.ts").write_text(FETCH)
    (src / "worker.ts").write_text(WORKER)
    return src.parent


def test_paths_are_relative_to_the_working_directory_in_every_format(tmp_path, monkeypatch) -> None:
    api = _service(tmp_path)
    monkeypatch.chdir(api)
    _, out, _ = run_cli("scan", "src", "--format", "json")
    assert {f["path"] for f in json.loads(out)} == {"src/config/db.ts", "src/worker.ts"}
    _, out, _ = run_cli("scan", "src")
    assert "src/config/db.ts:2:" in out and "\nconfig/db.ts" not in out
    _, out, _ = run_cli("scan", "src", "--format", "markdown")
    assert "**Location:** [`src/config/db.ts`](src/config/db.ts#L" in out
    # written elsewhere with -o: links to the code are relative to the report's folder
    run_cli("scan", "src", "--format", "markdown", "-o", "reports/CRASH_REPORT.md")
    written = (api / "reports" / "CRASH_REPORT.md").read_text(encoding="utf-8")
    assert "**Location:** [`src/config/db.ts`](../src/config/db.ts#L" in written
    _, out, _ = run_cli("scan", "src", "--format", "gitlab")
    assert {i["location"]["path"] for i in json.loads(out)} == {"src/config/db.ts", "src/worker.ts"}
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))  # GitLab: from the project's root
    _, out, _ = run_cli("scan", "src", "--format", "gitlab")
    assert "services/api/src/config/db.ts" in {i["location"]["path"] for i in json.loads(out)}
    monkeypatch.chdir(api / "src" / "config")  # a file outside the working directory: absolute, as ruff
    _, out, _ = run_cli("scan", str(api / "src"), "--format", "json")
    assert {f["path"] for f in json.loads(out)} == {"db.ts", (api / "src" / "worker.ts").as_posix()}


@needs_git
def test_sarif_and_github_paths_are_placed_from_the_repository_top(tmp_path, monkeypatch, sarif_validator) -> None:
    git(tmp_path, "init", "-q")
    api = _service(tmp_path)
    monkeypatch.chdir(api)  # a monorepo job with `working-directory: services/api`
    _, out, _ = run_cli("scan", "src", "--format", "sarif")
    log = json.loads(out)
    assert not list(sarif_validator.iter_errors(log))
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {a["uri"] for a in locations} == {"services/api/src/config/db.ts", "services/api/src/worker.ts"}
    assert all(a["uriBaseId"] == "%SRCROOT%" and (tmp_path / a["uri"]).is_file() for a in locations)
    _, out, _ = run_cli("scan", "src", "--format", "github")
    assert "::warning file=services/api/src/config/db.ts,line=2," in out


def test_sarif_uris_are_percent_encoded(tmp_path, monkeypatch) -> None:
    (tmp_path / "a b%.ts").write_text(FETCH)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli("scan", ".", "--format", "sarif")
    [result] = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b%25.ts"


# ---- item 3: SARIF as GitHub documents it -------------------------------------------------


def _sarif(*args: str) -> dict:
    code, out, err = run_cli("scan", *args, "--format", "sarif")
    assert code in (0, 1), err
    return json.loads(out)


def test_sarif_fingerprints_are_crashlints_own_with_an_occurrence_index(tmp_path, monkeypatch, sarif_validator) -> None:
    monkeypatch.chdir(tmp_path)
    same = "export const a = () => fetch(url);\n"
    (tmp_path / "a.ts").write_text("const url = '/x';\n" + same + same)
    first = _sarif(".")
    assert not list(sarif_validator.iter_errors(first))
    prints = [r["partialFingerprints"] for r in first["runs"][0]["results"]]
    assert [list(p) for p in prints] == [["crashlint/v1"], ["crashlint/v1"]]  # no primaryLocationLineHash
    assert [p["crashlint/v1"].rsplit(":", 1)[1] for p in prints] == ["1", "2"]
    assert prints[0]["crashlint/v1"].split(":")[0] == prints[1]["crashlint/v1"].split(":")[0]
    (tmp_path / "a.ts").write_text("// moved\n\nconst url = '/x';\n" + same + same)  # unrelated lines above
    assert [r["partialFingerprints"] for r in _sarif(".")["runs"][0]["results"]] == prints


def test_sarif_region_is_the_call_head_and_the_statement_is_context(tmp_path, monkeypatch) -> None:
    (tmp_path / "worker.ts").write_text(WORKER)
    monkeypatch.chdir(tmp_path)
    results = {r["ruleId"]: r for r in _sarif(".")["runs"][0]["results"]}
    physical = results["CL002"]["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": 7, "startColumn": 23, "endLine": 7, "endColumn": 34}  # `new Worker(`
    assert physical["contextRegion"] == {"startLine": 7, "startColumn": 1, "endLine": 13, "endColumn": 3}
    line = WORKER.split("\n")[6]
    assert line[22:33] == "new Worker("


def test_sarif_rules_link_help_and_security_severity_only_on_request(tmp_path, monkeypatch, sarif_validator) -> None:
    (tmp_path / "a.ts").write_text(FETCH)
    monkeypatch.chdir(tmp_path)
    log = _sarif(".")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    for rule in driver["rules"]:
        assert rule["helpUri"].endswith(f"/rules/{rule['id']}_{rule['name']}.toml")
        assert "security-severity" not in rule["properties"] and "security" not in rule["properties"]["tags"]
        text = rule["help"]["text"]  # plain: no headings, fences, inline code or emphasis marks
        assert not any(line.startswith("#") for line in text.split("\n")) and "```" not in text and "**" not in text
        assert "What it does" in text and "`" not in "".join(l for l in text.split("\n") if not l.startswith("    "))
        assert rule["help"]["markdown"].startswith("# ")
    assert "automationDetails" not in log["runs"][0]
    log = _sarif(".", "--security-severity", "--sarif-category", "backend", "--help-uri-base", "https://wiki.example/crashlint/{id}")
    assert not list(sarif_validator.iter_errors(log))
    run = log["runs"][0]
    assert run["automationDetails"] == {"id": "backend/"}
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == f"https://wiki.example/crashlint/{rule['id']}"
    assert float(rule["properties"]["security-severity"]) > 0 and "security" in rule["properties"]["tags"]
    rule = _sarif(".", "--help-uri-base", "https://docs.example/rules/")["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == f"https://docs.example/rules/{rule['id']}_{rule['name']}.toml"


def test_sarif_related_locations_are_linked_from_the_message(monkeypatch, sarif_validator) -> None:
    monkeypatch.chdir(EXAMPLE)
    log = _sarif(".")
    assert not list(sarif_validator.iter_errors(log))
    with_related = [r for r in log["runs"][0]["results"] if r.get("relatedLocations")]
    assert len(with_related) >= 5
    for result in with_related:
        for related in result["relatedLocations"]:
            assert f"]({related['id']})" in result["message"]["text"]
            srcroot = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].removeprefix("file://")
            assert (Path(srcroot) / related["physicalLocation"]["artifactLocation"]["uri"]).is_file()


def test_sarif_message_brackets_are_escaped() -> None:
    from crashlint.report.sarif import escape_message

    assert escape_message("workers [a, b] \\[x]") == "workers \\[a, b\\] \\\\\\[x\\]"


# ---- item 6: a ruff-grade command line -------------------------------------------------------


def test_help_has_clean_metavars_groups_and_examples() -> None:
    for command in ("scan", "rules", "explain", "clean"):
        code, out, _ = run_cli(command, "--help")
        assert code == 0
        assert not re.search(r"<(list|int|path|text|str)\b|\[x>=", out), out
    _, out, _ = run_cli("scan", "--help")
    for heading in ("Arguments:", "Output:", "Rule selection:", "File selection:", "Gating and baselines:", "Fixes:",
                    "Cache and speed:", "Examples:"):
        assert heading in out
    assert out.startswith("Usage: crashlint scan [OPTIONS] [PATH]...")
    assert "-f, --output-format, --format FORMAT" in out and "--fail-on SEVERITY" in out


def test_output_format_alias_quiet_and_silent(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ts").write_text(FETCH)
    assert run_cli("scan", "--output-format", "json")[1] == run_cli("scan", "--format", "json")[1]
    monkeypatch.setenv("CRASHLINT_OUTPUT_FORMAT", "github")
    assert run_cli("scan")[1].startswith("::warning ")
    monkeypatch.delenv("CRASHLINT_OUTPUT_FORMAT")
    (tmp_path / "broken.ts").write_text("export const = ;\n")
    code, out, err = run_cli("scan", "-q")
    assert code == 1 and out.startswith("a.ts:2:") and "Found" not in out and "note:" not in out + err
    assert run_cli("scan", "-s") == (1, "", "")
    code, out, err = run_cli("scan", "-q", "--format", "json", "-o", "r.json")
    assert code == 1 and out == err == "" and json.loads((tmp_path / "r.json").read_text())


def test_statistics_counts_per_rule(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    code, out, _ = run_cli("scan", "--statistics")
    rows = [line.split("\t") for line in out.strip().split("\n")]
    counts = [int(row[0]) for row in rows]
    assert code == 1 and sum(counts) == 26 and counts == sorted(counts, reverse=True)
    assert ["CL003", "    unhandled-async-rejection"] == [rows[0][1], rows[0][2].replace("[*]", "   ")] or rows[0][1] == "CL003"
    assert any(row[2].startswith("[*]") for row in rows)  # fixable rules marked as ruff marks them
    _, out, _ = run_cli("scan", "--statistics", "--format", "json")
    entries = json.loads(out)
    assert sum(e["count"] for e in entries) == 26 and set(entries[0]) == {"code", "name", "count", "fixable"}


def test_config_file_inline_config_and_isolated(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ts").write_text(FETCH)
    (tmp_path / "crashlint.toml").write_text('ignore = ["CL008"]\n')
    (tmp_path / "strict.toml").write_text('severity = { CL008 = "critical" }\n')
    assert json.loads(run_cli("scan", "--format", "json")[1]) == []  # the nearest file ignores CL008
    assert [f["severity"] for f in json.loads(run_cli("scan", "--format", "json", "--config", "strict.toml")[1])] == ["critical"]
    assert [f["rule"] for f in json.loads(run_cli("scan", "--format", "json", "--isolated")[1])] == ["CL008"]
    code, out, _ = run_cli("scan", "--format", "json", "--config", "ignore = []", "--config", "fail-on = 'critical'")
    assert code == 0 and [f["rule"] for f in json.loads(out)] == ["CL008"]  # overrides beat the file
    code, _, err = run_cli("scan", "--config", "nonsense = = 1")
    assert code == 2 and "neither a file nor" in err and err.count("\n") == 1
    code, _, err = run_cli("scan", "--config", "colour = 'red'")
    assert code == 2 and "unknown key 'colour'" in err


def test_show_fixes(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ts").write_text(FETCH)
    _, out, _ = run_cli("scan", "--show-fixes")
    assert "  help: " in out and "(safe fix)" in out
    code, _, err = run_cli("scan", "--fix", "--show-fixes")
    assert code == 0 and "Fixed 1 finding in 1 file; 0 remaining." in err
    assert "Fixed:\n  a.ts:\n    1 × CL008 (http-call-no-timeout)" in err


def test_rules_as_json() -> None:
    code, out, _ = run_cli("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and [r["id"] for r in rules] == [f"CL{i:03d}" for i in range(1, 13)]
    for rule in rules:
        assert {"id", "slug", "severity", "title", "languages", "fixable", "help_uri", "docs"} <= set(rule)
        assert rule["docs"].startswith(f"# {rule['id']} ")
    assert run_cli("rules", "--output-format", "json")[1] == out


def test_summary_lines_count_right(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ts").write_text(FETCH)
    (tmp_path / "b.ts").write_text("export const x = 1;\n")
    (tmp_path / "c.ts").write_text("export const y = 2;\n")
    _, out, _ = run_cli("scan")
    assert "\nFound 1 finding (1 medium) in 1 of 3 files.\n" in out  # files with findings, of those scanned
    _, out, err = run_cli("scan", "--write-baseline", "b.json")
    assert "Baseline of 1 finding written to b.json." in err
    _, out, _ = run_cli("scan", "--baseline", "b.json")
    assert out.rstrip().endswith("No crash patterns found (3 files scanned). 1 finding in the baseline not shown.")
    _, out, _ = run_cli("scan", "--format", "json", "-o", "r.json")
    assert out == "Found 1 finding (1 medium) in 1 of 3 files. Report written to r.json.\n"


def test_diff_counts_a_partly_fixed_finding_once(tmp_path) -> None:
    import shutil as sh

    target = tmp_path / "seed-service"
    sh.copytree(EXAMPLE, target)
    code, _, err = run_cli("scan", str(target), "--diff")
    # safe fixes only: CL001 `connection` gets its listener but still needs a close (the shutdown
    # fix is unsafe), and CL009 part of its options: partly fixed, and they remain
    assert "Would fix 10 findings (and part of 2 more) in 2 files; 16 would remain." in err
    code, _, err = run_cli("scan", str(target), "--diff", "--unsafe-fixes")
    assert "Would fix 26 findings in 7 files; 0 would remain." in err


def test_a_finding_outside_the_root_says_why_it_is_not_fixed(tmp_path, monkeypatch) -> None:
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "client.ts").write_text(FETCH)
    project = tmp_path / "project"
    project.mkdir()
    (project / "client.ts").symlink_to(outside / "client.ts")
    monkeypatch.chdir(project)
    code, out, err = run_cli("scan", ".", "--fix")
    assert code == 1 and "not fixed: the file is outside the scan root" in out + err
    assert (outside / "client.ts").read_text() == FETCH


# ---- item 2: new-findings mode ---------------------------------------------------------------


REDIS_CLIENT = 'import { createClient } from "redis";\nexport const redis = createClient({ url: process.env.REDIS_URL });\n'
LISTENERS = (
    'import { redis } from "./redis";\nredis.on("error", (err) => console.error(err));\n'
    'process.on("SIGTERM", async () => {\n  try {\n    await redis.quit();\n  } catch (err) {\n    console.error(err);\n  }\n});\n'
)


def _repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-qm", "base")
    return path


def _new(*args: str) -> tuple[int, list[dict], str]:
    code, out, err = run_cli("scan", *args, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out), err


@needs_git
def test_new_since_reports_a_regression_made_in_another_file(tmp_path, monkeypatch) -> None:
    repo = _repo(tmp_path / "svc", {"package.json": '{"dependencies": {"redis": "^4.6.0"}}\n',
                                    "src/redis.ts": REDIS_CLIENT, "src/listeners.ts": LISTENERS})
    monkeypatch.chdir(repo)
    assert _new("--new-since", "HEAD")[:2] == (0, [])
    (repo / "src" / "listeners.ts").write_text(LISTENERS.replace('redis.on("error", (err) => console.error(err));\n', ""))
    git(repo, "add", "-A")  # staged, as pre-commit runs it
    code, findings, _ = _new("--new-since", "HEAD")
    assert code == 1 and [(f["rule"], f["path"]) for f in findings] == [("CL001", "src/redis.ts")]  # an unchanged file
    # --in-project on the changed file alone cannot see it
    assert _new("src/listeners.ts", "--in-project")[1] == []
    code, out, _ = run_cli("scan", "--new-since", "HEAD")
    assert "Found 1 new finding (1 critical) since HEAD in 1 of 2 files." in out


@needs_git
def test_new_since_ignores_old_and_moved_findings_and_reports_worse_ones(tmp_path, monkeypatch) -> None:
    old = "import Redis from 'ioredis';\nexport const cache = new Redis();\n"
    repo = _repo(tmp_path / "svc", {"a.ts": FETCH, "cache.ts": old})
    monkeypatch.chdir(repo)
    code, findings, _ = _new("--new-since", "HEAD")
    assert code == 0 and findings == []
    _, out, _ = run_cli("scan", "--new-since", "HEAD")
    assert "No new crash patterns found since HEAD (2 files scanned). 2 findings from before not shown." in out
    (repo / "a.ts").write_text("// a comment\n\n" + FETCH + "export const more = () => fetch('/more');\n")
    code, findings, _ = _new("--new-since", "HEAD")
    assert [(f["rule"], f["start_line"]) for f in findings] == [("CL008", 6)]  # the moved one is not new
    # a client that was only never closed loses its 'error' listener: the same finding, a problem more
    (repo / "listen.ts").write_text("import { cache } from './cache';\ncache.on('error', console.error);\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "listener")
    assert _new("--new-since", "HEAD")[1] == []
    (repo / "listen.ts").unlink()
    _, findings, _ = _new("--new-since", "HEAD")
    assert [(f["rule"], f["path"]) for f in findings] == [("CL001", "cache.ts")]
    assert "no 'error' listener" in findings[0]["message"]


@needs_git
def test_new_since_reads_the_base_from_git_objects_and_caches_it(tmp_path, monkeypatch) -> None:
    import crashlint.scan as scan_module

    repo = _repo(tmp_path / "svc", {"a.ts": FETCH, "b.ts": FETCH.replace("load", "other")})
    monkeypatch.chdir(repo)
    (repo / "b.ts").unlink()  # gone from the disk, still in HEAD: the base reads it from git
    (repo / "a.ts").write_text(FETCH + "export const x = () => fetch('/x');\n")
    runs: list[str] = []
    real = scan_module.run_rules
    monkeypatch.setattr(scan_module, "run_rules", lambda rules, project, sources, *rest: runs.append(sources.tree.__class__.__name__) or real(rules, project, sources, *rest))
    cache = str(tmp_path / "cache")
    _, findings, _ = _new("--new-since", "HEAD", "--cache-dir", cache)
    assert [f["start_line"] for f in findings] == [4] and sorted(runs) == ["DiskTree", "GitTree"]
    _, again, _ = _new("--new-since", "HEAD", "--cache-dir", cache)
    assert again == findings and len(runs) == 2  # both sides from the result cache
    (repo / "a.ts").write_text(FETCH + "export const y = () => fetch('/y');\n")
    _, findings, _ = _new("--new-since", "HEAD", "--cache-dir", cache)
    assert len(findings) == 1 and runs[2:] == ["DiskTree"]  # the base commit's result is reused


@needs_git
def test_new_since_a_manifest_change_and_a_subfolder_root(tmp_path, monkeypatch) -> None:
    handler = ("import express from 'express';\nimport { db } from './db';\nconst app = express();\n"
               "app.get('/u', async (req, res) => { res.json(await load()); });\n"
               "async function load() { return db.query(); }\napp.use((err, req, res, next) => res.sendStatus(500));\n"
               "app.get('/health', (req, res) => res.send('ok'));\n")
    repo = _repo(tmp_path / "mono", {"services/api/package.json": '{"dependencies": {"express": "^5.1.0"}}\n',
                                     "services/api/app.ts": handler, "README.md": "x\n"})
    monkeypatch.chdir(repo)
    assert [f["rule"] for f in _new("services/api", "--new-since", "HEAD", "--select", "CL003")[1]] == []
    (repo / "services/api/package.json").write_text('{"dependencies": {"express": "^4.21.0"}}\n')  # a downgrade
    findings = _new("services/api", "--new-since", "HEAD", "--select", "CL003")[1]
    assert [(f["rule"], f["path"]) for f in findings] == [("CL003", "services/api/app.ts")]


@needs_git
def test_new_since_notes_only_for_changed_files(tmp_path, monkeypatch) -> None:
    repo = _repo(tmp_path / "svc", {"old.ts": "export const = ;\n", "a.ts": FETCH})
    monkeypatch.chdir(repo)
    code, out, err = run_cli("scan", "--new-since", "HEAD")
    assert "old.ts" not in out + err
    assert "old.ts" in run_cli("scan")[1]  # a full scan still says it
    (repo / "new.ts").write_text("export const = ;\n")
    code, out, err = run_cli("scan", "--new-since", "HEAD")
    assert "note: new.ts:1: syntax error" in out and "old.ts" not in out + err
    code, out, _ = run_cli("scan", "a.ts", "--new-since", "HEAD")  # files given: notes for them only
    assert "new.ts" not in out


@needs_git
def test_new_since_first_commit_and_errors(tmp_path, monkeypatch) -> None:
    repo = tmp_path / "svc"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "a.ts").write_text(FETCH)
    monkeypatch.chdir(repo)
    assert [f["rule"] for f in _new("--new-since", "HEAD")[1]] == ["CL008"]  # no commit yet: all new
    code, _, err = run_cli("scan", "--new-since", "no-such-branch")
    assert code == 2 and err.count("\n") == 1 and "no-such-branch names no commit" in err
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "a.ts").write_text(FETCH)
    monkeypatch.chdir(outside)
    code, _, err = run_cli("scan", "--new-since", "HEAD")
    assert code == 2 and "not in a git repository" in err and err.count("\n") == 1


@needs_git
def test_discovery_of_a_commit_matches_discovery_on_disk(tmp_path) -> None:
    from crashlint.discover import discover, discover_tree
    from crashlint.sourcetree import GitTree

    files = {
        ".gitignore": "ignored/\n*.gen.ts\n", "src/a.ts": FETCH, "src/b.py": "x = 1\n", "src/c.gen.ts": FETCH,
        "src/ignored/d.ts": FETCH, "src/node_modules/e.js": FETCH, "dist/f.js": FETCH, "src/g.min.js": FETCH,
        "src/h.d.ts": "export {};\n", "src/sub/.gitignore": "local.ts\n", "src/sub/local.ts": FETCH,
        "src/sub/kept.tsx": FETCH, "src/readme.md": "x\n", "src/build/i.ts": FETCH, "src/k_pb2.py": "x = 1\n",
        "src/vendor/j.ts": FETCH,
    }
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    (repo / "src" / "link.ts").symlink_to("a.ts")
    git(repo, "init", "-q")
    git(repo, "add", "-A", "-f")  # ignored files committed too: discovery still skips them
    git(repo, "commit", "-qm", "all")
    for root, targets, excludes in [(repo, [""], []), (repo / "src", [""], ["sub/"]), (repo, ["src/sub", "src/b.py"], [])]:
        on_disk = discover([str(root / t) if t else str(root) for t in targets], exclude=excludes)
        relative = [os.path.relpath(root / t, on_disk.root) if t else os.path.relpath(root, on_disk.root) for t in targets]
        relative = ["" if r == "." else r for r in relative]
        in_git = discover_tree(GitTree.at(on_disk.root, "HEAD"), relative, exclude=excludes)
        assert in_git.root == on_disk.root
        assert [(f.rel_path, f.grammar) for f in in_git.files] == [(f.rel_path, f.grammar) for f in on_disk.files]
        assert in_git.files, root


# ---- item 6: stdin ---------------------------------------------------------------------------


def test_stdin_is_analysed_in_place_with_its_project(tmp_path, monkeypatch) -> None:
    (tmp_path / "redis.ts").write_text("export const nothing = 1;\n")  # the disk's version differs
    # a SIGTERM handler that neither closes the client nor exits: its "never closed" holds (with no
    # handler at all, or one that exits, it would be no finding of its own)
    (tmp_path / "events.ts").write_text("import { cache } from './redis';\ncache.on('error', console.error);\n"
                                        "process.on('SIGTERM', () => console.log('stopping'));\n")
    (tmp_path / "other.ts").write_text(FETCH)
    monkeypatch.chdir(tmp_path)
    buffer = b"import Redis from 'ioredis';\nexport const cache = new Redis();\n"
    code, out, _ = run_cli("scan", "-", "--stdin-filename", "redis.ts", "--format", "json", stdin=buffer)
    findings = json.loads(out)
    assert code == 1 and [(f["rule"], f["path"]) for f in findings] == [("CL001", "redis.ts")]  # other.ts not reported
    assert "no 'error' listener" not in findings[0]["message"]  # the listener in events.ts is seen
    code, out, _ = run_cli("scan", "-", "--stdin-filename", "sub/new.py", "--format", "json",
                           stdin=b"import requests\nrequests.get('http://x')\n")
    assert code == 1 and [(f["rule"], f["path"]) for f in json.loads(out)] == [("CL008", "sub/new.py")]
    assert not (tmp_path / "sub").exists()
    assert run_cli("scan", "-", "--stdin-filename", "notes.txt", stdin=b"x")[0] == 2
    assert run_cli("scan", "-", stdin=b"x")[0] == 2
    assert run_cli("scan", "-", "a.ts", "--stdin-filename", "a.ts", stdin=b"x")[0] == 2


# ---- item 5: syntax notes only for real syntax errors ----------------------------------------


PADDING = "".join(f"export const a{i} = {i};\n" for i in range(500))
GAPS = {
    "styled.tsx": "const Box = styled.div<{ h: string; wide?: boolean }>`\n  height: ${(p) => p.h};\n`;\n",
    "query.ts": "export const rows = await prisma.$queryRaw<\n  { id: string }[]\n>`SELECT id FROM t`;\n",
    "props.ts": "export class Store {\n  public isReady: (string) => boolean;\n  onChange?: (boolean) => void;\n}\n",
    "text.tsx": "export const A = () => <h1 title=\"a&b\">Plans & Billing {x && y}</h1>;\n",
    "collapse.jsx": "export const C = ({ open }) => <Collapse in={open} unmountOnExit>x</Collapse>;\n",
    "preact.js": "export const Field = ({ id }) => (\n  <label for={id} class=\"field\">x</label>\n);\n",
    "json.mjs": "import data from '../components.json' assert { type: 'json' };\nexport const { aliases } = data;\n",
    "reexport.ts": "export { default as schema } from './schema.json' with { type: 'json' };\nexport type * from './account';\n",
    "router.jsx": "export const R = () => (\n  <Router>\n    <Error type=\"404\" default />\n  </Router>\n);\n",
    "mock.ts": "const actual = await importOriginal<typeof import('./env')>();\nlet e: import('fs').Dirent[];\n",
    # raw NULs, past the first 8 KB that the binary check reads: langfuse's bench marker, growthbook's
    # sentinel bucket key, mirlo's comment
    "nul.ts": PADDING + "process.stdout.write(\"\0RESULT\0\" + json);\nexport const B = \"\0 other\";\n// a \0 here\n",
    "nul.jsx": PADDING + "// \0\nexport const A = () => <p title=\"\0\">x</p>;\n",
    # medusa's RemoteQueryFunction: overloads of a callable type, the second one generic
    "signatures.ts": ("export type Q = {\n  /** one */\n  <const E extends string>(\n    c: C<E>,\n    o?: O\n  ): Promise<any>\n\n"
                      "  /**\n   * two\n   */\n  <const T extends R<any>>(\n    c: T\n  ): Promise<any>\n  (a: number): void\n"
                      "  <U>(b: U): void\n}\ninterface I {\n  (a: A): R\n  <T>(b: T): R\n}\n"),
}


@pytest.mark.parametrize("name", sorted(GAPS))
def test_grammar_gaps_are_not_syntax_errors(name) -> None:
    from crashlint.languages import grammar_for
    from crashlint.parse import parse_source

    source = (GAPS[name] + "export async function load(url) {\n  return await fetch(url);\n}\n").encode()
    parsed = parse_source(name, grammar_for(name), source)
    assert parsed.facts is not None and parsed.facts.parse_errors  # tree-sitter does fail on it …
    [note] = parsed.notes
    assert note.verbose and note.level == "note" and note.message.startswith("parsed in part at line ")  # … valid code
    assert any(c.text.startswith("fetch(") for c in parsed.facts.calls)  # the rest is analysed


def test_facts_of_a_file_with_grammar_gaps_come_from_its_clean_parse() -> None:
    """tree-sitter-javascript rejects `class=` in JSX (Preact): its error recovery swallows the
    whole statement, with the call inside. The gaps rewritten without changing the code's meaning
    parse cleanly, and the facts are read from that tree, with the file's own text."""
    from crashlint.parse import parse_source
    from crashlint.languages import parser

    source = (b"import { h } from 'preact';\n"
              b"export const Card = ({ url }) => (\n  <div class=\"card\" onClick={() => fetch(url)}>x</div>\n);\n")
    assert parser("javascript").parse(source).root_node.has_error
    parsed = parse_source("card.js", "javascript", source)
    [note] = parsed.notes
    assert note.verbose and "a JSX attribute named with a reserved word" in note.message
    assert [c.text for c in parsed.facts.calls] == ["fetch(url)"]
    assert any(d.name == "Card" for d in parsed.facts.decls)


def test_a_type_only_star_export_loads_nothing_and_import_attributes_keep_the_import() -> None:
    from crashlint.parse import parse_source

    parsed = parse_source("index.ts", "typescript", GAPS["reexport.ts"].encode())
    assert parsed.notes[0].verbose and [(e.name, e.module) for e in parsed.facts.exports] == [("schema", "./schema.json")]
    parsed = parse_source("x.mjs", "javascript", GAPS["json.mjs"].encode())
    assert parsed.notes[0].verbose and parsed.facts.imports == ["../components.json"]


def test_a_nul_byte_outside_a_string_or_a_comment_stays_a_syntax_error() -> None:
    from crashlint.parse import parse_source

    [note] = parse_source("a.ts", "typescript", (PADDING + "const b = \0;\n").encode()).notes
    assert not note.verbose and note.message == "syntax error at line 501; the rest of the file is still analysed"
    source = ("".join(f"a{i} = {i}\n" for i in range(1000)) + "x = '\0'\n").encode()
    [note] = parse_source("a.py", "python", source).notes  # CPython refuses a NUL anywhere
    assert not note.verbose and note.message.startswith("syntax error at line 1001")


def test_a_real_syntax_error_beside_a_gap_is_reported_at_its_line() -> None:
    from crashlint.parse import parse_source

    source = GAPS["styled.tsx"] + "export const = ;\n"
    [note] = parse_source("a.tsx", "tsx", source.encode()).notes
    assert not note.verbose and note.message == "syntax error at line 4; the rest of the file is still analysed"


def test_partial_parses_only_with_verbose_and_notes_in_json_report(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "styled.tsx").write_text(GAPS["styled.tsx"])
    (tmp_path / "broken.ts").write_text("export const = ;\n")
    (tmp_path / "a.ts").write_text(FETCH)
    _, out, _ = run_cli("scan")
    assert "broken.ts:1: syntax error" in out and "styled.tsx" not in out
    _, out, _ = run_cli("scan", "--verbose")
    assert "note: styled.tsx:1: parsed in part at line 1: type arguments on a tagged template" in out
    _, out, _ = run_cli("scan", "--format", "json")
    assert isinstance(json.loads(out), list)  # unchanged: a list of findings
    _, out, _ = run_cli("scan", "--format", "json-report")
    report = json.loads(out)
    assert report["version"] == 1 and [f["rule"] for f in report["findings"]] == ["CL008"]
    assert report["notes"] == [{"path": "broken.ts", "line": 1, "level": "warning",
                                "message": "syntax error at line 1; the rest of the file is still analysed"}]
    assert report["summary"] == {"files_scanned": 3, "files_with_findings": 1, "findings": 1,
                                 "by_severity": {"critical": 0, "high": 0, "medium": 1, "low": 0},
                                 "suppressed": 0, "baselined": 0, "new_since": None, "known": 0}
    _, out, _ = run_cli("scan", "a.ts", "--in-project", "--format", "json-report")
    assert json.loads(out)["notes"] == []  # notes only for the files passed


# ---- item 7: the GitHub Action ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_a_composite_whose_scripts_read_inputs_only_through_env() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    used: set[str] = set()
    for step in steps:
        for value in [*(step.get("with") or {}).values(), *(step.get("env") or {}).values(), step.get("if", "")]:
            used.update(re.findall(r"inputs\.([\w-]+)", str(value)))
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
            assert not EXPRESSION.search(step["run"]), f"an expression pasted into the script of {step['name']!r}"
    assert set(action["inputs"]) <= used | {"sarif-file"}  # every input is used, through env or with
    assert {"paths", "fail-on", "sarif-file", "category", "new-since", "args", "python-version", "cache"} <= set(action["inputs"])
    # crashlint's own Python and virtual environment: the job's Python and PATH stay as they were
    [python] = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert python["with"]["update-environment"] is False
    install = next(s for s in steps if s.get("id") == "install")
    assert "-m venv" in install["run"] and "GITHUB_PATH" not in install["run"] and "GITHUB_ENV" not in install["run"]
    # pip's downloads and crashlint's cache are cached, at the paths the steps use
    [cache] = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
    cached = cache["with"]["path"]
    assert install["env"]["PIP_CACHE_DIR"] in cached
    scan = next(s for s in steps if s.get("id") == "scan")
    assert scan["env"]["CACHE_DIR"] in cached and "--cache-dir" in scan["run"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_scan_step_runs(tmp_path) -> None:
    """The Scan step's script, run by bash as the runner runs it, with the inputs in its env."""
    import sys

    scan = next(s for s in _action()["runs"]["steps"] if s.get("id") == "scan")
    crashlint = Path(sys.executable).with_name("crashlint")
    inputs = {"paths": "src lib", "fail-on": "medium", "sarif-file": "out/crashlint.sarif", "category": "api",
              "new-since": "", "args": "--select CL008,CL001 --exclude *.gen.ts"}
    values = {"steps.install.outputs.crashlint": str(crashlint), "steps.install.outputs.python": sys.executable,
              "runner.temp": str(tmp_path / "temp"), **{f"inputs.{k}": v for k, v in inputs.items()}}
    env = {name: EXPRESSION.sub(lambda m: values[m.group(1)], str(value)) for name, value in scan["env"].items()}
    work = tmp_path / "repo"
    (work / "src").mkdir(parents=True)
    (work / "lib").mkdir()
    (work / "src" / "a.ts").write_text(FETCH)
    (work / "src" / "b.gen.ts").write_text(FETCH)
    (work / "lib" / "c.ts").write_text("import Redis from 'ioredis';\nexport const r = new Redis();\n")
    (work / "*.ts").write_text("not a glob\n")
    output = tmp_path / "github_output"
    run = subprocess.run(["bash", "-e", "-c", scan["run"]], cwd=work, capture_output=True, text=True,
                         env={**os.environ, **env, "GITHUB_OUTPUT": str(output)})
    assert run.returncode == 1, run.stdout + run.stderr  # findings at or above medium
    log = json.loads((work / "out" / "crashlint.sarif").read_text())
    assert log["runs"][0]["automationDetails"] == {"id": "api/"}
    assert sorted(r["ruleId"] for r in log["runs"][0]["results"]) == ["CL001", "CL008"]
    assert "findings=2" in output.read_text()
    assert list((tmp_path / "temp" / "crashlint-cache").glob("facts-*.bin"))


@needs_git
def test_action_new_since_a_pull_requests_base_in_a_shallow_checkout(tmp_path) -> None:
    """A pull request's checkout has depth 1: the action fetches the base commit, then reports only
    what the pull request adds."""
    import sys

    origin = _repo(tmp_path / "origin", {"a.ts": FETCH})
    base = git(origin, "rev-parse", "HEAD").strip()
    (origin / "b.ts").write_text(FETCH.replace("load", "other"))
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "pull request")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--depth=1", origin.as_uri(), str(checkout))
    steps = {s.get("name"): s for s in _action()["runs"]["steps"]}
    fetch = steps["Fetch the base commit"]
    assert fetch["if"] == "inputs.new-since != ''"
    run = subprocess.run(["bash", "-e", "-c", fetch["run"]], cwd=checkout, capture_output=True, text=True,
                         env={**os.environ, **GIT_ENV, "NEW_SINCE": base})
    assert run.returncode == 0, run.stderr
    crashlint = Path(sys.executable).with_name("crashlint")
    env = {"CRASHLINT": str(crashlint), "CRASHLINT_PYTHON": sys.executable, "INPUT_PATHS": ".", "INPUT_FAIL_ON": "low",
           "INPUT_SARIF_FILE": "crashlint.sarif", "INPUT_CATEGORY": "", "INPUT_NEW_SINCE": base, "INPUT_ARGS": "",
           "CACHE_DIR": str(tmp_path / "cache"), "GITHUB_OUTPUT": str(tmp_path / "out")}
    run = subprocess.run(["bash", "-e", "-c", steps["Scan"]["run"]], cwd=checkout, capture_output=True, text=True,
                         env={**os.environ, **env})
    assert run.returncode == 1, run.stdout + run.stderr
    results = json.loads((checkout / "crashlint.sarif").read_text())["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == ["b.ts"]
