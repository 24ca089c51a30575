"""`crashlint server` driven by a real LSP client (pygls's, over stdio), as an editor drives it.

    python benchmarks/lsp.py WORKSPACE [--edits 30] [--edit comment|code] [--file src/x.ts] [--runs 3]

WORKSPACE must be writable (the server keeps its facts cache in WORKSPACE/.crashlint_cache, as a
scan does). Measured, side by side in one run:

- warm scan: `crashlint scan WORKSPACE -f json` on a warm cache (the median of --runs), the
  baseline the issue sets for the first analysis;
- first analysis: from `initialized` to the first diagnostics of every file — the server publishes
  the scan's cached result at once when it holds one for the files as they are, and then loads
  the facts it needs for edits (the median of --runs server starts);
- loaded: from `initialized` to the end of the first-analysis progress (facts in memory, analysed);
- keystroke: a document is opened, then --edits changes are sent one at a time; each is timed
  from `didChange` to the `publishDiagnostics` of that document for that version. Median and 90th
  percentile. `--edit comment` (the default): one character each, typed into a comment at the
  file's end (no fact changes). `--edit code`: the document is opened with a call added at its end
  (`fetch(URL)` in TS/JS, `requests.get(URL)` in Python), and each edit adds a timeout to that call
  or takes it away again (`, { signal: AbortSignal.timeout(5000) }`, `, timeout=5`): the file's
  facts change every time, and so does the finding on that call (CL008) where the file runs in a
  long-lived process. `--edit import`: a line `import "./sibling";` (a module of the same folder)
  added at the file's end and taken away again (the import graph changes). `--edit sigterm`: a
  line `process.on("SIGTERM", …)` (Python: `signal.signal(signal.SIGTERM, …)`) added and taken
  away (the shutdown paths change). The server's CPU time per edit (from didChange to that
  publishDiagnostics, read from /proc, Linux only) is printed beside the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from lsp_client import Client  # noqa: E402

from crashlint.lsp.server import PUBLISHED_CACHED  # noqa: E402


def warm_scan(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crashlint", "scan", str(root), "-f", "json", "-o", "/dev/null"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def pick_file(root: Path) -> str:
    """A TypeScript (else JavaScript, else Python) file of the workspace's own code, mid-sized."""
    for pattern in ("*.ts", "*.js", "*.py"):
        files = [p for p in root.rglob(pattern) if "node_modules" not in p.parts and ".crashlint_cache" not in p.parts
                 and not p.name.endswith(".d.ts") and 2_000 < p.stat().st_size < 20_000]
        if files:
            return sorted(files)[len(files) // 2].relative_to(root).as_posix()
    raise SystemExit(f"{root}: no source file to edit")


async def first_analysis(root: Path) -> tuple[float, float, Client]:
    client = Client(root, cache=True, debounce_ms=0)
    await client.start()
    start = time.perf_counter()

    def ended() -> bool:
        # every workspace's diagnostics published: from the scan's result cache, or analysed
        return any((p.get("kind") if isinstance(p, dict) else getattr(p, "kind", None)) == "end"
                   or (p.get("message") if isinstance(p, dict) else None) == PUBLISHED_CACHED for p in client.progress)

    def loaded() -> bool:
        return any((p.get("kind") if isinstance(p, dict) else getattr(p, "kind", None)) == "end" for p in client.progress)

    while not ended():
        await asyncio.sleep(0.005)
    first = time.perf_counter() - start
    while not loaded():
        await asyncio.sleep(0.005)
    return first, time.perf_counter() - start, client


def server_cpu(client: Client) -> float:
    """The server process's CPU time so far (user + system), in seconds; 0 where /proc is missing."""
    try:
        with open(f"/proc/{client.client._server.pid}/stat") as handle:  # noqa: SLF001 - pygls keeps the process
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, AttributeError, IndexError, ValueError):
        return 0.0


def edit_line(root: Path, rel: str, kind: str) -> str:
    """The line `--edit import` / `--edit sigterm` adds and takes away."""
    if kind == "sigterm":
        return "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))" if rel.endswith(".py") else \
            'process.on("SIGTERM", () => process.exit(0));'
    here = (root / rel).parent
    siblings = sorted(p.stem for p in here.glob("*.py" if rel.endswith(".py") else "*.ts")
                      if p.name != Path(rel).name and not p.name.endswith(".d.ts") and (p.stem.isidentifier() or not rel.endswith(".py")))
    if not siblings:
        raise SystemExit(f"{rel}: no module beside it to import")
    return f"from . import {siblings[0]}" if rel.endswith(".py") else f'import "./{siblings[0]}";'


async def code_edits(client: Client, rel: str, edits: int, kind: str = "code") -> tuple[list[float], list[float], set[int]]:
    """--edit code|import|sigterm: code added and taken away again, one edit at a time; the
    timings, the server's CPU time of each, and the numbers of diagnostics the document had."""
    text = (client.root / rel).read_text(encoding="utf-8").rstrip("\n")
    if kind != "code":
        if rel.endswith(".py") and kind == "sigterm":
            text = "import signal\nimport sys\n" + text
        option = edit_line(client.root, rel, kind)
        text += "\n"
        column = 0
    elif rel.endswith(".py"):
        text += '\nimport requests\nrequests.get("https://example.com/crashlint-bench")'
        option = ", timeout=5"
    else:
        text += '\nfetch("https://example.com/crashlint-bench");'
        option = ", { signal: AbortSignal.timeout(5000) }"
    uri = client.open(rel, text, version=1)
    await client.wait_for(lambda: client.versions.get(uri) == 1, timeout=600)
    line = text.count("\n")
    if kind == "code":
        column = text.rsplit("\n", 1)[-1].rindex(")")
    timings, cpu, counts = [], [], {len(client.diagnostics.get(uri, []))}
    for version in range(2, edits + 2):
        sent, before = time.perf_counter(), server_cpu(client)
        if version % 2 == 0:
            client.insert(rel, line, column, option, version)
        else:
            client.delete(rel, line, column, column + len(option), version)
        await client.wait_for(lambda: client.versions.get(uri) == version, timeout=600)
        timings.append(client.arrivals[uri] - sent)
        cpu.append(server_cpu(client) - before)
        counts.add(len(client.diagnostics.get(uri, [])))
    return timings, cpu, counts


async def keystrokes(client: Client, rel: str, edits: int) -> list[float]:
    text = (client.root / rel).read_text(encoding="utf-8")
    comment = "#" if rel.endswith(".py") else "//"
    text = text.rstrip("\n") + f"\n{comment} "
    uri = client.open(rel, text, version=1)
    await client.wait_for(lambda: client.versions.get(uri) == 1, timeout=120)
    line = text.count("\n")
    column = len(text.rsplit("\n", 1)[-1])
    timings = []
    for version in range(2, edits + 2):
        sent = time.perf_counter()
        client.insert(rel, line, column, "x", version)
        column += 1
        await client.wait_for(lambda: client.versions.get(uri) == version, timeout=120)
        timings.append(client.arrivals[uri] - sent)
    return timings


async def session(root: Path, rel: str, edits: int, kind: str) -> tuple[float, float, list[float], list[float], set[int]]:
    seconds, loaded, client = await first_analysis(root)
    timings: list[float] = []
    cpu: list[float] = []
    counts: set[int] = set()
    try:
        if edits and kind != "comment":
            timings, cpu, counts = await code_edits(client, rel, edits, kind)
        elif edits:
            timings = await keystrokes(client, rel, edits)
    finally:
        await client.stop()
    return seconds, loaded, timings, cpu, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--edit", choices=("comment", "code", "import", "sigterm"), default="comment",
                        help="what each edit changes: a comment (no fact), a call's timeout (code), an import, a SIGTERM handler")
    parser.add_argument("--file", help="the file to type into (relative to the workspace)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.workspace.resolve()
    rel = args.file or pick_file(root)
    warm_scan(root)  # fills the cache the server and the scans share
    scans, firsts, loads, typing, cpus = [], [], [], [], []
    seen: set[int] = set()
    for run in range(args.runs):  # interleaved: a noisy machine slows both alike
        scans.append(warm_scan(root))
        seconds, loaded, timings, cpu, counts = asyncio.run(session(root, rel, args.edits if run == 0 else 0, args.edit))
        cpus += cpu
        seen |= counts
        firsts.append(seconds)
        loads.append(loaded)
        typing += timings
    print(f"workspace: {root} (edited: {rel})")
    print(f"warm scan:       median {statistics.median(scans):.2f} s of {len(scans)}")
    print(f"first analysis:  median {statistics.median(firsts):.2f} s of {len(firsts)} "
          f"({statistics.median(firsts) / statistics.median(scans):.2f}x the warm scan)")
    print(f"loaded:          median {statistics.median(loads):.2f} s of {len(loads)} (facts in memory, analysed)")
    if typing:
        ordered = sorted(typing)
        print(f"{args.edit} edit → diagnostics: median {1000 * statistics.median(ordered):.0f} ms, "
              f"p90 {1000 * ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms, of {len(ordered)} edits")
    if cpus:
        spent = sorted(cpus)
        print(f"server CPU per edit:      median {1000 * statistics.median(spent):.0f} ms, "
              f"p90 {1000 * spent[int(0.9 * (len(spent) - 1))]:.0f} ms")
    if args.edit != "comment" and typing:
        print(f"diagnostics on the edited file: {', '.join(map(str, sorted(seen)))} "
              f"({'they change with the edits' if len(seen) > 1 else 'the same after every edit'})")


if __name__ == "__main__":
    main()
