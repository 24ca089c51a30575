"""Autofix (issue 8): fixture pairs and the safety net every fix must pass.

Each `tests/fixtures/<RULE>/<name>.fixed.<ext>` is `<name>.<ext>` after
`crashlint scan --select <RULE> --fix --unsafe-fixes`, beside `<name>.package.json` as its project's
package.json when there is one (a fix may depend on what the project declares; `pytest --update-golden` rewrites them;
review the diff). For every pair: the fixed file parses with no ERROR/MISSING node, a re-scan no
longer reports what was fixed, a second `--fix` changes nothing, and every edit is an insertion or
lies inside the finding's own call.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import chdir
from pathlib import Path

import libcst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crashlint.findings import Edit
from crashlint.fix import _error_count, _merge, attach_fixes, plan_changes, write_changes
from crashlint.scan import scan
from helpers import EXAMPLE, ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures"
PAIRS = sorted(FIXTURES.glob("CL*/*.fixed.*"))


def _source_of(fixed: Path) -> Path:
    return fixed.with_name(fixed.name.replace(".fixed.", "."))


def _findings(folder: Path, name: str, rule: str, unsafe: bool = True):
    with chdir(folder):
        result = scan([name], select=[rule])
    attach_fixes(result.findings, result.rules, result.root, unsafe=unsafe)
    return result


def _fix(folder: Path, name: str, rule: str, *extra: str) -> tuple[int, str, str]:
    with chdir(folder):
        return run_cli("scan", name, "--select", rule, "--fix", *extra)


def _byte_span(source: bytes, anchor: tuple[int, int, int, int]) -> tuple[int, int]:
    starts = [0]
    for line in source.split(b"\n"):
        starts.append(starts[-1] + len(line) + 1)
    bom = 3 if source.startswith(b"\xef\xbb\xbf") else 0
    return bom + starts[anchor[0] - 1] + anchor[1] - 1, bom + starts[anchor[2] - 1] + anchor[3] - 1


def test_every_fixable_rule_has_fixture_pairs() -> None:
    from crashlint.rulepack import load_rules

    for rule in load_rules():
        for entry in rule.data.get("autofix", []):
            for language in entry["languages"]:
                ext = {"typescript": ".ts", "javascript": ".js", "python": ".py"}[language]
                pairs = [p for p in PAIRS if p.parent.name == rule.id and p.suffix == ext]
                if language == "javascript":
                    pairs += [p for p in PAIRS if p.parent.name == rule.id and p.suffix == ".ts"]
                assert pairs, f"{rule.id}: no {ext} fixture pair for the fix '{entry['title']}'"


@pytest.mark.parametrize("fixed", PAIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_pair(fixed: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    source = _source_of(fixed)
    rule = fixed.parent.name
    shutil.copy(source, tmp_path / source.name)
    manifest = source.with_name(source.name.split(".")[0] + ".package.json")
    if manifest.exists():
        shutil.copy(manifest, tmp_path / "package.json")
    before = _findings(tmp_path, source.name, rule)
    fixable = [f for f in before.findings if f.fix is not None]
    assert fixable, f"{source.name}: no fix offered"

    # unrelated bytes untouched: each edit inserts, or replaces bytes inside its finding's call
    original = source.read_bytes()
    for finding in fixable:
        loc = finding.location  # a fix of a whole flow (CL007) has no anchor: within the finding's lines
        span = finding.anchor if finding.anchor != (0, 0, 0, 0) else (loc.start_line, loc.start_col, loc.end_line, loc.end_col)
        low, high = _byte_span(original, span)
        for edit in finding.fix.edits:
            assert edit.start == edit.end or low <= edit.start <= edit.end <= high, (finding.subject, edit)

    code, out, err = _fix(tmp_path, source.name, rule, "--unsafe-fixes")
    after = (tmp_path / source.name).read_bytes()
    if request.config.getoption("--update-golden"):
        fixed.write_bytes(after)
    assert after == fixed.read_bytes(), f"{fixed.name} differs: run pytest --update-golden and review the diff"
    assert code in (0, 1), err

    # the fixed file parses cleanly
    assert _error_count(after, source.name) == 0
    if source.suffix == ".py":
        libcst.parse_module(after.decode("utf-8"))

    # what was fixed is no longer reported; what remains has no fix left to apply
    complete = [f for f in fixable if not f.fix.resolves or set(f.context.get("missing", "").split()) <= set(f.fix.resolves)]
    again = _findings(tmp_path, source.name, rule)
    assert len(again.findings) == len(before.findings) - len(complete), [f.message for f in again.findings]
    assert not [f for f in again.findings if f.fix is not None], [f.message for f in again.findings if f.fix]

    # idempotent
    code, out, err = _fix(tmp_path, source.name, rule, "--unsafe-fixes")
    assert (tmp_path / source.name).read_bytes() == after
    assert "Fixed 0 findings" in err


def test_safe_fixes_only_without_the_flag(tmp_path: Path) -> None:
    source = FIXTURES / "CL010" / "fix_route.ts"
    shutil.copy(source, tmp_path / source.name)
    code, out, err = _fix(tmp_path, source.name, "CL010")
    assert (tmp_path / source.name).read_bytes() == source.read_bytes()
    assert code == 1 and "Fixed 0 findings" in err
    assert "1 fixable with `crashlint scan --fix --unsafe-fixes`" in out
    code, out, err = _fix(tmp_path, source.name, "CL010", "--unsafe-fixes")
    assert code == 0 and "Fixed 1 finding in 1 file; 0 remaining." in err


def test_safe_part_of_a_fix_applies_alone(tmp_path: Path) -> None:
    """CL009 on mongoose: the timeouts are safe, the pool size (a capacity choice) is not."""
    source = FIXTURES / "CL009" / "fix_pools.ts"
    shutil.copy(source, tmp_path / source.name)
    _fix(tmp_path, source.name, "CL009")
    text = (tmp_path / source.name).read_text()
    assert "serverSelectionTimeoutMS" in text and "maxPoolSize" not in text
    remaining = _findings(tmp_path, source.name, "CL009", unsafe=False)
    # with its timeouts set, the missing pool size alone is no finding (CL009's `only_with`)
    assert [f.context["missing"] for f in remaining.findings] == []


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)


@pytest.mark.parametrize("example", ["seed-service", "python-service"])
def test_diff_applies_with_git_apply_and_equals_fix(tmp_path: Path, example: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / example, repo / example)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    with chdir(repo):
        code, diff, err = run_cli("scan", example, "--diff", "--unsafe-fixes")
        assert code == 0 and diff.startswith("--- a/"), err  # nothing would remain
        assert (repo / "patch.diff").write_text(diff)
        _git(repo, "apply", "--check", "patch.diff")
        assert not _git(repo, "status", "--porcelain", "--untracked-files=no").stdout, "--diff wrote files"
        _git(repo, "apply", "patch.diff")
        applied = {p: (repo / p).read_bytes() for p in _git(repo, "diff", "--name-only").stdout.split()}
        _git(repo, "checkout", "-q", ".")
        run_cli("scan", example, "--fix", "--unsafe-fixes")
        fixed = {p: (repo / p).read_bytes() for p in _git(repo, "diff", "--name-only").stdout.split()}
    assert applied and applied == fixed


def test_seed_service_fixed_reports_only_what_has_no_fix(tmp_path: Path) -> None:
    target = tmp_path / "seed-service"
    shutil.copytree(EXAMPLE, target)
    before = scan([str(target)])
    code, out, err = run_cli("scan", str(target), "--fix", "--unsafe-fixes", "--format", "json")
    assert code == 0
    remaining = json.loads(out)
    # the shutdown paths of CL001/CL002/CL012 and CL005 go into one shutdown function (fix/shutdown.py);
    # CL003's Express 4 handlers are wrapped where the routers register them (fix/express.py), and
    # CL007's counter is created with its TTL in the increment's transaction (fix/redis_expiry.py)
    assert "Fixed 26 findings in 7 files; 0 remaining." in err
    assert len(before.findings) == 26 and remaining == []
    limit = (target / "src" / "middleware" / "uploadLimit.ts").read_text()
    assert 'await connection.multi().set(redisKey, 0, "EX", 24 * 60 * 60, "NX").incrby(redisKey, fileSize).exec();' in limit
    routes = (target / "src" / "routes" / "file.routes.ts").read_text()
    assert 'router.post("/upload", upload.single("file"), asyncHandler(uploadLimit), asyncHandler(uploadFile));' in routes
    assert routes.count("const asyncHandler =") == 1
    # CL006: @aws-sdk/client-s3 ^3.730.0 and no handler package declared: the options object
    r2 = (target / "src" / "controllers" / "cloudflare.controller.ts").read_text()
    assert "requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 }," in r2
    index = (target / "src" / "index.ts").read_text()
    assert index.count('process.on("SIGTERM"') == 1 and index.count('process.on("SIGINT"') == 1
    assert index.count("process.exit(") == 2  # the deadline's exit 1 and the end of the one shutdown


def test_sarif_fixes_validate_and_reproduce_the_fix(sarif_validator, tmp_path: Path) -> None:
    source = FIXTURES / "CL008" / "fix_options.ts"
    shutil.copy(source, tmp_path / source.name)
    with chdir(tmp_path):
        code, out, err = run_cli("scan", source.name, "--select", "CL008", "--format", "sarif")
    log = json.loads(out)
    assert not list(sarif_validator.iter_errors(log))
    results = log["runs"][0]["results"]
    assert all("fixes" in r for r in results)
    # applying the replacements (line/column in code points) yields the fixed twin
    lines = source.read_text().split("\n")
    replacements = [rep for r in results for change in r["fixes"][0]["artifactChanges"] for rep in change["replacements"]]
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = source.read_text()
    for rep in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True):
        region = rep["deletedRegion"]
        start = offsets[region["startLine"] - 1] + region["startColumn"] - 1
        end = offsets[region["endLine"] - 1] + region["endColumn"] - 1
        text = text[:start] + rep.get("insertedContent", {}).get("text", "") + text[end:]
    assert text == (FIXTURES / "CL008" / "fix_options.fixed.ts").read_text()


def test_text_marks_fixable_findings() -> None:
    code, out, err = run_cli("scan", str(EXAMPLE))
    assert "CL008 [*] [medium]" in out and "CL003 [*]" not in out
    assert "[*] 12 fixable with `crashlint scan --fix` (14 more with `--fix --unsafe-fixes`)." in out


def test_configured_constant_and_literal(tmp_path: Path) -> None:
    source = FIXTURES / "CL008" / "fix_requests.py"
    shutil.copy(source, tmp_path / "calls.py")
    (tmp_path / "crashlint.toml").write_text('[fix.CL008]\nconstant = "REQUEST_TIMEOUT"\nvalue = "(3.05, 27)"\n')
    _fix(tmp_path, "calls.py", "CL008")
    text = (tmp_path / "calls.py").read_text()
    assert "REQUEST_TIMEOUT = (3.05, 27)  # seconds" in text and "timeout=REQUEST_TIMEOUT" in text
    shutil.copy(source, tmp_path / "calls.py")
    (tmp_path / "crashlint.toml").write_text('[fix.CL008]\nconstant = ""\nvalue = "30"\n')
    _fix(tmp_path, "calls.py", "CL008")
    text = (tmp_path / "calls.py").read_text()
    assert "timeout=30" in text and "HTTP_TIMEOUT" not in text
    (tmp_path / "crashlint.toml").write_text('[fix.CL008]\ntimeout = "30"\n')
    code, out, err = _fix(tmp_path, "calls.py", "CL008")
    assert code == 2 and "fix.CL008.timeout" in err


def test_fix_and_diff_do_not_combine() -> None:
    code, out, err = run_cli("scan", str(EXAMPLE), "--fix", "--diff")
    assert code == 2 and "cannot be combined" in err


def test_bom_and_crlf_survive(tmp_path: Path) -> None:
    text = 'import Redis from "ioredis";\r\n\r\nexport const r = new Redis();\r\nprocess.on("SIGTERM", () => r.quit());\r\n'
    (tmp_path / "a.ts").write_bytes(b"\xef\xbb\xbf" + text.encode())
    _fix(tmp_path, "a.ts", "CL001")
    after = (tmp_path / "a.ts").read_bytes()
    assert after.startswith(b"\xef\xbb\xbfimport Redis")
    assert b'export const r = new Redis();\r\nr.on("error", (err) => {\r\n  console.error(' in after
    assert b"\n" not in after.replace(b"\r\n", b"")


def test_merge_takes_identical_edits_once_and_defers_overlaps() -> None:
    from crashlint.findings import Finding, Fix, Location

    def finding(subject: str, *edits: Edit) -> Finding:
        f = Finding("CL008", "s", "medium", "t", "python", Location("a.py", 1, 1, 1, 1), subject, "m", [])
        f.fix = Fix("t", True, edits)
        return f

    header = Edit(0, 0, "X = 1\n")
    a = finding("a", header, Edit(10, 10, ", timeout=X"))
    b = finding("b", header, Edit(20, 20, ", timeout=X"))
    c = finding("c", Edit(15, 25, "replaced"))
    d = finding("d", Edit(10, 10, "!"))
    edits, applied = _merge([a, b, c, d])
    assert [f.subject for f in applied] == ["a", "b", "d"]  # c replaces around b's insertion: next pass
    assert edits.count(header) == 1


def test_a_fix_that_breaks_the_code_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crashlint.fix import javascript

    monkeypatch.setattr(javascript, "statement_after", lambda source, statement, text, style: [Edit(statement.end_byte, statement.end_byte, "\n}}} oops(")])
    source = FIXTURES / "CL004" / "fix_workers.ts"
    shutil.copy(source, tmp_path / source.name)
    code, out, err = _fix(tmp_path, source.name, "CL004")
    assert (tmp_path / source.name).read_bytes() == source.read_bytes()
    assert "would not parse cleanly" in out


def test_a_file_edited_during_the_scan_is_left_alone(tmp_path: Path) -> None:
    source = FIXTURES / "CL008" / "fix_options.ts"
    shutil.copy(source, tmp_path / source.name)
    result = _findings(tmp_path, source.name, "CL008")
    changes, notes = plan_changes(result.findings, result.root, unsafe=False)
    (tmp_path / source.name).write_text("// edited meanwhile\n")
    notes = write_changes(changes, result.root)
    assert (tmp_path / source.name).read_text() == "// edited meanwhile\n"
    assert "changed during the scan" in notes[0].message


SOURCES = [_source_of(p) for p in PAIRS]


@st.composite
def mutated_source(draw) -> tuple[Path, bytes]:
    path = draw(st.sampled_from(SOURCES))
    data = path.read_bytes()
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "indent", "crlf"]))
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "indent":
            lines[index] = b"    " + lines[index]
        else:
            lines[index] += b"\r"
        if not lines:
            lines = [b""]
    return path, b"\n".join(lines)


@settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_source())
def test_fixes_on_mutated_fixtures_keep_the_safety_net(case: tuple[Path, bytes]) -> None:
    import tempfile

    path, data = case
    rule = path.parent.name
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / path.name
        target.write_bytes(data)
        errors_before = _error_count(data, path.name)
        _fix(Path(folder), path.name, rule, "--unsafe-fixes")
        after = target.read_bytes()
        assert _error_count(after, path.name) <= errors_before
        _fix(Path(folder), path.name, rule, "--unsafe-fixes")
        assert target.read_bytes() == after, "a second --fix changed the file"
        if path.suffix == ".py" and after != data:
            libcst.parse_module(after.decode("utf-8"))  # libcst only rewrites what it parsed


def test_pre_commit_fixes_only_the_files_it_is_given(tmp_path: Path) -> None:
    for name in ("a.ts", "b.ts"):
        (tmp_path / name).write_text(f"export async function {name[0]}(u: string) {{ return fetch(u); }}\n")
    with chdir(tmp_path):
        code, out, err = run_cli("scan", "--in-project", "a.ts", "--fix")
    assert code == 0 and "Fixed 1 finding in 1 file; 0 remaining." in err
    assert "AbortSignal.timeout" in (tmp_path / "a.ts").read_text()
    assert "AbortSignal" not in (tmp_path / "b.ts").read_text()


def test_diff_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "seed-service"
    shutil.copytree(EXAMPLE, target)
    code, out, err = run_cli("scan", str(target), "--diff", "-o", str(tmp_path / "fixes.patch"))
    assert code == 1 and out == ""
    assert (tmp_path / "fixes.patch").read_text().count("+++ b/") == 2  # index.ts: the health route is unsafe


# ---- shapes found by review (each once wrote broken or wrong code) -----------------------------


def _fixed(tmp_path: Path, name: str, text: str, rule: str, unsafe: bool = True) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    _fix(tmp_path, name, rule, *(["--unsafe-fixes"] if unsafe else []))
    return (tmp_path / name).read_text(encoding="utf-8")


def test_imports_go_after_a_future_import(tmp_path: Path) -> None:
    text = '"""Doc."""\nfrom __future__ import annotations\n\ntry:\n    import boto3\nexcept ImportError:\n    boto3 = None\n\ns3 = boto3.client("s3")\n'
    after = _fixed(tmp_path, "a.py", text, "CL006")
    compile(after, "a.py", "exec")
    assert after.index("from __future__") < after.index("from botocore.config import Config")


def test_a_module_statement_goes_below_the_import_it_uses(tmp_path: Path) -> None:
    text = (
        "import sys\n\nsys.path.insert(0, 'lib')\n\nimport asyncio\nimport signal\n\n\nasync def work():\n    await asyncio.sleep(0)\n\n\n"
        "async def main():\n    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a long-running worker's main\n"
        "    asyncio.create_task(work())\n    await asyncio.sleep(0.01)\n\n\n"
        "if __name__ == '__main__':\n    asyncio.run(main())\n"
    )
    after = _fixed(tmp_path, "main.py", text, "CL003")
    assert "_background_tasks.add(task)" in after
    run = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_no_keyword_that_a_positional_argument_already_supplies(tmp_path: Path) -> None:
    after = _fixed(tmp_path, "a.py", 'import redis\n\nr = redis.Redis("localhost", 6379, 0, None, 3)\n', "CL001")
    assert "socket_timeout=" not in after and "socket_connect_timeout=5" in after


def test_no_new_options_after_a_request_or_options_variable(tmp_path: Path) -> None:
    text = (
        'import got from "got";\n\nexport async function a(url: string, ctrl: AbortController) {\n'
        "  const req = new Request(url, { signal: ctrl.signal });\n  return fetch(req);\n}\n\n"
        "export async function b(url: string) {\n  const opts = { url, timeout: { request: 60_000 } };\n  return got(opts);\n}\n"
    )
    assert _fixed(tmp_path, "a.ts", text, "CL008") == text


def test_a_file_changed_between_planning_and_fixing_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text('import Redis from "ioredis";\nexport const client = new Redis();\n')
    result = _findings(tmp_path, "a.ts", "CL001")
    (tmp_path / "a.ts").write_text('import Redis from "ioredis";\nconst aaaaaa = 1;\nexport const client = new Redis();\n')
    changes, notes = plan_changes(result.findings, result.root, unsafe=True)
    assert not changes and "changed during the scan" in notes[0].message


@pytest.mark.parametrize("text", ['import requests\n\x0c\ndef f(u):\n    return requests.get(u)\n',
                                  'import requests\ns = "a\u2028b"\n\ndef f(u):\n    return requests.get(u)\n'])
def test_diff_of_files_with_unicode_line_breaks_applies(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.py").write_text(text, encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "init")
    with chdir(tmp_path):
        code, diff, err = run_cli("scan", "a.py", "--select", "CL008", "--diff")
    (tmp_path / "p.diff").write_text(diff, encoding="utf-8")
    _git(tmp_path, "apply", "p.diff")
    assert "timeout=HTTP_TIMEOUT" in (tmp_path / "a.py").read_text(encoding="utf-8")


def test_shebang_and_coding_line_stay_first(tmp_path: Path) -> None:
    text = "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\ntry:\n    import requests\nexcept ImportError:\n    requests = None\n\n\ndef get(u):\n    return requests.get(u)\n"
    after = _fixed(tmp_path, "tool.py", text, "CL008")
    assert after.startswith("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n") and "HTTP_TIMEOUT = 10" in after
    compile(after, "tool.py", "exec")


def test_health_view_does_not_shadow_a_name_of_the_module(tmp_path: Path) -> None:
    text = (
        "from flask import Flask\nfrom checks import healthz\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/")\ndef index():\n    return "db ok" if healthz() else "db down"\n\n\n'
        '@app.route("/b")\ndef b():\n    return "b"\n'
    )
    after = _fixed(tmp_path, "app.py", text, "CL010")
    assert "def healthz_2():" in after and "if healthz() else" in after


def test_constant_defined_before_a_use_on_a_joined_first_line(tmp_path: Path) -> None:
    after = _fixed(tmp_path, "a.py", 'import requests; r = requests.get("x")\n', "CL008")
    assert after.index("HTTP_TIMEOUT = 10") < after.index("timeout=HTTP_TIMEOUT")


def test_a_view_added_inside_a_function_has_clean_blank_lines(tmp_path: Path) -> None:
    text = (
        "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n\n"
        '    @app.route("/")\n    def index():\n        return "i"\n\n'
        '    @app.route("/b")\n    def b():\n        return "b"\n\n    return app\n'
    )
    after = _fixed(tmp_path, "factory.py", text, "CL010")
    assert '    app = Flask(__name__)\n\n    @app.get("/healthz")\n' in after
    assert not [line for line in after.split("\n") if line and not line.strip()]


def test_semicolon_style_is_read_from_complete_statements(tmp_path: Path) -> None:
    text = (
        'import Redis from "ioredis";\n\nexport const client = new Redis({\n  host: "h",\n});\n\n'
        "export function a() {\n  console.log(1);\n}\n\nexport function b() {\n  console.log(2);\n}\n\n"
        "export function c() {\n  console.log(3);\n}\n\n"
        'process.on("SIGTERM", () => client.quit());\n'
    )
    after = _fixed(tmp_path, "a.ts", text, "CL001")
    assert '  console.error("ioredis error (client):", err);\n});\n' in after


def test_a_long_new_options_object_is_indented_from_its_argument(tmp_path: Path) -> None:
    text = 'import { MongoClient } from "mongodb";\n\nexport const client = new MongoClient(\n  process.env.MONGO_URL!, // the uri\n);\n'
    after = _fixed(tmp_path, "db.ts", text, "CL009")
    assert "  process.env.MONGO_URL!, // the uri\n  {\n    maxPoolSize: 20,\n" in after and "\n  },\n);\n" in after


def test_a_comment_stays_on_its_argument(tmp_path: Path) -> None:
    text = "import requests\n\n\ndef f(u, d):\n    return requests.post(\n        u,\n        data=d  # the payload\n    )\n"
    after = _fixed(tmp_path, "a.py", text, "CL008")
    assert "        data=d,  # the payload\n        timeout=HTTP_TIMEOUT\n    )\n" in after


def test_a_suppressed_finding_is_not_fixed(tmp_path: Path) -> None:
    text = (
        "export async function a(u: string) {\n"
        "  // crashlint-disable-next-line CL008 -- long poll, the server answers within 5 minutes\n"
        "  return fetch(u);\n}\n\nexport async function b(u: string) {\n  return fetch(u);\n}\n"
    )
    after = _fixed(tmp_path, "a.ts", text, "CL008")
    assert after.count("AbortSignal.timeout") == 1 and "  return fetch(u);\n}\n\nexport" in after


def test_edits_of_a_long_module_of_repeated_lines_are_found_fast() -> None:
    import time

    from crashlint.fix import _edits_between

    before = "import requests\n" + "".join(f"def g{i}(u):\n    a = u * 2\n    return a\n\n\n" for i in range(4000))
    after = before.replace("def g2000(u):\n    a = u * 2\n", "def g2000(u):\n    a = u * 3\n")
    start = time.process_time()
    edits = _edits_between(before, after)
    assert time.process_time() - start < 2  # matching every line with difflib took minutes here
    assert [e.text for e in edits] == ["3"]


def test_an_existing_name_is_reused_only_when_it_is_the_constant_above(tmp_path: Path) -> None:
    text = 'import requests\n\nrequests.get("http://x")\n\nHTTP_TIMEOUT = "slow"\n\n\ndef poll(url, HTTP_TIMEOUT=None):\n    return requests.get(url)\n'
    after = _fixed(tmp_path, "a.py", text, "CL008")
    assert "HTTP_TIMEOUT_2 = 10" in after and after.count("timeout=HTTP_TIMEOUT_2") == 2


def test_a_file_that_cannot_be_written_is_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    (tmp_path / "ro.js").write_text("async function b(url) { return fetch(url); }\nmodule.exports = { b };\n")
    (tmp_path / "rw.js").write_text("async function c(url) { return fetch(url); }\nmodule.exports = { c };\n")
    real_open = builtins.open

    def guarded(file, mode="r", *args, **kwargs):
        if str(file).endswith("ro.js") and "+" in mode:
            raise PermissionError(1, "Operation not permitted")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    with chdir(tmp_path):
        code, out, err = run_cli("scan", ".", "--select", "CL008", "--fix")
    assert "Fixed 1 finding in 1 file; 1 remaining." in err
    assert out.count("ro.js: not fixed: Operation not permitted") == 1


def test_bad_fix_configuration_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import requests\nrequests.get('x')\n")
    for table in ('constant = "class"', 'value = "(3.05, 27"'):
        (tmp_path / "crashlint.toml").write_text(f"[fix.CL008]\n{table}\n")
        code, out, err = _fix(tmp_path, "a.py", "CL008")
        assert code == 2 and "fix.CL008" in err


def test_many_python_findings_in_one_module_are_fixed_quickly(tmp_path: Path) -> None:
    import time

    body = "".join(f"def h{i}(u):\n    a = requests.get(u)\n    return a\n\n\n" for i in range(150))
    (tmp_path / "a.py").write_text("import requests\n\n\n" + body)
    start = time.process_time()
    result = _findings(tmp_path, "a.py", "CL008")
    assert len([f for f in result.findings if f.fix]) == 150
    assert time.process_time() - start < 10  # a whole-module libcst visit per finding took ~15 s here


@pytest.mark.parametrize("declared", ["^3.400.0", "latest", None])
def test_aws_v3_fix_needs_a_client_that_takes_handler_options(tmp_path: Path, declared: str | None) -> None:
    """CL006 on SDK v3 with no handler package declared: the options object only where the client's
    declared version is known to be 3.521.0 or later (NodeHttpHandler.create); otherwise no fix."""
    source = FIXTURES / "CL006" / "fix_sdk_v3_options.ts"
    shutil.copy(source, tmp_path / source.name)
    if declared is not None:
        (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@aws-sdk/client-s3": declared}}))
    result = _findings(tmp_path, source.name, "CL006")
    assert [f.subject for f in result.findings] == ["bucket"]
    assert result.findings[0].fix is None


def test_aws_v3_fix_is_unsafe(tmp_path: Path) -> None:
    source = FIXTURES / "CL006" / "fix_sdk_v3_smithy.ts"
    shutil.copy(source, tmp_path / source.name)
    shutil.copy(FIXTURES / "CL006" / "fix_sdk_v3_smithy.package.json", tmp_path / "package.json")
    code, out, err = _fix(tmp_path, source.name, "CL006")
    assert (tmp_path / source.name).read_bytes() == source.read_bytes()
    assert "3 fixable with `crashlint scan --fix --unsafe-fixes`" in out


def test_socket_timeout_none_is_fixed_only_as_unsafe(tmp_path: Path) -> None:
    """`socket_timeout=None` written out may be a pub/sub listener's on purpose (its `listen()`
    reads with socket_timeout): setting 5 is offered, not applied by `--fix` alone; a client with
    no socket_timeout at all gets the safe fix."""
    (tmp_path / "requirements.txt").write_text("redis==5.0.1\n")
    (tmp_path / "worker.py").write_text(
        "import redis\n\n"
        "subscriber = redis.Redis(host='queue', socket_timeout=None, socket_connect_timeout=5)\n"
        "cache = redis.Redis(host='cache', socket_connect_timeout=5)\n"
    )
    _fix(tmp_path, "worker.py", "CL001")
    text = (tmp_path / "worker.py").read_text()
    assert "socket_timeout=None" in text
    assert "redis.Redis(host='cache', socket_connect_timeout=5, socket_timeout=5)" in text or \
        "redis.Redis(host='cache', socket_timeout=5, socket_connect_timeout=5)" in text
    _fix(tmp_path, "worker.py", "CL001", "--unsafe-fixes")
    assert "socket_timeout=None" not in (tmp_path / "worker.py").read_text()
