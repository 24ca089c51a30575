"""The `scan` command without typer (issue 13, start-up): its body, the few things it prints with,
and a parser of its command line that answers for the forms typer would read the same way.

`crashlint scan` is what editors, hooks and CI run over and over, most often on a project the
result cache answers for; importing typer (and the vendored click) cost such a scan a fifth of its
time. `crashlint.cli.main` hands a `scan` command line to `parse` first: when every argument is
one of the plain forms below, the scan runs from here; anything else (`--help`, an unknown or
malformed option, a value typer would reject, combined short flags, `--`) goes to typer
(`crashlint.commands`), whose command calls the same `run`. Both print the same lines and exit
with the same codes: `tests/test_cli.py` holds the parser's table to typer's own parameters and
runs command lines both ways.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crashlint import __version__

if TYPE_CHECKING:
    from crashlint.report.common import ReportInput


class Exit(Exception):
    """The command's exit code (typer.Exit's role, without typer)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")  # what click's echo strips when the stream is no terminal


def echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """A line on stdout or stderr, as typer.echo (click.echo) writes a str: flushed, escape
    sequences removed unless the stream is a terminal."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    text = message + "\n" if nl else message
    if "\033" in text and not (hasattr(stream, "isatty") and stream.isatty()):
        text = _ANSI.sub("", text)
    if text:
        stream.write(text)
    stream.flush()


def fail(message: str, code: int = 2) -> Exit:
    echo(f"crashlint: error: {message}", err=True)
    return Exit(code)


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class _progress:
    """A rich progress bar on a terminal, for scans of more than a few hundred files; nothing when piped."""

    MIN_FILES = 300

    def __init__(self, stream, quiet: bool = False) -> None:
        self.enabled = not quiet and hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")
        self.bar = None
        self.task = None

    def __enter__(self):
        return self if self.enabled else None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.MIN_FILES:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("parsing", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


MAX_FIX_PASSES = 10  # fixes that overlapped one taken in a pass are applied in the next (as ruff)
FIXES_SHOWN = ("text", "json", "json-report", "sarif", "markdown")  # the formats that show fixes: only they pay for computing them
# the formats that show a fix's edits; text and Markdown show its mark, title and safety, which the
# JS/TS fixes are given without computing their edits (crashlint.fix.attach_fixes, edits=False)
EDITS_SHOWN = ("json", "json-report", "sarif")


def _fully_fixed(finding) -> bool:
    """Its fix resolves every problem (CL001's `close` needs a human: that finding remains)."""
    resolves = set(finding.fix.resolves)
    return not resolves or set(finding.context.get("missing", "").split()) <= resolves


def _fix_counts(fixed: list, verb: str, files: int) -> str:
    """`Fixed 12 findings (and part of 1 more) in 3 files`: a finding whose fix resolves only some of
    its problems (CL001's listener, but not its close) is counted as partly fixed, not twice."""
    fixed = list({id(f): f for f in fixed}.values())  # a fix with edits in several files counts once
    whole = sum(1 for f in fixed if _fully_fixed(f))
    partly = len(fixed) - whole
    more = f" (and part of {partly} more)" if partly else ""
    from crashlint.report.common import plural

    return f"{verb} {plural(whole, 'finding')}{more} in {plural(files, 'file')}"


def run(
    paths: list[Path] | None = None,
    output_format: str = "text",
    output: Path | None = None,
    quiet: bool = False,
    silent: bool = False,
    verbose: bool = False,
    statistics: bool = False,
    show_fixes: bool = False,
    stdin_filename: str | None = None,
    sarif_category: str | None = None,
    security_severity: bool = False,
    help_uri_base: str | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config_option: list[str] | None = None,
    isolated: bool = False,
    exclude: list[str] | None = None,
    include: list[str] | None = None,
    no_respect_gitignore: bool = False,
    in_project: bool = False,
    fail_on: str | None = None,
    exit_zero: bool = False,
    new_since: str | None = None,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    report_unused_suppressions: bool = False,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    no_cache: bool = False,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    prefilter: bool = False,
) -> None:
    """`crashlint scan` with its options as values (the format and the fail-on severity by name):
    prints the report, raises `Exit` with the exit code when it is not 0."""
    from crashlint.cache.blob import default_jobs
    from crashlint.config import load_config
    from crashlint.discover import UsageError, scan_root
    from crashlint.report import FORMATTERS, ReportInput
    from crashlint.report.common import ReportOptions, plural
    from crashlint.report.text import summary_line
    from crashlint.rulepack import RulePackError
    from crashlint.scan import at_or_above, rule_pack
    from crashlint.scan import scan as run_scan

    quiet = quiet or silent
    name = output_format
    targets = [str(p) for p in paths or [Path(".")]]
    try:
        if "-" in targets and (len(targets) > 1 or stdin_filename is None):
            raise UsageError("- (stdin) takes no other path, and --stdin-filename PATH to name the file")
        if stdin_filename is not None and "-" not in targets:
            raise UsageError("--stdin-filename names the file read from stdin: pass - as the path")
        if "-" in targets and (fix or diff or new_since):
            raise UsageError("- (stdin) cannot be combined with --fix, --diff or --new-since")
        for target in targets:
            if target != "-" and not Path(target).exists():
                raise UsageError(f"path does not exist: {target}")
        if fix and diff:
            raise UsageError("--fix and --diff cannot be combined (--diff writes nothing)")
        if jobs is not None and jobs < 1:
            raise UsageError(f"--jobs must be at least 1, not {jobs}")
        root = scan_root([Path(".") if t == "-" else Path(t) for t in targets])
        folder = None if no_cache else str(cache_dir or Path(root) / ".crashlint_cache")
        # the pack the last scan validated, kept in the cache folder (crashlint.cache.rules)
        keys = {key for rule in rule_pack(folder) for key in (rule.id, rule.slug)}
        config_files = [Path(v) for v in config_option or [] if Path(v).is_file()]
        if len(config_files) > 1:
            raise UsageError("--config takes one configuration file (and any number of 'key = value' lines)")
        config = load_config(
            root, keys, path=config_files[0] if config_files else None, isolated=isolated,
            overrides=[v for v in config_option or [] if not Path(v).is_file()],
        )
        threshold = fail_on if fail_on is not None else (config.fail_on or "low")
        stdin = None
        if "-" in targets:
            stdin = (stdin_filename, sys.stdin.buffer.read())
            targets = ["."]

        def run(progress=None):
            return run_scan(
                targets,
                select=_split(select),
                ignore=_split(ignore),
                exclude=_split(exclude),
                include=_split(include),
                respect_gitignore=not no_respect_gitignore,
                config=config,
                baseline=_read_baseline(str(baseline)) if baseline else None,
                report_unused_suppressions=report_unused_suppressions,
                in_project=in_project,
                cache_dir=folder,
                jobs=jobs or default_jobs(),
                progress=progress,
                prefilter=True if prefilter else None,
                new_since=new_since,
                stdin=stdin,
                fixes=(config.fix, unsafe_fixes, bool(fix or diff or name in EDITS_SHOWN))
                if fix or diff or show_fixes or name in FIXES_SHOWN else None,
            )

        with _progress(sys.stderr, quiet) as progress:
            result = run(progress)
        fix_notes: list = list(result.fix_notes)  # the scan plans the fixes (and caches them with its result)
        if diff:
            from crashlint.fix import plan_changes, unified_diff

            changes, notes = plan_changes(result.findings, result.root, unsafe_fixes)
            prefix = os.path.relpath(result.root)
            # paths from the working directory (`git apply` there); from the scan root when it is elsewhere
            patch = unified_diff(changes, "" if prefix.startswith("..") else prefix)
            if output is not None:  # `--diff -o fixes.patch`
                try:
                    output.write_text(patch, encoding="utf-8")
                except OSError as exc:
                    raise UsageError(f"cannot write {output}: {exc.strerror or exc}")
            else:
                sys.stdout.write(patch)
            if not quiet:
                for note in [*fix_notes, *notes]:
                    echo(f"note: {note.path}: {note.message}" if note.path else f"note: {note.message}", err=True)
            applied = [f for change in changes for f in change.fixes]
            remaining = [f for f in result.findings if f not in applied or not _fully_fixed(f)]
            if not quiet:
                echo(f"{_fix_counts(applied, 'Would fix', len(changes))}; "
                           f"{len(remaining)} would remain.", err=True)
            if result.tracebacks:
                raise Exit(2)
            raise Exit(1 if not exit_zero and at_or_above(remaining, threshold) else 0)
        fixed: list = []
        fixed_by_file: dict[str, list] = {}
        unwritable: set[str] = set()
        if fix:
            from crashlint.fix import plan_changes, write_changes
        for _ in range(MAX_FIX_PASSES if fix else 0):
            fixable = [f for f in result.findings if f.location.path not in unwritable]
            changes, notes = plan_changes(fixable, result.root, unsafe_fixes)
            planned = {change.path for change in changes}
            fix_notes += notes + write_changes(changes, result.root)  # keeps only the written ones
            unwritable |= planned - {change.path for change in changes}  # not tried again next pass
            if not changes:
                break  # nothing left to fix, or nothing could be written: another pass would repeat it
            for change in changes:
                fixed.extend(change.fixes)
                fixed_by_file.setdefault(change.path, []).extend(change.fixes)
            result = run()  # the fixed files, analysed again: what remains is what the report shows
            fix_notes += result.fix_notes
        if fix:
            from crashlint.findings import Note

            for path in sorted({f.location.path for f in result.findings if f.location.path.startswith(("/", "../"))}):
                fix_notes.append(Note(path, "not fixed: the file is outside the scan root (reached through a link)", level="note"))
        result.notes.extend(fix_notes)
        if not verbose:  # files parsed in part because of a grammar gap (valid code): only on request
            result.notes = [note for note in result.notes if not note.verbose]
    except UsageError as exc:
        raise fail(str(exc))
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")
    data = ReportInput(
        findings=result.findings,
        notes=[] if quiet and name == "text" else result.notes,  # -q: no chatter; a document keeps its notes
        rules=result.rules,
        files_scanned=result.files_scanned,
        sources=result.sources,
        version=__version__,
        suppressed=result.suppressed,
        root=result.root,
        options=ReportOptions(sarif_category=sarif_category, security_severity=security_severity,
                              help_uri_base=help_uri_base, show_fixes=show_fixes, quiet=quiet,
                              output_dir=str(output.resolve().parent) if output is not None else ""),
        baselined=result.baselined,
        new_since=result.new_since,
        known=result.known,
    )
    if write_baseline is not None:
        try:
            from crashlint.filters import baseline_text

            write_baseline.write_text(baseline_text(result.findings), encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        if not quiet:
            echo(f"Baseline of {plural(len(result.findings), 'finding')} written to {write_baseline}.", err=True)
    summary = summary_line(result.findings, result.files_scanned, baselined=result.baselined,
                           new_since=result.new_since, known=result.known)
    if statistics:
        text = _statistics(data, name)
    elif silent:
        text = ""
    else:
        text = FORMATTERS[name](data, name == "text" and output is None and _use_color(sys.stdout))
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror or exc}")
        if not quiet:
            for note in result.notes:
                echo(f"note: {data.path(note.path)}: {note.message}" if note.path else f"note: {note.message}", err=True)
            echo(f"{summary} Report written to {output}.")
    else:
        sys.stdout.write(text)
        if not quiet and (name != "text" or statistics):
            for note in result.notes:
                echo(f"note: {data.path(note.path)}: {note.message}" if note.path else f"note: {note.message}", err=True)
    if not quiet and prefilter and result.files_skipped:
        echo(f"{plural(result.files_skipped, 'file')} skipped by the prefilter.", err=True)
    if fix and not quiet:
        echo(f"{_fix_counts(fixed, 'Fixed', len(fixed_by_file))}; {len(result.findings)} remaining.",
                   err=True)
        if show_fixes and fixed:
            echo(_fixed_list(data, fixed_by_file), err=True, nl=False)
    if result.tracebacks:
        # a rule or a file crashlint could not analyse: the gate must not pass silently
        if verbose:
            for text in result.tracebacks:
                echo(text, err=True)
        echo(
            f"crashlint: error: {len(result.tracebacks)} internal error(s); the other findings are reported"
            + ("" if verbose else " (--verbose shows the tracebacks)"),
            err=True,
        )
        raise Exit(2)
    if not exit_zero and write_baseline is None and at_or_above(result.findings, threshold):
        raise Exit(1)


def _statistics(data: ReportInput, name: str) -> str:
    """`--statistics`: findings per rule, most first (as ruff's): count, id, [*] when fixable, slug."""
    from collections import Counter

    counts = Counter(f.rule_id for f in data.findings)
    fixable = {f.rule_id for f in data.findings if f.fix is not None and f.fix.safe}
    slugs = {r.id: r.slug for r in data.rules}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if name in ("json", "json-report"):
        import json

        entries = [{"code": rule, "name": slugs.get(rule, ""), "count": count, "fixable": rule in fixable} for rule, count in rows]
        return json.dumps(entries, indent=2) + "\n"
    width = max((len(str(count)) for _, count in rows), default=1)
    lines = [f"{count:>{width}}\t{rule}\t{'[*]' if rule in fixable else '   '} {slugs.get(rule, '')}" for rule, count in rows]
    return "\n".join(lines) + ("\n" if lines else "")


def _fixed_list(data: ReportInput, fixed_by_file: dict[str, list]) -> str:
    """`--fix --show-fixes`: what was fixed, file by file (as ruff's)."""
    from collections import Counter

    lines = ["Fixed:"]
    for path in sorted(fixed_by_file):
        lines.append(f"  {data.path(path)}:")
        for (rule, slug), count in sorted(Counter((f.rule_id, f.slug) for f in fixed_by_file[path]).items()):
            lines.append(f"    {count} × {rule} ({slug})")
    return "\n".join(lines) + "\n"


def _read_baseline(path: str):
    from crashlint.filters import read_baseline

    return read_baseline(path)


# The options of `crashlint scan` as typer declares them (crashlint.commands.scan): the parameter,
# its option strings, and what it takes: "flag" (a switch), "str", "list" (repeatable), "path",
# "int", or the names it accepts. tests/test_cli.py compares this table with typer's parameters.
FORMATS = ("text", "markdown", "json", "json-report", "sarif", "github", "gitlab")  # crashlint.report.FORMATTERS
SEVERITY_NAMES = ("critical", "high", "medium", "low")  # crashlint.findings.SEVERITIES
OPTIONS: dict[str, tuple[tuple[str, ...], str | tuple[str, ...]]] = {
    "output_format": (("--output-format", "--format", "-f"), FORMATS),
    "output": (("--output-file", "--output", "-o"), "path"),
    "quiet": (("--quiet", "-q"), "flag"),
    "silent": (("--silent", "-s"), "flag"),
    "verbose": (("--verbose", "-v"), "flag"),
    "statistics": (("--statistics",), "flag"),
    "show_fixes": (("--show-fixes",), "flag"),
    "stdin_filename": (("--stdin-filename",), "str"),
    "sarif_category": (("--sarif-category",), "str"),
    "security_severity": (("--security-severity",), "flag"),
    "help_uri_base": (("--help-uri-base",), "str"),
    "select": (("--select",), "list"),
    "ignore": (("--ignore",), "list"),
    "config_option": (("--config",), "list"),
    "isolated": (("--isolated",), "flag"),
    "exclude": (("--exclude",), "list"),
    "include": (("--include",), "list"),
    "no_respect_gitignore": (("--no-respect-gitignore",), "flag"),
    "in_project": (("--in-project",), "flag"),
    "fail_on": (("--fail-on",), SEVERITY_NAMES),
    "exit_zero": (("--exit-zero", "-e"), "flag"),
    "new_since": (("--new-since",), "str"),
    "baseline": (("--baseline",), "path"),
    "write_baseline": (("--write-baseline",), "path"),
    "report_unused_suppressions": (("--report-unused-suppressions",), "flag"),
    "fix": (("--fix",), "flag"),
    "unsafe_fixes": (("--unsafe-fixes",), "flag"),
    "diff": (("--diff",), "flag"),
    "no_cache": (("--no-cache", "-n"), "flag"),
    "cache_dir": (("--cache-dir",), "path"),
    "jobs": (("--jobs", "-j"), "int"),
    "prefilter": (("--prefilter",), "flag"),
}
ENVVARS = {"output_format": "CRASHLINT_OUTPUT_FORMAT"}
_BY_OPTION = {option: (name, kind) for name, (options, kind) in OPTIONS.items() for option in options}


class _Unread(Exception):
    """A command line this parser leaves to typer."""


def _path(value: str) -> Path:
    # typer's path type: a path that exists must be readable (its error message is typer's)
    if os.path.exists(value) and not os.access(value, os.R_OK):
        raise _Unread
    return Path(value)


def _value(kind: str | tuple[str, ...], value: str) -> object:
    if isinstance(kind, tuple):  # a choice, case-sensitive as typer's enums
        if value not in kind:
            raise _Unread
        return value
    if kind == "path":
        return _path(value)
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise _Unread from None
    return value


def parse(args: list[str]) -> dict | None:
    """The keyword arguments of `run` for the arguments after `scan`, or None when typer must read
    them: an option this table does not hold (`--help`), a short option with its value or flags
    joined (`-fjson`, `-qv`), `--`, an option's value that starts with `-` or is missing, a name
    or number typer would reject, a path typer would find unreadable."""
    values: dict[str, object] = {}
    paths: list[Path] = []
    try:
        position = 0
        while position < len(args):
            arg = args[position]
            position += 1
            if arg == "-" or not arg.startswith("-"):
                paths.append(_path(arg))
                continue
            option, equals, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            if option not in _BY_OPTION:
                return None
            name, kind = _BY_OPTION[option]
            if kind == "flag":
                if equals:
                    return None
                values[name] = True
                continue
            if equals:
                value = inline
            else:
                if position >= len(args) or args[position].startswith("-"):
                    return None
                value = args[position]
                position += 1
            if kind == "list":
                values.setdefault(name, []).append(value)  # type: ignore[union-attr]
            else:
                values[name] = _value(kind, value)  # the last one given, as typer takes it
        for name, variable in ENVVARS.items():
            if name not in values and os.environ.get(variable):
                values[name] = _value(OPTIONS[name][1], os.environ[variable])
    except _Unread:
        return None
    return {"paths": paths or None, **values}
