"""Findings oracle: are two crashlint versions' findings identical?

    python benchmarks/oracle.py OLD.json NEW.json                  # two reports (--format json)
    python benchmarks/oracle.py OLD_DIR NEW_DIR [--only a,b]        # folders of NAME.json, one per corpus
    python benchmarks/oracle.py --run OLD_CMD NEW_CMD --corpora DIR [--save DIR] [--scan-arg ARG …]

A finding is compared by rule, path, start line, subject, message and problems (`--field` adds
more, e.g. severity or fix); paths are as the reports print them, so both must be made from the
same working directory (`--run` scans `.` from each repository's folder, as benchmarks/bench.py
does). Findings are a multiset: a finding reported twice on one side and once on the other is a
difference. Keys either side has that the other lacks (a new field of the JSON) are ignored.

Per corpus it prints `identical N`, or each finding only one side has (`- old`, `+ new`) and each
finding whose place is on both sides but whose message or problems changed (`~`, with the field).
A corpus one side could not produce (a scan killed at --timeout, an exit code other than 0/1, a
report that is not JSON) is `not compared` with the reason: the oracle speaks only where both
versions finished. Exit status: 0 all identical, 1 differences, 2 nothing comparable or bad input.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the corpora list and the subprocess runner)

FIELDS = ("rule", "path", "start_line", "subject", "message", "problems")
PLACE = ("rule", "path", "start_line", "subject")


class Unreadable(Exception):
    """A report that cannot be compared: the reason is the message."""


def load(report: Path) -> list[dict]:
    """The findings of a --format json report (a list; json-report's object with 'findings' too)."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Unreadable(f"cannot read {report}: {exc.strerror}") from None
    except ValueError:
        if not report.read_bytes().strip():
            raise Unreadable(f"{report} is empty") from None
        raise Unreadable(f"{report} is not JSON") from None
    if isinstance(data, dict):
        data = data.get("findings")
    if not isinstance(data, list) or not all(isinstance(f, dict) for f in data):
        raise Unreadable(f"{report} is not a crashlint JSON report")
    return data


def key(finding: dict, fields: tuple[str, ...]) -> str:
    return json.dumps([finding.get(name) for name in fields], ensure_ascii=False)


def compare(old: list[dict], new: list[dict], fields: tuple[str, ...] = FIELDS) -> list[str]:
    """The differences, one line each ('- old …', '+ new …', '~ changed …'); empty when identical."""
    gone = Counter(key(f, fields) for f in old)
    came = Counter(key(f, fields) for f in new)
    gone, came = gone - came, came - gone
    if not gone and not came:
        return []
    by_place_old: dict[str, list[dict]] = {}
    by_place_new: dict[str, list[dict]] = {}
    for findings, counts, into in ((old, gone, by_place_old), (new, came, by_place_new)):
        left = Counter(counts)
        for f in findings:
            k = key(f, fields)
            if left[k] > 0:
                left[k] -= 1
                into.setdefault(key(f, PLACE), []).append(f)
    lines: list[str] = []
    for place in sorted(by_place_old.keys() | by_place_new.keys()):
        olds, news = by_place_old.get(place, []), by_place_new.get(place, [])
        for a, b in zip(olds, news):  # the same finding, changed
            changed = [name for name in fields if a.get(name) != b.get(name)]
            lines.append(f"~ {where(a)}: {', '.join(changed)} changed")
            for name in changed:
                lines.append(f"    old {name}: {short(a.get(name))}")
                lines.append(f"    new {name}: {short(b.get(name))}")
        for f in olds[len(news):]:
            lines.append(f"- old {where(f)}  {short(f.get('message'))}")
        for f in news[len(olds):]:
            lines.append(f"+ new {where(f)}  {short(f.get('message'))}")
    return lines


def where(finding: dict) -> str:
    return f"{finding.get('rule')} {finding.get('path')}:{finding.get('start_line')} {finding.get('subject')!r}"


def short(value: object, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_pair(name: str, old_path: Path, new_path: Path, fields: tuple[str, ...], limit: int) -> str:
    """'identical', 'different' or 'not compared', after printing the corpus's lines."""
    try:
        old, new = load(old_path), load(new_path)
    except Unreadable as exc:
        print(f"{name}: not compared ({exc})")
        return "not compared"
    lines = compare(old, new, fields)
    if not lines:
        print(f"{name}: identical {len(old)}")
        return "identical"
    changes = sum(1 for line in lines if line[0] in "-+~")
    print(f"{name}: DIFFERENT (old {len(old)}, new {len(new)}; {changes} differences)")
    for line in lines[:limit]:
        print(f"  {line}")
    if len(lines) > limit:
        print(f"  … {len(lines) - limit} more lines")
    return "different"


def run_version(label: str, command: list[str], folder: Path, out: Path, args: argparse.Namespace) -> Path | None:
    """Scan one corpus with one version into out/NAME.json; None (after a line saying why) if it did not finish."""
    report, err = out / f"{folder.name}.json", out / f"{folder.name}.err"
    argv = command + ["scan", ".", "--format", "json", "--no-cache", "-j", str(args.jobs)] + args.scan_arg
    run = bench.measure(argv, folder, report, err, timeout=args.timeout, memory_limit_mb=args.memory_limit)
    if run.killed:
        print(f"{folder.name}: not compared ({label} killed: {run.killed} after {run.wall:.0f} s)")
        return None
    if run.returncode not in (0, 1):
        tail = err.read_text(errors="replace").strip().splitlines()[-1:] or [""]
        print(f"{folder.name}: not compared ({label} exited {run.returncode}: {tail[0][:200]})")
        return None
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", help="a report, a folder of NAME.json, or with --run the old crashlint command")
    ap.add_argument("new", help="likewise, the new one")
    ap.add_argument("--run", action="store_true", help="OLD and NEW are crashlint commands: scan the corpora with each")
    ap.add_argument("--corpora", metavar="DIR", help="--run: the folder of corpora (one folder per name of corpora.md)")
    ap.add_argument("--corpora-list", type=Path, default=bench.CORPORA_MD, metavar="FILE")
    ap.add_argument("--only", metavar="NAMES", help="comma-separated corpus names")
    ap.add_argument("--field", action="append", default=[], help="also compare this field of each finding")
    ap.add_argument("--scan-arg", action="append", default=[], metavar="ARG", help="--run: an extra scan argument")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600, help="--run: seconds before a scan is killed")
    ap.add_argument("--memory-limit", type=float, default=6000, metavar="MB")
    ap.add_argument("--save", metavar="DIR", help="--run: keep the reports in DIR/old and DIR/new")
    ap.add_argument("--limit", type=int, default=40, help="lines of differences shown per corpus")
    args = ap.parse_args()
    fields = FIELDS + tuple(f for f in args.field if f not in FIELDS)
    only = {n.strip() for n in (args.only or "").split(",") if n.strip()}

    outcomes: list[str] = []
    if args.run:
        if not args.corpora:
            ap.error("--run needs --corpora DIR")
        try:
            corpora = bench.read_corpora(args.corpora_list)
        except ValueError as exc:
            ap.error(str(exc))
        save = Path(args.save) if args.save else Path(tempfile.mkdtemp(prefix="crashlint-oracle-"))
        commands = {"old": shlex.split(args.old), "new": shlex.split(args.new)}
        for label in commands:
            (save / label).mkdir(parents=True, exist_ok=True)
        for corpus in corpora:
            folder = (Path(args.corpora) / corpus.name).resolve()
            if only and corpus.name not in only:
                continue
            if not folder.is_dir():
                print(f"{corpus.name}: not compared (no folder {folder})")
                outcomes.append("not compared")
                continue
            reports = [run_version(label, command, folder, save / label, args) for label, command in commands.items()]
            if None in reports:
                outcomes.append("not compared")
                continue
            outcomes.append(report_pair(corpus.name, reports[0], reports[1], fields, args.limit))
        if args.save:
            print(f"reports kept in {save}/old and {save}/new")
    else:
        old, new = Path(args.old), Path(args.new)
        if old.is_dir() != new.is_dir():
            ap.error("give two reports or two folders")
        if old.is_file():
            outcomes.append(report_pair(old.name, old, new, fields, args.limit))
        elif old.is_dir():
            names = sorted(p.stem for p in old.glob("*.json") if not only or p.stem in only)
            names = [n for n in names if n != "results"]  # bench.py --save's measurements
            if not names:
                ap.error(f"no NAME.json in {old}")
            for name in names:
                outcomes.append(report_pair(name, old / f"{name}.json", new / f"{name}.json", fields, args.limit))
        else:
            ap.error(f"no such report or folder: {old}")
    counts = Counter(outcomes)
    print(f"oracle: {counts['identical']} identical, {counts['different']} different, "
          f"{counts['not compared']} not compared")
    if counts["different"]:
        return 1
    return 0 if counts["identical"] else 2


if __name__ == "__main__":
    sys.exit(main())
