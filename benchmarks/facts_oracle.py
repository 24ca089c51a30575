"""Facts oracle: a stable digest of the facts extracted from every file of a corpus.

    python benchmarks/facts_oracle.py PATH [PATH …] [--save FILE] [--check FILE]

Prints one digest per corpus (sha256 over the `repr` of each file's FileFacts and notes, in path
order). `--save` writes the per-file digests as JSON; `--check` compares against a saved file and
names the files whose facts differ. Use it to prove an extractor change leaves the facts identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time

from crashlint.discover import discover
from crashlint.parse import parse_file


def digests(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in sorted(discover([path]).files, key=lambda f: f.rel_path):
        parsed = parse_file(f.abs_path, f.rel_path, f.grammar)
        blob = repr((parsed.facts, parsed.notes, parsed.traceback is not None))
        out[f.rel_path] = hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--save", help="write per-file digests (JSON) here")
    ap.add_argument("--check", help="compare with per-file digests saved earlier")
    args = ap.parse_args()
    everything: dict[str, dict[str, str]] = {}
    for path in args.paths:
        started = time.process_time()
        per_file = digests(path)
        total = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in per_file.items()).encode()).hexdigest()
        print(f"{path}  files={len(per_file)}  digest={total[:16]}  cpu={time.process_time() - started:.1f}s")
        everything[path] = per_file
    if args.save:
        with open(args.save, "w") as handle:
            json.dump(everything, handle, indent=0, sort_keys=True)
    status = 0
    if args.check:
        with open(args.check) as handle:
            saved = json.load(handle)
        for path, per_file in everything.items():
            old = saved.get(path)
            if old is None:
                print(f"{path}: not in {args.check}")
                status = 1
                continue
            differ = sorted(k for k in per_file.keys() | old.keys() if per_file.get(k) != old.get(k))
            print(f"{path}: {'IDENTICAL' if not differ else f'{len(differ)} files differ'}")
            for name in differ[:20]:
                print(f"    {name}")
            status |= bool(differ)
    return status


if __name__ == "__main__":
    sys.exit(main())
