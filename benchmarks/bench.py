"""crashlint benchmark: files/s, MB/s, the ratio to a parse-only pass, warm-cache ratio, peak RSS.

    python benchmarks/bench.py PATH [--jobs N]
    python benchmarks/bench.py --synthetic 500        # a generated corpus, seconds on CI
    python benchmarks/bench.py PATH --semgrep         # and semgrep running benchmarks/semgrep/ on the same files

Figures are wall-clock on a shared machine: compare ratios, not seconds; CPU is user+sys of this
process and its children.

`--semgrep` is optional and semgrep is not a dependency of crashlint: install it in a separate
venv (`python3 -m venv /tmp/semgrepenv && /tmp/semgrepenv/bin/pip install semgrep`) and pass
`--semgrep-bin /tmp/semgrepenv/bin/semgrep` (default: `semgrep` on PATH). The rules in
benchmarks/semgrep/ approximate CL001-CL012 per file; see their header for what semgrep cannot
express. semgrep runs with --metrics=off on local rules only, on the exact file list crashlint
discovers, with crashlint's --jobs; crashlint is timed the same way, as a CLI subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from crashlint.discover import discover
from crashlint.cache.facts import default_jobs
from crashlint.languages import parser
from crashlint.scan import scan

TEMPLATES = [
    ("ts", 'import Redis from "ioredis";\nimport axios from "axios";\n\nexport const cache{i} = new Redis();\n'
           'export async function load{i}(url: string) {{\n  const r = await fetch(url);\n'
           '  return axios.get(url, {{ timeout: 5000 }}).then((x) => x.data ?? r);\n}}\n'),
    ("ts", 'import express from "express";\nconst router{i} = express.Router();\n'
           'router{i}.get("/items/{i}", async (req, res) => {{\n  try {{ res.json(await find{i}()); }} catch (e) {{ res.status(500).end(); }}\n}});\n'
           'async function find{i}() {{ return [{i}]; }}\nexport default router{i};\n'),
    ("js", 'const {{ Worker }} = require("bullmq");\nconst w{i} = new Worker("q{i}", async (job) => job.data, {{ connection: {{}} }});\n'
           'w{i}.on("error", console.error);\nmodule.exports = {{ w{i} }};\n'),
    ("py", 'import requests\nimport redis\n\nr{i} = redis.Redis(socket_timeout=5, socket_connect_timeout=5)\n\n\n'
           'def fetch{i}(url):\n    return requests.get(url, timeout=5).json()\n'),
]


def synthetic(count: int, folder: Path) -> None:
    rnd = random.Random(count)
    for i in range(count):
        ext, template = rnd.choice(TEMPLATES)
        sub = folder / f"pkg{i % 20}"
        sub.mkdir(parents=True, exist_ok=True)
        body = template.format(i=i) + "\n".join(f"// filler line {n} for file {i}" for n in range(rnd.randint(20, 200)))
        if ext == "py":
            body = body.replace("//", "#")
        (sub / f"mod{i}.{ext}").write_text(body + "\n")


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


def compare_semgrep(args, target: Path, files, work: Path, crashlint_counts: Counter) -> None:
    """Time crashlint's CLI and semgrep (benchmarks/semgrep/ rules) on the same files; print the ratios."""
    semgrep = args.semgrep_bin or shutil.which("semgrep")
    if not semgrep or not Path(semgrep).exists():
        print("semgrep          not installed, skipped (pip install semgrep in a separate venv, then --semgrep-bin PATH)")
        return
    version = subprocess.run([semgrep, "--version"], capture_output=True, text=True).stdout.strip()
    root = target.resolve()
    rel = [os.path.relpath(f.abs_path, root) for f in files]
    out = work / "semgrep.json"
    argv = [
        semgrep, "scan", "--config", str(args.semgrep_config), "--metrics=off", "--disable-version-check",
        "--jobs", str(args.jobs), "--max-target-bytes=0", "--json", "--output", str(out), "--quiet",
    ]
    if fits_argv(rel):
        argv += ["--"] + rel  # explicit targets: the same files, whatever .semgrepignore says
    else:
        print("semgrep          note: too many files for one command line, scanning the folder (file sets may differ)")
        argv += ["--no-git-ignore", "--x-ignore-semgrepignore-files", "."]
    env = dict(os.environ, SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--synthetic", type=int, default=0, help="generate this many files and scan them")
    ap.add_argument("--jobs", type=int, default=default_jobs())
    ap.add_argument("--semgrep", action="store_true", help="also time semgrep with benchmarks/semgrep/ on the same files")
    ap.add_argument("--semgrep-bin", help="the semgrep executable (default: semgrep on PATH)")
    ap.add_argument("--semgrep-config", type=Path, default=SEMGREP_RULES, help="semgrep rules (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=1, help="--semgrep: run crashlint's CLI and semgrep this many times, keep the best")
    args = ap.parse_args()
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
