"""The commit path (issue 13 item 7): what pre-commit's `crashlint scan --in-project FILE` costs
with a warm cache after a one-line code edit of FILE, for one crashlint command or two side by side.

    python benchmarks/bench.py --commit-path PATH --edit REL [--pairs OLD_CMD] [--crashlint CMD] [--rounds 9]
    python benchmarks/bench.py --commit-path --synthetic 5000 [--pairs OLD_CMD]

PATH (or the synthetic project of bench.py's `synthetic`, whose 5,000 files are pkg0..pkg19 of
four templates) is copied once to a temporary folder, so the corpus is never written. Each command
has a cache folder of its own (`--cache-dir`) in that copy and is made warm by a whole scan and one
`--in-project` scan of REL. Then each round appends a new line of code to REL (`export const
editedN = N;` in TypeScript and JavaScript, `edited_N = N` in Python) and runs each command once
(`--format json`, whole process: wall, and CPU = user + sys from wait4), in an order that alternates
between rounds, so that a shared machine's load falls on both alike. Each command thus sees one
changed file since its last run, as a developer's next commit does. At the end both commands scan
the last contents once more, warm and then cold (`--no-cache`), and the four reports must be
byte-identical. Prints each round, the medians, new ÷ old and the load average."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from measure import _median, measure, synthetic


def _edit_line(rel: str, number: int) -> str:
    return f"edited_{number} = {number}\n" if rel.endswith(".py") else f"export const edited{number} = {number};\n"


def commit_path(args) -> int:
    commands = {"new": shlex.split(args.crashlint) if args.crashlint else [sys.executable, "-m", "crashlint"]}
    if args.pairs:
        commands = {"old": shlex.split(args.pairs), **commands}
    for argv in commands.values():
        if os.sep in argv[0] and Path(argv[0]).exists():
            argv[0] = str(Path(argv[0]).absolute())
    work = Path(tempfile.mkdtemp(prefix="crashlint-commit-"))
    problems = 0
    try:
        root = work / (Path(args.commit_path).resolve().name if args.commit_path else "synthetic")
        if args.synthetic:
            synthetic(args.synthetic, root)
        else:
            shutil.copytree(args.commit_path, root, symlinks=True, ignore=shutil.ignore_patterns(".crashlint_cache", ".git"))
        edit = args.edit or sorted(p.relative_to(root).as_posix() for p in (root / "pkg0").glob("mod*.ts"))[0]
        target = root / edit
        print(f"commit path: {root.name} ({'synthetic ' + str(args.synthetic) if args.synthetic else args.commit_path}), "
              f"edited file {edit}; rounds {args.rounds}; " + "; ".join(f"{k}: {' '.join(v)}" for k, v in commands.items()), flush=True)
        out = work / "out"
        out.mkdir()

        def run(which: str, *extra: str) -> object:
            cache = ["--no-cache"] if "--no-cache" in extra else ["--cache-dir", str(work / f"cache-{which}")]
            argv = commands[which] + ["scan", *[e for e in extra if e != "--no-cache"], "--format", "json", *cache]
            done = measure(argv, root, out / f"{which}.json", out / f"{which}.err", timeout=args.timeout)
            if done.returncode not in (0, 1):
                print(f"{which}: exit {done.returncode}: {(out / f'{which}.err').read_text()[-400:]}", flush=True)
            return done

        for which in commands:  # warm: a whole scan, then the commit path once
            run(which, ".")
            run(which, "--in-project", edit)
        times: dict[str, list] = {which: [] for which in commands}
        loads = []
        for number in range(args.rounds):
            order = list(commands) if number % 2 == 0 else list(reversed(commands))
            loads.append(os.getloadavg()[0])
            for which in order:
                with open(target, "a") as handle:
                    handle.write(_edit_line(edit, number * len(commands) + order.index(which)))
                done = run(which, "--in-project", edit)
                problems += done.returncode not in (0, 1)
                times[which].append(done)
            print(f"round {number + 1}: " + "  ".join(f"{k} {v[-1].wall:.2f}/{v[-1].cpu:.2f}" for k, v in times.items())
                  + f"  (wall/CPU s, load {loads[-1]:.1f})", flush=True)
        reports = {}
        for which in commands:
            run(which, "--in-project", edit)
            reports[f"{which} warm"] = (out / f"{which}.json").read_bytes()
            run(which, "--in-project", edit, "--no-cache")
            reports[f"{which} cold"] = (out / f"{which}.json").read_bytes()
        same = len(set(reports.values())) == 1
        problems += not same
        medians = {k: (_median([r.wall for r in v]), _median([r.cpu for r in v]), _median([r.peak_mb for r in v])) for k, v in times.items()}
        line = f"medians of {args.rounds} (wall / CPU / peak RSS): " + ", ".join(
            f"{k} {w:.2f} s / {c:.2f} s / {m:.0f} MB" for k, (w, c, m) in medians.items())
        if "old" in medians:
            (ow, oc, _), (nw, nc, _) = medians["old"], medians["new"]
            ratios = sorted(n.cpu / o.cpu for o, n in zip(times["old"], times["new"]))
            line += f"; new ÷ old {nw / ow:.2f} wall, {nc / oc:.2f} CPU (pairs {ratios[0]:.2f}-{ratios[-1]:.2f})"
        print(line + f"; load {min(loads):.1f}-{max(loads):.1f}; reports (warm and cold) {'identical' if same else 'DIFFER'}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0
