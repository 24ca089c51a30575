"""The command line: `crashlint scan`, `crashlint rules`, `crashlint explain`, `--version`.

Exit codes (SPEC §6): 0 nothing at or above the fail threshold, 1 findings at or above it,
2 usage, configuration or internal error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from crashlint import __version__
from crashlint.discover import UsageError
from crashlint.findings import SEVERITIES
from crashlint.report import FORMATTERS, ReportInput
from crashlint.report.text import summary_line
from crashlint.rulepack import RulePackError

app = typer.Typer(
    name="crashlint",
    help="Find the code patterns that hang, leak and crash Node.js and Python servers.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain one-line usage errors, as ruff and ESLint print them
)

Format = Enum("Format", {name: name for name in FORMATTERS}, type=str)  # type: ignore[misc]
Severity = Enum("Severity", {name: name for name in SEVERITIES}, type=str)  # type: ignore[misc]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"crashlint: error: {message}", err=True)
    return typer.Exit(code)


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

    def __init__(self, stream) -> None:
        self.enabled = hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crashlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """crashlint: a static analyzer for server crash patterns."""


MAX_FIX_PASSES = 10  # fixes that overlapped one taken in a pass are applied in the next (as ruff)
FIXES_SHOWN = ("text", "json", "sarif")  # the formats that show fixes: only they pay for computing them


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fully_fixed(finding) -> bool:
    """Its fix resolves every problem (CL001's `close` needs a human: that finding remains)."""
    resolves = set(finding.fix.resolves)
    return not resolves or set(finding.context.get("missing", "").split()) <= resolves


@app.command()
def scan(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders to scan (default: .)")] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        Optional[Severity], typer.Option("--fail-on", help="Exit 1 when a finding is at or above this severity (default: low).")
    ] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")] = False,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these rules (ids, slugs or prefixes, comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these rules (ids, slugs or prefixes).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Skip paths matching these gitignore-style globs.")] = None,
    no_respect_gitignore: Annotated[bool, typer.Option("--no-respect-gitignore", help="Scan files .gitignore excludes.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks of internal errors.")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Report only findings not recorded in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", help="Record the current findings in this baseline file.")] = None,
    report_unused_suppressions: Annotated[bool, typer.Option("--report-unused-suppressions", help="Note suppression comments that hide nothing.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Parse every file again (no .crashlint_cache).")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Where per-file facts are cached (default: .crashlint_cache in the scan root).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Processes for parsing (default: all cores).", min=1)] = None,
    in_project: Annotated[bool, typer.Option("--in-project", help="The paths are files of a larger project (pre-commit): analyse the project around them from the working directory, report only on them.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes in place, then report what remains.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix or --diff, also apply fixes that change behaviour beyond the finding.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the fixes as a unified diff (git apply) and write nothing.")] = False,
    prefilter: Annotated[bool, typer.Option("--prefilter", help="Skip parsing files that cannot change a finding (by their bytes and imports).")] = False,
) -> None:
    """Scan files and folders and report crash patterns."""
    from crashlint.scan import at_or_above, rule_pack
    from crashlint.scan import scan as run_scan

    from crashlint.config import load_config
    from crashlint.discover import scan_root
    from crashlint.cache.facts import default_jobs
    from crashlint.filters import baseline_text, read_baseline
    from crashlint.fix import attach_fixes, plan_changes, unified_diff, write_changes

    targets = [str(p) for p in paths or [Path(".")]]
    try:
        for target in targets:
            if not Path(target).exists():
                raise UsageError(f"path does not exist: {target}")
        keys = {key for rule in rule_pack() for key in (rule.id, rule.slug)}
        root = scan_root([Path(t) for t in targets])
        config = load_config(root, keys)
        threshold = fail_on.value if fail_on is not None else (config.fail_on or "low")
        if fix and diff:
            raise UsageError("--fix and --diff cannot be combined (--diff writes nothing)")

        def run(progress=None):
            return run_scan(
                targets,
                select=_split(select),
                ignore=_split(ignore),
                exclude=_split(exclude),
                respect_gitignore=not no_respect_gitignore,
                config=config,
                baseline=read_baseline(str(baseline)) if baseline else None,
                report_unused_suppressions=report_unused_suppressions,
                in_project=in_project,
                cache_dir=None if no_cache else str(cache_dir or Path(root) / ".crashlint_cache"),
                jobs=jobs or default_jobs(),
                progress=progress,
                prefilter=True if prefilter else None,
            )

        with _progress(sys.stderr) as progress:
            result = run(progress)
        fix_notes: list = []
        if fix or diff or output_format.value in FIXES_SHOWN:
            fix_notes = attach_fixes(result.findings, result.rules, result.root, config.fix, unsafe_fixes)
        if diff:
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
            for note in [*fix_notes, *notes]:
                typer.echo(f"note: {note.path}: {note.message}", err=True)
            applied = [f for change in changes for f in change.fixes]
            remaining = [f for f in result.findings if f not in applied or not _fully_fixed(f)]
            typer.echo(f"Would fix {_count(len(applied), 'finding')} in {_count(len(changes), 'file')}; "
                       f"{len(remaining)} would remain.", err=True)
            if result.tracebacks:
                raise typer.Exit(2)
            raise typer.Exit(1 if not exit_zero and at_or_above(remaining, threshold) else 0)
        fixed, fixed_files, unwritable = 0, set(), set()
        for _ in range(MAX_FIX_PASSES if fix else 0):
            fixable = [f for f in result.findings if f.location.path not in unwritable]
            changes, notes = plan_changes(fixable, result.root, unsafe_fixes)
            planned = {change.path for change in changes}
            fix_notes += notes + write_changes(changes, result.root)  # keeps only the written ones
            unwritable |= planned - {change.path for change in changes}  # not tried again next pass
            if not changes:
                break  # nothing left to fix, or nothing could be written: another pass would repeat it
            fixed += sum(len(change.fixes) for change in changes)
            fixed_files.update(change.path for change in changes)
            result = run()  # the fixed files, analysed again: what remains is what the report shows
            fix_notes += attach_fixes(result.findings, result.rules, result.root, config.fix, unsafe_fixes)
        result.notes.extend(fix_notes)
    except UsageError as exc:
        raise fail(str(exc))
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")
    data = ReportInput(
        findings=result.findings,
        notes=result.notes,
        rules=result.rules,
        files_scanned=result.files_scanned,
        sources=result.sources,
        version=__version__,
        suppressed=result.suppressed,
    )
    if write_baseline is not None:
        try:
            write_baseline.write_text(baseline_text(result.findings), encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        typer.echo(f"Baseline of {len(result.findings)} findings written to {write_baseline}.", err=True)
    name = output_format.value
    if output is not None:
        text = FORMATTERS[name](data, False)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror or exc}")
        for note in result.notes:
            typer.echo(f"note: {note.path}: {note.message}", err=True)
        typer.echo(summary_line(result.findings, result.files_scanned) + f" Report written to {output}.")
    else:
        text = FORMATTERS[name](data, name == "text" and _use_color(sys.stdout))
        sys.stdout.write(text)
        if name != "text":
            for note in result.notes:
                typer.echo(f"note: {note.path}: {note.message}", err=True)
    if prefilter and result.files_skipped:
        typer.echo(f"{_count(result.files_skipped, 'file')} skipped by the prefilter.", err=True)
    if fix:
        typer.echo(f"Fixed {_count(fixed, 'finding')} in {_count(len(fixed_files), 'file')}; "
                   f"{len(result.findings)} remaining.", err=True)
    if result.tracebacks:
        # a rule or a file crashlint could not analyse: the gate must not pass silently
        if verbose:
            for text in result.tracebacks:
                typer.echo(text, err=True)
        typer.echo(
            f"crashlint: error: {len(result.tracebacks)} internal error(s); the other findings are reported"
            + ("" if verbose else " (--verbose shows the tracebacks)"),
            err=True,
        )
        raise typer.Exit(2)
    if not exit_zero and write_baseline is None and at_or_above(result.findings, threshold):
        raise typer.Exit(1)


@app.command()
def clean(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Scan roots whose cache to remove (default: .)")] = None,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Also remove crashlint's cache files from this folder (as given to scan --cache-dir).")] = None,
) -> None:
    """Remove the .crashlint_cache folder of the given scan roots."""
    import shutil

    if cache_dir is not None and cache_dir.is_dir():
        # only crashlint's own files: the folder may be shared (a CI cache)
        for entry in sorted(cache_dir.glob("facts-*.bin")) + sorted(cache_dir.glob("result-*.bin")):
            entry.unlink(missing_ok=True)
            typer.echo(f"removed {entry}")
        if paths is None:
            return
    for root in paths or [Path(".")]:
        cache = root / ".crashlint_cache"
        if cache.is_dir():
            shutil.rmtree(cache, ignore_errors=True)
            typer.echo(f"removed {cache}")


@app.command()
def rules() -> None:
    """List the rule pack: id, slug, severity, languages, title."""
    from crashlint.scan import rule_pack

    try:
        pack = rule_pack()
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")
    width = max(len(r.slug) for r in pack)
    for rule in pack:
        typer.echo(f"{rule.id}  {rule.slug:<{width}}  {rule.severity:<8}  {','.join(rule.languages):<32}  {rule.title}")


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="A rule id (CL001) or slug.")]) -> None:
    """Show a rule's documentation."""
    from crashlint.scan import find_rule

    try:
        found = find_rule(rule)
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")
    if found is None:
        raise fail(f"unknown rule: {rule} (see `crashlint rules`)")
    typer.echo(found.docs_markdown(), nl=False)


def main() -> None:
    """Console entry point: any unexpected error is one line and exit code 2, never a traceback."""
    try:
        app()  # standalone: usage errors exit 2, typer.Exit carries our codes
    except KeyboardInterrupt:
        typer.echo("crashlint: interrupted", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, exit 2
        if os.environ.get("CRASHLINT_DEBUG"):
            raise
        typer.echo(f"crashlint: internal error: {type(exc).__name__}: {exc} (set CRASHLINT_DEBUG=1 for details)", err=True)
        sys.exit(2)
