"""The published corpus (benchmarks/corpora.md), bench.py --corpora and the findings oracle (issue 13).

bench.py times the CLI as a subprocess; here it runs on a tiny generated corpus folder, and on a
stand-in crashlint that never finishes or crashes, to show that such a scan is a row that says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench.py"
ORACLE = ROOT / "benchmarks" / "oracle.py"
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402
import oracle  # noqa: E402

HEADER = "| name | repository | commit | kind | TS | JS | Py | files | date |\n|---|---|---|---|---|---|---|---|---|\n"
SHA = "0123456789abcdef0123456789abcdef01234567"


def row(name: str, repository: str = "owner/repo", commit: str = SHA, counts: str = "1 | 0 | 0 | 3") -> str:
    return f"| {name} | {repository} | {commit} | Node service | {counts} | 2026-01-01 |\n"


def run(script: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=timeout)


# ---- corpora.md ---------------------------------------------------------------------------------

def test_the_published_list_has_the_repositories_the_issue_names() -> None:
    corpora = bench.read_corpora()
    assert len(corpora) >= 15
    by_name = {c.name: c for c in corpora}
    assert by_name["medusa"].repository == "medusajs/medusa"
    assert by_name["medusa"].commit == "59e6747800133e091d20c2c167f600981abc5c0d"
    assert by_name["hyperdx"].commit == "b52a6fa83a1a8f6d1cc70e8b676103ade6a1b207"
    assert by_name["server"].repository == "standardnotes/server"
    assert by_name["server"].commit == "31d2b8a092d8e85982c367197ffcf97cc07e2669"
    kinds = " ".join(c.kind for c in corpora)
    for shape in ("monorepo", "Yarn-berry", "Python service"):
        assert shape in kinds
    assert all(c.files >= c.ts + c.js + c.py for c in corpora)


def test_list_prints_what_the_fetch_recipe_reads() -> None:
    done = run(BENCH, "--list")
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    assert [name for name, _, _ in lines] == [c.name for c in bench.read_corpora()]
    assert ["medusa", "medusajs/medusa", "59e6747800133e091d20c2c167f600981abc5c0d"] in lines


def test_a_row_is_one_line_of_the_table(tmp_path: Path) -> None:
    listing = tmp_path / "corpora.md"
    listing.write_text("# corpora\n\nprose | with a pipe\n\n" + HEADER + row("one", counts="1,204 | 0 | 12 | 2,000")
                       + row("two") + "\nAfter the table | not a row |\n")
    corpora = bench.read_corpora(listing)
    assert [c.name for c in corpora] == ["one", "two"]
    assert (corpora[0].ts, corpora[0].py, corpora[0].files) == (1204, 12, 2000)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (row("one", commit="59e6747"), "not a full 40-hex commit id"),
        (row("one", repository="medusa"), "is not owner/name"),
        (row("../up"), "not a plain folder name"),
        (row("one") + row("one"), "appears twice"),
        (row("one", counts="many | 0 | 0 | 3"), "must be counts"),
        ("| one | owner/repo | " + SHA + " |\n", "3 cells"),
    ],
)
def test_a_malformed_row_names_its_line(tmp_path: Path, body: str, complaint: str) -> None:
    listing = tmp_path / "corpora.md"
    listing.write_text(HEADER + body)
    with pytest.raises(ValueError, match=complaint) as raised:
        bench.read_corpora(listing)
    assert "corpora.md:3" in str(raised.value) or "corpora.md:4" in str(raised.value)


def test_a_file_without_the_table_is_refused(tmp_path: Path) -> None:
    listing = tmp_path / "corpora.md"
    listing.write_text("| name | repository |\n|---|---|\n| a | b/c |\n")
    with pytest.raises(ValueError, match="no table with the columns"):
        bench.read_corpora(listing)


# ---- bench.py --corpora -----------------------------------------------------------------------

def tiny_corpora(tmp_path: Path, names: list[str]) -> tuple[Path, Path]:
    """A list of these names and a folder holding a small Node service for each but 'gone'."""
    listing = tmp_path / "corpora.md"
    listing.write_text(HEADER + "".join(row(n) for n in names))
    base = tmp_path / "corpora"
    for name in names:
        if name == "gone":
            continue
        src = base / name / "src"
        src.mkdir(parents=True)
        (base / name / "package.json").write_text('{"name": "%s", "dependencies": {"ioredis": "^5.0.0"}}\n' % name)
        (src / "cache.ts").write_text('import Redis from "ioredis";\nexport const cache = new Redis();\n')
        (src / "index.ts").write_text('import { cache } from "./cache";\nexport const get = (k: string) => cache.get(k);\n')
    return listing, base


def markdown_rows(path: Path) -> dict[str, list[str]]:
    lines = path.read_text().splitlines()
    assert lines[0].startswith("| repository | files | MB | parse only | cold -j 2 (wall / CPU)")
    return {cells[0]: cells for cells in (bench.table_cells(line) for line in lines[2:])}


def test_corpora_table_on_a_tiny_corpus(tmp_path: Path) -> None:
    listing, base = tiny_corpora(tmp_path, ["alpha", "beta", "gone"])
    saved, table = tmp_path / "saved", tmp_path / "table.md"
    done = run(BENCH, "--corpora", str(base), "--corpora-list", str(listing), "--save", str(saved),
               "--markdown", str(table), "--timeout", "60")
    assert done.returncode == 1, done.stderr  # the missing corpus is a problem
    rows = markdown_rows(table)
    assert list(rows) == ["alpha", "beta", "gone"]
    alpha = rows["alpha"]
    assert alpha[1] == "2"  # files
    assert alpha[3].endswith(" s") and alpha[4].count(" s") == 2  # parse only; cold wall / CPU
    assert alpha[5].endswith("×") and "%" in alpha[6] and alpha[7].endswith(" MB")
    assert alpha[8] == "1" and alpha[9] == "none"  # one finding: the Redis client; nothing went wrong
    assert "not fetched" in rows["gone"][-1]
    report = json.loads((saved / "alpha.json").read_text())
    assert [f["rule"] for f in report] == ["CL001"]
    results = {r["name"]: r for r in json.loads((saved / "results.json").read_text())}
    assert results["beta"]["cold"]["returncode"] == 1 and results["beta"]["warm"]["returncode"] == 1
    assert 0 < results["beta"]["peak_mb"] < 2000
    assert "alpha" in done.stdout and "gone" in done.stdout  # the text table


FAKE = textwrap.dedent(
    """
    import os, subprocess, sys, time
    mode = sys.argv[1]
    if "--version" in sys.argv:
        print("fake-crashlint 0")
    elif mode == "hang":  # a scan that never ends, with a worker of its own
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "fake-worker-" + sys.argv[-1]])
        time.sleep(120)
    elif mode == "crash":
        sys.stderr.write("Traceback (most recent call last):\\n  File x\\nKeyError: 'k'\\n")
        sys.exit(2)
    else:  # print the report named by the mode
        sys.stdout.write(open(mode).read())
        sys.exit(1)
    """
)


def session_cmdlines(marker: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            found.append(Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError):
            continue
    return [c for c in found if marker in c and "pytest" not in c]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_scan_that_never_finishes_or_crashes_is_a_row(tmp_path: Path) -> None:
    listing, base = tiny_corpora(tmp_path, ["alpha"])
    fake = tmp_path / "fake_crashlint.py"
    fake.write_text(FAKE)
    marker = f"marker{os.getpid()}"
    table = tmp_path / "hang.md"
    started = time.perf_counter()
    done = run(BENCH, "--corpora", str(base), "--corpora-list", str(listing), "--timeout", "2",
               "--crashlint", f"{sys.executable} {fake} hang", "--scan-arg", marker, "--markdown", str(table))
    assert time.perf_counter() - started < 30
    assert done.returncode == 1
    alpha = markdown_rows(table)["alpha"]
    assert alpha[4].endswith("(timeout)") and alpha[6] == "–" and alpha[8] == "–"
    assert "cold: timeout, killed after 2 s" in alpha[-1]
    assert alpha[3].endswith(" s")  # parse-only still measured, with this Python's crashlint
    time.sleep(0.3)
    assert session_cmdlines(f"fake-worker-{marker}") == []  # the scan's whole session was killed

    done = run(BENCH, "--corpora", str(base), "--corpora-list", str(listing),
               "--crashlint", f"{sys.executable} {fake} crash", "--markdown", str(table))
    problems = markdown_rows(table)["alpha"][-1]
    assert "cold: exit 2" in problems and "cold: traceback ×1" in problems and "warm: exit 2" in problems


# ---- the oracle ---------------------------------------------------------------------------------

def finding(rule: str = "CL001", line: int = 3, message: str = "Redis client `cache`: never closed", **extra) -> dict:
    return {"rule": rule, "path": "src/cache.ts", "start_line": line, "subject": "cache", "message": message,
            "problems": ["never closed"], **extra}


def test_oracle_compares_the_fields_that_make_a_finding() -> None:
    assert oracle.compare([finding(), finding("CL002")], [finding("CL002"), finding(process="server")]) == []
    assert oracle.compare([finding()], [finding(fix={"title": "other"})]) == []  # not a compared field
    lines = oracle.compare([finding(), finding(line=9)], [finding(message="other"), finding(rule="CL005")])
    assert lines[0] == "~ CL001 src/cache.ts:3 'cache': message changed"
    assert "- old CL001 src/cache.ts:9 'cache'  Redis client `cache`: never closed" in lines
    assert any(line.startswith("+ new CL005 src/cache.ts:3") for line in lines)
    assert oracle.compare([finding()], [finding(), finding()]) == [
        "+ new CL001 src/cache.ts:3 'cache'  Redis client `cache`: never closed"]  # a multiset
    assert oracle.compare([finding()], [finding(fix={"title": "x"})], oracle.FIELDS + ("fix",))[0].endswith("fix changed")


def test_oracle_on_folders_of_reports(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    for folder in (old, new):
        (folder / "same.json").write_text(json.dumps([finding()]))
    (old / "moved.json").write_text(json.dumps([finding()]))
    (new / "moved.json").write_text(json.dumps({"findings": [finding(line=4)]}))  # json-report's shape
    (old / "broken.json").write_text(json.dumps([finding()]))
    (new / "broken.json").write_text("Traceback")
    done = run(ORACLE, str(old), str(new))
    assert done.returncode == 1
    assert "same: identical 1" in done.stdout
    assert "moved: DIFFERENT (old 1, new 1; 2 differences)" in done.stdout
    assert "broken: not compared" in done.stdout
    assert done.stdout.splitlines()[-1] == "oracle: 1 identical, 1 different, 1 not compared"
    done = run(ORACLE, str(old), str(new), "--only", "same")
    assert done.returncode == 0 and "1 identical, 0 different" in done.stdout


def test_oracle_runs_two_versions_and_skips_what_did_not_finish(tmp_path: Path) -> None:
    listing, base = tiny_corpora(tmp_path, ["alpha"])
    fake = tmp_path / "fake_crashlint.py"
    fake.write_text(FAKE)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps([finding()]))
    b.write_text(json.dumps([finding(message="changed")]))
    versions = [f"{sys.executable} {fake} {a}", f"{sys.executable} {fake} {b}", f"{sys.executable} {fake} crash"]
    common = ["--run", "--corpora", str(base), "--corpora-list", str(listing), "--save", str(tmp_path / "kept")]
    done = run(ORACLE, versions[0], versions[0], *common)
    assert done.returncode == 0 and "alpha: identical 1" in done.stdout
    assert json.loads((tmp_path / "kept" / "new" / "alpha.json").read_text()) == [finding()]
    done = run(ORACLE, versions[0], versions[1], *common)
    assert done.returncode == 1 and "~ CL001 src/cache.ts:3 'cache': message changed" in done.stdout
    done = run(ORACLE, versions[2], versions[0], *common)
    assert done.returncode == 2 and "alpha: not compared (old exited 2: KeyError: 'k')" in done.stdout
