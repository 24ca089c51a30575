"""The command line: `crashlint scan`, `crashlint rules`, `crashlint explain`, `crashlint clean`, `--version`.

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
import typer.core

from crashlint import __version__
from crashlint.discover import UsageError
from crashlint.findings import SEVERITIES
from crashlint.report import FORMATTERS, ReportInput
from crashlint.report.common import ReportOptions, plural
from crashlint.report.text import summary_line
from crashlint.rulepack import RulePackError


class GroupedCommand(typer.core.TyperCommand):
    """Plain help (no boxes: usage errors stay one line) with options grouped under headings, as
    ruff's `--help` has them, and an epilog of examples printed as written."""

    @staticmethod
    def _argument_label(param) -> str:
        # one spelling in the usage line and the Arguments section, whatever typer's version does with
        # a metavar (0.29 appends "..." to a variadic one, 0.28 does not)
        name = param.metavar or param.name.upper()
        if param.nargs == -1:
            return f"[{name}]..."
        return name if param.required else f"[{name}]"

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            pieces += [self._argument_label(param)] if param.param_type_name == "argument" else param.get_usage_pieces(ctx)
        return pieces

    def format_options(self, ctx, formatter) -> None:  # click's Context and HelpFormatter (typer vendors click)
        # an argument's record is its metavar and help (typer would add a type such as <list[Path]>)
        arguments = [(self._argument_label(p), p.help or "") for p in self.get_params(ctx) if p.param_type_name == "argument"]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        groups: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or param.param_type_name == "argument":
                continue
            groups.setdefault(getattr(param, "rich_help_panel", None) or "Options", []).append(record)
        for heading, records in groups.items():
            with formatter.section(heading):
                formatter.write_dl(records)

    def format_epilog(self, ctx, formatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            for line in self.epilog.strip("\n").split("\n"):
                formatter.write(line + "\n")


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
RulesFormat = Enum("RulesFormat", {"text": "text", "json": "json"}, type=str)  # type: ignore[misc]
FORMAT_NAMES = ", ".join(FORMATTERS)
SEVERITY_NAMES = ", ".join(SEVERITIES)

OUTPUT, RULES, FILES, GATE, FIXES, CACHE = (
    "Output", "Rule selection", "File selection", "Gating and baselines", "Fixes", "Cache and speed",
)


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
FIXES_SHOWN = ("text", "json", "json-report", "sarif", "markdown")  # the formats that show fixes: only they pay for computing them


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
    return f"{verb} {plural(whole, 'finding')}{more} in {plural(files, 'file')}"


SCAN_EXAMPLES = """
Examples:
  crashlint scan                               scan the working directory
  crashlint scan src/ --format markdown -o CRASH_REPORT.md
  crashlint scan . --format sarif -o crashlint.sarif --fail-on high
  crashlint scan --new-since origin/main       what a branch adds (the whole project is analysed)
  crashlint scan --statistics                  counts per rule
  cat app.ts | crashlint scan - --stdin-filename src/app.ts
"""


@app.command(cls=GroupedCommand, epilog=SCAN_EXAMPLES)
def scan(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", show_default=False,
        help="Files or folders to scan (default: .); - reads one file from stdin (with --stdin-filename).")] = None,
    output_format: Annotated[Format, typer.Option("--output-format", "--format", "-f", metavar="FORMAT", show_default=False,
        envvar="CRASHLINT_OUTPUT_FORMAT", rich_help_panel=OUTPUT,
        help=f"Output format: {FORMAT_NAMES} (default: text).")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output-file", "--output", "-o", metavar="FILE", rich_help_panel=OUTPUT,
        help="Write the report to FILE; a summary line still goes to the terminal.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", rich_help_panel=OUTPUT,
        help="Print the findings and nothing else: no summary, no notes.")] = False,
    silent: Annotated[bool, typer.Option("--silent", "-s", rich_help_panel=OUTPUT,
        help="Print nothing; the exit code still says whether there are findings.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", rich_help_panel=OUTPUT,
        help="Show tracebacks of internal errors, files parsed only in part, and each file skipped as generated or vendored.")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", rich_help_panel=OUTPUT,
        help="Show the number of findings per rule instead of the findings.")] = False,
    show_fixes: Annotated[bool, typer.Option("--show-fixes", rich_help_panel=OUTPUT,
        help="Show each finding's automatic fix; with --fix, list what was fixed.")] = False,
    stdin_filename: Annotated[Optional[str], typer.Option("--stdin-filename", metavar="PATH", rich_help_panel=OUTPUT,
        help="With - as the path: the file read from stdin is this one (its language, its place in the project).")] = None,
    sarif_category: Annotated[Optional[str], typer.Option("--sarif-category", metavar="ID", rich_help_panel=OUTPUT,
        help="SARIF runAutomationDetails.id: one category per upload in a monorepo.")] = None,
    security_severity: Annotated[bool, typer.Option("--security-severity", rich_help_panel=OUTPUT,
        help="SARIF: rate the rules as security vulnerabilities (security-severity).")] = False,
    help_uri_base: Annotated[Optional[str], typer.Option("--help-uri-base", metavar="URL", rich_help_panel=OUTPUT,
        help="SARIF helpUri of each rule: URL + the rule's file name, or a template with {id}, {slug}, {file}.")] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", metavar="RULES", rich_help_panel=RULES,
        help="Only these rules: ids, slugs or id prefixes, comma-separated.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="RULES", rich_help_panel=RULES,
        help="Skip these rules: ids, slugs or id prefixes.")] = None,
    config_option: Annotated[Optional[list[str]], typer.Option("--config", metavar="FILE|KEY=VALUE", rich_help_panel=RULES,
        help="A configuration file instead of the nearest one, or a 'key = value' TOML line overriding it.")] = None,
    isolated: Annotated[bool, typer.Option("--isolated", rich_help_panel=RULES,
        help="Read no configuration file.")] = False,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", metavar="GLOB", rich_help_panel=FILES,
        help="Skip paths matching these gitignore-style globs.")] = None,
    include: Annotated[Optional[list[str]], typer.Option("--include", metavar="GLOB", rich_help_panel=FILES,
        help="Analyse paths matching these gitignore-style globs even where they look generated or vendored (.yarn/, node_modules/, bundles, minified files).")] = None,
    no_respect_gitignore: Annotated[bool, typer.Option("--no-respect-gitignore", rich_help_panel=FILES,
        help="Also scan files .gitignore excludes.")] = False,
    in_project: Annotated[bool, typer.Option("--in-project", rich_help_panel=FILES,
        help="The paths are files of a larger project: analyse the project around them from the working "
             "directory, report only on them.")] = False,
    fail_on: Annotated[Optional[Severity], typer.Option("--fail-on", metavar="SEVERITY", show_default=False, rich_help_panel=GATE,
        help=f"Exit 1 for findings at or above this severity: {SEVERITY_NAMES} (default: low).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", "-e", rich_help_panel=GATE,
        help="Exit 0 even when there are findings (errors still exit 2).")] = False,
    new_since: Annotated[Optional[str], typer.Option("--new-since", metavar="REF", rich_help_panel=GATE,
        help="Report only the findings a change adds since this git commit, branch or tag; the project is "
             "analysed on both sides, so a change that breaks an unchanged file is reported.")] = None,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", rich_help_panel=GATE,
        help="Report only findings not recorded in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", metavar="FILE", rich_help_panel=GATE,
        help="Record the current findings in this baseline file (exit 0).")] = None,
    report_unused_suppressions: Annotated[bool, typer.Option("--report-unused-suppressions", rich_help_panel=GATE,
        help="Note suppression comments that hide nothing.")] = False,
    fix: Annotated[bool, typer.Option("--fix", rich_help_panel=FIXES,
        help="Apply the safe fixes in place, then report what remains.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", rich_help_panel=FIXES,
        help="With --fix or --diff, also apply fixes that change behaviour beyond the finding.")] = False,
    diff: Annotated[bool, typer.Option("--diff", rich_help_panel=FIXES,
        help="Print the fixes as a unified diff (git apply) and write nothing.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", "-n", rich_help_panel=CACHE,
        help="Read and write no cache.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", metavar="DIR", rich_help_panel=CACHE,
        help="Cache folder (default: .crashlint_cache in the scan root).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", metavar="N", rich_help_panel=CACHE,
        help="Processes for parsing (default: all cores).")] = None,
    prefilter: Annotated[bool, typer.Option("--prefilter", rich_help_panel=CACHE,
        help="Skip parsing files that cannot change a finding (by their bytes and imports).")] = False,
) -> None:
    """Scan files and folders and report crash patterns."""
    from crashlint.scan import at_or_above, rule_pack
    from crashlint.scan import scan as run_scan

    from crashlint.config import load_config
    from crashlint.discover import scan_root
    from crashlint.cache.facts import default_jobs
    from crashlint.filters import baseline_text, read_baseline
    from crashlint.fix import plan_changes, unified_diff, write_changes

    quiet = quiet or silent
    name = output_format.value
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
        keys = {key for rule in rule_pack() for key in (rule.id, rule.slug)}
        root = scan_root([Path(".") if t == "-" else Path(t) for t in targets])
        config_files = [Path(v) for v in config_option or [] if Path(v).is_file()]
        if len(config_files) > 1:
            raise UsageError("--config takes one configuration file (and any number of 'key = value' lines)")
        config = load_config(
            root, keys, path=config_files[0] if config_files else None, isolated=isolated,
            overrides=[v for v in config_option or [] if not Path(v).is_file()],
        )
        threshold = fail_on.value if fail_on is not None else (config.fail_on or "low")
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
                baseline=read_baseline(str(baseline)) if baseline else None,
                report_unused_suppressions=report_unused_suppressions,
                in_project=in_project,
                cache_dir=None if no_cache else str(cache_dir or Path(root) / ".crashlint_cache"),
                jobs=jobs or default_jobs(),
                progress=progress,
                prefilter=True if prefilter else None,
                new_since=new_since,
                stdin=stdin,
                fixes=(config.fix, unsafe_fixes) if fix or diff or show_fixes or name in FIXES_SHOWN else None,
            )

        with _progress(sys.stderr, quiet) as progress:
            result = run(progress)
        fix_notes: list = list(result.fix_notes)  # the scan plans the fixes (and caches them with its result)
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
            if not quiet:
                for note in [*fix_notes, *notes]:
                    typer.echo(f"note: {note.path}: {note.message}" if note.path else f"note: {note.message}", err=True)
            applied = [f for change in changes for f in change.fixes]
            remaining = [f for f in result.findings if f not in applied or not _fully_fixed(f)]
            if not quiet:
                typer.echo(f"{_fix_counts(applied, 'Would fix', len(changes))}; "
                           f"{len(remaining)} would remain.", err=True)
            if result.tracebacks:
                raise typer.Exit(2)
            raise typer.Exit(1 if not exit_zero and at_or_above(remaining, threshold) else 0)
        fixed: list = []
        fixed_by_file: dict[str, list] = {}
        unwritable: set[str] = set()
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
            write_baseline.write_text(baseline_text(result.findings), encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        if not quiet:
            typer.echo(f"Baseline of {plural(len(result.findings), 'finding')} written to {write_baseline}.", err=True)
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
                typer.echo(f"note: {data.path(note.path)}: {note.message}" if note.path else f"note: {note.message}", err=True)
            typer.echo(f"{summary} Report written to {output}.")
    else:
        sys.stdout.write(text)
        if not quiet and (name != "text" or statistics):
            for note in result.notes:
                typer.echo(f"note: {data.path(note.path)}: {note.message}" if note.path else f"note: {note.message}", err=True)
    if not quiet and prefilter and result.files_skipped:
        typer.echo(f"{plural(result.files_skipped, 'file')} skipped by the prefilter.", err=True)
    if fix and not quiet:
        typer.echo(f"{_fix_counts(fixed, 'Fixed', len(fixed_by_file))}; {len(result.findings)} remaining.",
                   err=True)
        if show_fixes and fixed:
            typer.echo(_fixed_list(data, fixed_by_file), err=True, nl=False)
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


@app.command(cls=GroupedCommand)
def clean(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", show_default=False,
        help="Scan roots whose .crashlint_cache to remove (default: .)")] = None,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", metavar="DIR",
        help="Also remove crashlint's cache files from this folder (as given to scan --cache-dir).")] = None,
) -> None:
    """Remove the .crashlint_cache folder of the given scan roots."""
    import shutil

    if cache_dir is not None and cache_dir.is_dir():
        # only crashlint's own files: the folder may be shared (a CI cache)
        for entry in sorted(e for kind in ("facts", "result", "phase", "model", "manifests", "discovery", "stats") for e in cache_dir.glob(f"{kind}-*.bin*")):
            entry.unlink(missing_ok=True)
            typer.echo(f"removed {entry}")
        if paths is None:
            return
    for root in paths or [Path(".")]:
        cache = root / ".crashlint_cache"
        if cache.is_dir():
            shutil.rmtree(cache, ignore_errors=True)
            typer.echo(f"removed {cache}")


@app.command(cls=GroupedCommand)
def rules(
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "--format", "-f", metavar="FORMAT",
        show_default=False, help="text (a table) or json (every rule with its texts, for tools).")] = RulesFormat.text,
) -> None:
    """List the rule pack: id, slug, severity, languages, title."""
    from crashlint.scan import rule_pack

    try:
        pack = rule_pack()
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")
    if output_format.value == "json":
        import json

        from crashlint.report.sarif import help_uri

        entries = [
            {"id": r.id, "slug": r.slug, "severity": r.severity, "title": r.title, "languages": list(r.languages),
             "tags": list(r.tags), "fixable": bool(r.data.get("autofix")), "summary": r.summary, "impact": r.impact,
             "help_uri": help_uri(r, None, __version__), "docs": r.docs_markdown()}
            for r in pack
        ]
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    width = max(len(r.slug) for r in pack)
    for rule in pack:
        typer.echo(f"{rule.id}  {rule.slug:<{width}}  {rule.severity:<8}  {','.join(rule.languages):<32}  {rule.title}")


PROCESS_EXAMPLES = """Examples:

  crashlint processes                      every process, its entry files and the evidence
  crashlint processes --files              and the files each loads
  crashlint processes --why src/db.ts      whether a file is analysed, and why
  crashlint processes --format json        the same as JSON
"""


@app.command(cls=GroupedCommand, epilog=PROCESS_EXAMPLES)
def processes(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", show_default=False,
        help="The project's folder (default: the current directory).")] = None,
    files: Annotated[bool, typer.Option("--files", help="List the files each process loads.")] = False,
    why: Annotated[Optional[list[str]], typer.Option("--why", metavar="FILE",
        help="Say whether FILE is analysed (a server or worker loads it) and why; repeatable.")] = None,
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "--format", "-f", metavar="FORMAT",
        show_default=False, help="text or json.")] = RulesFormat.text,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", metavar="GLOB", help="Skip paths matching these gitignore-style globs.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", "-n", help="Parse every file again.")] = False,
) -> None:
    """List the processes the project starts (servers, workers, CLIs, tests, browser code), the
    evidence for each, and which files each loads: rules report only code a server or worker loads."""
    import json

    from crashlint.cache.facts import default_jobs
    from crashlint.config import load_config
    from crashlint.discover import scan_root
    from crashlint.scan import process_model, rule_pack

    targets = [str(p) for p in paths or [Path(".")]]
    try:
        for target in targets:
            if not Path(target).exists():
                raise UsageError(f"path does not exist: {target}")
        root = scan_root([Path(t) for t in targets])
        config = load_config(root, {key for rule in rule_pack() for key in (rule.id, rule.slug)})
        project, model, found = process_model(
            targets, config=config, exclude=_split(exclude), jobs=default_jobs(),
            cache_dir=None if no_cache else str(Path(root) / ".crashlint_cache"),
        )
    except UsageError as exc:
        raise fail(str(exc))
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")

    def display(rel: str) -> str:
        absolute = Path(found.root, rel)
        try:
            return absolute.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return absolute.as_posix()

    wanted = []
    for name in why or []:
        resolved = Path(name).resolve()
        try:
            wanted.append(resolved.relative_to(Path(found.root).resolve()).as_posix())
        except ValueError:
            raise fail(f"--why {name}: not under the scanned folder {found.root}")
    if output_format.value == "json":
        document = {
            "processes": [
                {"name": p.name, "kind": p.kind, "long_lived": p.long_lived, "package": p.package,
                 "entries": [display(e) for e in p.entries], "evidence": p.evidence, "fallback": p.fallback,
                 "files": len(p.files), **({"loaded": sorted(display(f) for f in p.files)} if files else {})}
                for p in model.processes
            ],
            "files": {display(f): {"role": model.roles.get(f, "unreached"), "why": model.reasons.get(f, "")} for f in (wanted or [])},
        }
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for path in wanted:
        role = model.roles.get(path)
        if role is None:
            typer.echo(f"{display(path)}: not a scanned source file")
            continue
        verdict = "analysed" if role == "server" else "not analysed"
        typer.echo(f"{display(path)}: {verdict} ({role}): {model.reasons.get(path, '')}")
    if wanted:
        return
    for process in model.processes:
        loads = f" ({len(process.files)} files)" if process.files else ""
        typer.echo(f"{process.kind:<8} {process.name}{loads}{'  [judged by path]' if process.fallback else ''}")
        typer.echo(f"         entry: {', '.join(display(e) for e in process.entries[:5])}{' …' if len(process.entries) > 5 else ''}")
        for line in process.evidence[:5]:
            typer.echo(f"         evidence: {line}")
        if files:
            for path in sorted(process.files):
                typer.echo(f"           {display(path)}")
    analysed = sum(1 for role in model.roles.values() if role == "server")
    typer.echo(f"{analysed} of {len(model.roles)} files are loaded by a server or worker and analysed.")


@app.command(cls=GroupedCommand)
def server(
    no_cache: Annotated[bool, typer.Option("--no-cache", "-n", help="Parse every file of the workspace again, and write no cache.")] = False,
) -> None:
    """Run the language server (LSP over stdin/stdout) that editors start: findings as diagnostics
    while the code is written, fixes and suppressions as quick fixes, the rule's text on hover."""
    from crashlint.lsp.server import serve

    serve(cache=not no_cache)


@app.command(cls=GroupedCommand)
def explain(rule: Annotated[str, typer.Argument(metavar="RULE", help="A rule id (CL001) or slug.")]) -> None:
    """Show a rule's documentation."""
    from crashlint.scan import find_rule

    try:
        found = find_rule(rule)
    except RulePackError as exc:
        raise fail(f"broken rule pack: {exc}")
    if found is None:
        raise fail(f"unknown rule: {rule} (see `crashlint rules`)")
    typer.echo(found.docs_markdown(), nl=False)


class Terminated(BaseException):
    """SIGTERM (what `timeout`, CI runners and editors send): unwinds the scan like an interrupt, so
    its worker processes are stopped and no cache file is left half-written."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def main() -> None:
    """Console entry point: any unexpected error is one line and exit code 2, never a traceback."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        app(prog_name="crashlint")  # standalone: usage errors exit 2, typer.Exit carries our codes
    except Terminated:
        typer.echo("crashlint: terminated", err=True)
        sys.exit(128 + signal.SIGTERM)  # 143, as a process the signal killed
    except KeyboardInterrupt:
        typer.echo("crashlint: interrupted", err=True)
        sys.exit(128 + signal.SIGINT)  # 130
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, exit 2
        if os.environ.get("CRASHLINT_DEBUG"):
            raise
        typer.echo(f"crashlint: internal error: {type(exc).__name__}: {exc} (set CRASHLINT_DEBUG=1 for details)", err=True)
        sys.exit(2)
