"""crashlint benchmark: files/s, MB/s, the ratio to a parse-only pass, warm-cache ratio, peak RSS.

    python benchmarks/bench.py PATH [--jobs N]
    python benchmarks/bench.py --synthetic 500        # a generated corpus, seconds on CI

Figures are wall-clock on a shared machine: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from crashlint.discover import discover
from crashlint.facts_store import default_jobs
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--synthetic", type=int, default=0, help="generate this many files and scan them")
    ap.add_argument("--jobs", type=int, default=default_jobs())
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
        started = time.perf_counter()
        result = scan([str(target)], cache_dir=cache, jobs=args.jobs)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        scan([str(target)], cache_dir=cache, jobs=args.jobs)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        scan([str(target)], jobs=1)
        serial = time.perf_counter() - started

        print(f"files            {len(files)}")
        print(f"MB               {size_mb:.1f}")
        print(f"findings         {len(result.findings)}")
        print(f"jobs             {args.jobs}")
        print(f"parse-only       {parse_only:.2f} s (1 process)")
        print(f"cold scan        {cold:.2f} s  {len(files) / cold:.0f} files/s  {size_mb / cold:.2f} MB/s")
        print(f"serial scan      {serial:.2f} s (1 process, no cache)")
        print(f"warm scan        {warm:.2f} s")
        print(f"cold / parse     {cold / parse_only:.2f}x")
        print(f"warm / cold      {100 * warm / cold:.0f}%")
        print(f"peak RSS         {peak_rss_mb():.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
