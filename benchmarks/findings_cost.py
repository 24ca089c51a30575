"""What a finding costs, and what start-up costs (issue 13; SPEC §7: "a project with thousands of
findings scans almost as fast as one with none. Start-up imports only what the command uses").

    python benchmarks/bench.py --findings            # 3,000 files, 6,000 findings: the pair below
    python benchmarks/bench.py --findings 300 --runs 3
    python benchmarks/bench.py --findings 3000 --runs 3 --pairs OLD_CMD [--crashlint NEW_CMD]   # side by side
    python benchmarks/bench.py --startup             # a one-file scan, and what it imports

The variants: the same synthetic project of N small TypeScript files (40 one-line functions each),
`without` as it is, `with` every file also creating an unmanaged `new Redis()` and calling `fetch`
with no timeout (2 findings a file, both with a fix) — the pair issue 13 measured — and `alike`
with the same four lines where nothing is wrong (`new Cache()` of lru-cache, `decodeURI(url)`): as
many imports, constructions and calls as `with`, so `with - alike` is what the findings alone cost
(reporting, fix planning), and `with - without` adds parsing and analysing the extra code. Each variant is scanned by the command-line tool
as a subprocess, as a user runs it (`crashlint scan DIR -e`, text report to a pipe, so the `[*]`
fixes are planned and the report is written): cold (a new cache folder) then warm (the same
folder), RUNS times in turn; the figures are medians, wall and CPU (user+sys of the process tree,
from wait4). The cost per finding is (with - alike) / findings, for the cold and the warm scan (the
target is at most 0.1 ms each); (with - without) / findings is printed beside it.

Start-up: `crashlint scan x.ts` on a folder holding one one-line TypeScript file (no cache), and
`crashlint --version`, medians of RUNS; the target is 0.3 s wall for the scan. It also lists which
of the heavy optional modules (libcst, jinja2, rich, pydantic, the formatters) such a scan imports: none.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 0.1  # per finding, added to the warm and to the cold scan
STARTUP_TARGET_S = 0.3
FUNCTIONS = 40
HEAVY = ("libcst", "jinja2", "rich", "pydantic", "crashlint.report.sarif", "crashlint.report.markdown", "crashlint.report.json",
         "crashlint.fix.python")


VARIANTS = ("without", "alike", "with")


def write_project(folder: Path, count: int, variant: str) -> None:
    """`count` TypeScript files of FUNCTIONS one-line functions; `with`: each also creates an
    unmanaged Redis client (CL001) and calls fetch with no timeout (CL008); `alike`: the same
    lines with an in-memory cache and a local call, which no rule reports."""
    for i in range(count):
        sub = folder / f"pkg{i % 30}"
        sub.mkdir(parents=True, exist_ok=True)
        lines = []
        if variant == "with":
            lines += ['import Redis from "ioredis";', "", f"export const cache{i} = new Redis();",
                      f"export async function load{i}(url: string) {{ return fetch(url); }}"]
        elif variant == "alike":
            lines += ['import Cache from "lru-cache";', "", f"export const cache{i} = new Cache();",
                      f"export async function load{i}(url: string) {{ return decodeURI(url); }}"]
        lines += [f"export function f{i}_{k}(x: number) {{ return x + {k}; }}" for k in range(FUNCTIONS)]
        (sub / f"m{i}.ts").write_text("\n".join(lines) + "\n")


def crashlint_command() -> list[str]:
    return [sys.executable, "-m", "crashlint"]


def run_timed(argv: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process tree, exit code) of one run, output discarded."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def count_findings(command: list[str], folder: Path) -> int:
    out = subprocess.run([*command, "scan", str(folder), "-n", "-e", "-q", "-f", "json"], capture_output=True, text=True)
    import json

    return len(json.loads(out.stdout or "[]"))


def findings_cost(count: int, runs: int, jobs: int, command: list[str] | None = None) -> dict:
    """The pair's medians: {variant: {"cold"|"warm": (wall, cpu)}}, the findings, the cost per finding."""
    return findings_cost_pairs(count, runs, jobs, {"new": command or crashlint_command()})["new"]


def findings_cost_pairs(count: int, runs: int, jobs: int, commands: dict[str, list[str]]) -> dict[str, dict]:
    """`findings_cost` of each command on the same projects, side by side: each run scans every
    variant with every command, the commands' order alternating between runs, so that a shared
    machine's load falls on all of them alike (`bench.py --findings N --pairs OLD_CMD`)."""
    work = Path(tempfile.mkdtemp(prefix="crashlint-findings-"))
    try:
        projects = {}
        for variant in VARIANTS:
            projects[variant] = work / variant
            write_project(projects[variant], count, variant)
        samples = {name: {v: {"cold": [], "warm": []} for v in projects} for name in commands}
        loads = []
        for number in range(runs):
            loads.append(os.getloadavg()[0])
            names = list(commands) if number % 2 == 0 else list(reversed(commands))
            for variant, folder in projects.items():  # in turn, so that drift hits both alike
                for name in names:
                    cache = work / f"cache-{name}-{variant}"
                    shutil.rmtree(cache, ignore_errors=True)
                    for phase in ("cold", "warm"):
                        wall, cpu, code = run_timed([*commands[name], "scan", str(folder), "-e", "-j", str(jobs), "--cache-dir", str(cache)])
                        if code != 0:
                            raise RuntimeError(f"{' '.join(commands[name])} scan {folder} exited {code}")
                        samples[name][variant][phase].append((wall, cpu))
        results = {}
        for name, command in commands.items():
            findings = count_findings(command, projects["with"])
            if count_findings(command, projects["without"]) or count_findings(command, projects["alike"]):
                raise RuntimeError("the variants without findings have findings")
            medians = {v: {p: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for p, s in phases.items()}
                       for v, phases in samples[name].items()}

            def per_finding(base: str, which: int, medians=medians, findings=findings) -> dict[str, float]:
                return {p: 1000 * (medians["with"][p][which] - medians[base][p][which]) / max(findings, 1) for p in ("cold", "warm")}

            results[name] = {"files": count, "runs": runs, "jobs": jobs, "findings": findings, "medians": medians,
                             "per_finding_ms": per_finding("alike", 0), "per_finding_cpu_ms": per_finding("alike", 1),
                             "with_code_ms": per_finding("without", 0), "with_code_cpu_ms": per_finding("without", 1),
                             "loads": (min(loads), max(loads)), "command": " ".join(command)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def print_findings_cost(figures: dict) -> bool:
    """Print the pair's table; True when both costs per finding meet the target."""
    print(f"findings cost    {figures['files']} TypeScript files of {FUNCTIONS} functions; {figures['findings']} findings "
          f"added; jobs {figures['jobs']}; medians of {figures['runs']}")
    for variant in VARIANTS:
        for phase in ("cold", "warm"):
            wall, cpu = figures["medians"][variant][phase]
            print(f"  {variant:<8}{phase:<6}{wall:8.2f} s wall {cpu:8.2f} s CPU")
    met = True
    for phase in ("cold", "warm"):
        ms, cpu_ms = figures["per_finding_ms"][phase], figures["per_finding_cpu_ms"][phase]
        ok = ms <= TARGET_MS
        met = met and ok
        print(f"  per finding, {phase:<5}{ms:8.3f} ms wall {cpu_ms:8.3f} ms CPU  (with - alike; target {TARGET_MS} ms: "
              f"{'met' if ok else 'NOT met'})")
        print(f"  {'':13}{'':5}{figures['with_code_ms'][phase]:8.3f} ms wall {figures['with_code_cpu_ms'][phase]:8.3f} ms CPU"
              f"  (with - without: the findings and the code that holds them)")
    return met


def print_findings_pairs(figures: dict[str, dict]) -> bool:
    """Each command's table (`print_findings_cost`), then new against old; True when the new command
    meets both targets."""
    for name, one in figures.items():
        print(f"[{name}] {one['command']}")
        met = print_findings_cost(one)
    old, new = figures["old"], figures["new"]
    for phase in ("cold", "warm"):
        print(f"  per finding, {phase:<5} old {old['per_finding_cpu_ms'][phase]:.3f} -> new {new['per_finding_cpu_ms'][phase]:.3f} ms CPU, "
              f"old {old['per_finding_ms'][phase]:.3f} -> new {new['per_finding_ms'][phase]:.3f} ms wall")
    low, high = new["loads"]
    print(f"  load average {low:.1f}-{high:.1f} over the runs")
    return met


def imported_modules(command: list[str], folder: Path) -> list[str]:
    """The heavy optional modules a plain one-file scan imports (python -X importtime)."""
    out = subprocess.run([command[0], "-X", "importtime", *command[1:], "scan", "x.ts", "-n"], cwd=folder,
                         capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
    return [name for name in HEAVY if name in names]


def startup(runs: int, command: list[str] | None = None) -> dict:
    command = command or crashlint_command()
    work = Path(tempfile.mkdtemp(prefix="crashlint-startup-"))
    try:
        (work / "x.ts").write_text("export const x = 1;\n")
        scans, versions = [], []
        run_timed([*command, "scan", "x.ts", "-n"], cwd=work)  # warm the OS's file cache
        for _ in range(runs):
            scans.append(run_timed([*command, "scan", "x.ts", "-n"], cwd=work)[:2])
            versions.append(run_timed([*command, "--version"], cwd=work)[:2])
        heavy = imported_modules(command, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"runs": runs, "scan": (statistics.median(w for w, _ in scans), statistics.median(c for _, c in scans)),
            "version": (statistics.median(w for w, _ in versions), statistics.median(c for _, c in versions)),
            "heavy": heavy}


def print_startup(figures: dict) -> bool:
    (wall, cpu), (vwall, vcpu) = figures["scan"], figures["version"]
    ok = wall <= STARTUP_TARGET_S
    print(f"start-up         one-file scan {wall:.3f} s wall {cpu:.3f} s CPU (target {STARTUP_TARGET_S} s: "
          f"{'met' if ok else 'NOT met'}); --version {vwall:.3f} s wall {vcpu:.3f} s CPU; medians of {figures['runs']}")
    print(f"  heavy modules a one-file scan imports: {', '.join(figures['heavy']) or 'none'}")
    return ok and not figures["heavy"]
