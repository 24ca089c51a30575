"""Synthetic projects whose shapes stress name resolution, for growth tests (N vs 2N).

    python benchmarks/shapes.py 2000            # generate N and 2N, scan each, print time and memory
    python benchmarks/shapes.py 2000 --keep DIR # and keep the generated projects in DIR

Every shape grows with N, so a resolution that is linear in the project takes about twice as long
and twice the memory for 2N; one that walks a file per lookup, or re-resolves a name per use site,
takes four times as long or more:

- barrels: `export *` chains (index.ts re-exporting index files re-exporting modules), imported
  from everywhere through the top barrel;
- factories returning factories: `makeN()` returns `makeN_1()` … down to `new Redis()`;
- long call and alias chains: `const a1 = a0; const a2 = a1; …` and `x.then(…).then(…)`;
- classes whose members hold clients: `this.redis = new Redis()` in constructors, reached as
  `service.redis.on(…)` from other files;
- one generated file of many small functions (an API client: N functions, about 5 MB at N = 40,000);
- Python: packages re-exporting through `__init__.py`, factories, `self.client = redis.Redis()`.

Each client is handled (listeners, timeouts) in some places and not in others, so rules do real work.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

GROUP = 50  # modules per barrel


def generate(n: int, folder: Path) -> None:
    """A project of about `n` files (and one generated file of `n` functions) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(json.dumps(
        {"name": "shapes", "dependencies": {"ioredis": "^5", "express": "^4.18", "axios": "^1", "bullmq": "^5"}}
    ))
    src = folder / "src"
    modules = max(GROUP, n // 2)
    # barrels: src/lib/gK/mI.ts, src/lib/gK/index.ts (export * from each), src/lib/index.ts (export * from each group)
    groups = (modules + GROUP - 1) // GROUP
    for g in range(groups):
        gdir = src / "lib" / f"g{g}"
        gdir.mkdir(parents=True, exist_ok=True)
        exports = []
        for i in range(g * GROUP, min(modules, (g + 1) * GROUP)):
            handled = i % 3 == 0
            body = [
                'import Redis from "ioredis";',
                'import axios from "axios";',
                f"export function make{i}() {{ return new Redis({{ lazyConnect: true }}); }}",
                f"export function wrap{i}() {{ return make{i}(); }}",  # a factory returning a factory
                f"export const client{i} = wrap{i}();",
                f"export const api{i} = axios.create({{ baseURL: '/v{i}'{', timeout: 5000' if handled else ''} }});",
                f"export class Service{i} {{",
                "  redis: Redis;",
                f"  constructor() {{ this.redis = make{i}(); }}",
                f"  async load(key: string) {{ return this.redis.get(key); }}",
                "}",
            ]
            if handled:
                body.append(f'client{i}.on("error", (err) => console.error(err));')
            (gdir / f"m{i}.ts").write_text("\n".join(body) + "\n")
            exports.append(f'export * from "./m{i}";')
        (gdir / "index.ts").write_text("\n".join(exports) + "\n")
    (src / "lib" / "index.ts").write_text("\n".join(f'export * from "./g{g}";' for g in range(groups)) + "\n")
    # users: each imports through the top barrel, follows aliases and members, chains calls
    users = src / "users"
    users.mkdir(parents=True, exist_ok=True)
    for u in range(max(1, n // 4)):
        i = (u * 7) % modules
        j = (u * 13 + 1) % modules
        lines = [
            f'import {{ client{i}, Service{j}, api{i}, wrap{j} }} from "../lib";',
            f"const a0 = client{i};",
            *(f"const a{k} = a{k - 1};" for k in range(1, 12)),  # an alias chain
            f"export const service{u} = new Service{j}();",
            f"service{u}.redis.on(\"error\", () => undefined);",
            f"export async function handler{u}(url: string) {{",
            f"  const fresh = wrap{j}();",
            "  await fresh.set(url, '1');",
            f"  return api{i}.get(url).then((r) => r.data).then((d) => d).catch(() => null);",
            "}",
            f"export function fetchIt{u}(url: string) {{ return fetch(url); }}",
            "a11.on('end', () => undefined);",
        ]
        (users / f"user{u}.ts").write_text("\n".join(lines) + "\n")
    # queues: each Redis client made only to be a BullMQ Queue's `connection`. A listening Queue hears
    # its client's errors (CL001's `listened_by`: the Queue calls by the clients they pass); for one that
    # does not, CL001's "only used by" check must know that no call anywhere else uses the client
    queues = src / "queues"
    queues.mkdir(parents=True, exist_ok=True)
    for q in range(max(1, n // 8)):
        (queues / f"queue{q}.ts").write_text(
            'import Redis from "ioredis";\nimport { Queue } from "bullmq";\n'
            f"const connection{q} = new Redis({{ maxRetriesPerRequest: null }});\n"
            f'export const queue{q} = new Queue("q{q}", {{ connection: connection{q} }});\n'
            + (f'queue{q}.on("error", (err) => console.error(err));\n' if q % 2 else "")
        )
    # one generated API client of many small functions
    generated = ['import axios from "axios";', 'const http = axios.create({ baseURL: "/api" });']
    for k in range(max(10, n)):
        generated.append(
            f"export function operation{k}(params: Record<string, string>, body?: unknown) {{\n"
            f"  return http.request({{ method: 'POST', url: '/operations/{k}', params, data: body }});\n}}"
        )
    (src / "generated").mkdir(parents=True, exist_ok=True)
    (src / "generated" / "client.ts").write_text("\n".join(generated) + "\n")
    # Python: a package re-exporting through __init__.py, factories, classes holding clients
    py = folder / "pyservice" / "app"
    py.mkdir(parents=True, exist_ok=True)
    (folder / "pyservice" / "requirements.txt").write_text("redis>=5\nrequests>=2\n")
    pmods = max(10, n // 8)
    for i in range(pmods):
        (py / f"store{i}.py").write_text(
            "import redis\nimport requests\n\n\n"
            f"def make{i}():\n    return redis.Redis(host='r{i}'{', socket_timeout=5' if i % 2 else ''})\n\n\n"
            f"class Store{i}:\n    def __init__(self):\n        self.client = make{i}()\n\n"
            f"    def fetch(self, url):\n        return requests.get(url{', timeout=5' if i % 3 else ''})\n"
        )
    (py / "__init__.py").write_text("".join(f"from .store{i} import *\n" for i in range(pmods)))
    (py / "main.py").write_text(
        "from app import " + ", ".join(f"Store{i}" for i in range(0, pmods, max(1, pmods // 50))) + "\n"
    )


def measure(folder: Path) -> dict:
    """Scan `folder` in a fresh process (one job, no cache): its wall and CPU time, and the memory it
    added. CPU time is what the growth test compares: another process on the machine stretches the
    wall clock of one run but not the work it does."""
    code = (
        "import json, os, resource, sys, time\n"
        "from crashlint.scan import scan\n"
        "from crashlint.project import Project\n"
        "def rss():\n"
        "    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') // 1024\n"
        "base = rss()\n"
        "count = [0]\n"
        "real = Project._derive\n"
        "def counted(self, *a, **k):\n"
        "    if a[1] not in a[0]: count[0] += 1\n"
        "    return real(self, *a, **k)\n"
        "Project._derive = counted\n"
        "asked = [0]\n"
        "real_resolve = Project.resolve\n"
        "def resolving(self, *a, **k):\n"
        "    asked[0] += 1\n"
        "    return real_resolve(self, *a, **k)\n"
        "Project.resolve = resolving\n"
        "def cpu():\n"
        "    usage = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    return usage.ru_utime + usage.ru_stime\n"
        "t, c = time.perf_counter(), cpu()\n"
        "result = scan([sys.argv[1]], jobs=1)\n"
        "elapsed, cpu_seconds = time.perf_counter() - t, cpu() - c\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'seconds': elapsed, 'cpu_seconds': cpu_seconds, 'memory_kb': peak - base, 'findings': len(result.findings),"
        " 'files': result.files_scanned, 'derivations': count[0], 'resolutions': asked[0]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def growth(n: int, keep: Path | None = None, runs: int = 3) -> tuple[dict, dict]:
    """The best of `runs` measurements (least time, least memory) for N and for 2N, taken in turn
    (N, 2N, N, 2N, …) so that a machine that slows down or speeds up meanwhile weighs on both."""
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        folders = []
        for size in (n, 2 * n):
            folder = base / f"shapes-{size}"
            generate(size, folder)
            folders.append(folder)
        samples: list[list[dict]] = [[], []]
        for _ in range(runs):
            for i, folder in enumerate(folders):
                samples[i].append(measure(folder))
        results = []
        for taken in samples:
            best = dict(taken[0])
            best["seconds"] = min(s["seconds"] for s in taken)
            best["cpu_seconds"] = min(s["cpu_seconds"] for s in taken)
            best["memory_kb"] = min(s["memory_kb"] for s in taken)
            results.append(best)
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small, large = growth(args.n, args.keep, args.runs)
    print(f"{'':12}{'N = ' + str(args.n):>16}{'2N = ' + str(2 * args.n):>16}{'ratio':>8}")
    for key, label in (("files", "files"), ("findings", "findings"), ("derivations", "derivations"), ("resolutions", "resolutions"),
                       ("seconds", "seconds"), ("cpu_seconds", "CPU seconds"), ("memory_kb", "memory (KB)")):
        ratio = large[key] / small[key] if small[key] else float("nan")
        print(f"{label:12}{small[key]:>16.6g}{large[key]:>16.6g}{ratio:>8.2f}")


if __name__ == "__main__":
    main()
