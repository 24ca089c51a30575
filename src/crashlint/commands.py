"""The typer application: every command, its options and help (`crashlint --help`, `crashlint scan
--help`). `crashlint.cli.main` runs it, except for the command lines `crashlint.scan_command` reads
alone (a plain `crashlint scan …`, `--version`), which it answers without importing typer.

Exit codes (SPEC §6): 0 nothing at or above the fail threshold, 1 findings at or above it,
2 usage, configuration or internal error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core

from crashlint import __version__, scan_command
from crashlint.discover import UsageError
from crashlint.findings import SEVERITIES
from crashlint.report import FORMATTERS
from crashlint.rulepack import RulePackError
from crashlint.scan_command import _split


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
    try:
        scan_command.run(
            paths=paths, output_format=output_format.value, output=output, quiet=quiet, silent=silent,
            verbose=verbose, statistics=statistics, show_fixes=show_fixes, stdin_filename=stdin_filename,
            sarif_category=sarif_category, security_severity=security_severity, help_uri_base=help_uri_base,
            select=select, ignore=ignore, config_option=config_option, isolated=isolated, exclude=exclude,
            include=include, no_respect_gitignore=no_respect_gitignore, in_project=in_project,
            fail_on=fail_on.value if fail_on is not None else None, exit_zero=exit_zero, new_since=new_since,
            baseline=baseline, write_baseline=write_baseline,
            report_unused_suppressions=report_unused_suppressions, fix=fix, unsafe_fixes=unsafe_fixes,
            diff=diff, no_cache=no_cache, cache_dir=cache_dir, jobs=jobs, prefilter=prefilter,
        )
    except scan_command.Exit as exc:
        raise typer.Exit(exc.code)


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
        for entry in sorted(e for kind in ("facts", "result", "phase", "model", "parts", "passes", "manifests", "discovery", "stats", "rulepack") for e in cache_dir.glob(f"{kind}-*.bin*")):
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
    from crashlint.scan import process_model, rule_pack, skipped_importers

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
            "libraries": [{"package": display(package), "manifest": manifest, "says": summary, "files": count}
                          for package, (manifest, summary, count) in sorted(model.client_libraries.items())],
            "files": {display(f): {"role": model.roles.get(f, "unreached"), "why": model.reasons.get(f, ""),
                                   "development_only": model.development_only(f)} for f in (wanted or [])},
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
        for line in model.development_only(path):  # code no production process runs, though the file is loaded
            typer.echo(f"  development only: {line}")
        for line in model.unreached_declarations(path):  # top-level declarations no process names
            typer.echo(f"  not run: {line}")
        for line in model.unnamed_methods(path):  # methods no process calls, though the file is loaded
            typer.echo(f"  not run: {line}")
        if role != "server":
            for importer, why in skipped_importers(found, project, path):
                typer.echo(f"  {display(importer)} imports it and was not analysed ({why}): what it loads is not followed")
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
    for package, (manifest, summary, count) in sorted(model.client_libraries.items()):
        typer.echo(f"{'library':<8} {display(package)} ({count} files)  [a library: no process of the service loads it]")
        typer.echo(f"         evidence: {manifest}: `{summary}`")
    analysed = sum(1 for role in model.roles.values() if role == "server")
    typer.echo(f"{analysed} of {len(model.roles)} files are loaded by a server or worker and analysed.")


@app.command(cls=GroupedCommand)
def server(
    no_cache: Annotated[bool, typer.Option("--no-cache", "-n", help="Parse every file of the workspace again, and write no cache.")] = False,
) -> None:
    """Run the language server (LSP over stdin/stdout) that editors start: findings as diagnostics
    while the code is written, fixes and suppressions as quick fixes, the rule's text on hover."""
    import crashlint
    from crashlint.lsp.server import serve

    crashlint.HELD_UNTIL_EXIT = None  # a long-lived process: what each analysis builds is freed as usual
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
