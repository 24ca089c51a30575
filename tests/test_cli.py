"""The command line contract: exit codes 0/1/2, --fail-on, --exit-zero, -o, rules, explain."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import EXAMPLE, EXAMPLE_FIXED, run_cli


def test_findings_exit_1_clean_exit_0() -> None:
    assert run_cli("scan", str(EXAMPLE))[0] == 1
    assert run_cli("scan", str(EXAMPLE_FIXED))[0] == 0


def test_fail_on_threshold() -> None:
    assert run_cli("scan", str(EXAMPLE), "--fail-on", "critical")[0] == 1  # CL001 is critical
    assert run_cli("scan", str(EXAMPLE), "--select", "CL008", "--fail-on", "high")[0] == 0  # only medium
    assert run_cli("scan", str(EXAMPLE), "--select", "CL008", "--fail-on", "medium")[0] == 1


def test_exit_zero() -> None:
    code, out, _ = run_cli("scan", str(EXAMPLE), "--exit-zero")
    assert code == 0 and "CL001" in out


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    code, out, err = run_cli("scan", str(tmp_path / "missing"))
    assert code == 2 and err.strip().count("\n") == 0 and "does not exist" in err
    code, _, err = run_cli("scan", str(EXAMPLE), "--select", "CL999")
    assert code == 2 and "unknown rule: CL999" in err
    code, _, err = run_cli("scan", str(EXAMPLE), "--format", "yaml")
    assert code == 2 and "Traceback" not in err
    code, _, err = run_cli("scan", str(EXAMPLE), "--fail-on", "severe")
    assert code == 2


def test_output_file_and_terminal_summary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.sarif"
    code, out, _ = run_cli("scan", str(EXAMPLE), "--format", "sarif", "-o", str(target))
    assert code == 1
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert re.search(r"Found \d+ findings \(", out) and str(target) in out


def test_select_and_ignore_by_id_slug_and_prefix() -> None:
    _, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--select", "http-call-no-timeout")
    assert {f["rule"] for f in json.loads(out)} == {"CL008"}
    _, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--ignore", "CL008,CL003")
    rules = {f["rule"] for f in json.loads(out)}
    assert "CL001" in rules and not rules & {"CL008", "CL003"}
    _, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--select", "CL00")
    assert {f["rule"] for f in json.loads(out)} == {f"CL00{i}" for i in range(1, 10)}


def test_rules_and_explain() -> None:
    code, out, _ = run_cli("rules")
    assert code == 0 and "CL001" in out and "redis-client-unmanaged" in out and "critical" in out
    code, out, _ = run_cli("explain", "CL008")
    assert code == 0
    for heading in ("## What it does", "## Why it crashes servers", "## Example", "## How to fix it", "## References"):
        assert heading in out
    assert run_cli("explain", "redis-client-unmanaged")[0] == 0
    assert run_cli("explain", "nope")[0] == 2


def test_version() -> None:
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("crashlint ")


def test_default_path_is_cwd(monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    code, out, _ = run_cli("scan", "--format", "json")
    assert code == 1 and json.loads(out)[0]["path"] == "src/utils/bullmqJobs.ts"


def test_the_scan_parser_holds_typers_options() -> None:
    """`crashlint.scan_command.parse` reads a plain `scan` command line without typer (issue 13,
    start-up): its table is typer's parameters of `scan`, option for option."""
    import typer.main

    from crashlint import scan_command
    from crashlint.commands import app
    from crashlint.findings import SEVERITIES
    from crashlint.report import FORMATTERS

    assert scan_command.FORMATS == tuple(FORMATTERS) and scan_command.SEVERITY_NAMES == SEVERITIES
    command = typer.main.get_command(app).commands["scan"]  # type: ignore[attr-defined]
    seen = {}
    for param in command.params:
        if param.param_type_name == "argument":
            assert param.name == "paths" and param.nargs == -1
            continue
        if param.is_flag:
            kind: object = "flag"
        elif param.multiple:
            kind = "list"
        elif hasattr(param.type, "choices"):
            kind = tuple(param.type.choices)
        else:
            kind = {"TyperPath": "path", "IntParamType": "int", "StringParamType": "str"}[type(param.type).__name__]
        assert not param.secondary_opts, param.name
        seen[param.name] = (tuple(param.opts), kind)
        assert scan_command.ENVVARS.get(param.name) == param.envvar, param.name
    assert seen == scan_command.OPTIONS


SCAN_LINES = [
    ("scan", str(EXAMPLE)),
    ("scan", str(EXAMPLE), "--format", "json", "--select", "CL008"),
    ("scan", str(EXAMPLE), "--format=json", "--ignore", "CL008,CL003", "--ignore", "CL001"),
    ("scan", str(EXAMPLE), "-f", "sarif", "-q"),
    ("scan", "-s", str(EXAMPLE)),
    ("scan", str(EXAMPLE), "--statistics", "--format", "json"),
    ("scan", str(EXAMPLE), "--statistics", "--exit-zero"),
    ("scan", str(EXAMPLE), "--fail-on", "critical", "--show-fixes"),
    ("scan", str(EXAMPLE), "--fail-on", "medium", "--select", "CL008", "-j", "1"),
    ("scan", str(EXAMPLE), "--jobs", "0"),
    ("scan", str(EXAMPLE), "--select", "CL999"),
    ("scan", str(EXAMPLE), "--config", "fail-on = 'high'", "--exclude", "src/utils", "--exclude", "*.py"),
    ("scan", str(EXAMPLE), "--no-respect-gitignore", "--verbose", "-e", "--format", "markdown"),
    ("scan", str(EXAMPLE / "missing")),
    ("scan", str(EXAMPLE), "--fix", "--diff"),
    ("scan", str(EXAMPLE), "--stdin-filename", "x.ts"),
    ("scan", str(EXAMPLE), "--diff"),
    # typer's own: an unknown option, a bad choice or number, joined short options, help
    ("scan", str(EXAMPLE), "--format", "yaml"),
    ("scan", str(EXAMPLE), "--fail-on", "severe"),
    ("scan", str(EXAMPLE), "--jobs", "two"),
    ("scan", str(EXAMPLE), "-fjson"),
    ("scan", str(EXAMPLE), "-qe"),
    ("scan", str(EXAMPLE), "--quiet=1"),
    ("scan", str(EXAMPLE), "--exclude", "-x"),
    ("scan", str(EXAMPLE), "--nope"),
    ("scan", "--help"),
    ("scan", str(EXAMPLE), "--", "x"),
]


def test_scan_command_lines_read_alike_with_and_without_typer(monkeypatch) -> None:
    """Every command line gives the same output, messages and exit code whether `scan_command.parse`
    reads it or typer does; the parser leaves to typer exactly what it cannot read alike."""
    from crashlint import scan_command

    real = scan_command.parse
    unread = 0
    for line in SCAN_LINES:
        fast = run_cli(*line)
        read = real([*line[1:], "--no-cache"])
        unread += read is None
        monkeypatch.setattr(scan_command, "parse", lambda args: None)
        slow = run_cli(*line)
        monkeypatch.setattr(scan_command, "parse", real)
        assert fast == slow, line
    assert unread == 10
    monkeypatch.setenv("CRASHLINT_OUTPUT_FORMAT", "json")
    assert real([str(EXAMPLE)]) is not None
    fast = run_cli("scan", str(EXAMPLE))
    monkeypatch.setattr(scan_command, "parse", lambda args: None)
    assert run_cli("scan", str(EXAMPLE)) == fast and json.loads(fast[1])
    monkeypatch.setenv("CRASHLINT_OUTPUT_FORMAT", "yaml")
    assert real([str(EXAMPLE)]) is None


def test_a_warm_scan_imports_neither_typer_nor_the_pipeline(tmp_path: Path) -> None:
    """Issue 13: a scan the result cache answers imports no typer, no tree-sitter, no pathspec, none
    of the facts, the models, the engine or the fix planner; the rule pack comes validated from the
    cache folder. Its report is the cold scan's, byte for byte."""
    import subprocess
    import sys

    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "package.json").write_text('{"name": "p", "main": "src/app.ts", "dependencies": {"ioredis": "5"}}\n')
    (project / "src" / "app.ts").write_text("import Redis from 'ioredis';\nexport const redis = new Redis();\nfetch('https://x');\n")
    import os
    import time

    past = time.time() - 60  # settled: the discovery and stats caches trust no stat taken just now
    for path in [project, *project.rglob("*")]:
        os.utime(path, (past, past))
    script = (
        "import sys\n"
        "from crashlint.cli import main\n"
        f"sys.argv = ['crashlint', 'scan', {str(project)!r}, '--format', 'json', '--cache-dir', {str(tmp_path / 'cache')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\0' + ' '.join(sorted(sys.modules)))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True) for _ in range(2)]
    (cold, cold_modules), (warm, warm_modules) = [run.stdout.split("\0") for run in runs]
    assert cold == warm and json.loads(warm), runs[1].stderr
    loaded = set(warm_modules.split())
    assert "crashlint.engine" in cold_modules.split()
    for module in ("typer", "tree_sitter", "pathspec", "tomllib", "crashlint.facts.model", "crashlint.project", "crashlint.processes",
                   "crashlint.engine", "crashlint.fix", "crashlint.parse", "crashlint.roles", "crashlint.commands"):
        assert module not in loaded, module
    assert list((tmp_path / "cache").glob("rulepack-*.bin"))


def test_the_rule_pack_read_back_from_the_cache_is_the_validated_one(tmp_path: Path) -> None:
    from crashlint.cache import rules as rules_cache
    from crashlint.scan import _validated_pack

    pack = _validated_pack()
    cache = tmp_path / "cache"
    assert rules_cache.load(str(cache)) is None
    rules_cache.save(str(cache), pack)
    assert (cache / ".gitignore").exists()  # the folder made as a scan makes it
    assert rules_cache.load(str(cache)) == pack
    [path] = cache.glob("rulepack-*.bin")
    path.write_bytes(path.read_bytes()[:-10])
    assert rules_cache.load(str(cache)) is None  # a damaged file is a miss


def test_the_console_script_ends_without_freeing_the_scan_and_says_the_same(tmp_path: Path, monkeypatch) -> None:
    """`python -m crashlint` (the console script's `crashlint.cli.run`) leaves what a scan built of
    the project unfreed and ends the process once the output is flushed (issue 13, the commit
    path): the report, the exit code and the cache it leaves are those of `main` in process, warm
    or cold, on a file of a larger project (`--in-project`) and on the whole, to a pipe and a file.
    In process nothing is held."""
    import subprocess
    import sys

    import crashlint

    cache = tmp_path / "cache"
    runs = []
    for args in (["scan", str(EXAMPLE), "--format", "json"], ["scan", str(EXAMPLE), "--format", "json"],
                 ["scan", str(EXAMPLE), "--format", "text", "-o", str(tmp_path / "out.txt")]):
        done = subprocess.run([sys.executable, "-m", "crashlint", *args, "--cache-dir", str(cache)], capture_output=True, text=True)
        code, out, err = run_cli(*args, "--cache-dir", str(tmp_path / "in-process"))
        assert (done.returncode, done.stdout, done.stderr) == (code, out, err) and code == 1
        runs.append(done.stdout)
    assert json.loads(runs[0]) == json.loads(runs[1])  # cold, then warm from the cache it wrote
    text = (tmp_path / "out.txt").read_text()
    assert text and text.endswith("\n")
    source = next(p for p in sorted(EXAMPLE.rglob("*.ts")) if p.is_file())
    done = subprocess.run([sys.executable, "-m", "crashlint", "scan", "--in-project", str(source.relative_to(EXAMPLE)),
                           "--format", "json", "--cache-dir", str(cache)], capture_output=True, text=True, cwd=EXAMPLE)
    monkeypatch.chdir(EXAMPLE)
    code, out, _ = run_cli("scan", "--in-project", str(source.relative_to(EXAMPLE)), "--format", "json")
    assert done.returncode == code and json.loads(done.stdout) == json.loads(out)
    assert crashlint.HELD_UNTIL_EXIT is None
