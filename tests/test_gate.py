"""The CI gate (issue 5): configuration, inline suppressions, baseline, gitlab/github formats,
pre-commit (with the real `pre-commit try-repo`), the GitHub Action file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from helpers import ROOT, render, run_cli

FETCH = "export async function load(url: string) {\n  return fetch(url);\n}\n"
REDIS = "import Redis from 'ioredis';\nexport const cache = new Redis();\n"


def _json(*args: str) -> list[dict]:
    code, out, err = run_cli("scan", *args, "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)


# ---- configuration --------------------------------------------------------------------------


def test_pyproject_config_found_upward_and_cli_overrides(tmp_path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "svc"\n\n[tool.crashlint]\nignore = ["CL001"]\nfail-on = "high"\n'
        'severity = { CL008 = "high" }\nper-path-ignores = { "legacy/**" = ["http-call-no-timeout"] }\n'
    )
    (tmp_path / "src" / "legacy").mkdir(parents=True)
    (tmp_path / "src" / "a.ts").write_text(REDIS + FETCH)
    (tmp_path / "src" / "legacy" / "b.ts").write_text(FETCH)
    monkeypatch.chdir(tmp_path / "src")
    findings = _json(".")
    assert [(f["rule"], f["path"], f["severity"]) for f in findings] == [("CL008", "a.ts", "high")]
    # per-path globs are relative to the scan root: scanning the project root, legacy/ is src/legacy/
    monkeypatch.chdir(tmp_path)
    assert run_cli("scan", "src")[0] == 1  # fail-on high, and CL008 was raised to high
    assert run_cli("scan", "src", "--fail-on", "critical")[0] == 0  # the flag beats the file
    assert {f["rule"] for f in _json("src", "--select", "CL001")} == {"CL001"}


def test_crashlint_toml_beats_a_pyproject_above(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.crashlint]\nignore = ["CL008"]\n')
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "crashlint.toml").write_text('select = ["CL008"]\n')
    (tmp_path / "svc" / "a.ts").write_text(REDIS + FETCH)
    assert {f["rule"] for f in _json(str(tmp_path / "svc"))} == {"CL008"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.crashlint]\nselct = ["CL001"]\n', "unknown key 'selct'"),
        ('[tool.crashlint]\nselect = ["CL099"]\n', "unknown rule 'CL099'"),
        ('[tool.crashlint]\nfail-on = "severe"\n', "fail-on: 'severe'"),
        ('[tool.crashlint]\nseverity = { CL001 = "urgent" }\n', "severity of CL001"),
        ('[tool.crashlint]\nselect = "CL001"\n', "'select' must be a list"),
        ("[tool.crashlint\n", "invalid TOML"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(tmp_path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "a.ts").write_text(FETCH)
    code, _, err = run_cli("scan", str(tmp_path))
    assert code == 2 and message in err and err.strip().count("\n") == 0


# ---- inline suppressions --------------------------------------------------------------------


def test_inline_suppressions_and_unused_report(tmp_path, sarif_validator, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ts").write_text(
        "// crashlint-disable-next-line CL008 -- the CDN answers in 10 ms\n"
        "export const a = () => fetch('/a');\n"
        "export const b = () => fetch('/b'); // crashlint-disable-line http-call-no-timeout\n"
        "export const c = () => fetch('/c');\n"
        "// crashlint-disable-next-line CL001\n"
        "export const d = () => fetch('/d');\n"
    )
    (tmp_path / "b.ts").write_text("/* crashlint-disable-file */\n" + REDIS)
    (tmp_path / "c.py").write_text("import requests\nrequests.get('http://x')  # crashlint: ignore[CL008] -- internal\n")
    findings = _json(str(tmp_path))
    assert [(f["path"], f["start_line"]) for f in findings] == [("a.ts", 4), ("a.ts", 6)]
    code, out, err = run_cli("scan", str(tmp_path), "--report-unused-suppressions")
    assert "a.ts:5: unused suppression (CL001)" in out
    # SARIF keeps the suppressed results, with the comment's reason, for code scanning
    code, out, _ = run_cli("scan", str(tmp_path), "--format", "sarif")
    log = json.loads(out)
    assert not list(sarif_validator.iter_errors(log))
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert len(suppressed) == 4
    assert {"kind": "inSource", "justification": "the CDN answers in 10 ms"} in [r["suppressions"][0] for r in suppressed]


# ---- baseline -------------------------------------------------------------------------------


def test_baseline_hides_old_findings_after_moves_but_never_new_ones(tmp_path) -> None:
    (tmp_path / "a.ts").write_text(FETCH)
    baseline = tmp_path / "baseline.json"
    code, _, _ = run_cli("scan", str(tmp_path), "--write-baseline", str(baseline))
    assert code == 0 and json.loads(baseline.read_text())["findings"][0]["rule"] == "CL008"
    # unrelated lines inserted above, and a new finding added
    (tmp_path / "a.ts").write_text("// header\n\n" + FETCH + "export const again = () => fetch('/other');\n")
    findings = _json(str(tmp_path), "--baseline", str(baseline))
    assert [f["start_line"] for f in findings] == [6]
    assert run_cli("scan", str(tmp_path), "--baseline", str(tmp_path / "missing.json"))[0] == 2


# ---- formats --------------------------------------------------------------------------------


def test_gitlab_report_has_unique_fingerprints(tmp_path) -> None:
    (tmp_path / "a.ts").write_text(FETCH + FETCH.replace("load", "load2"))
    issues = json.loads(render([str(tmp_path)], "gitlab"))
    assert len(issues) == 2 and len({i["fingerprint"] for i in issues}) == 2
    assert all(i["description"].startswith("CL008: ") and i["severity"] == "minor" for i in issues)
    assert issues[0]["location"] == {"path": "a.ts", "lines": {"begin": 2, "end": 2}}


def test_github_annotations(tmp_path) -> None:
    (tmp_path / "a b.ts").write_text(FETCH)
    [line] = render([str(tmp_path)], "github").splitlines()
    # one line on the call itself (`fetch(url)`), not the statement around it
    assert line.startswith("::warning file=a b.ts,line=2,endLine=2,col=10,endColumn=20,title=crashlint CL008 (http-call-no-timeout)::")
    assert "%0A" in line  # the problems follow the message, escaped


# ---- pre-commit and the Action -------------------------------------------------------------


def test_in_project_mode_reports_on_the_given_files_with_the_whole_project_in_view(tmp_path, monkeypatch) -> None:
    (tmp_path / "redis.ts").write_text(REDIS)
    # a SIGTERM handler that closes nothing and does not exit: "never closed" holds (with no handler
    # at all, or one that calls process.exit, it would be no finding of its own: nothing keeps the
    # process alive)
    (tmp_path / "events.ts").write_text("import { cache } from './redis';\ncache.on('error', console.error);\n"
                                        "process.on('SIGTERM', () => console.log('stopping'));\n")
    (tmp_path / "other.ts").write_text(FETCH)
    monkeypatch.chdir(tmp_path)
    # alone, redis.ts looks unhandled; with its project, the listener in events.ts is seen
    assert {f["rule"] for f in _json("redis.ts")} == {"CL001"}
    assert [f["subject"] for f in _json("redis.ts", "--in-project")] == ["cache"]  # still never closed
    only = _json("redis.ts", "--in-project")
    assert all(f["path"] == "redis.ts" for f in only) and "no 'error' listener" not in only[0]["message"]


def test_hook_manifest_is_valid_and_runs_on_sources_and_manifests() -> None:
    import re

    run = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["crashlint"]
    assert hook["language"] == "python" and hook["entry"] == "crashlint scan --new-since HEAD"
    assert hook["pass_filenames"] is False and hook["require_serial"] is True
    runs_on = re.compile(hook["files"])
    for name in ("src/a.ts", "a.tsx", "lib/b.mjs", "c.cjs", "d.jsx", "app/e.py", "package.json", "apps/web/package.json",
                 "requirements.txt", "requirements-dev.txt", "pyproject.toml", "tsconfig.json", "crashlint.toml",
                 ".crashlint.toml"):
        assert runs_on.search(name), name
    for name in ("README.md", "package-lock.json", "notes.txt", "src/a.ts.orig", "docs/requirements/x.md"):
        assert not runs_on.search(name), name
    assert "--in-project" in hooks["crashlint-files"]["entry"]


@pytest.mark.slow  # pre-commit installs crashlint into an environment of its own (a package install: 60-240 s)
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_real_pre_commit_try_repo(tmp_path) -> None:
    """pre-commit installs crashlint from this checkout into its own environment and runs the hook on
    a commit: a listener removed in one file reports the unchanged file whose client it protected;
    a manifest alone runs the hook too."""
    pre_commit = [sys.executable, "-m", "pre_commit"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    repo = tmp_path / "service"
    (repo / "src").mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, env=env, capture_output=True)

    def hook() -> subprocess.CompletedProcess:
        return subprocess.run([*pre_commit, "try-repo", str(ROOT), "crashlint"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=900)

    git("init", "-q")
    (repo / "package.json").write_text('{"dependencies": {"redis": "^4.6.0", "express": "^5.1.0"}}\n')
    (repo / "src" / "redis.ts").write_text('import { createClient } from "redis";\nexport const redis = createClient();\n')
    (repo / "src" / "listeners.ts").write_text(
        'import { redis } from "./redis";\nredis.on("error", (err) => console.error(err));\n'
        'process.on("SIGTERM", () => { redis.quit().catch(console.error); });\n'
    )
    (repo / "src" / "app.ts").write_text(
        "import express from 'express';\nconst app = express();\n"
        "app.get('/u', async (req, res) => { res.json(await Promise.resolve(1)); });\n"
        "app.use((err, req, res, next) => res.sendStatus(500));\napp.get('/health', (req, res) => res.send('ok'));\n"
    )
    (repo / "src" / "fetch.ts").write_text(FETCH)
    git("add", "-A")
    run = hook()  # the first commit: everything is new
    assert run.returncode == 1 and "src/fetch.ts:2:" in run.stdout, run.stdout + run.stderr
    git("commit", "-qm", "base", "--no-verify")
    (repo / "src" / "listeners.ts").write_text(
        'import { redis } from "./redis";\nprocess.on("SIGTERM", () => { redis.quit().catch(console.error); });\n'
    )
    git("add", "-A")
    run = hook()
    assert run.returncode == 1, run.stdout + run.stderr
    assert "src/redis.ts:2:1: CL001" in run.stdout and "fetch.ts" not in run.stdout  # only what the commit adds
    git("checkout", "--", ".")
    git("reset", "-q", "--hard")
    (repo / "package.json").write_text('{"dependencies": {"redis": "^4.6.0", "express": "^4.21.0"}}\n')
    git("add", "-A")
    run = hook()  # only the manifest changed: Express 4 leaves the async handler's rejection unhandled
    assert run.returncode == 1 and "src/app.ts:3:" in run.stdout and "CL003" in run.stdout, run.stdout + run.stderr
