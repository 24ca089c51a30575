"""Order dependence of the project model's memos on a real project (issue 13 item 7).

    python benchmarks/memo_order.py PATH [--cache-dir DIR] [-j N]

The model answers each question once, in the order the questions come, with a cycle guard and a
depth limit, so an answer may depend on which memos existed when it was asked (README, "Why the
rest cannot simply be kept"). This asks every call's callee names and what its callee and its
receiver resolve to over the files in file order and, in a fresh model, in reverse file order
(`tests/test_memo_order.py`'s `answers`), and prints how many calls and declaration memos differ,
with the first few. The facts come from the cache of DIR (a cold parse without one)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--cache-dir")
    parser.add_argument("-j", type=int, default=1)
    args = parser.parse_args()
    from test_memo_order import answers

    from crashlint.cache.facts import load_facts
    from crashlint.discover import discover

    found = discover([args.path])
    facts = [p.facts for p in load_facts(found.files, args.cache_dir, args.j, root=found.root) if p.facts is not None]
    start = time.process_time()
    forward, declared = answers(found.root, facts, facts)
    middle = time.process_time()
    backward, declared_back = answers(found.root, facts, list(reversed(facts)))
    calls = [key for key in forward if forward[key] != backward[key]]
    memos = [key for key in declared.keys() | declared_back.keys() if declared.get(key) != declared_back.get(key)]
    print(f"{Path(found.root).name}: {len(facts)} files, {len(forward)} calls with a callee, {len(calls)} answers differ between "
          f"the two orders ({len({k[0] for k in calls})} files); declaration memos {len(declared)} / {len(declared_back)}, "
          f"{len(memos)} differ; {middle - start:.2f} / {time.process_time() - middle:.2f} s")
    for key in calls[:5]:
        print("  call", key, forward[key], backward[key])
    for key in memos[:5]:
        print("  memo", key, declared.get(key), declared_back.get(key))
    return 1 if calls or memos else 0


if __name__ == "__main__":
    sys.exit(main())
