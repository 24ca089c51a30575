"""The pipeline (SPEC §9): discover → parse once → facts → project model → rules → filter.

With `-j N` the parse workers take the files largest first, in chunks of a shrinking share of the
work left (`crashlint.cache.facts._chunks`), so they finish together and the parent decodes each
chunk as it comes (issue 13: a last chunk of a sixteenth of the files kept one core busy alone).
The project model and the rules run in this process alone: run in two processes (groups of whole
rule kinds, one in a forked child sharing the model copy-on-write) each made the project-wide memos
again, +0.75-2 s of CPU, and measured side by side on 2 busy cores it was no faster (README, Speed)."""

from __future__ import annotations

import gc
import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from crashlint.config import Config
from crashlint.discover import Discovery, SourceFile, UsageError, discover, discover_tree
from crashlint.cache import folder as cache_folder
from crashlint.cache import results as result_cache
from crashlint.cache.discovery import cached_discover
from crashlint.findings import SEVERITY_RANK, Finding, Note
from crashlint.result import ScanResult
from crashlint.rulepack import Rule, RulePackError, load_rules
from crashlint.sourcetree import DiskTree, GitError, GitTree, OverlayTree, SourceTree

# A re-scan answered by the result cache (`analyse`: nothing changed) needs none of the pipeline
# below the cache: the facts' model and codec, the parser, the project and process models, the
# engine, the filters and the fix planner are imported where a scan first runs them (issue 13:
# a warm scan of a small project was mostly these imports)
if TYPE_CHECKING:
    from crashlint.cache import phase as phase_cache
    from crashlint.cache.facts import PackContents
    from crashlint.engine.run import RuleRun
    from crashlint.facts.model import FileFacts
    from crashlint.parse import Parsed
    from crashlint.processes import Declared, ProcessModel
    from crashlint.project import Project
    from crashlint.source import SourceCache


_PACK: list[tuple[Rule, ...]] = []  # the validated pack, once per process


def rule_pack(cache_dir: str | None = None) -> tuple[Rule, ...]:
    """The rule pack with each rule's kind data and `[[autofix]]` entries validated: this is the
    layer that knows rules, kinds and fixes, so the check lives here (a malformed entry is a broken
    pack, found when the pack loads, before any file is read). `cache_dir`: the pack is read from
    there as the last scan validated it, or kept there once validated (crashlint.cache.rules)."""
    if not _PACK:
        rules = None
        if cache_dir is not None:
            from crashlint.cache import rules as rules_cache

            rules = rules_cache.load(cache_dir)
        if rules is None:
            rules = _validated_pack()
            if cache_dir is not None:
                rules_cache.save(cache_dir, rules)
        _PACK.append(rules)
    return _PACK[0]


def _validated_pack() -> tuple[Rule, ...]:
    from crashlint.engine import KINDS
    from crashlint.fix.spec import autofixes

    rules = load_rules()
    for rule in rules:
        if rule.kind not in KINDS:
            raise RulePackError(f"{rule.source}: unknown kind '{rule.kind}'")
        KINDS[rule.kind].validate(rule)  # the kinds validate their own data
        autofixes(rule)
    return rules


def find_rule(key: str) -> Rule | None:
    key = key.strip()
    for rule in rule_pack():
        if rule.id.lower() == key.lower() or rule.slug == key:
            return rule
    return None


def select_rules(select: list[str] | None, ignore: list[str] | None, cache_dir: str | None = None) -> list[Rule]:
    """Rules by id, slug or id prefix (`CL00`), as ruff's --select/--ignore."""
    rules = list(rule_pack(cache_dir))

    def matches(rule: Rule, key: str) -> bool:
        key = key.strip()
        return rule.slug == key or rule.id.upper().startswith(key.upper()) or key.upper() == "ALL"

    for key in (select or []) + (ignore or []):
        if not any(matches(rule, key) for rule in rules):
            raise UsageError(f"unknown rule: {key} (see `crashlint rules`)")
    if select:
        rules = [r for r in rules if any(matches(r, k) for k in select)]
    if ignore:
        rules = [r for r in rules if not any(matches(r, k) for k in ignore)]
    return rules


def scan(
    paths: list[str],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    exclude: list[str] | None = None,
    include: list[str] | None = None,
    respect_gitignore: bool = True,
    config: Config | None = None,
    baseline: Counter | None = None,
    report_unused_suppressions: bool = False,
    in_project: bool = False,
    cache_dir: str | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    prefilter: bool | None = None,
    new_since: str | None = None,
    stdin: tuple[str, bytes] | None = None,
    fixes: tuple | None = None,
) -> ScanResult:
    """Run the pipeline.

    `fixes`: (the configuration's fix overrides, unsafe[, edits: default True]): plan each finding's
    fix (`finding.fix`, notes in `result.fix_notes`), on the sites the parse recorded; stored with the
    cached result. With edits False the JS/TS fixes are only marked (`_plan_fixes`).

    `in_project`: the paths are files (pre-commit passes the changed ones); analyse the whole project
    around them, from the working directory, and report only on them.
    `new_since`: a git ref; the project is analysed as it is and as it was at that commit (read from
    git's objects), and only the findings the change adds are reported — on any file, since a change
    in one file can break another. Notes are kept for the changed files (or the files given).
    `stdin`: (path, bytes) of one file read from standard input: analysed in place of the file at
    that path, with the project of the working directory around it, and reported alone."""
    config = config or Config()
    # as ruff: the command line's --select replaces the file's selection (its ignores included)
    rules = select_rules(select or config.select or None, (ignore or []) + ([] if select else config.ignore), cache_dir)
    only_paths = None  # findings and notes only on these files
    notes_for = None  # notes only on these files (new-findings mode: findings anywhere)
    tree: SourceTree | None = None
    if stdin is not None:
        root, rel = _stdin_place(stdin[0])
        tree = OverlayTree(DiskTree(root), {rel: stdin[1]})
        only_paths, paths = {rel}, [root]
    elif (in_project or new_since) and paths and all(Path(p).is_file() for p in paths):
        cwd = Path.cwd().resolve()
        given = set()
        for p in paths:
            resolved = Path(p).resolve()
            given.add(resolved.relative_to(cwd).as_posix() if cwd in resolved.parents else resolved.as_posix())
        if in_project:
            only_paths = given
        else:
            notes_for = given
        paths = [str(cwd)]
    exclude = (exclude or []) + config.exclude
    include = (include or []) + config.include
    respect_gitignore = respect_gitignore and config.respect_gitignore
    if cache_dir is not None:
        cache_folder.prepare(cache_dir)  # ignored by git, tagged for backup tools
    # reused while the folders walked are unchanged (src/crashlint/cache/discovery.py)
    found = cached_discover(cache_dir, paths, respect_gitignore=respect_gitignore, exclude=exclude, include=include)
    if stdin is not None:
        _add_stdin_file(found, rel, stdin[0])
    options = dict(rules=rules, config=config, report_unused=report_unused_suppressions, only_paths=only_paths,
                   cache_dir=cache_dir, jobs=jobs, prefilter=prefilter if prefilter is not None else _env_on("CRASHLINT_PREFILTER"))
    result = analyse(found, tree, baseline=baseline, progress=progress, fixes=fixes, **options)
    if only_paths is not None:  # --in-project, stdin: notes on the files given (and internal errors)
        result.notes = [note for note in result.notes if note.path in only_paths or note.level == "error"]
    if new_since is None:
        return result
    try:
        base_tree = GitTree.at(found.root, new_since)
    except GitError as exc:
        raise UsageError(f"--new-since {new_since}: {exc}") from None
    try:
        targets = [_relative(found.root, p) for p in paths]

        def base_files() -> Discovery:
            return discover_tree(base_tree, targets, respect_gitignore=respect_gitignore, exclude=exclude, include=include)

        # the base commit's result is cached under its tree id: its files are listed only on a miss
        base = analyse(base_files, base_tree, baseline=None, progress=None, **{**options, "report_unused": False},
                       root=found.root, discovery_key=(tuple(targets), respect_gitignore, tuple(exclude), tuple(include)))
        changed = base_tree.changed_paths()
    except GitError as exc:
        raise UsageError(f"--new-since {new_since}: {exc}") from None
    finally:
        base_tree.close()
    return new_findings(result, base, new_since, notes_for if notes_for is not None else changed)


def analyse(
    found: Discovery | Callable[[], Discovery],
    tree: SourceTree | None,
    *,
    rules: list[Rule],
    config: Config,
    baseline: Counter | None,
    report_unused: bool,
    only_paths: set[str] | None,
    cache_dir: str | None,
    jobs: int,
    progress: Callable[[int, int], None] | None,
    prefilter: bool,
    root: str = "",
    discovery_key: object = None,
    fixes: tuple | None = None,
) -> ScanResult:
    """Facts → project model → rules → filters over discovered files, read from `tree` (default:
    the disk under the scan root). `found` may be a function that discovers them, with the scan
    `root` and the `discovery_key` its result depends on (an immutable tree's files are listed only
    when its result is not cached)."""
    run_cache = result_cache.open_run(  # src/crashlint/cache/results.py: the key covers every input
        cache_dir, found, rules=rules, config=config, baseline=baseline, report_unused=report_unused,
        only_paths=only_paths, options={"prefilter": prefilter}, tree=tree, root=root, discovery_key=discovery_key,
    )
    tried = False
    if run_cache is not None and callable(found):  # an immutable tree: its cached result needs no listing
        result = ScanResult(root=root, rules=rules)
        if run_cache.restore(result):
            return result
        tried = True
    found = run_cache.found if run_cache is not None else found() if callable(found) else found
    result = ScanResult(root=found.root, rules=rules, notes=list(found.notes))
    if run_cache is not None and not tried and run_cache.restore(result):
        if not _fixes_cover(result.fixes_for, fixes):  # planned with other options, or not at all: plan them again
            _plan_fixes(result, fixes)
            run_cache.store(result)
        return result  # nothing that can change a finding changed since the last run
    from crashlint.cache import phase as phase_cache
    from crashlint.cache.facts import load_facts
    from crashlint.engine.run import configure
    from crashlint.source import TrackedSourceCache

    rules = configure(rules, rule_settings(config, found.root))  # e.g. [tool.crashlint] emitter-factories
    # the last rules phase of this root, kept for the commit path (src/crashlint/cache/phase.py):
    # files read from the disk, every file parsed (the prefilter's stubs have no facts to compare)
    keep_phase = run_cache is not None and run_cache.phase_key is not None and tree is None and not prefilter
    ready: dict[str, tuple[bytes | None, Parsed]] = {}  # files the reuse check parsed: not parsed twice
    pack = None  # the facts pack, when the reuse check read it (unchanged when the check fails)
    if keep_phase:
        assert run_cache is not None and run_cache.phase_key is not None
        record = phase_cache.load(run_cache.cache_dir, found.root, run_cache.phase_key)
        if record is not None:
            pack = phase_cache.open_facts(run_cache.cache_dir, found.root)  # read once for both uses
            if _reuse_phase(result, record, run_cache, found, ready, pack, config=config, baseline=baseline,
                            report_unused=report_unused, only_paths=only_paths, fixes=fixes):
                return result
    to_parse, stubs = found.files, []
    # off by default: with every rule on it skips 0-12% of a real project's files and costs more
    # than it saves (README, Speed); `--prefilter` / CRASHLINT_PREFILTER=1 turn it on
    if prefilter:
        from crashlint.prefilter import prefilter as run_prefilter  # off by default: imported when on

        filtered = run_prefilter(found.files, rules, found.root, tree)  # src/crashlint/prefilter.py
        to_parse, stubs = filtered.keep, filtered.stubs
    result.files_skipped = len(stubs)
    facts = list(stubs)  # empty facts: their paths still resolve
    facts_args = run_cache.facts_args(to_parse) if run_cache else {"root": found.root, "tree": tree}
    parse_notes: dict[str, list[Note]] = {}
    # with the files reported on given (--in-project, stdin), the rules read the values and
    # arguments of few files: those are decoded from the pack as they are read (crashlint.facts.codec.LAZY)
    lazy = only_paths is not None
    for source, parsed in zip(to_parse, load_facts(to_parse, cache_dir, jobs, progress, ready=ready, pack=pack, lazy=lazy, **facts_args)):
        result.notes.extend(parsed.notes)
        if parsed.notes:
            parse_notes[source.rel_path] = list(parsed.notes)
        if parsed.traceback:
            result.tracebacks.append(parsed.traceback)
        if parsed.facts is not None:
            facts.append(parsed.facts)
    result.files_scanned = len(found.files)
    sources = TrackedSourceCache(found.root) if keep_phase else None  # the lines the rules read
    # where each file's imports lead and the start commands' entries, kept under the same key as
    # the rules phase: a code edit works out again only what the model has not seen (crashlint.cache.phase)
    # the files' content digests as parsed (what the phase record and the per-file model answers keep)
    parsed_digests = {source.rel_path: digest for source, digest in zip(to_parse, facts_args["digests"])} if keep_phase else {}
    kept = phase_cache.load_model(run_cache.cache_dir, found.root, run_cache.phase_key, parsed_digests) if keep_phase else None  # type: ignore[union-attr, arg-type]
    # the facts stay out of the collector's sight until the scan is done with them (`rules_phase`,
    # release=False): the fix planner's allocations (libcst's import and parse) would otherwise set
    # off a full collection that walks every fact (0.6 s of a warm scan of localstack)
    try:
        phase = rules_phase(result.root, facts, tree, rules=rules, config=config, focus=only_paths, sources=sources,
                            manifests_read=run_cache.manifests_read if run_cache else None, release=False,
                            kept=kept)
        record = None
        if keep_phase and not phase.run.tracebacks:  # before `finish`, which changes the findings
            assert run_cache is not None and isinstance(sources, TrackedSourceCache)
            record = phase_cache.PhaseRecord(
                run_cache.phase_key, None if only_paths is None else tuple(sorted(only_paths)),  # type: ignore[arg-type]
                dict(parsed_digests),
                {path: _read_lines(sources, path, numbers) for path, numbers in sources.asked.items()},
                parse_notes, [], list(phase.run.notes), stored=phase_cache.stored_form(phase.run.findings))
        finish(result, phase, phase.run.findings, phase.project.files, tree, config=config, baseline=baseline,
               report_unused=report_unused, only_paths=only_paths, fixes=fixes)
        if run_cache is not None and run_cache.store(result) and record is not None:
            phase_cache.save(run_cache.cache_dir, found.root, record)
            answers = phase.project.kept_answers()
            if kept is None or any(len(answers[name]) != len(kept.get(name) or ()) for name in answers):  # new ones: a new import
                phase_cache.save_model(run_cache.cache_dir, found.root, record.key, answers)
            if kept is None or phase.project.own_parts_added:  # a file's answers for its new contents
                phase_cache.save_parts(run_cache.cache_dir, found.root, record.key, phase.project.own_parts(), parsed_digests)
            if kept is None or phase.project.own_passes_added:  # the same, for the rules' per-file passes
                phase_cache.save_passes(run_cache.cache_dir, found.root, record.key, phase.project.own_passes(), parsed_digests)
    finally:
        import crashlint

        if crashlint.HELD_UNTIL_EXIT is not None:  # the console script: freed by the process's end
            crashlint.HELD_UNTIL_EXIT.append((facts, locals().get("phase"), kept, pack))
        else:
            gc.unfreeze()  # frozen since they were decoded (crashlint.cache.facts.no_gc); freed as this returns
    return result


def _read_lines(sources: SourceCache, path: str, numbers: set[int]) -> tuple[tuple[int, ...], bytes]:
    """The lines of `path` the rules read, and a digest of their text (none when they read it whole)."""
    from crashlint.cache import phase as phase_cache
    from crashlint.source import WHOLE_FILE, SourceCache

    if WHOLE_FILE in numbers:
        return (WHOLE_FILE,), b""
    ordered = tuple(sorted(numbers))
    return ordered, phase_cache.lines_digest(SourceCache.lines(sources, path), ordered)


def _reuse_phase(result: ScanResult, record: phase_cache.PhaseRecord, run_cache: result_cache.RunCache,
                 found: Discovery, ready: dict[str, tuple[bytes | None, Parsed]], pack: PackContents | None, *, config: Config, baseline: Counter | None, report_unused: bool,
                 only_paths: set[str] | None, fixes: tuple | None) -> bool:
    """Fill `result` from the rules' findings of the last rules phase (`record`, same key) when no
    file changed since in a way the rules can see (src/crashlint/cache/phase.py); False, with
    `result` untouched, otherwise (the changed files it parsed left in `ready`). O(the changed files
    + the files reported on)."""
    from crashlint.cache import phase as phase_cache
    from crashlint.cache.facts import load_facts, parse_one
    from crashlint.engine.run import RuleRun
    from crashlint.facts.model import same_facts
    from crashlint.project import Project
    from crashlint.source import WHOLE_FILE, SourceCache

    if not record.covers(only_paths) or (report_unused and only_paths is None):
        return False
    digests = run_cache.digests
    changed = [source for source in found.files if digests.get(source.rel_path) != record.digests.get(source.rel_path, b"")]
    if len(changed) > phase_cache.MAX_CHANGED:
        return False
    # what the rules read of each changed file: its facts from the pack, under the recorded digest
    # (read before this scan parses the file again and replaces the entry)
    before = phase_cache.facts_from_pack(pack, {source.rel_path: record.digests.get(source.rel_path) for source in changed})
    if before is None:
        return False
    # each changed file as it is now, parsed here: most code edits end the reuse here, before
    # anything is written or decoded
    now = SourceCache(found.root)
    for source in changed:
        digest, parsed = ready[source.rel_path] = parse_one(source)
        path = source.rel_path
        if digest is None or digest != digests.get(path) or parsed.traceback or parsed.facts is None \
                or not same_facts(before[path], parsed.facts):
            return False
        numbers, lines = record.lines.get(path, ((), b""))
        if numbers and (WHOLE_FILE in numbers or phase_cache.lines_digest(now.lines(path), numbers) != lines):
            return False
    # the facts the filters (suppressions) and fixes read, of the files reported on, and the changed
    # files' entries written to the pack (the record names their new digests)
    wanted = set(only_paths) if only_paths is not None else {f.location.path for f in record.findings}
    changed_paths = {source.rel_path for source in changed}
    needed = [source for source in found.files if source.rel_path in wanted or source.rel_path in changed_paths]
    args = run_cache.facts_args(needed)
    loaded = {source.rel_path: parsed for source, parsed in zip(needed, load_facts(needed, run_cache.cache_dir, 1, ready=ready, pack=pack, **args))}
    parsed_now = {source.rel_path: digest for source, digest in zip(needed, args["digests"])}
    if any(parsed_now[path] != digests.get(path) or loaded[path].facts is None for path in changed_paths):
        return False  # changed again meanwhile
    # the rules would find what they found: reuse it
    notes = dict(record.notes)
    for path in changed_paths:
        notes.pop(path, None)
        if loaded[path].notes:
            notes[path] = list(loaded[path].notes)
    for path in sorted(notes):
        result.notes.extend(notes[path])
    result.files_scanned = len(found.files)
    files = {parsed.facts.path: parsed.facts for parsed in loaded.values() if parsed.facts is not None}
    findings = record.fresh_findings()  # `finish` changes them; the record keeps its own
    phase = RulesPhase(Project(found.root, list(files.values())), RuleRun(findings, list(record.rule_notes)),
                       SourceCache(found.root), {})
    finish(result, phase, findings, files, None, config=config, baseline=baseline, report_unused=report_unused,
           only_paths=only_paths, fixes=fixes)
    if run_cache.store(result):  # the record now describes these contents (the rules read them alike)
        for path in changed_paths:
            record.digests[path] = parsed_now[path]
        record.notes = notes
        phase_cache.save(run_cache.cache_dir, found.root, record)
    return True


def run_rules(*args, **kwargs):
    """`crashlint.engine.run.run_rules` (imported when the rules run: a cached result needs no engine)."""
    from crashlint.engine.run import run_rules as run

    return run(*args, **kwargs)


@dataclass
class RulesPhase:
    """What the pipeline computes from the facts before the filters: the project model, its rules' raw
    findings (not yet filtered, sorted or given edit sites; `finish` copies nothing, the language
    server copies them before reuse) and the source lines the rules read."""

    project: Project
    run: RuleRun
    sources: SourceCache
    manifests: dict


def rules_phase(root: str, facts: list[FileFacts], tree: SourceTree | None, *, rules: list[Rule], config: Config,
                sources: SourceCache | None = None, focus: set[str] | None = None,
                project: Project | None = None, incremental: bool = False, manifests_read: dict | None = None,
                release: bool = True, kept: dict | None = None) -> RulesPhase:
    """Project model → processes → rules over `facts`: the whole project, O(the project's facts).
    `focus`: the only files findings are wanted on (--in-project, stdin); the per-file rules look
    only at them. `project`: a model of exactly these facts and the same manifests, kept from an
    earlier phase and brought up to date (`Project.update`), whose memos the rules reuse;
    `incremental`: a new model is built to be updated so (the language server). `manifests_read`:
    the manifests the result cache's key read (dependencies.read_manifests), not read again.
    `release=False`: the facts, the model and everything else the phase made are left frozen
    (gc.freeze) after it; the caller unfreezes them when it is done with them (`analyse`: after the
    filters and the fix planner). `kept`: the answers of an earlier model of the same files and
    manifests that read nothing else (`Project.kept_answers`), for a new model."""
    # The facts are about a million long-lived objects without cycles: every full collection
    # would walk them all again (a quarter of the model's build and of the rules phase on a large
    # monorepo). Keep them out of the collector's sight while the model is built and the rules run;
    # objects made meanwhile are collected as usual.
    from crashlint.dependencies import read_manifests
    from crashlint.processes import find_processes
    from crashlint.project import Project
    from crashlint.source import SourceCache

    # The model's indexes and the rules' memos are long-lived too: a full collection only every
    # hundred young ones (Python's default is ten) instead of three or four of them, each walking
    # every object the phase made so far (0.15-0.25 s of a warm scan of novu); one at the end,
    # while the facts are still frozen, so that no full collection is due as they are unfrozen
    # (one then would walk them all: 0.37 s).
    # A scan that reports on a few files (--in-project, the commit path) runs the phase with the
    # collector off: its young collections walked the memos it keeps (about 800 of them, 0.04-0.05 s
    # of novu's 1.8 s), and the phase leaves next to no cyclic garbage (189 objects on novu).
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], 100))
    collecting = gc.isenabled()
    if focus is not None:
        gc.disable()
    try:
        if project is None:
            manifests = read_manifests(root, {posixpath.dirname(f.path) for f in facts}, tree, manifests_read)
            project = Project(root, facts, manifests, incremental=incremental, kept=kept)
        manifests = project.manifests
        project.build_members()  # first: what follows reads it whole (Project.build_members)
        gc.freeze()  # the model's indexes live as long as the facts (a full collection walked them in the process model)
        processes = find_processes(project, declared_processes(config, root), tree)
        sources = sources if sources is not None else SourceCache(root, tree)
        run = run_rules(rules, project, sources, processes, focus)
    finally:
        if collecting:
            gc.enable()
        if release:
            gc.collect()
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        else:  # the model and the rules' memos live as long as the facts: out of sight too
            gc.freeze()
            gc.set_threshold(*thresholds)
    return RulesPhase(project, run, sources, manifests)


def finish(
    result: ScanResult,
    phase: RulesPhase,
    findings: list[Finding],
    files: dict[str, FileFacts],
    tree: SourceTree | None,
    *,
    config: Config,
    baseline: Counter | None,
    report_unused: bool,
    only_paths: set[str] | None,
    fixes: tuple | None,
) -> None:
    """The pipeline after the rules: filters → edit sites (from `files`, the facts of the files as
    they are now) → fixes, into `result`. O(findings); `findings` are changed in place."""
    from crashlint.filters import apply_filters
    from crashlint.parse import GENERATED_NOTE

    result.sources = phase.sources
    run = phase.run
    filtered = apply_filters(
        findings, phase.project, config, baseline=baseline, report_unused=report_unused, only_paths=only_paths
    )
    result.findings = sorted(filtered.findings, key=Finding.sort_key)
    if result.findings:  # the fix planner is imported when there is something to fix
        from crashlint.fix import record_edit_sites

        record_edit_sites(result.findings, files, result.rules)  # fixes are planned on the parse the facts came from
    _plan_fixes(result, fixes, tree)
    result.suppressed, result.baselined = filtered.suppressed, filtered.baselined
    result.notes.extend(filtered.notes)
    result.notes.extend(run.notes)
    skipped = sum(1 for note in result.notes if note.message.startswith(GENERATED_NOTE))
    if skipped:  # one line for all of them; each one only with --verbose
        result.notes.append(Note("", f"{skipped} generated or vendored file{'s' if skipped != 1 else ''} not analysed "
                                     f"(--verbose lists {'them' if skipped != 1 else 'it'}; --include analyses {'them' if skipped != 1 else 'it'})", level="note"))
    result.tracebacks.extend(run.tracebacks)
    result.notes.sort()


def _fixes_cover(planned: tuple | None, wanted: tuple | None) -> bool:
    """Whether fixes planned with `planned` serve a scan that asks for `wanted`: the same options, or
    the same with edits where only the marks are wanted (the marks are what the edits' existence says)."""
    if planned == wanted:
        return True
    if planned is None or wanted is None or tuple(planned[:2]) != tuple(wanted[:2]):
        return False
    return (planned[2] if len(planned) > 2 else True) and not (wanted[2] if len(wanted) > 2 else True)


def _plan_fixes(result: ScanResult, fixes: tuple | None, tree: SourceTree | None = None) -> None:
    """Each finding's fix planned with `fixes` (overrides, unsafe[, edits]), or none when None, on the
    files as `tree` holds them (default: the disk). `edits` False (a report that shows only whether
    a finding has a fix, its title and whether it is safe: text, markdown): a TypeScript/JavaScript
    fix is marked, its edits not computed (`attach_fixes`)."""
    for finding in result.findings:
        finding.fix = None

    def read(path: str) -> bytes | None:
        try:
            return tree.read(path)  # type: ignore[union-attr]
        except OSError:
            return None

    result.fix_notes = []
    if fixes is not None and result.findings:  # no finding, no fix and no note: the planner is not imported
        from crashlint.fix import attach_fixes

        result.fix_notes = attach_fixes(result.findings, result.rules, result.root, fixes[0], fixes[1],
                                        read=read if tree is not None else None, edits=fixes[2] if len(fixes) > 2 else True)
    result.fixes_for = fixes


_NUMBER = re.compile(r"\d+")


def new_findings(head: ScanResult, base: ScanResult, ref: str, notes_for: set[str]) -> ScanResult:
    """What `head` adds to `base`. Findings match by fingerprint (rule, file, subject, the subject's
    line: robust to moved lines), one for one as the baseline matches them; a finding that matches
    but has a problem its base twin did not (a listener removed elsewhere) is new too. Problems are
    compared with their numbers blanked (`(line 7)` moves)."""

    def problems(f: Finding) -> frozenset[str]:
        return frozenset(_NUMBER.sub("#", p) for p in f.problems) or frozenset({_NUMBER.sub("#", f.message)})

    def unmatched(findings: list, before: list) -> list:
        known: dict[str, list[frozenset[str]]] = {}
        for f in before:
            known.setdefault(f.fingerprint, []).append(problems(f))
        kept = []
        for item in findings:
            f = item[0] if isinstance(item, tuple) else item
            twins = known.get(f.fingerprint)
            if twins:
                mine = problems(f)
                covering = next((i for i, twin in enumerate(twins) if mine <= twin), None)
                if covering is not None:
                    twins.pop(covering)
                    continue
                twins.pop(0)  # the same subject, now with a problem more: new
            kept.append(item)
        return kept

    new = unmatched(head.findings, base.findings)
    head.known = len(head.findings) - len(new)
    head.findings = new
    head.suppressed = unmatched(head.suppressed, [f for f, _ in base.suppressed])
    head.notes = [n for n in head.notes if n.level == "error" or n.path in notes_for]
    head.tracebacks.extend(base.tracebacks)
    head.new_since = ref
    return head


def _relative(root: str, path: str) -> str:
    """A scan target as a path relative to the scan root ("" for the root itself)."""
    rel = os.path.relpath(Path(path).resolve(), root).replace(os.sep, "/")
    return "" if rel == "." else rel


def _stdin_place(name: str) -> tuple[str, str]:
    """The scan root and the relative path of the file read from stdin: the working directory's
    project when the name lies inside it, else the name's own folder."""
    path = Path(name)
    absolute = path if path.is_absolute() else Path.cwd() / path
    cwd = Path.cwd().resolve()
    folder = absolute.parent.resolve() if absolute.parent.exists() else absolute.parent
    full = folder / absolute.name
    if cwd == full.parent or cwd in full.parents:
        return str(cwd), full.relative_to(cwd).as_posix()
    return str(folder), absolute.name


def _add_stdin_file(found: Discovery, rel: str, name: str) -> None:
    from crashlint.languages import grammar_for

    grammar = grammar_for(posixpath.basename(rel))
    if grammar is None:
        raise UsageError(f"--stdin-filename {name}: not a TypeScript, JavaScript or Python file name")
    # named by the user, like a file on the command line: analysed even if it looks generated
    found.files = [f for f in found.files if f.rel_path != rel]
    found.files.append(SourceFile(os.path.join(found.root, rel), rel, grammar, forced=True))
    found.files.sort(key=lambda f: f.rel_path)


def process_model(
    paths: list[str], *, config: Config | None = None, exclude: list[str] | None = None,
    respect_gitignore: bool = True, cache_dir: str | None = None, jobs: int = 1,
) -> tuple[Project, ProcessModel, Discovery]:
    """The project model and its processes, without the rules (`crashlint processes`)."""
    from crashlint.cache.facts import load_facts
    from crashlint.dependencies import read_manifests
    from crashlint.processes import find_processes
    from crashlint.project import Project

    config = config or Config()
    found = discover(paths, respect_gitignore=respect_gitignore and config.respect_gitignore,
                     exclude=(exclude or []) + config.exclude, include=config.include)
    if cache_dir is not None:
        cache_folder.prepare(cache_dir)
    facts = [parsed.facts for parsed in load_facts(found.files, cache_dir, jobs, root=found.root) if parsed.facts is not None]
    manifests = read_manifests(found.root, {posixpath.dirname(f.path) for f in facts})
    project = Project(found.root, facts, manifests)
    return project, find_processes(project, declared_processes(config, found.root)), found


_JS_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def skipped_importers(found: Discovery, project: Project, path: str) -> list[tuple[str, str]]:
    """The discovered files that were not analysed (binary, generated, unreadable) and name `path`
    by a relative module specifier, each with why it was skipped: a file they alone import is
    unreached because of them (`crashlint processes --why`). Cost: reads each skipped JS/TS file
    once per call; a scan skips few."""
    from crashlint.parse import is_binary
    from crashlint.prefilter import JS_SPEC

    if not path.endswith(_JS_EXTENSIONS):
        return []
    stem = posixpath.splitext(path)[0]
    wanted = {stem, posixpath.dirname(path) if posixpath.basename(stem) == "index" else stem}
    found_by: list[tuple[str, str]] = []
    for source in found.files:
        if source.rel_path in project.files or not source.rel_path.endswith(_JS_EXTENSIONS):
            continue
        try:
            data = Path(source.abs_path).read_bytes()
        except OSError:
            continue
        here = posixpath.dirname(source.rel_path)
        for match in JS_SPEC.finditer(data):
            spec = match.group(1).decode("utf-8", "replace").strip()
            if not spec.startswith(("./", "../")):
                continue
            named = posixpath.normpath(posixpath.join(here, spec))
            if named in wanted or posixpath.splitext(named)[0] in wanted:
                why = "a binary file" if is_binary(data) else "generated, vendored or unreadable"
                found_by.append((source.rel_path, why))
                break
    return found_by


def declared_processes(config: Config, root: str) -> Declared:
    """`[tool.crashlint]` processes, browser and tooling, with their paths (relative to the
    configuration file's folder) made relative to the scan root."""
    from crashlint.processes import Declared

    base = os.path.dirname(config.path) if config.path else root

    def rel(path: str) -> str:
        return Path(os.path.relpath(os.path.join(base, path), root)).as_posix()

    return Declared(
        processes=tuple((name, kind, tuple(rel(e) for e in entries)) for name, (kind, entries) in sorted(config.processes.items())),
        browser=tuple(rel(g) for g in config.browser),
        tooling=tuple(rel(g) for g in config.tooling),
    )


def rule_settings(config: Config, root: str) -> dict:
    """What `[tool.crashlint]` configures in the rules: `emitter-factories`, a project path (one
    starting with ".") made relative to the scan root as "./path"."""
    base = os.path.dirname(config.path) if config.path else root
    factories = []
    for module, names in config.emitter_factories:
        if module.startswith("."):
            module = "./" + Path(os.path.relpath(os.path.join(base, module), root)).as_posix()
        factories.append((module, names))
    return {"emitter-factories": factories}


def _env_on(name: str) -> bool:
    """`1`, `true`, `yes`, `on` (any case) turn a switch on; unset, `0`, `false`, `no`, `off` do not."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def at_or_above(findings: list[Finding], threshold: str) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] <= SEVERITY_RANK[threshold]]
