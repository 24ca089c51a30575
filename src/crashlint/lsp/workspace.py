"""One workspace folder as the language server holds it: the facts of every file, kept in memory,
the editor's unsaved buffers over the disk, and the pipeline of `crashlint scan` run on them.

Costs (n files, k changed since the last analysis):
- `cached()`: a warm `crashlint scan` whose result is cached (discovery, hashing every file, one
  read of the result cache): the first diagnostics, before the facts are loaded.
- `load()`: a warm `crashlint scan`'s discovery and facts (the same facts cache, `.crashlint_cache`).
- `set_buffer` / `drop_buffer` / `disk_changed`: one parse of the one file (O(size of the file)).
- `analyse()`: the project model, the process model and the rules over the facts held — what a warm
  scan does after its facts, without reading or decoding any file but the k changed ones. When
  every changed file's facts equal (`same_facts`) those the rules last ran on, and none of the
  source lines the rules read changed, the rules' findings are reused: O(k × size of a changed
  file + findings) — a keystroke in a comment, in whitespace, or one that leaves the facts as they
  were. Any other edit of analysed files keeps the project model (`Project.update`): the memos that
  did not read a changed file are kept, and so are the per-file answers of the rules and the
  process model (`Project.per_file`), and their passes over every file (`Project.parts`): a pass
  asks again only the files whose answer an edit can have changed, so the rules and the process
  model cost O(what the edit reached + the files with something to report), not a lookup per file
  and question. Anything else that can change a finding (a manifest or configuration, a file
  appearing or going, a buffer of a file that is not analysed) drops the reusable result and the
  model: a full analysis.
  On novu (4,910 files; README, "In your editor"): a comment edit about 0.1 s from didChange to
  diagnostics; an edit that changes code about 0.19 s through the server against 0.51 s before the
  passes were kept (benchmarks/lsp.py --edit code, side by side at load 1.3-2.9).
- `plan_fixes()`: once per analysis, the first time a code action asks (fix planning re-reads the
  files that have findings; a keystroke does not pay for it).
"""

from __future__ import annotations

import copy
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from crashlint.cache import folder as cache_folder
from crashlint.cache import results as result_cache
from crashlint.cache.discovery import cached_discover
from crashlint.cache.facts import load_facts
from crashlint.config import Config, load_config
from crashlint.discover import DEFAULT_EXCLUDED_DIRS, SourceFile, UsageError
from crashlint.engine.run import configure
from crashlint.findings import Finding, Note
from crashlint.languages import grammar_for
from crashlint.parse import Parsed, parse_source
from crashlint.project import Project
from crashlint.result import ScanResult
from crashlint.rulepack import Rule
from crashlint.facts.model import FileFacts, same_facts
from crashlint.scan import RulesPhase, _plan_fixes, finish, rule_pack, rule_settings, rules_phase, select_rules
from crashlint.source import WHOLE_FILE, SourceCache, TrackedSourceCache
from crashlint.sourcetree import DiskTree, OverlayTree

# Files whose change changes the analysis of other files: configuration (rules, excludes, processes)
# and manifests (dependencies decide libraries, start commands decide processes).
CONFIG_NAMES = frozenset({"pyproject.toml", "crashlint.toml", ".crashlint.toml"})
MANIFEST_NAMES = frozenset({"package.json", "tsconfig.json", "jsconfig.json", "requirements.txt", "setup.cfg",
                            "setup.py", "Pipfile", "Procfile", "Dockerfile", ".gitignore", "docker-compose.yml",
                            "docker-compose.yaml", "compose.yml", "compose.yaml"})


@dataclass
class Analysis:
    """What one analysis found: the result of the pipeline, with its findings by file."""

    result: ScanResult
    by_path: dict[str, list[Finding]] = field(default_factory=dict)
    fixes_planned: bool = False


class Workspace:
    def __init__(self, root: str, *, cache: bool = True, jobs: int = 1) -> None:
        self.root = str(Path(root).resolve())
        self.cache_dir = os.path.join(self.root, ".crashlint_cache") if cache else None
        self.jobs = jobs
        self.buffers: dict[str, bytes] = {}  # open documents, by path relative to the root
        self.parsed: dict[str, Parsed] = {}  # every analysed file's facts and notes, by relative path
        self.files: dict[str, SourceFile] = {}  # what discovery found on disk
        self.config = Config()
        self.selected: list[Rule] = []  # the rules the configuration selects
        self.rules: list[Rule] = []  # … with what it configures in them
        self.config_error: str | None = None  # a broken configuration: reported once, defaults used
        self.analysis: Analysis | None = None
        self.loaded = False
        # the last rules phase, reusable while its inputs stay the same (see `analyse`): the facts it
        # ran on by path, and its findings as the rules made them (each analysis filters a copy)
        self.phase: RulesPhase | None = None
        self.phase_files: dict[str, FileFacts] = {}
        self.phase_findings: list[Finding] = []
        # the project model of the last rules phase, brought up to date by the next one when only
        # source files' facts changed (`Project.update`): its memos are what an edit did not touch
        self.project: Project | None = None

    def forget(self) -> None:
        """Something every file's analysis may read changed (configuration, a manifest, the set of
        files): no rules phase or project model is reused."""
        self.phase = None
        self.project = None

    # -- paths -------------------------------------------------------------------------------------

    def relative(self, path: str) -> str | None:
        """`path` (absolute) relative to the root, POSIX; None when it lies outside."""
        rel = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return None if rel == ".." or rel.startswith("../") else rel

    def absolute(self, rel: str) -> str:
        return os.path.normpath(os.path.join(self.root, rel))

    def wanted(self, rel: str) -> bool:
        """Whether a file is analysed: discovery found it, or it is a new file (not on disk yet) of an
        analysed language outside the folders discovery never enters."""
        if rel in self.files:
            return True
        if grammar_for(posixpath.basename(rel)) is None or os.path.exists(self.absolute(rel)):
            return False
        return not any(part in DEFAULT_EXCLUDED_DIRS for part in rel.split("/")[:-1])

    # -- inputs ------------------------------------------------------------------------------------

    def load_config(self) -> None:
        """The configuration and the rules it selects; a broken file keeps the defaults and says why."""
        self.forget()
        keys = {key for rule in rule_pack() for key in (rule.id, rule.slug)}
        try:
            self.config = load_config(Path(self.root), keys)
            self.config_error = None
        except (UsageError, OSError, ValueError) as exc:
            self.config = Config()
            self.config_error = str(exc)
        try:
            self.selected = select_rules(self.config.select or None, self.config.ignore)
        except UsageError as exc:
            self.selected = list(rule_pack())
            self.config_error = str(exc)
        self.rules = configure(self.selected, rule_settings(self.config, self.root))

    def _discover(self):
        """Discovery of the folder under the configuration's gitignore, excludes and includes."""
        config = self.config
        if self.cache_dir is not None:
            cache_folder.prepare(self.cache_dir)
        # reused while the folders walked are unchanged, as a scan reuses it (cache/discovery.py)
        return cached_discover(self.cache_dir, [self.root], respect_gitignore=config.respect_gitignore,
                               exclude=config.exclude, include=config.include)

    def load(self, progress=None) -> None:
        """Configuration, discovery and every file's facts (from the facts cache where unchanged)."""
        self.load_config()
        found = self._discover()
        self.files = {f.rel_path: f for f in found.files}
        sources = list(found.files)
        for rel in self.buffers:  # new files the editor holds that are not on disk yet
            if rel not in self.files and self.wanted(rel):
                sources.append(SourceFile(self.absolute(rel), rel, grammar_for(posixpath.basename(rel)) or ""))
        if self.cache_dir is not None:
            cache_folder.prepare(self.cache_dir)
        parsed = load_facts(sources, self.cache_dir, self.jobs, progress, root=self.root, tree=self.tree())
        self.parsed = {source.rel_path: p for source, p in zip(sources, parsed)}
        self.discovery_notes = list(found.notes)
        self.analysis = None
        self.loaded = True
        self.forget()

    def cached(self) -> Analysis | None:
        """What a warm `crashlint scan` of the folder would report, when the scan's result cache
        holds it for the files as they are on disk (and no open buffer differs from the disk): the
        first diagnostics, published while the facts load. None otherwise."""
        if self.cache_dir is None:
            return None
        self.load_config()
        found = self._discover()
        for rel, data in self.buffers.items():
            try:
                with open(self.absolute(rel), "rb") as handle:
                    if handle.read() != data:
                        return None
            except OSError:
                return None
        run_cache = result_cache.open_run(self.cache_dir, found, rules=self.selected, config=self.config, baseline=None,
                                          report_unused=False, only_paths=None, options={"prefilter": False})
        result = ScanResult(root=found.root, rules=self.selected, notes=list(found.notes))
        if run_cache is None or not run_cache.restore(result):
            return None
        return Analysis(result, _by_path(result.findings))

    def _parse(self, rel: str, data: bytes) -> None:
        grammar = grammar_for(posixpath.basename(rel))
        if grammar is None:
            return
        source = self.files.get(rel)
        self.parsed[rel] = parse_source(rel, grammar, data, forced=source.forced if source else False)

    def set_buffer(self, rel: str, data: bytes) -> bool:
        """The editor's text of a file; True when it is analysed (and so the analysis is stale)."""
        if self.buffers.get(rel) == data and rel in self.parsed:
            return False
        self.buffers[rel] = data
        if not self.loaded or not self.wanted(rel):
            self.forget()  # a manifest, a file next to a test (`x.yaml`): read by the analysis
            return False
        self._parse(rel, data)
        return True

    def drop_buffer(self, rel: str) -> bool:
        """The editor closed a file: the disk's text counts again."""
        if self.buffers.pop(rel, None) is None:
            return False
        return self.disk_changed(rel)

    def disk_changed(self, rel: str) -> bool:
        """A file changed, appeared or went away on disk (watched files). True when the analysis is
        stale. A new or deleted source file needs discovery again (gitignore, excludes)."""
        if not self.loaded or rel in self.buffers:
            return False
        name = posixpath.basename(rel)
        if grammar_for(name) is None:
            self.forget()  # manifests, and whatever else the analysis reads through its tree
        if name in CONFIG_NAMES or name in MANIFEST_NAMES:
            return True  # manifests are read by each analysis; configuration: `reload()`
        if grammar_for(name) is None:
            return False
        path = self.absolute(rel)
        if not os.path.isfile(path):
            self.files.pop(rel, None)
            return self.parsed.pop(rel, None) is not None
        if rel not in self.files:
            self.rediscover()
            if rel not in self.files:
                return False
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return False
        self._parse(rel, data)
        return True

    def rediscover(self) -> None:
        """Discovery again (a file created, the configuration changed): files that appeared are
        parsed, files no longer found forgotten; the facts of the others are kept."""
        self.forget()
        found = self._discover()
        self.files = {f.rel_path: f for f in found.files}
        self.discovery_notes = list(found.notes)
        for rel in list(self.parsed):
            if rel not in self.files and not (rel in self.buffers and self.wanted(rel)):
                del self.parsed[rel]
        new = [f for rel, f in self.files.items() if rel not in self.parsed and rel not in self.buffers]
        for source, parsed in zip(new, load_facts(new, None, 1, root=self.root)):
            self.parsed[source.rel_path] = parsed
        for rel, data in self.buffers.items():
            if rel not in self.parsed and self.wanted(rel):
                self._parse(rel, data)

    def reload(self) -> None:
        """The configuration changed: rules, excludes and processes are read again."""
        self.load_config()
        self.rediscover()

    # -- analysis ----------------------------------------------------------------------------------

    def tree(self):
        return OverlayTree(DiskTree(self.root), self.buffers) if self.buffers else None

    def analyse(self) -> Analysis:
        """The pipeline of `crashlint scan` (crashlint.scan.analyse) on the facts held: the rules
        phase again, or the last one's findings when `reusable` says nothing they depend on changed;
        then the filters on a copy of them (O(findings))."""
        notes: list[Note] = list(self.discovery_notes)
        files: dict[str, FileFacts] = {}
        for parsed in self.parsed.values():
            notes.extend(parsed.notes)
            if parsed.facts is not None:
                files[parsed.facts.path] = parsed.facts
        tree = self.tree()
        phase = self.reusable(files)
        if phase is None:
            project = self.project
            if project is not None and (project.files.keys() != files.keys()
                                        or project.update([f for p, f in files.items() if f is not project.files[p]]) is None):
                project = None
            phase = rules_phase(self.root, list(files.values()), tree, rules=self.rules, config=self.config,
                                sources=TrackedSourceCache(self.root, tree), project=project, incremental=True)
            self.project = phase.project
            self.phase, self.phase_files = phase, dict(files)
            self.phase_findings = copy.deepcopy(phase.run.findings)
        result = ScanResult(root=self.root, rules=self.rules, notes=notes)
        result.files_scanned = len(self.parsed)
        finish(result, phase, copy.deepcopy(self.phase_findings), files, tree, config=self.config, baseline=None,
               report_unused=False, only_paths=None, fixes=None)
        result.sources = SourceCache(self.root, tree)  # the text as it is now, for reports
        self.analysis = Analysis(result, _by_path(result.findings))
        return self.analysis

    def reusable(self, files: dict[str, FileFacts]) -> RulesPhase | None:
        """The last rules phase, when its findings are those a new one would make: the same files,
        each changed one with facts equal to those the rules read (`same_facts`) and the same text
        on every line the rules read of it; None otherwise. O(changed files × their size)."""
        phase = self.phase
        if phase is None or files.keys() != self.phase_files.keys():
            return None
        changed = [path for path, facts in files.items() if facts is not self.phase_files[path]]
        if not changed:
            return phase
        now = SourceCache(self.root, self.tree())
        asked = phase.sources.asked if isinstance(phase.sources, TrackedSourceCache) else None
        for path in changed:
            if asked is None or not same_facts(self.phase_files[path], files[path]):
                return None
            lines = asked.get(path)
            if lines and not _same_lines(phase.sources, now, path, lines):
                return None
        for path in changed:  # equal for the rules: later edits compare with these
            self.phase_files[path] = files[path]
        return phase

    def plan_fixes(self) -> Analysis | None:
        """Every finding's fix (safe and unsafe: the editor offers both, the safe one preferred), on
        the files as the editor holds them; once per analysis."""
        analysis = self.analysis
        if analysis is not None and not analysis.fixes_planned:
            _plan_fixes(analysis.result, (self.config.fix, True), self.tree())
            analysis.fixes_planned = True
        return analysis

    def read(self, rel: str) -> bytes | None:
        """A file as the analysis read it: the editor's buffer, else the disk."""
        if rel in self.buffers:
            return self.buffers[rel]
        try:
            with open(self.absolute(rel), "rb") as handle:
                return handle.read()
        except OSError:
            return None


def _by_path(findings: list[Finding]) -> dict[str, list[Finding]]:
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.location.path, []).append(finding)
    return by_path


def _same_lines(before: SourceCache, after: SourceCache, path: str, lines: set[int]) -> bool:
    """Whether `path` reads the same in both on `lines` (WHOLE_FILE among them: on every line)."""
    if WHOLE_FILE in lines:
        return SourceCache.lines(before, path) == after.lines(path)
    old, new = SourceCache.lines(before, path), after.lines(path)
    return all((old[n - 1] if 0 < n <= len(old) else "") == (new[n - 1] if 0 < n <= len(new) else "") for n in lines)
