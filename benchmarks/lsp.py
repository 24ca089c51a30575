"""`crashlint server` driven by a real LSP client (pygls's, over stdio), as an editor drives it.

    python benchmarks/lsp.py WORKSPACE [--edits 30] [--file src/x.ts] [--runs 3]

WORKSPACE must be writable (the server keeps its facts cache in WORKSPACE/.crashlint_cache, as a
scan does). Measured, side by side in one run:

- warm scan: `crashlint scan WORKSPACE -f json` on a warm cache (the median of --runs), the
  baseline the issue sets for the first analysis;
- first analysis: from `initialized` to the first diagnostics of every file — the server publishes
  the scan's cached result at once when it holds one for the files as they are, and then loads
  the facts it needs for edits (the median of --runs server starts);
- loaded: from `initialized` to the end of the first-analysis progress (facts in memory, analysed);
- keystroke: a document is opened, then --edits changes of one character each (typed into a
  comment at its end) are sent one at a time; each is timed from `didChange` to the
  `publishDiagnostics` of that document for that version. Median and 90th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
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


async def session(root: Path, rel: str, edits: int) -> tuple[float, float, list[float]]:
    seconds, loaded, client = await first_analysis(root)
    try:
        timings = await keystrokes(client, rel, edits) if edits else []
    finally:
        await client.stop()
    return seconds, loaded, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--file", help="the file to type into (relative to the workspace)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.workspace.resolve()
    rel = args.file or pick_file(root)
    warm_scan(root)  # fills the cache the server and the scans share
    scans, firsts, loads, typing = [], [], [], []
    for run in range(args.runs):  # interleaved: a noisy machine slows both alike
        scans.append(warm_scan(root))
        seconds, loaded, timings = asyncio.run(session(root, rel, args.edits if run == 0 else 0))
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
        print(f"keystroke → diagnostics: median {1000 * statistics.median(ordered):.0f} ms, "
              f"p90 {1000 * ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms, of {len(ordered)} edits")


if __name__ == "__main__":
    main()
