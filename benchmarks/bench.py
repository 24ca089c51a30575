"""crashlint benchmark: files/s, MB/s, the ratio to a parse-only pass, warm-cache ratio, peak RSS.

    python benchmarks/bench.py PATH [--jobs N]
    python benchmarks/bench.py --synthetic 500        # a generated corpus, seconds on CI
    python benchmarks/bench.py PATH --semgrep         # and semgrep running benchmarks/semgrep/ on the same files
    python benchmarks/bench.py --corpora DIR          # every repository of benchmarks/corpora.md, one row each
    python benchmarks/bench.py --list                 # name, repository, commit of each corpus (to fetch them)
    python benchmarks/bench.py --findings [N]         # what a finding costs: N files with and without 2N findings
    python benchmarks/bench.py --startup              # a one-file scan's start-up, and what it imports
    python benchmarks/bench.py --commit-path PATH --edit REL [--pairs OLD_CMD] --rounds 9
                                                      # pre-commit's warm `--in-project` scan after a code edit
                                                      # (benchmarks/commit_path.py; --synthetic N for the synthetic project)
    python benchmarks/bench.py --corpora DIR --pairs OLD_CMD --only novu,polar --rounds 5 [--semgrep]
                                                      # two crashlint versions side by side, interleaved

Figures are wall-clock on a shared machine: compare ratios, not seconds; CPU is user+sys of this
process and its children.

`--corpora DIR` times the command-line tool as a subprocess, never in-process, so any crashlint
executable can be measured (`--crashlint /path/to/other/venv/bin/crashlint`). DIR holds one folder
per repository, named as in corpora.md (how to fetch them: corpora.md). For each one:

- files, MB: the source files discovery keeps; parse-only: reading and tree-sitter parsing those
  that are neither binary nor minified, in one process (the best of --parse-runs), run by the
  interpreter of the crashlint being measured, so "the files it reads" are its own;
- cold: `crashlint scan . -f json -j JOBS --cache-dir NEW` from the repository's folder, wall and
  CPU (user+sys of the whole process tree, from wait4); warm: the same command again on that cache;
- peak RSS: the largest resident set of any process of the scan (wait4's ru_maxrss, what
  `/usr/bin/time -v` reports as "Maximum resident set size");
- problems: an exit code other than 0 or 1, a traceback or an internal-error note on stderr, a
  warm report that differs from the cold one, processes of the scan still alive after it exited,
  a scan killed at --timeout seconds or at --memory-limit MB (the sum over the scan's processes,
  sampled every 0.2 s) -- such a scan is a row that says so, and the benchmark goes on.

`--save DIR` keeps each cold report (NAME.json), its stderr (NAME.err) and the measurements
(results.json) for benchmarks/oracle.py; `--markdown FILE` writes the table for the README.

`--pairs OLD_CMD` (with `--corpora DIR`): the crashlint command OLD_CMD (another version's
executable) against `--crashlint` (default: this checkout), cold scans only, measured as above, in
`--rounds` rounds per repository whose order alternates (old, new, then new, old, ...), so that the
load of a shared machine falls on both alike; with `--semgrep`, semgrep once per round between them.
It prints each version's median wall and CPU, new ÷ old, the ratio to the parse-only time (wall) and
semgrep's median ÷ each version's median, and says whether the two reports are byte-identical.

`--semgrep` is optional and semgrep is not a dependency of crashlint: install it in a separate
venv (`python3 -m venv /tmp/semgrepenv && /tmp/semgrepenv/bin/pip install semgrep`) and pass
`--semgrep-bin /tmp/semgrepenv/bin/semgrep` (default: `semgrep` on PATH). The rules in
benchmarks/semgrep/ approximate CL001-CL012 per file; see their header for what semgrep cannot
express. semgrep runs with --metrics=off on local rules only, on the exact file list crashlint
discovers, with crashlint's --jobs; crashlint is timed the same way, as a CLI subprocess.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from measure import Run, _median, measure, synthetic  # benchmarks/ is on sys.path when this file runs

# crashlint itself is imported only where a mode needs it: --parse-only runs under the interpreter
# of the crashlint being measured, which may be another version.

HERE = Path(__file__).resolve().parent
CORPORA_MD = HERE / "corpora.md"

def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


SEMGREP_RULES = Path(__file__).resolve().parent / "semgrep"


def cpu_seconds() -> float:
    """user+sys of this process and of its children that have been waited for (pools, subprocesses)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run):
    """(result, wall seconds, CPU seconds) of run()."""
    cpu, started = cpu_seconds(), time.perf_counter()
    result = run()
    return result, time.perf_counter() - started, cpu_seconds() - cpu


def run_quiet(argv: list[str], cwd: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def fits_argv(paths: list[str]) -> bool:
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = 128 * 1024
    return sum(len(p) + 1 + 8 for p in paths) < limit // 2  # leave room for the environment


def semgrep_command(semgrep: str, config: Path, jobs: int, out: Path, rel: list[str]) -> tuple[list[str], bool]:
    """semgrep's argv on these files (relative to its working directory), and whether they fit it."""
    argv = [
        semgrep, "scan", "--config", str(config), "--metrics=off", "--disable-version-check",
        "--jobs", str(jobs), "--max-target-bytes=0", "--json", "--output", str(out), "--quiet",
    ]
    if fits_argv(rel):
        return argv + ["--"] + rel, True  # explicit targets: the same files, whatever .semgrepignore says
    return argv + ["--no-git-ignore", "--x-ignore-semgrepignore-files", "."], False


SEMGREP_ENV = {"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}


def semgrep_executable(name: str | None) -> str | None:
    semgrep = name or shutil.which("semgrep")
    return semgrep if semgrep and Path(semgrep).exists() else None


def compare_semgrep(args, target: Path, files, work: Path, crashlint_counts: Counter) -> None:
    """Time crashlint's CLI and semgrep (benchmarks/semgrep/ rules) on the same files; print the ratios."""
    semgrep = semgrep_executable(args.semgrep_bin)
    if not semgrep:
        print("semgrep          not installed, skipped (pip install semgrep in a separate venv, then --semgrep-bin PATH)")
        return
    version = subprocess.run([semgrep, "--version"], capture_output=True, text=True).stdout.strip()
    root = target.resolve()
    rel = [os.path.relpath(f.abs_path, root) for f in files]
    out = work / "semgrep.json"
    argv, fits = semgrep_command(semgrep, args.semgrep_config, args.jobs, out, rel)
    if not fits:
        print("semgrep          note: too many files for one command line, scanning the folder (file sets may differ)")
    env = dict(os.environ, **SEMGREP_ENV)

    # crashlint the same way: a CLI process from start to report, cold cache then warm cache
    cache = str(work / "cli-cache")
    cli = [sys.executable, "-m", "crashlint", "scan", str(root), "--cache-dir", cache, "-j", str(args.jobs),
           "--exit-zero", "-f", "json", "-o", str(work / "crashlint.json")]
    runs: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": [], "semgrep": []}
    proc = None
    for _ in range(args.repeat):
        shutil.rmtree(cache, ignore_errors=True)
        for name in ("cold", "warm"):
            done, wall, cpu = timed(lambda: run_quiet(cli))
            if done.returncode != 0:
                print(f"crashlint CLI    failed ({done.returncode}): {done.stderr.strip()[-300:]}")
                return
            runs[name].append((wall, cpu))
        proc, wall, cpu = timed(lambda: run_quiet(argv, cwd=str(root), env=env))
        runs["semgrep"].append((wall, cpu))
    if proc is None or not out.exists():
        print(f"semgrep          failed ({proc.returncode if proc else '?'}): {(proc.stderr if proc else '').strip()[-300:]}")
        return
    report = json.loads(out.read_text())
    scanned = len(report.get("paths", {}).get("scanned", []))
    errors = Counter(e.get("type", "error") if isinstance(e.get("type"), str) else str(e.get("type")[0])
                     for e in report.get("errors", []))
    rules = {r["check_id"].rsplit(".", 1)[-1] for r in report.get("results", [])}
    raw: Counter = Counter()
    places: dict[str, set] = {}
    for r in report.get("results", []):
        rule = r["check_id"].rsplit(".", 1)[-1].split("-", 1)[0]
        raw[rule] += 1
        places.setdefault(rule, set()).add((r["path"], r["start"]["line"]))

    def best(name: str) -> tuple[float, float]:
        return min(w for w, _ in runs[name]), min(c for _, c in runs[name])

    (sw, sc), (cw, cc), (ww, wc) = best("semgrep"), best("cold"), best("warm")
    n_rules = sum(text.count("\n  - id: ") for text in (p.read_text() for p in sorted(Path(args.semgrep_config).glob("*.yaml"))))
    print(f"semgrep          {version}, {n_rules} rules in {args.semgrep_config}, jobs {args.jobs}, best of {args.repeat}")
    print(f"semgrep files    {scanned} scanned of {len(files)}" + (f"; errors: {dict(errors)}" if errors else ""))
    print(f"semgrep scan     {sw:.2f} s wall  {sc:.2f} s CPU  {sum(raw.values())} findings ({len(rules)} rules fired)")
    print(f"crashlint CLI    cold {cw:.2f} s wall  {cc:.2f} s CPU;  warm {ww:.2f} s wall  {wc:.2f} s CPU")
    print(f"semgrep / cold   {sw / cw:.2f}x wall  {sc / cc:.2f}x CPU")
    print(f"semgrep / warm   {sw / ww:.2f}x wall  {sc / wc:.2f}x CPU")
    if args.repeat > 1:
        for name in ("cold", "warm", "semgrep"):
            print(f"  runs {name:<8}" + "  ".join(f"{w:.2f}/{c:.2f}" for w, c in runs[name]) + "  (wall/CPU s)")
    ids = sorted(set(raw) | set(crashlint_counts))
    print("findings by rule (semgrep raw / semgrep distinct lines / crashlint)")
    for rule in ids:
        print(f"  {rule}  {raw[rule]:>5} / {len(places.get(rule, ())):>5} / {crashlint_counts[rule]:>5}")


# ---------------------------------------------------------------------------------------------
# The corpora: benchmarks/corpora.md's table, and one CLI subprocess per measurement


@dataclass(frozen=True)
class Corpus:
    """One row of corpora.md: a public repository at a pinned commit."""

    name: str  # its folder in the --corpora DIR
    repository: str  # owner/name on GitHub
    commit: str
    kind: str
    ts: int
    js: int
    py: int
    files: int
    date: str


CORPUS_COLUMNS = ("name", "repository", "commit", "kind", "ts", "js", "py", "files", "date")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
REPOSITORY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
COMMIT_RE = re.compile(r"[0-9a-f]{40}")


def table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_corpora(path: Path = CORPORA_MD) -> list[Corpus]:
    """The rows of the first Markdown table whose header is CORPUS_COLUMNS (case and spaces aside).

    A malformed row is a ValueError naming its line: the list is data others extend by hand."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next((i for i, line in enumerate(lines) if line.lstrip().startswith("|")
                   and tuple(c.lower() for c in table_cells(line)) == CORPUS_COLUMNS), None)
    if header is None:
        raise ValueError(f"{path}: no table with the columns {' | '.join(CORPUS_COLUMNS)}")
    corpora: list[Corpus] = []
    for number in range(header + 2, len(lines)):  # header + 1 is the |---| line
        line = lines[number]
        if not line.lstrip().startswith("|"):
            break
        where = f"{path}:{number + 1}"
        cells = table_cells(line)
        if len(cells) != len(CORPUS_COLUMNS):
            raise ValueError(f"{where}: {len(cells)} cells, the table has {len(CORPUS_COLUMNS)}")
        name, repository, commit, kind, ts, js, py, files, date = cells
        if not NAME_RE.fullmatch(name):
            raise ValueError(f"{where}: name {name!r} is not a plain folder name")
        if not REPOSITORY_RE.fullmatch(repository):
            raise ValueError(f"{where}: repository {repository!r} is not owner/name")
        if not COMMIT_RE.fullmatch(commit):
            raise ValueError(f"{where}: commit {commit!r} is not a full 40-hex commit id")
        try:
            counts = [int(c.replace(",", "")) for c in (ts, js, py, files)]
        except ValueError:
            raise ValueError(f"{where}: TS, JS, Py and files must be counts") from None
        if any(c.name == name for c in corpora):
            raise ValueError(f"{where}: name {name!r} appears twice")
        corpora.append(Corpus(name, repository, commit, kind, *counts, date))
    if not corpora:
        raise ValueError(f"{path}: the corpora table has no rows")
    return corpora


def interpreter_of(command: list[str]) -> str:
    """The Python that runs this crashlint command: a python argv[0], or a console script's shebang."""
    head = command[0]
    if Path(head).name.startswith("python"):
        return head
    path = Path(head) if os.sep in head else Path(shutil.which(head) or head)
    try:
        first = path.read_bytes()[:300].split(b"\n", 1)[0].decode()
    except (OSError, UnicodeDecodeError):
        return sys.executable
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return sys.executable


def exclude_args(scan_args: list[str]) -> list[str]:
    """The --exclude globs among extra scan arguments (both spellings), for the parse-only pass."""
    globs: list[str] = []
    for i, arg in enumerate(scan_args):
        if arg == "--exclude" and i + 1 < len(scan_args):
            globs.append(scan_args[i + 1])
        elif arg.startswith("--exclude="):
            globs.append(arg.split("=", 1)[1])
    return globs


def parse_only_pass(root: str, excludes: list[str], runs: int, files_out: str | None) -> int:
    """--parse-only: discover like a scan, then read and parse every file a scan would parse."""
    from crashlint.discover import discover
    from crashlint.languages import parser
    from crashlint import parse

    files = discover([root], exclude=excludes or None).files
    sources = [(f.grammar, Path(f.abs_path).read_bytes()) for f in files]
    skip_binary = getattr(parse, "is_binary", lambda source: False)
    skip_minified = getattr(parse, "is_minified", lambda grammar, source: False)
    kept = [(g, s) for g, s in sources if not skip_binary(s) and not skip_minified(g, s)]
    best = float("inf")
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        for grammar, source in kept:  # the floor: parse every file once, one process, nothing else
            parser(grammar).parse(source)
        best = min(best, time.perf_counter() - started)
    if files_out:
        rootp = Path(root).resolve()
        Path(files_out).write_text("".join(os.path.relpath(f.abs_path, rootp) + "\n" for f in files))
    print(json.dumps({"files": len(files), "bytes": sum(len(s) for _, s in sources),
                      "parsed": len(kept), "seconds": best}))
    return 0


@dataclass
class Row:
    """What --corpora measured on one repository."""

    name: str
    files: int = 0
    mb: float = 0.0
    parsed: int = 0
    parse_only: float | None = None
    cold: Run | None = None
    warm: Run | None = None
    findings: int | None = None
    semgrep: Run | None = None
    semgrep_findings: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def peak_mb(self) -> float | None:
        runs = [r for r in (self.cold, self.warm) if r]
        return max(r.peak_mb for r in runs) if runs else None


def stderr_problems(text: str) -> list[str]:
    found = []
    if "Traceback (most recent call last)" in text:
        found.append(f"traceback ×{text.count('Traceback (most recent call last)')}")
    internal = sum(1 for line in text.splitlines() if "internal error" in line.lower())
    if internal:
        found.append(f"internal error ×{internal}")
    return found


def run_problems(label: str, run: Run, err: Path, limits: argparse.Namespace) -> list[str]:
    if run.killed == "timeout":
        return [f"{label}: timeout, killed after {limits.timeout:g} s"]
    if run.killed == "memory":
        return [f"{label}: over {limits.memory_limit:g} MB, killed after {run.wall:.0f} s"]
    found = [] if run.returncode in (0, 1) else [f"{label}: exit {run.returncode}"]
    found += [f"{label}: {p}" for p in stderr_problems(err.read_text(errors="replace"))]
    if run.left_behind:
        found.append(f"{label}: {run.left_behind} process(es) left running")
    return found


def count_findings(report: Path) -> int | None:
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        return None
    if isinstance(data, dict):
        data = data.get("findings")
    return len(data) if isinstance(data, list) else None


def bench_corpus(corpus: Corpus, folder: Path, args: argparse.Namespace, work: Path) -> Row:
    row = Row(corpus.name)
    out = work / corpus.name
    out.mkdir(parents=True, exist_ok=True)
    command = shlex.split(args.crashlint) if args.crashlint else [sys.executable, "-m", "crashlint"]

    # parse-only, in a process of its own so that it costs this one no memory
    listing = out / "files.txt"
    helper = [args.python or interpreter_of(command), str(Path(__file__).resolve()), "--parse-only", ".",
              "--parse-runs", str(args.parse_runs), "--files-out", str(listing)]
    for glob in exclude_args(args.scan_arg):
        helper += ["--exclude", glob]
    run = measure(helper, folder, out / "parse.out", out / "parse.err", timeout=args.timeout,
                  memory_limit_mb=args.memory_limit)
    if run.finished and run.returncode == 0:
        figures = json.loads((out / "parse.out").read_text().strip().splitlines()[-1])
        row.files, row.mb, row.parsed = figures["files"], figures["bytes"] / 1e6, figures["parsed"]
        row.parse_only = figures["seconds"]
    else:
        row.problems += run_problems("parse-only", run, out / "parse.err", args) or [
            f"parse-only: {(out / 'parse.err').read_text(errors='replace').strip()[-200:]}"]

    # cold, then warm on the cache the cold scan wrote
    cache = out / "cache"
    scan = command + ["scan", ".", "--format", "json", "-j", str(args.jobs), "--cache-dir", str(cache)] + args.scan_arg
    row.cold = measure(scan, folder, out / "cold.json", out / "cold.err", timeout=args.timeout,
                       memory_limit_mb=args.memory_limit)
    row.problems += run_problems("cold", row.cold, out / "cold.err", args)
    if row.cold.finished:
        row.findings = count_findings(out / "cold.json")
        if row.findings is None and row.cold.returncode in (0, 1):
            row.problems.append("cold: the report is not crashlint JSON")
        row.warm = measure(scan, folder, out / "warm.json", out / "warm.err", timeout=args.timeout,
                           memory_limit_mb=args.memory_limit)
        row.problems += run_problems("warm", row.warm, out / "warm.err", args)
        if row.warm.finished and (out / "warm.json").read_bytes() != (out / "cold.json").read_bytes():
            row.problems.append("warm: report differs from the cold one")
    shutil.rmtree(cache, ignore_errors=True)

    if args.semgrep and row.cold.finished and listing.exists():
        semgrep = semgrep_executable(args.semgrep_bin)
        if semgrep:
            report = out / "semgrep.json"
            rel = listing.read_text().splitlines()
            argv, _ = semgrep_command(semgrep, args.semgrep_config, args.jobs, report, rel)
            row.semgrep = measure(argv, folder, out / "semgrep.out", out / "semgrep.err", timeout=args.timeout,
                                  memory_limit_mb=args.memory_limit, env=dict(os.environ, **SEMGREP_ENV))
            if row.semgrep.finished and report.exists():
                row.semgrep_findings = len(json.loads(report.read_text()).get("results", []))
            elif row.semgrep.killed:
                row.problems.append(f"semgrep: killed ({row.semgrep.killed})")
    return row


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f} s" if value < 0.1 else f"{value:.2f} s"  # parse-only of a small repository


def table_header(with_semgrep: bool, jobs: int) -> list[str]:
    header = ["repository", "files", "MB", "parse only", f"cold -j {jobs} (wall / CPU)", "cold ÷ parse",
              "warm (% of cold)", "peak RSS", "findings", "problems"]
    if with_semgrep:
        header[-1:-1] = ["semgrep (wall / CPU)", "semgrep ÷ cold"]
    return header


def table_cells_of(row: Row, with_semgrep: bool) -> list[str]:
    cold, warm = row.cold, row.warm
    if cold is None or not cold.finished:
        cold_text = "killed" if cold else "–"
        if cold and cold.killed == "timeout":
            cold_text = f"> {cold.wall:.0f} s (timeout)"
        elif cold and cold.killed == "memory":
            cold_text = f"killed at {cold.wall:.0f} s (memory)"
        ratio, warm_text = "–", "–"
    else:
        cold_text = f"{cold.wall:.2f} s / {cold.cpu:.2f} s"
        ratio = f"{cold.wall / row.parse_only:.1f}×" if row.parse_only else "–"
        warm_text = (f"{warm.wall:.2f} s ({100 * warm.wall / cold.wall:.0f}%)" if warm and warm.finished
                     else "–")
    peak = row.peak_mb
    peak_text = "–" if peak is None else (f"≥ {peak:.0f} MB" if cold and not cold.finished else f"{peak:.0f} MB")
    cells = [row.name, f"{row.files:,}", f"{row.mb:.1f}", seconds(row.parse_only), cold_text, ratio,
             warm_text, peak_text, "–" if row.findings is None else f"{row.findings:,}",
             "; ".join(row.problems) or "none"]
    if with_semgrep:
        sg = row.semgrep
        if sg and sg.finished and cold and cold.finished:
            cells[-1:-1] = [f"{sg.wall:.2f} s / {sg.cpu:.2f} s", f"{sg.wall / cold.wall:.1f}× / {sg.cpu / cold.cpu:.1f}×"]
        else:
            cells[-1:-1] = ["–", "–"]
    return cells


def markdown_table(rows: list[Row], with_semgrep: bool, jobs: int) -> str:
    header = table_header(with_semgrep, jobs)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in table_cells_of(r, with_semgrep)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def text_table(rows: list[Row], with_semgrep: bool, jobs: int) -> str:
    grid = [table_header(with_semgrep, jobs)] + [table_cells_of(r, with_semgrep) for r in rows]
    widths = [max(len(line[i]) for line in grid) for i in range(len(grid[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)) + "  " + line[-1] for line in grid) + "\n"


def describe_setup(args: argparse.Namespace, command: list[str]) -> str:
    version = subprocess.run(command + ["--version"], capture_output=True, text=True).stdout.strip()
    where = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                           text=True).stdout.strip()
    extra = f", scan arguments {' '.join(args.scan_arg)}" if args.scan_arg else ""
    return (f"{version} ({' '.join(command)}){f', bench.py at {where}' if where else ''}; "
            f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores, {platform.machine()}, "
            f"Python {platform.python_version()}; -j {args.jobs}, timeout {args.timeout:g} s{extra}")


def run_pairs(args: argparse.Namespace, corpora: list[Corpus], base: Path) -> int:
    """--pairs: OLD_CMD against the crashlint command, cold, interleaved rounds (see the docstring)."""
    commands = {"old": shlex.split(args.pairs),
                "new": shlex.split(args.crashlint) if args.crashlint else [sys.executable, "-m", "crashlint"]}
    for argv in commands.values():  # the scans run in each repository's folder: a relative executable is made absolute
        if os.sep in argv[0] and Path(argv[0]).exists():
            argv[0] = str(Path(argv[0]).absolute())
    print(describe_setup(args, commands["new"]), flush=True)
    print(f"old: {args.pairs}; rounds {args.rounds}, alternating order", flush=True)
    semgrep = semgrep_executable(args.semgrep_bin) if args.semgrep else None
    work = Path(tempfile.mkdtemp(prefix="crashlint-pairs-"))
    problems = 0
    try:
        for corpus in corpora:
            folder = (base / corpus.name).resolve()
            out = work / corpus.name
            out.mkdir(parents=True, exist_ok=True)
            listing = out / "files.txt"
            helper = [args.python or interpreter_of(commands["new"]), str(Path(__file__).resolve()), "--parse-only", ".",
                      "--parse-runs", str(args.parse_runs), "--files-out", str(listing)]
            run = measure(helper, folder, out / "parse.out", out / "parse.err", timeout=args.timeout)
            parse_only = json.loads((out / "parse.out").read_text().strip().splitlines()[-1])["seconds"] if run.returncode == 0 else None
            runs: dict[str, list[Run]] = {"old": [], "new": [], "semgrep": []}
            for number in range(args.rounds):
                order = ("old", "new") if number % 2 == 0 else ("new", "old")
                for which in order:
                    cache = out / f"cache-{which}"
                    shutil.rmtree(cache, ignore_errors=True)
                    scan = commands[which] + ["scan", ".", "--format", "json", "-j", str(args.jobs), "--cache-dir", str(cache)] + args.scan_arg
                    done = measure(scan, folder, out / f"{which}.json", out / f"{which}.err", timeout=args.timeout,
                                   memory_limit_mb=args.memory_limit)
                    shutil.rmtree(cache, ignore_errors=True)
                    if not done.finished or done.returncode not in (0, 1):
                        print(f"{corpus.name}: {which} scan failed ({done.killed or done.returncode})", flush=True)
                        problems += 1
                    runs[which].append(done)
                if semgrep and listing.exists():
                    argv, _ = semgrep_command(semgrep, args.semgrep_config, args.jobs, out / "semgrep.json",
                                              listing.read_text().splitlines())
                    runs["semgrep"].append(measure(argv, folder, out / "semgrep.out", out / "semgrep.err", timeout=args.timeout,
                                                   env=dict(os.environ, **SEMGREP_ENV)))
                print(f"{corpus.name} round {number + 1}: " + "  ".join(
                    f"{k} {v[-1].wall:.2f}/{v[-1].cpu:.2f}" for k, v in runs.items() if v) + "  (wall/CPU s)", flush=True)
            same = (out / "old.json").read_bytes() == (out / "new.json").read_bytes()
            problems += not same
            medians = {k: (_median([r.wall for r in v]), _median([r.cpu for r in v])) for k, v in runs.items() if v}
            (ow, oc), (nw, nc) = medians["old"], medians["new"]
            print(f"{corpus.name}: parse only {seconds(parse_only)}; medians of {args.rounds} (wall / CPU): "
                  f"old {ow:.2f} / {oc:.2f} s, new {nw:.2f} / {nc:.2f} s, new ÷ old {nw / ow:.2f} / {nc / oc:.2f}"
                  + (f"; cold ÷ parse old {ow / parse_only:.1f}×, new {nw / parse_only:.1f}×" if parse_only else "")
                  + f"; reports {'identical' if same else 'DIFFER'}", flush=True)
            if "semgrep" in medians:
                sw, sc = medians["semgrep"]
                print(f"{corpus.name}: semgrep {sw:.2f} / {sc:.2f} s; semgrep ÷ old {sw / ow:.1f}× / {sc / oc:.1f}×, "
                      f"semgrep ÷ new {sw / nw:.1f}× / {sc / nc:.1f}× (wall / CPU)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


def run_corpora(args: argparse.Namespace) -> int:
    corpora = read_corpora(args.corpora_list)
    if args.only:
        wanted = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = wanted - {c.name for c in corpora}
        if unknown:
            print(f"bench: not in {args.corpora_list}: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        corpora = [c for c in corpora if c.name in wanted]
    base = Path(args.corpora)
    if not base.is_dir():
        print(f"bench: {base} is not a folder", file=sys.stderr)
        return 2
    if args.pairs:
        return run_pairs(args, corpora, base)
    command = shlex.split(args.crashlint) if args.crashlint else [sys.executable, "-m", "crashlint"]
    print(describe_setup(args, command), flush=True)
    work = Path(tempfile.mkdtemp(prefix="crashlint-corpora-"))
    rows: list[Row] = []
    try:
        for corpus in corpora:
            folder = base / corpus.name
            if not folder.is_dir():
                rows.append(Row(corpus.name, problems=[f"not fetched: no folder {corpus.name} in {base}"]))
            else:
                rows.append(bench_corpus(corpus, folder.resolve(), args, work))
                if args.save:
                    keep = Path(args.save)
                    keep.mkdir(parents=True, exist_ok=True)
                    finished = rows[-1].cold is not None and rows[-1].cold.finished
                    for suffix, source in ((".json", "cold.json"), (".err", "cold.err")):
                        if suffix == ".json" and not finished:
                            (keep / f"{corpus.name}.json").unlink(missing_ok=True)  # no report: the oracle says so
                        elif (work / corpus.name / source).exists():
                            shutil.copyfile(work / corpus.name / source, keep / f"{corpus.name}{suffix}")
            print(text_table(rows[-1:], args.semgrep, args.jobs).splitlines()[1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(text_table(rows, args.semgrep, args.jobs), end="")
    if args.markdown:
        Path(args.markdown).write_text(markdown_table(rows, args.semgrep, args.jobs))
    if args.save:
        results = [asdict(r) | {"peak_mb": r.peak_mb} for r in rows]
        (Path(args.save) / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    return 1 if any(r.problems for r in rows) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--synthetic", type=int, default=0, help="generate this many files and scan them")
    ap.add_argument("--jobs", type=int, default=None, help="processes for parsing (default: all cores; --corpora: 2)")
    ap.add_argument("--semgrep", action="store_true", help="also time semgrep with benchmarks/semgrep/ on the same files")
    ap.add_argument("--semgrep-bin", help="the semgrep executable (default: semgrep on PATH)")
    ap.add_argument("--semgrep-config", type=Path, default=SEMGREP_RULES, help="semgrep rules (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=1, help="--semgrep: run crashlint's CLI and semgrep this many times, keep the best")
    corpora = ap.add_argument_group("corpora (benchmarks/corpora.md)")
    corpora.add_argument("--corpora", metavar="DIR", help="measure every repository of the list found in DIR/<name>")
    corpora.add_argument("--list", action="store_true", help="print name, repository and commit of each corpus")
    corpora.add_argument("--corpora-list", type=Path, default=CORPORA_MD, metavar="FILE", help="the list (default: %(default)s)")
    corpora.add_argument("--only", metavar="NAMES", help="comma-separated names: only these corpora")
    corpora.add_argument("--crashlint", metavar="COMMAND", help="the crashlint command to time (default: this Python's -m crashlint)")
    corpora.add_argument("--python", help="the interpreter of the parse-only pass (default: the crashlint command's)")
    corpora.add_argument("--scan-arg", action="append", default=[], metavar="ARG",
                         help="an extra argument of every scan, repeatable (--scan-arg=--exclude --scan-arg=.yarn)")
    corpora.add_argument("--timeout", type=float, default=600, help="seconds before a scan is killed (default: %(default)s)")
    corpora.add_argument("--memory-limit", type=float, default=6000, metavar="MB",
                         help="kill a scan whose processes hold more than this (default: %(default)s; 0: no limit)")
    corpora.add_argument("--parse-runs", type=int, default=1, help="parse-only: best of this many passes (default: %(default)s)")
    corpora.add_argument("--pairs", metavar="OLD_CMD", help="time OLD_CMD against --crashlint side by side, interleaved (corpora: cold; --commit-path; --findings)")
    corpora.add_argument("--rounds", type=int, default=5, help="--pairs: rounds per repository (default: %(default)s)")
    corpora.add_argument("--markdown", metavar="FILE", help="write the table as Markdown to FILE")
    corpora.add_argument("--save", metavar="DIR", help="keep each cold report and its stderr (NAME.json, NAME.err) and results.json")
    cost = ap.add_argument_group("cost of a finding and start-up (benchmarks/findings_cost.py)")
    cost.add_argument("--findings", type=int, nargs="?", const=3000, metavar="N",
                      help="N synthetic TypeScript files (default 3000) with and without 2 findings each: cold and warm time, cost per finding")
    cost.add_argument("--startup", action="store_true", help="time a one-file scan and --version, and list the heavy modules it imports")
    cost.add_argument("--runs", type=int, default=5, help="--findings, --startup: medians of this many runs (default: %(default)s)")
    commit = ap.add_argument_group("the commit path (benchmarks/commit_path.py)")
    commit.add_argument("--commit-path", nargs="?", const="", metavar="PATH",
                        help="time a warm `scan --in-project` after a one-line code edit (with --pairs: two commands side by side)")
    commit.add_argument("--edit", metavar="REL", help="--commit-path: the file edited, relative to PATH")
    ap.add_argument("--parse-only", metavar="ROOT", help=argparse.SUPPRESS)
    ap.add_argument("--exclude", action="append", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--files-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.parse_only:
        return parse_only_pass(args.parse_only, args.exclude, args.parse_runs, args.files_out)
    if args.list:
        for corpus in read_corpora(args.corpora_list):
            print(corpus.name, corpus.repository, corpus.commit, sep="\t")
        return 0
    if args.commit_path is not None:
        import commit_path  # benchmarks/ is on sys.path when this file runs as a script

        if not args.commit_path and not args.synthetic:
            ap.error("--commit-path needs a PATH or --synthetic N")
        return commit_path.commit_path(args)
    if args.corpora:
        args.jobs = args.jobs or 2
        return run_corpora(args)
    if args.findings or args.startup:
        import findings_cost  # benchmarks/ is on sys.path when this file runs as a script

        met = True
        if args.findings:
            if args.pairs:  # side by side with OLD_CMD, the order alternating between runs
                commands = {"old": shlex.split(args.pairs),
                            "new": shlex.split(args.crashlint) if args.crashlint else findings_cost.crashlint_command()}
                met = findings_cost.print_findings_pairs(findings_cost.findings_cost_pairs(args.findings, args.runs, args.jobs or 2, commands)) and met
            else:
                met = findings_cost.print_findings_cost(findings_cost.findings_cost(args.findings, args.runs, args.jobs or 2)) and met
        if args.startup:
            met = findings_cost.print_startup(findings_cost.startup(max(args.runs, 7))) and met
        return 0 if met else 1

    from crashlint.cache.facts import default_jobs
    from crashlint.discover import discover
    from crashlint.languages import parser
    from crashlint.scan import scan

    args.jobs = args.jobs or default_jobs()
    work = Path(tempfile.mkdtemp(prefix="crashlint-bench-"))
    try:
        target = Path(args.path) if args.path else work / "corpus"
        if args.synthetic:
            synthetic(args.synthetic, target)
        elif not args.path:
            ap.error("give a PATH or --synthetic N")
        files = discover([str(target)]).files
        size_mb = sum(os.path.getsize(f.abs_path) for f in files) / 1e6

        started = time.perf_counter()
        for f in files:  # the floor: read and parse every file once, one process, nothing else
            parser(f.grammar).parse(Path(f.abs_path).read_bytes())
        parse_only = time.perf_counter() - started

        cache = str(work / "cache")
        result, cold, cold_cpu = timed(lambda: scan([str(target)], cache_dir=cache, jobs=args.jobs))
        _, warm, warm_cpu = timed(lambda: scan([str(target)], cache_dir=cache, jobs=args.jobs))
        _, serial, _ = timed(lambda: scan([str(target)], jobs=1))

        print(f"files            {len(files)}")
        print(f"MB               {size_mb:.1f}")
        print(f"findings         {len(result.findings)}")
        print(f"jobs             {args.jobs}")
        print(f"parse-only       {parse_only:.2f} s (1 process)")
        print(f"cold scan        {cold:.2f} s  {len(files) / cold:.0f} files/s  {size_mb / cold:.2f} MB/s  ({cold_cpu:.2f} s CPU)")
        print(f"serial scan      {serial:.2f} s (1 process, no cache)")
        print(f"warm scan        {warm:.2f} s  ({warm_cpu:.2f} s CPU)")
        print(f"cold / parse     {cold / parse_only:.2f}x")
        print(f"warm / cold      {100 * warm / cold:.0f}%")
        print(f"peak RSS         {peak_rss_mb():.0f} MB")
        if args.semgrep:
            compare_semgrep(args, target, files, work, Counter(f.rule_id for f in result.findings))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
