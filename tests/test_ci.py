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
    assert "**Location:** `src/config/db.ts`" in out
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
    code, _, err = run_cli("scan", str(target), "--diff", "--unsafe-fixes")
    # CL001 `connection` gets its listener but still needs a close: partly fixed, and it remains
    assert "Would fix 12 findings (and part of 1 more) in 3 files; 14 would remain." in err


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
