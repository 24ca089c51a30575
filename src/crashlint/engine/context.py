"""What every rule kind reads: the project model, the uses index, source lines, finding builders."""

from __future__ import annotations

import fnmatch
import hashlib
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import tree_sitter

from crashlint.facts.model import plain_name
from crashlint.facts.model import Arg, Call, FileFacts
from crashlint.findings import Finding, Location, Related
from crashlint.languages import grammar_for, parser
from crashlint.processes import ProcessModel, find_processes, is_test_path, object_keys_of
from crashlint.project import Project, Target
from crashlint.roles import is_django_settings_path
from crashlint.rulepack import Rule
from crashlint.source import SourceCache
from crashlint.templating import render

# EventEmitter methods that return the emitter (Node's events docs: "Returns a reference to the
# EventEmitter, so that calls can be chained")
RETURNS_EMITTER = frozenset({"on", "once", "addListener", "prependListener", "prependOnceListener", "off",
                             "removeListener", "removeAllListeners", "setMaxListeners"})
# methods called on a stream that return another one: `src.pipe(dest)` returns `dest`
# (nodejs.org/api/stream.html#readablepipedestination-options), so what is chained after it is not on `src`
RETURNS_OTHER = frozenset({"pipe"})
# event names libraries export as constants, which a listener is often registered with
# (`server.on(ERROR_EVENT, …)` in a NestJS WebSocket adapter): @nestjs/websockets' constants.ts,
# `export const ERROR_EVENT = 'error'` (github.com/nestjs/nest, packages/websockets/constants.ts)
EVENT_CONSTANTS = {
    "@nestjs/websockets/constants.ERROR_EVENT": "error",
    "@nestjs/websockets/constants.CLOSE_EVENT": "close",
    "@nestjs/websockets/constants.CONNECTION_EVENT": "connection",
    "@nestjs/websockets/constants.DISCONNECT_EVENT": "disconnect",
}
# tree-sitter wrappers that denote the object they wrap: `x as T`, `x satisfies T`, `<T>x`, `x!`, `(x)`
_TRANSPARENT = frozenset({"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression", "type_assertion"})


@dataclass(frozen=True)
class Use:
    """A method called on a subject somewhere in the project (`connection.on("error", …)`)."""

    method: str
    first_arg: str  # the first argument when it is a string literal (an event name), else ""
    path: str
    line: int
    scopes: tuple[int, ...] = (0,)  # where the call is, to tell whether a shutdown path runs it


@dataclass
class Options:
    """The options a call passes: object-literal keys (JS) or keyword arguments (Python)."""

    values: dict[str, Arg] = field(default_factory=dict)
    unknown: bool = False  # a spread, **kwargs or an options object we cannot see into

    def has(self, key: str) -> bool:
        return key in self.values

    def is_none(self, key: str) -> bool:
        value = self.values.get(key)
        return value is not None and value.kind == "none"


class ConstructorIndex:
    """Qualified constructor names → resource, exact names first, then globs."""

    def __init__(self, entries: list[dict]) -> None:
        self.exact: dict[tuple[str, str], dict] = {}
        self.globs: list[tuple[str, str, dict]] = []
        for resource in entries:
            for language in resource["languages"]:
                for name in resource["constructors"]:
                    if "*" in name:
                        self.globs.append((language, name, resource))
                    else:
                        self.exact[(language, name)] = resource
        # `session.client("s3")` where session = boto3.Session(): method → [(language, instances, resource)]
        self.instance_methods: dict[str, list[tuple[str, set[str], dict]]] = {}
        for resource in entries:
            spec = resource.get("instance_methods")
            for method in spec["methods"] if spec else ():
                for language in resource["languages"]:
                    self.instance_methods.setdefault(method, []).append((language, set(spec["instances"]), resource))

    def match(self, language: str, names: Sequence[str]) -> dict | None:
        for name in names:
            if (language, name) in self.exact:
                return self.exact[(language, name)]
        for name in names:
            for glob_language, pattern, resource in self.globs:
                if glob_language == language and fnmatch.fnmatchcase(name, pattern):
                    return resource
        return None


def _function_calls(project: Project, path: str, facts: FileFacts) -> list[tuple[Call, Target, int]]:
    """The calls of one file that may pass a value to a project function or class constructor:
    (call, the function, where its parameters start counting the arguments), in the file's order."""
    found: list[tuple[Call, Target, int]] = []
    for call in facts.calls:
        if not call.callee or not any(a.kind in ("ref", "new", "call") for a in call.args):
            continue
        for fn in project.resolve(path, call.scopes, call.callee):
            offset = 0
            if fn.kind == "class":
                fn, offset = project.constructor_of(fn)
            if fn.kind == "function":
                found.append((call, fn, offset))
    return found


def _holders_of(project: Project, path: str, facts: FileFacts) -> tuple[list, list, list, list]:
    """One file's part of `RuleContext._function_holders`, in its order: (function scope, key) of
    inline functions stored under an object key, (name, scopes, key) of names stored under one,
    (function scope, call) of inline functions passed as an argument, (name, call, argument path)
    of names passed as one. O(the file's literals and arguments)."""
    stored: list[tuple[int, str]] = []
    stored_refs: list[tuple[str, tuple[int, ...], str]] = []
    passed: list[tuple[int, Call]] = []
    passed_refs: list[tuple[str, Call, tuple[str, ...]]] = []

    def walk(scopes: tuple[int, ...], arg: Arg) -> None:
        pending = [arg]
        while pending:
            literal = pending.pop()
            keys = literal.keys  # an array's elements have no keys
            for position, value in enumerate(literal.values):
                kind = value.kind
                if kind == "object" or kind == "array":
                    pending.append(value)
                elif not keys:
                    continue
                elif kind == "function":
                    stored.append((value.scope, keys[position]))
                elif kind == "ref" and len(value.path) == 1:
                    stored_refs.append((value.path[0], scopes, keys[position]))

    def hand(call: Call, arg: Arg) -> None:
        kind = arg.kind
        if kind == "function":
            passed.append((arg.scope, call))
        elif kind == "ref":
            if len(arg.path) == 1:
                passed_refs.append((arg.path[0], call, arg.path))
        elif kind == "object" or kind == "array":
            walk(call.scopes, arg)

    for decl in facts.decls:
        value = decl.value
        if (value.kind == "object" or value.kind == "array") and value.arg is not None:
            walk(project.scope_chain(path, decl.scope), value.arg)
    for call in facts.calls:
        for arg in call.args:
            hand(call, arg)
        for _, arg in call.keywords:
            hand(call, arg)
    return stored, stored_refs, passed, passed_refs


def _holder_keys(path: str, part) -> list[tuple[tuple, object]]:
    """A file's part of `RuleContext._function_holders` as (key, item) pairs."""
    stored, stored_refs, passed, passed_refs = part
    return ([((0, path, scope), key) for scope, key in stored] + [((1, name), (scopes, key)) for name, scopes, key in stored_refs]
            + [((2, path, scope), call) for scope, call in passed] + [((3, name), (call, arg)) for name, call, arg in passed_refs])


class RuleContext:
    def __init__(self, project: Project, sources: SourceCache, methods: frozenset[str], processes: ProcessModel | None = None,
                 focus: frozenset[str] | None = None) -> None:
        self.project = project
        # the files findings are wanted on (--in-project, stdin); None: every file. A rule whose
        # finding sits in the file it looks at may look at these alone (`subject_files`).
        self.focus = focus
        self.processes = processes or find_processes(project)
        # the rules' passes select files by role: a file whose role changed is asked again
        project.refresh("roles", self.processes.roles)
        self.sources = sources
        self.methods = methods  # method names any enabled rule asks about
        self._shutdown: dict[str, object] = {}
        self._shutdown_keys: dict[int, tuple[dict, str]] = {}  # id(spec) → (spec, its key)
        self._shutdown_views: dict[tuple, list] = {}
        self.current_path: str | None = None  # the file being analysed: named if a rule breaks on it
        self.skipped: set[str] = set()  # files a rule broke on, left out when it is run again
        self._callers: dict[tuple[str, int], bool] = {}
        self._project_sets: dict[tuple, bool] = {}
        self._default_sites: dict[tuple, frozenset[str]] = {}
        self._names_of_functions: dict[str, dict[int, set[str]]] = {}
        self._unresolved: list = []
        self._param_uses: dict[Target, list[Use]] = {}
        self._unresolved_by_package: dict[str, list[Use]] | None = None
        self._holders: dict[object, list[tuple[str, object]]] | None = None
        self._returned_to: dict[tuple[str, int], str] = {}
        self._touched_names: dict[str, set[tuple[str, ...]]] = {}
        # Django setting name → (its dict literals, keys added later) or None (`_setting_dicts`)
        self._settings_memo: dict[str, tuple[list[Target], dict[str, Arg]] | None] = {}
        self._subclass_memo: dict[tuple[str, int], list[tuple[str, int]]] | None = None  # `_subclasses`
        self._by_package: dict[str, list[FileFacts]] | None = None
        self._passed: dict[tuple[str, int, int, str], list[Arg] | None] = {}  # `_passed_in`

    # ---- files ----------------------------------------------------------------------------

    def role(self, path: str) -> str:
        """server (a long-lived process loads it) | test | browser | tooling | unreached."""
        return self.processes.roles.get(path, "unreached")

    def files(self):
        """The project's files, in order, remembering which one is being analysed."""
        for path, facts in self.project.files.items():
            if path in self.skipped:
                continue
            self.current_path = path
            yield path, facts
        self.current_path = None

    def parts(self, what: object, compute, select=None, *, keep: bool = True, nonempty=bool,
              focus: bool | str = False) -> dict[str, object]:
        """One pass of a rule over the project's files (`Project.parts`): `compute(path, facts)` of
        every file `select(path, facts)` admits (it may read the file's facts and its role), the
        non-empty answers by path, in file order; kept across edits by the language server's model.
        `focus`: only the `focus` files (see `subject_files`); "package": only the files of their
        packages (`package_subject_files`). While a rule runs again without the files it broke on,
        or on focus files, the pass is made afresh (not kept)."""
        project = self.project

        def asked(path: str, facts: FileFacts) -> object:
            self.current_path = path
            return compute(path, facts)

        if self.skipped or (focus and self.focus is not None):
            found: dict[str, object] = {}
            files = self.files() if not focus else self.package_subject_files() if focus == "package" else self.subject_files()
            for path, facts in files:
                if select is None or select(path, facts):
                    part = project.per_file(path, what, lambda: compute(path, facts), keep=keep)
                    if nonempty(part):
                        found[path] = part
            return found
        try:
            return project.parts(what, asked, select, keep=keep, nonempty=nonempty)
        finally:
            self.current_path = None

    def own_pass(self, what: object, compute, select=None, *, extra: object = None,
                 paths: list[str] | None = None) -> dict[str, object]:
        """A pass of a rule whose answer about each file reads only that file's facts and `extra`
        (`Project.own_pass`: kept across scans with each file's content digest, so a commit scan
        computes it for the edited files alone): the non-empty answers by path, in file order.
        `paths`: the files `select` admits, in file order, when the caller knows them. While a
        rule runs again without the files it broke on, the pass is made afresh."""
        if self.skipped:
            return self.parts(what if extra is None else (what, extra), compute, select, keep=False)

        def asked(path: str, facts: FileFacts) -> object:
            self.current_path = path
            return compute(path, facts)

        try:
            return self.project.own_pass(what, asked, select, extra=extra, paths=paths)
        finally:
            self.current_path = None

    def index(self, what: object, compute, keys, select=None, *, nonempty=bool) -> dict[object, list[tuple[str, object]]]:
        """A project-wide index made of one pass (`Project.index`): each file's (key, item) pairs,
        merged by key as (file, item) lists in file order; kept and patched across edits. While a
        rule runs again without the files it broke on, it is made afresh."""
        if self.skipped:
            merged: dict[object, list[tuple[str, object]]] = {}
            for path, part in self.parts(what, compute, select, keep=False, nonempty=nonempty).items():
                for key, item in keys(path, part):
                    merged.setdefault(key, []).append((path, item))
            return merged

        def asked(path: str, facts: FileFacts) -> object:
            self.current_path = path
            return compute(path, facts)

        try:
            return self.project.index(what, asked, keys, select, nonempty=nonempty)
        finally:
            self.current_path = None

    def package_files(self, package: str) -> list[FileFacts]:
        """The files of a package (those whose nearest manifest is `package`'s), in order: one pass
        over the project for every package, the first time one is asked (`Project.package_paths`)."""
        if self._by_package is None:
            self._by_package = {}
        found = self._by_package.get(package)
        if found is None:
            files = self.project.files
            found = self._by_package[package] = [files[path] for path in self.project.package_paths(package)]
        return found

    def subject_files(self):
        """The files whose constructions a per-file rule reports on: the `focus` files when the
        scan reports only on them (each such rule's finding is located in the file it looks at, and
        the filters drop every other file's findings first), else every file. The project-wide
        indexes (uses, shutdown paths) still see every file."""
        if self.focus is None:
            yield from self.files()
            return
        # the focus files themselves, in file order (the model's files are sorted by path), not a
        # walk over every file per pass (a commit scan of novu: 40 passes over 4,910 files)
        yield from self._files_among(sorted(self.focus))

    def _files_among(self, paths: list[str]):
        """`files()` restricted to `paths` (sorted), in file order, remembering which one is being analysed."""
        files = self.project.files
        for path in paths:
            facts = files.get(path)
            if facts is None or path in self.skipped:
                continue
            self.current_path = path
            yield path, facts
        self.current_path = None

    def package_subject_files(self):
        """The files whose constructions a per-package rule reports on (a grouped rule: one
        finding per package, located at one of its package's constructions): every file of the
        packages (`Project.package_root`) of the `focus` files, else every file. O(the files of
        those packages), after one pass over the files the first time (`Project.package_paths`)."""
        if self.focus is None:
            yield from self.files()
            return
        root = self.project.package_root
        packages = {root(path) for path in self.focus}
        yield from self._files_among(sorted(path for package in packages for path in self.project.package_paths(package)))

    # ---- uses ---------------------------------------------------------------------------

    @cached_property
    def uses(self) -> dict[Target, list[Use]]:
        """Every call of an interesting method, keyed by what its receiver resolves to.

        Built once per scan for all rules. Also counts methods chained on a construction
        (`createClient().on("error", h)`) and, one level deep, uses inside a project function
        applied to the argument a caller passes (`attachHandlers(redis)`).

        Each file's part (its uses by target, and its calls of project functions) is memoized per
        file in the project model (`Project.per_file`): after an edit, the files it does not reach
        cost a lookup each, and the index is their parts merged, O(uses + calls of functions that
        take a use's parameter).
        """
        project = self.project
        index: dict[Target, list[Use]] = {}
        param_uses: dict[Target, list[Use]] = {}
        unresolved: list = []  # (use, its parameters) on what crashlint cannot resolve
        self._unresolved_by_package = None
        what = ("uses", self.methods)
        for path, part in self.parts(what, self._file_uses, keep=False, nonempty=any).items():
            on_calls, on_params, on_unknown = part  # type: ignore[misc]
            for target, use in on_calls:
                index.setdefault(target, []).append(use)
            for target, use in on_params:
                param_uses.setdefault(target, []).append(use)
            unresolved.extend(on_unknown)
        mapped: set[Target] = set()
        if param_uses:
            # the caller's argument: `attachHandlers(redis)`, and a class's constructor
            # (`new ProcessWrapper(child)` whose constructor attaches `child.on("error", …)`, or keeps
            # it as `this.child` for a method to close)
            functions = {(t.path, t.scope) for t in param_uses}
            called_by_file = self.parts("function-calls", lambda path, facts: _function_calls(project, path, facts), keep=False)
            for path, called in called_by_file.items():
                for call, fn, offset in called:  # type: ignore[union-attr]
                    if (fn.path, fn.scope) not in functions:
                        continue
                    for position, arg in enumerate(call.args):
                        uses = param_uses.get(Target("param", path=fn.path, scope=fn.scope, index=position + offset))
                        if not uses:
                            continue
                        if arg.kind == "ref":
                            targets = project.resolve(path, call.scopes, arg.path)
                        elif arg.kind in ("new", "call") and arg.call >= 0:
                            targets = project.call_targets(path, arg.call)
                        else:
                            continue
                        for target in targets:
                            if target.kind == "call":
                                index.setdefault(target, []).extend(uses)
                                mapped.add(Target("param", path=fn.path, scope=fn.scope, index=position + offset))
        # on a parameter no caller was found for (an injected service's client), or on names crashlint
        # cannot resolve: they may be on any client (see returned_to)
        self._unresolved = [use for use, params in unresolved if not any(p in mapped for p in params)]
        self._param_uses = param_uses
        return index

    def param_uses(self, target: Target) -> list[Use]:
        """The uses on a function's parameter (`Target("param", …)`), in its own body and through the
        names it is given to there: what a callback a library calls does with the value it is handed
        (ws's socket given to a 'connection' listener). Built with the uses index."""
        self.uses  # noqa: B018 - built with the uses index
        return self._param_uses.get(target, [])

    def _file_uses(self, path: str, facts: FileFacts) -> tuple[list, list, list]:
        """One file's part of the uses index: (target of a call, use), (parameter, use), and the
        uses on what crashlint cannot resolve with their parameters, in the file's order. The
        file's use sites come from `_use_sites`, kept across scans for the same contents; only
        their receivers are resolved here, so a file with none is never read again."""
        on_calls: list[tuple[Target, Use]] = []
        on_params: list[tuple[Target, Use]] = []
        on_unknown: list[tuple[Use, list[Target]]] = []
        sites = self.project.own_part(self._sites_key, path, lambda: _use_sites(facts, self.methods))
        stored = _stored_constructions(facts) if sites else {}
        for index, receiver, method, first, line, scopes in sites:  # type: ignore[union-attr]
            if not first and index >= 0 and receiver is not None:
                call = facts.calls[index]
                if call.callee and call.callee[-1] == method and call.args and call.args[0].kind == "ref":
                    first = self._string_constant(path, facts, call.scopes, call.args[0].path)
            use = Use(method, first, path, line, scopes)
            if receiver is None:  # a method chained on the call itself
                on_calls.append((Target("call", path=path, index=index), use))
                continue
            # `file.data.stream = fs.createWriteStream(p); file.data.stream.on("error", …)`: a
            # construction stored on a member path of a parameter or a local, and used by that path
            # in the function that stores it (or one nested in it)
            for owner, made in stored.get(receiver, ()):
                if owner in scopes:
                    on_calls.append((Target("call", path=path, index=made), use))
            targets = self.project.resolve(path, scopes, receiver)
            for target in targets:
                if target.kind == "call":
                    on_calls.append((target, use))
                elif target.kind == "param":
                    on_params.append((target, use))
            if targets and all(t.kind in ("unknown", "param") for t in targets):
                on_unknown.append((use, [t for t in targets if t.kind == "param"]))
        return on_calls, on_params, on_unknown

    def _string_constant(self, path: str, facts: FileFacts, scopes: tuple[int, ...], name: tuple[str, ...]) -> str:
        """The string an event-name constant holds (`server.on(ERROR_EVENT, …)`): a library's constant
        crashlint knows (`EVENT_CONSTANTS`), or a name this file declares once as a string literal
        (`const ERROR = "error"`); "" for anything else. Asked only for a listener call whose event
        is a name: one lookup, and one source line read, each."""
        targets = self.project.resolve(path, scopes, name)
        if len(targets) == 1 and targets[0].kind == "external":
            return EVENT_CONSTANTS.get(targets[0].name, "")
        if len(name) != 1:
            return ""
        decls = self.project.lookup(path, scopes, name[0])
        if len(decls) != 1 or decls[0].value.kind != "other" or facts.language == "python":
            return ""
        declared = re.search(rf"(?<![\w$.]){re.escape(name[0])}\s*(?::[^=]*)?=\s*(['\"`])([\w:-]*)\1",
                             self.sources.line(path, decls[0].line))
        return declared.group(2) if declared else ""

    @cached_property
    def _sites_key(self) -> str:
        """`_use_sites`' key among a file's kept answers: they depend on the methods asked about."""
        return "use-sites:" + hashlib.sha256("\0".join(sorted(self.methods)).encode()).hexdigest()[:16]

    def unresolved_uses(self, path: str) -> list[Use]:
        """Uses, in the package of `path`, on something crashlint cannot resolve: a parameter no
        caller was found for (`constructor(@Inject(REDIS) private redis: Redis)`), an unknown value."""
        self.uses  # noqa: B018 - built with the uses index
        if self._unresolved_by_package is None:
            self._unresolved_by_package = {}
            for use in self._unresolved:
                self._unresolved_by_package.setdefault(self.project.package_root(use.path), []).append(use)
        return self._unresolved_by_package.get(self.project.package_root(path), [])

    def shutdown(self, spec: dict):
        """Shutdown paths for a rule's `[shutdown]` vocabulary, computed once per vocabulary."""
        from crashlint.engine.shutdown import shutdown_paths

        # the vocabulary's text once per dict (a rule's spec lives as long as the run), not per call:
        # every finding of a rule with a `close` need asks (issue 13, cost per finding)
        known = self._shutdown_keys.get(id(spec))
        if known is None or known[0] is not spec:
            known = self._shutdown_keys[id(spec)] = (spec, repr(sorted(spec.items())))
        key = known[1]
        if key not in self._shutdown:
            self._shutdown[key] = shutdown_paths(self.project, spec)
        return self._shutdown[key]

    def shutdown_views(self, spec: dict, path: str) -> list:
        """The shutdown paths each long-lived process that loads `path` has: one view per process,
        with only the handlers that process registers (a handler in the API server does not close
        the worker's clients). One view of every handler when no process was recognised for it."""
        paths = self.shutdown(spec)
        processes = [p for p in self.processes.processes_of(path) if not p.fallback]
        if not processes:
            return [paths]
        # one view per process, made once: a view costs O(the process's files), and every
        # finding of a file in a large process asks for it (issue 13, cost per finding)
        views = []
        for process in processes:
            key = (id(paths), id(process))
            view = self._shutdown_views.get(key)
            if view is None:
                view = self._shutdown_views[key] = paths.for_processes(process.files)
            views.append(view)
        return views

    def project_sets(self, assignments: list[str], calls: list[str]) -> bool:
        """Whether the project sets a default once for everyone: an assignment to one of
        `assignments` (`axios.defaults.timeout`) or a call of one of `calls`. Memoized per question:
        one pass over the project's assignments and calls of those names."""
        key = (tuple(assignments), tuple(calls))
        if key not in self._project_sets:
            self._project_sets[key] = self._sets_default(set(assignments), set(calls))
        return self._project_sets[key]

    def _sets_default(self, wanted_assignments: set[str], wanted_calls: set[str]) -> bool:
        project = self.project
        for path, facts in project.files.items() if wanted_assignments else ():
            for assignment in facts.assignments:
                for target in project.resolve(path, assignment.scopes, assignment.target[:1]):
                    if target.kind == "external" and ".".join([target.name, *assignment.target[1:]]) in wanted_assignments:
                        return True
        for last in sorted({name.rsplit(".", 1)[-1] for name in wanted_calls}):
            for path, call in self.calls_named(last):
                if set(project.callee_names(path, call)) & wanted_calls:
                    return True
        return False

    def project_calls_set(self, calls: list[str], option: str) -> bool:
        """Whether a call of one of `calls` anywhere in the project (`AWS.config.update({…})`) passes
        `option` in its options (or options crashlint cannot read: a variable, a spread), memoized
        per question: one pass over the calls of those names."""
        key = (("option", option), tuple(calls))
        if key not in self._project_sets:
            wanted = set(calls)
            found = False
            for last in sorted({name.rsplit(".", 1)[-1] for name in wanted}):
                for path, call in self.calls_named(last):
                    if set(self.project.callee_names(path, call)) & wanted:
                        options = self.options(self.project.files[path], call)
                        if options.unknown or options.has(option):
                            found = True
                            break
                if found:
                    break
            self._project_sets[key] = found
        return self._project_sets[key]

    def sets_default_for(self, path: str, calls: list[str]) -> bool:
        """Whether a call of one of `calls` (`socket.setdefaulttimeout`), a default of the process
        that runs it, is made by every process that loads `path`: a file that calls it is loaded by
        each of them. A file no process loads is judged as before, by any call in the project."""
        key = tuple(calls)
        sites = self._default_sites.get(key)
        if sites is None:
            wanted = set(calls)
            sites = self._default_sites[key] = frozenset(
                other for last in sorted({name.rsplit(".", 1)[-1] for name in wanted})
                for other, call in self.calls_named(last) if set(self.project.callee_names(other, call)) & wanted
            )
        if not sites:
            return False
        processes = self.processes.processes_of(path)
        if not processes:
            return True
        return all(p.files & sites or p.entries and set(p.entries) & sites for p in processes)

    def calls_named(self, name: str) -> list[tuple[str, Call]]:
        """Every call whose callee's last segment is `name`, in file order (Project.calls_named)."""
        return self.project.calls_named(name)

    def has_callers(self, path: str, scope: int) -> bool:
        """Whether any call in the project resolves to the function `scope` of `path`."""
        key = (path, scope)
        if key not in self._callers:
            names = self._function_names(path).get(scope, set())
            self._callers[key] = any(
                t.kind == "function" and t.path == path and t.scope == scope
                for name in sorted(names)
                for other, call in self.calls_named(name)
                for t in self.project.resolve(other, call.scopes, call.callee)
            )
        return self._callers[key]

    def _function_names(self, path: str) -> dict[int, set[str]]:
        """The names each function of a file is declared under (`x`, `this.x` → `x`), once per file."""
        names = self._names_of_functions.get(path)
        if names is None:
            names = self._names_of_functions[path] = {}
            for decl in self.project.files[path].decls:
                if decl.value.kind == "function":
                    names.setdefault(decl.value.scope, set()).add(decl.name.rsplit(".", 1)[-1])
        return names

    def returned_to(self, facts: FileFacts, call: Call) -> str:
        """Where a construction goes when its function returns it:

        - "here": it is not returned, or a call of its function was found (what the callers attach
          is followed through them);
        - "unseen": its function may be called where crashlint cannot resolve the call: by a name
          it is known under (its own, or the key of an object literal holding it:
          `{ getClient: getRedisInstance }`) whose callee resolves to nothing crashlint knows (picked
          from a map of providers, called through an interface), or handed to a project function
          (which may call it). Who attaches its listener or closes it is unknown;
        - "library": handed to a library, which calls it (`useFactory: () => new Redis()`,
          `container.bind(…).toDynamicValue(() => …)`), or called by nobody. The client is still
          made and used: what it needs is judged, and code the container injects it into may attach
          it (`unresolved_uses`).
        """
        function = call.scopes[0]
        if function == 0 or function not in facts.functions:
            return "here"
        returned = call.returned or (call.bound_to is not None and (function, (call.bound_to,)) in facts.returns)
        if not returned or self.has_callers(facts.path, function):
            return "here"
        key = (facts.path, function)
        if key not in self._returned_to:
            verdict = self._callers_unseen(facts.path, function)
            if verdict == "library" and self._called_as_default(facts, call, function):
                verdict = "unseen"
            self._returned_to[key] = verdict
        return self._returned_to[key]

    def _called_as_default(self, facts: FileFacts, call: Call, function: int) -> bool:
        """Whether the function is a parameter's default value that the file calls by the
        parameter's name (lido-council-daemon's `constructor(…, getWebSocket = (url) => new
        WebSocket(url))`, called as `this.getWebSocket(url)`, whose caller listens on the socket it
        gets): a caller crashlint does not resolve to it. Reads the function's tree once."""
        node = self.node_of(facts.path, call)
        while node is not None and node.start_byte + 1 != function:
            node = node.parent
        parent = node.parent if node is not None else None
        if parent is None:
            return False
        if parent.type in ("assignment_pattern", "object_assignment_pattern") and parent.child_by_field_name("right") == node:
            # JavaScript `(url, make = () => …)`; a destructured option `({ url, make = () => … })`
            name_node = parent.child_by_field_name("left")
        elif parent.type in ("required_parameter", "optional_parameter") and parent.child_by_field_name("value") == node:
            name_node = parent.child_by_field_name("pattern")  # TypeScript
        else:
            return False
        if name_node is None or name_node.type not in ("identifier", "shorthand_property_identifier_pattern"):
            return False
        name = name_node.text.decode("utf-8", "replace")
        return any(c.callee[-1:] == (name,) and (len(c.callee) == 1 or c.callee[:1] == ("this",)) for c in facts.calls)

    def _callers_unseen(self, path: str, scope: int) -> str:
        project = self.project
        holders = self._function_holders()
        me = Target("function", path=path, scope=scope)
        names = {key for _, key in holders.get((0, path, scope), ())}
        for name in self._function_names(path).get(scope, ()):
            for where, (scopes, key) in holders.get((1, name), ()):  # type: ignore[misc]
                if me in project.resolve(where, scopes, (name,)):
                    names.add(key)
        verdict = "library"
        for name in sorted(names):
            for other, call in self.calls_named(name):
                targets = project.resolve(other, call.scopes, call.callee)
                if me in targets:
                    return "here"  # `providers.cache.getClient()`: a caller after all
                if not any(t.kind in ("function", "class") for t in targets):
                    verdict = "unseen"
        handed = list(holders.get((2, path, scope), ()))
        for name in self._function_names(path).get(scope, ()):
            handed += [(other, call) for other, (call, arg) in holders.get((3, name), ())  # type: ignore[misc]
                       if me in project.resolve(other, call.scopes, arg)]
        for other, call in handed:
            if call.callee and any(t.kind == "function" for t in project.resolve(other, call.scopes, call.callee)):
                verdict = "unseen"  # a project function given the factory may call it
        return verdict

    def _function_holders(self) -> dict[object, list[tuple[str, object]]]:
        """Where functions are kept or handed over, by key: (0, file, scope) → the object keys an
        inline function is stored under, (1, name) → (scopes, key) where a name is stored under one,
        (2, file, scope) → the calls an inline function is passed to, (3, name) → (call, argument
        path) where a name is passed; each as (file, item) in file order. One pass over the project's
        literals and arguments (O(declarations + calls)), made the first time a returned client's
        callers are not found (novu, 4,900 files: 0.13 s CPU); kept across edits and patched for the
        files an edit reached (`Project.index`)."""
        if self._holders is None:
            project = self.project
            self._holders = self.index("function-holders", lambda path, facts: _holders_of(project, path, facts), _holder_keys, nonempty=any)
        return self._holders

    def uses_of(self, path: str, index: int) -> list[Use]:
        return self.uses.get(Target("call", path=path, index=index), [])

    # ---- options ------------------------------------------------------------------------

    def options(self, facts: FileFacts, call: Call, first_position: int = 0) -> Options:
        """Options passed to `call` from argument `first_position` on (JS) or as keywords (Python)."""
        result = Options(unknown=call.has_star)
        splats = []
        for name, value in call.keywords:
            if name in ("*", "**"):
                splats.append((name, value))
            else:
                result.values[name] = value
        if facts.language != "python":  # Python options are keywords; positionals are handled by the rule
            for arg in _option_args(call, first_position):
                self._merge(facts, call, arg, result)
        elif splats:
            result.unknown = not self._splats_known(facts, call, splats, result)
        return result

    def _touched(self, facts: FileFacts) -> set[tuple[str, ...]]:
        """Names a file changes or calls a method on after they are made (`kw["timeout"] = 5`,
        `kw.update(…)`), with every prefix, once per file."""
        touched = self._touched_names.get(facts.path)
        if touched is None:
            touched = self._touched_names[facts.path] = set()
            names = [path for _, path, _ in facts.members] + [c.callee[:-1] for c in facts.calls if len(c.callee) > 1]
            for name in names:
                touched.update(name[:n] for n in range(1, len(name) + 1))
        return touched

    def _splats_known(self, facts: FileFacts, call: Call, splats: list[tuple[str, Arg]], result: Options) -> bool:
        """`requests.get(url, **kwargs)` where `kwargs = {"headers": h}`: the keys of a dict literal
        a `**name` holds are keywords too, unless the dict is changed after it is made
        (`kwargs["timeout"] = 5`, `kwargs.update(…)`) or a `*args` may carry anything."""
        found: dict[str, Arg] = {}
        for kind, value in splats:
            if kind == "*" or value.kind not in ("ref", "call") or value.kind == "call" and value.call < 0:
                return False
            if value.kind == "call":  # `**make_hooks()`: the dict literal a project helper returns
                targets = [self._dict_made(t) for t in self.project.call_targets(facts.path, value.call)]
                if not targets or not all(self._returned_untouched(t) for t in targets):
                    return False
            elif self._django_settings(facts, value.path):
                # `**settings.REDIS_CONNECTION_POOL_KWARGS` (koku): the dict its settings module declares
                targets = self._setting_dicts(value.path[1], found)
                if targets is None:
                    return False
            else:
                # `creds = sts_access(arn)`: a name holding what a helper returns, a dict literal or a
                # `dict(k=v, …)` call (koku's `_get_sts_access`)
                targets = [self._dict_made(t) for t in self.project.resolve(facts.path, call.scopes, value.path)]
                if (len(value.path) == 1 and len(targets) == 1 and targets[0].kind == "external" and targets[0].name == value.path[0]
                        and self._is_dstar(facts, call.scopes[0], value.path[0])):
                    # `def __init__(self, base_url=None, **kwargs): kwargs.setdefault("timeout", None);
                    # AsyncClient(**kwargs)` (fmn's APIClient): what the function adds, and what its callers pass
                    keys = self._dstar_keys(facts, call.scopes[0], value.path[0])
                    if keys is None:
                        return False
                    found.update(keys)
                    continue
                if len(targets) == 1 and targets[0].kind == "param":
                    # `def post(self, payloads): self.http.post(url=…, **payloads)` (designate's Akamai
                    # client): the dicts its callers pass, when the function only reads the parameter
                    passed = self._passed_dicts(targets[0], 0) if self._only_read(facts, call, value.path) else None
                    if passed is None:
                        return False
                    targets = passed
                elif value.path in self._touched(facts) or self._merged_into(facts, call, value.path):
                    # filled in later (`kw["verify"] = False`, `kw.update({"data": d})`): the keys
                    # are the literal's and those the changes name, when each change names its keys
                    added = self._keys_added(facts, value.path, targets)
                    if added is None:
                        return False
                    found.update(added)
            if not targets or not all(t.kind == "object" and t.arg is not None and not t.arg.has_spread for t in targets):
                return False
            for target in targets:
                found.update((key, _here(v, target.path, facts.path)) for key, v in zip(target.arg.keys, target.arg.values))
        for name, value in found.items():
            result.values.setdefault(name, value)
        return True

    def _only_read(self, facts: FileFacts, call: Call, name: tuple[str, ...]) -> bool:
        """Whether the function around `call` only reads the dict `name` (`get`, `pop`, `items`…):
        no stored key (`name["timeout"] = 5`), no `update`/`setdefault`, no `|=`. O(the file's calls
        and members)."""
        scope = call.scopes[0]
        if len(name) != 1 or not scope:
            return False
        if any(owner == name and scope in scopes for scopes, owner, _ in facts.members):
            return False
        if any(scope in c.scopes and c.callee[:1] == name and len(c.callee) == 2 and c.callee[1] not in self.DICT_READS
               for c in facts.calls):
            return False
        return not self._merged_into(facts, call, name)

    def _is_dstar(self, facts: FileFacts, scope: int, name: str) -> bool:
        """Whether `name` is the `**name` parameter of the function `scope` (facts declare no such
        parameter: read in the `def`'s header lines, at most 20)."""
        function = facts.functions.get(scope)
        if function is None or not scope:
            return False
        header = re.compile(r"\*\*\s*" + re.escape(name) + r"\b")
        for line in range(function.span[0], min(function.span[2], function.span[0] + 20) + 1):
            text = self.sources.line(facts.path, line)
            if header.search(text):
                return True
            if text.rstrip().endswith(":"):
                return False
        return False

    def _dstar_keys(self, facts: FileFacts, scope: int, name: str) -> dict[str, Arg] | None:
        """The keywords a `**kwargs` parameter holds when the function spreads it (`AsyncClient(**kwargs)`):
        those the function adds (`kwargs.setdefault("timeout", None)`, `kwargs["base_url"] = …`: a
        `setdefault` value holds only where no caller passes that key) and those its callers pass.
        Only for a class's `__init__`, whose callers are its constructions and its subclasses'
        `super().__init__(…)` (`_init_callers`); None when a caller passes `*args`/`**kwargs`, or
        the function changes the dict in a way crashlint cannot read."""
        function = facts.functions.get(scope)
        if function is None or function.name != "__init__":
            return None
        chain = self.project.scope_chain(facts.path, scope)
        if len(chain) < 2 or not any(d.value.kind == "class" and d.value.scope == chain[1] for d in facts.decls):
            return None
        added = self._keys_added(facts, (name,), [Target("object", path=facts.path, scope=scope, arg=Arg("object"))])
        if added is None:
            return None
        defaults = {c.args[0].text for c in facts.calls if scope in c.scopes and c.callee == (name, "setdefault")
                    and c.args and c.args[0].kind == "string"}
        callers = self._init_callers(facts.path, chain[1], 0)
        if not callers:
            return None  # nothing seen constructing it: its callers cannot be told
        found = dict(added)
        for _, caller in callers:
            for key, value in caller.keywords:
                if key in ("*", "**"):
                    return None
                if key in defaults or key not in added:
                    found[key] = value  # the caller's value wins over `setdefault`; the last caller's is kept
        return found

    _INIT_DEPTH = 3

    def _init_callers(self, path: str, scope: int, depth: int) -> list[tuple[str, Call]]:
        """The calls that run the `__init__` of the class at (`path`, `scope`): its constructions, the
        `super().__init__(…)` of each subclass that defines `__init__`, and the constructions of
        those that do not (`_INIT_DEPTH` levels). Subclasses from one index of the project's classes
        by the classes their bases resolve to, built once (O(classes)); constructions from
        `Project.calls_of` (indexed by name)."""
        if depth >= self._INIT_DEPTH:
            return []
        project = self.project
        name = next((d.name for d in project.files[path].decls if d.value.kind == "class" and d.value.scope == scope), "")
        found = [(p, c) for p, c in project.calls_of(Target("class", path=path, scope=scope, name=name)) if not is_test_path(p)]
        for sub_path, sub_scope in self._subclasses().get((path, scope), ()):
            sub = project.files[sub_path]
            inits = [d.value.scope for d in project.decls.get((sub_path, sub_scope, "self.__init__"), ()) if d.value.kind == "function"]
            if inits:
                for c in sub.calls:
                    if c.method == "__init__" and c.scopes[0] in inits and 0 <= c.receiver_call < len(sub.calls) \
                            and sub.calls[c.receiver_call].callee == ("super",):
                        found.append((sub_path, c))
            else:
                found += self._init_callers(sub_path, sub_scope, depth + 1)
        return found

    def _subclasses(self) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """Project class (path, scope) → its direct project subclasses (path, scope). Built once."""
        if self._subclass_memo is None:
            self._subclass_memo = self.project.python_subclasses()
        return self._subclass_memo

    _PASSED_DEPTH = 3  # create_zone(payload) → post(payload) → session.post(**payloads): two hand-ons

    def _passed_dicts(self, param: Target, depth: int) -> list[Target] | None:
        """The dict literals every caller outside tests passes as the parameter `param` (in place,
        a name holding one, or what a project helper returns), followed through callers that hand on
        a parameter of their own that they only read (`_PASSED_DEPTH` levels); None when a caller
        leaves it out, passes `*args`/`**kwargs` or anything else, or nothing calls the function.
        Cost: the calls of the function's name (`Project.calls_of`, indexed) and one resolution per
        argument, per level."""
        project = self.project
        facts = project.files.get(param.path)
        function = facts.functions.get(param.scope) if facts is not None else None
        if function is None or not function.name or depth >= self._PASSED_DEPTH:
            return None
        params = {d.value.index: d.name for d in facts.decls if d.value.kind == "param" and d.value.scope == param.scope}
        name = params.get(param.index)
        if name is None:
            return None
        shift = 1 if params.get(0) in ("self", "cls") else 0
        found: list[Target] = []
        for caller_path, caller in project.calls_of(Target("function", path=param.path, scope=param.scope, name=function.name),
                                                    self_calls=True):
            if is_test_path(caller_path):
                continue
            if caller.has_star or any(k in ("*", "**") for k, _ in caller.keywords):
                return None
            position = param.index - (shift if len(caller.callee) > 1 else 0)
            arg = caller.keyword(name) or (caller.args[position] if 0 <= position < len(caller.args) else None)
            caller_facts = project.files[caller_path]
            if arg is None:
                return None
            if arg.kind == "object":
                found.append(Target("object", path=caller_path, scope=caller.scopes[0], arg=arg))
                continue
            if arg.kind == "call" and arg.call >= 0:
                made = [self._dict_made(t) for t in project.call_targets(caller_path, arg.call)]
                if not made or not all(self._returned_untouched(t) for t in made):
                    return None
                found += made
                continue
            if arg.kind != "ref" or len(arg.path) != 1:
                return None
            values = [self._dict_made(t) for t in project.resolve(caller_path, caller.scopes, arg.path)]
            if len(values) == 1 and values[0].kind == "param":
                if not self._only_read(caller_facts, caller, arg.path):
                    return None
                deeper = self._passed_dicts(values[0], depth + 1)
                if deeper is None:
                    return None
                found += deeper
            elif values and not arg.path in self._touched(caller_facts) and not self._merged_into(caller_facts, caller, arg.path):
                found += values
            else:
                return None
        return found or None

    def _dict_made(self, target: Target) -> Target:
        """A `dict(k=v, …)` call a name holds or a helper returns, as the literal it builds (keywords
        only: `dict(other)` or `dict(**kw)` copies keys crashlint does not see); other targets as
        they are. O(1)."""
        facts = self.project.files.get(target.path) if target.kind == "call" else None
        if facts is None or facts.language != "python" or not 0 <= target.index < len(facts.calls):
            return target
        made = facts.calls[target.index]
        if (made.callee != ("dict",) or made.args or made.has_star or any(k in ("*", "**") for k, _ in made.keywords)
                or any(t.kind != "external" for t in self.project.resolve(target.path, made.scopes, ("dict",)))):
            return target  # (a project function called `dict` is not the builtin)
        return Target("object", path=target.path, scope=made.scopes[0],
                      arg=Arg("object", keys=tuple(k for k, _ in made.keywords), values=tuple(v for _, v in made.keywords)))

    def _django_settings(self, facts: FileFacts, name: tuple[str, ...]) -> bool:
        """Whether `name` is `settings.NAME` with `settings` imported from `django.conf`."""
        return (len(name) == 2 and facts.language == "python"
                and any(d.name == name[0] and d.value.kind == "import" and d.value.module == "django.conf"
                        and d.value.name == "settings" and d.scope == 0 for d in facts.decls))

    def _setting_dicts(self, name: str, found: dict[str, Arg]) -> list[Target] | None:
        """The dict literals the project's Django settings modules (`settings.py`, `settings/*.py`)
        declare as `name` at their top level, their keys set later in the file added to `found`
        (`KW["ssl_ca_certs"] = …`); None when one is something else, changed in a way crashlint
        cannot read, or no settings module declares it. O(the settings modules) per name, memoized."""
        memo = self._settings_memo.get(name, False)
        if memo is False:
            memo = None
            targets: list[Target] = []
            added: dict[str, Arg] = {}
            for path, facts in self.project.files.items():
                if facts.language != "python" or is_test_path(path) or not is_django_settings_path(path):
                    continue
                if not any(d.name == name and d.scope == 0 for d in facts.decls):
                    continue
                declared = self.project.resolve(path, (0,), (name,))
                if not declared or not all(t.kind == "object" and t.arg is not None and not t.arg.has_spread for t in declared):
                    targets = []
                    break
                if (name,) in self._touched(facts):
                    keys = self._keys_added(facts, (name,), declared, settings=True)
                    if keys is None:
                        targets = []
                        break
                    added.update((key, _here(v, path, "")) for key, v in keys.items())
                targets += declared
            if targets:
                memo = (targets, added)
            self._settings_memo[name] = memo
        if memo is None:
            return None
        found.update(memo[1])
        return memo[0]

    # methods of a dict that read it or take keys out: a timeout they do not add
    DICT_READS = frozenset({"get", "items", "keys", "values", "copy", "pop", "__contains__"})

    def _merged_into(self, facts: FileFacts, call: Call, name: tuple[str, ...]) -> bool:
        """`kw |= other` in the function around `call` (no call and no subscript shows it)."""
        function = facts.functions.get(call.scopes[0])
        if len(name) != 1 or facts.language != "python" or function is None:
            return False
        merged = re.compile(r"(?<![\w.])" + re.escape(name[0]) + r"\s*\|=")
        return any(merged.search(self.sources.line(facts.path, n)) for n in range(function.span[0], function.span[2] + 1))

    def _keys_added(self, facts: FileFacts, name: tuple[str, ...], targets: list[Target],
                    settings: bool = False) -> dict[str, Arg] | None:
        """The keys the changes to a local dict literal add in the function that makes it: a
        subscript assignment with a string key, `update({...})` / `update(k=…)` with literal keys,
        `setdefault("k", v)`; None when one change may add any key (a computed key, an update from
        another mapping, `|=`, a method crashlint does not know). A dict of a module's top level is
        followed only when it is private to its module (`_CONNECTION_KWARGS`: a `_` name no other
        file imports): then every change in the file counts, in any function."""
        if len(name) != 1 or facts.language != "python" or not targets:
            return None
        scopes = {t.scope for t in targets}
        if len(scopes) != 1 or not all(t.kind == "object" for t in targets):
            return None
        scope = scopes.pop()
        function = facts.functions.get(scope)
        if not scope:  # module level: pulpcore's `_CONNECTION_KWARGS = {}` filled under a version check
            # (a Django setting: other modules read it through `django.conf.settings`, set in its module)
            if not settings and (not name[0].startswith("_") or self.project.mentions(is_test_path).imported.get(name[0], 0)):
                return None
            first, last = 1, len(self.sources.lines(facts.path))
        elif function is None:
            return None
        else:
            first, last = function.span[0], function.span[2]
        added: dict[str, Arg] = {}
        for c in facts.calls:  # a name in another function is another local: only this one's count
            if len(c.callee) != 2 or c.callee[0] != name[0]:
                continue
            if scope and scope not in c.scopes:
                continue
            method = c.callee[1]
            if method in self.DICT_READS:
                continue
            if method == "update" and not c.has_star:
                if len(c.args) > 1 or c.args and (c.args[0].kind != "object" or c.args[0].has_spread):
                    return None
                if c.args:
                    added.update(zip(c.args[0].keys, c.args[0].values))
                added.update(c.keywords)
            elif method == "setdefault" and c.args and c.args[0].kind == "string":
                added[c.args[0].text] = c.args[1] if len(c.args) > 1 else Arg("none")
            else:
                return None
        # subscript assignments, read in the function's lines: every one must name a string key
        word = re.escape(name[0])
        any_store = re.compile(rf"(?<![\w.]){word}\s*(\[[^\]]*\]\s*(?<![=!<>])=(?!=)|\|=)")
        literal = re.compile(r"(?<![\w.])" + word + r"""\s*\[\s*(['"])([^'"]+)\1\s*\]\s*=(?!=)""")
        values = iter(v for scopes_of, owner, v in facts.members if owner == name and (not scope or scope in scopes_of))
        for line in range(first, last + 1):
            text = self.sources.line(facts.path, line)
            for match in any_store.finditer(text):
                key = literal.match(text, match.start())
                if key is None:
                    return None
                added[key.group(2)] = next(values, Arg("other"))
        return added

    def _returned_untouched(self, target: Target) -> bool:
        """A dict a helper returns, built as a literal in that function and never changed there
        (`d = {…}; d["timeout"] = 5; return d` is changed: its keys are not only the literal's)."""
        facts = self.project.files.get(target.path)
        if target.kind != "object" or facts is None or facts.language != "python":
            return False
        inside = target.scope
        # a change of another dict of the function (`body.update(…)` beside `return {"json": body}`)
        # leaves the returned literal as it is
        others = {d.name for d in facts.decls if d.scope == inside and d.value.kind == "object" and d.value.arg != target.arg}
        if any(inside in scopes and not (len(owner) == 1 and owner[0] in others) for scopes, owner, _ in facts.members):
            return False
        return not any(inside in c.scopes and len(c.callee) > 1 and c.callee[-1] in ("update", "setdefault", "__setitem__")
                       and not (len(c.callee) == 2 and c.callee[0] in others and self._only_object(facts, inside, c.callee[0]))
                       for c in facts.calls)

    def _only_object(self, facts: FileFacts, scope: int, name: str) -> bool:
        """Whether every declaration of `name` in the function `scope` is a dict literal."""
        decls = [d for d in facts.decls if d.scope == scope and d.name == name]
        return bool(decls) and all(d.value.kind == "object" for d in decls)

    def _merge(self, facts: FileFacts, call: Call, arg: Arg, result: Options) -> None:
        if arg.kind == "object":
            result.values.update(zip(arg.keys, arg.values))
            if arg.has_spread and facts.language != "python":
                spread = self._spread_literals(facts, call, arg)
                if spread is not None:  # `{ method: "POST", ...payload }`, `payload = { body, headers }`
                    for literal in spread:
                        for key, value in zip(literal.keys, literal.values):
                            result.values.setdefault(key, value)  # keys written after the spread win
                    return
            result.unknown |= arg.has_spread
        elif arg.kind == "ref":
            targets = self.project.resolve(facts.path, call.scopes, arg.path)
            objects = [t for t in targets if t.kind == "object" and t.arg is not None]
            if objects and len(objects) == len(targets):
                for target in objects:
                    result.values.update(zip(target.arg.keys, target.arg.values))
                    result.unknown |= target.arg.has_spread
                # `options.signal = controller.signal` after the literal, in the function that
                # declares it: a local of the same name in another function is another object
                local = {t.scope for t in objects if t.path == facts.path}
                for assignment in facts.assignments:
                    if len(assignment.target) == len(arg.path) + 1 and assignment.target[:-1] == arg.path \
                            and (not local or 0 in local or not local.isdisjoint(assignment.scopes)):
                        result.values[assignment.target[-1]] = assignment.value
            elif facts.language != "python":
                result.unknown = True  # an options object we cannot see: assume it may set anything
        elif arg.kind == "call" and facts.language != "python" and _bound_callback(facts, arg):
            pass  # `http.get(url, function (res) { … }.bind(this))`: a callback, not options
        elif arg.kind in ("call", "new", "spread", "either", "other") and facts.language != "python":
            result.unknown = True

    def _spread_literals(self, facts: FileFacts, call: Call, arg: Arg) -> list[Arg] | None:
        """The object literals spread by name into an argument written as a literal (`fetch(url, {
        method, ...payload })` where `payload` is declared `{ body, headers }` with no spread of its
        own and not changed after): each spread name read from the call's tree (facts keep only
        that a spread is there). None when any spread is anything else. O(the call's arguments)."""
        position = next((i for i, a in enumerate(call.args) if a is arg), -1)
        node = self.node_of(facts.path, call) if position >= 0 else None
        while node is not None and node.type not in ("call_expression", "new_expression"):
            node = node.parent
        arguments = node.child_by_field_name("arguments") if node is not None else None
        given = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
        literal = given[position] if 0 <= position < len(given) else None
        # `new Pool({ ...connectionSetting, onConnect } as PoolConfig)`: a cast names the same object
        while literal is not None and literal.type in _TRANSPARENT:  # `<T>x`: its last child is `x`
            literal = literal.named_children[-1 if literal.type == "type_assertion" else 0] if literal.named_child_count else None
        if literal is None or literal.type != "object":
            return None
        found: list[Arg] = []
        touched = self._touched(facts)
        for child in literal.named_children:
            if child.type != "spread_element":
                continue
            inner = child.named_children[0] if child.named_child_count else None
            if inner is None or inner.type != "identifier":
                return None
            name = (inner.text.decode("utf-8", "replace"),)
            if name in touched:
                return None
            # `connectionSetting.ssl = …` after the literal (evershop): a key it gains; anything
            # deeper (`payload.headers.x = …`) or a method call on it: unknown
            stored = [a for a in facts.assignments if a.target[:1] == name]
            if any(len(a.target) != 2 for a in stored):
                return None
            if stored:
                found.append(Arg("object", keys=tuple(a.target[1] for a in stored), values=tuple(a.value for a in stored)))
            passed = self._passed_in(facts, call, inner)
            if passed is not None:  # `...options` of a `({ url, options = {} })` parameter: what the callers pass
                found += passed
                continue
            targets = self.project.resolve(facts.path, call.scopes, name)
            if not targets or any(t.kind != "object" or t.arg is None or t.arg.has_spread for t in targets):
                return None
            found += [t.arg for t in targets]
        return found

    def _passed_in(self, facts: FileFacts, call: Call, name_node: tree_sitter.Node) -> list[Arg] | None:
        """For a name that a function destructures from an object parameter (`get: async ({ url,
        options = {} }) => fetch(url, { …, ...options })`, chibisafe's request helper), the object
        literals its callers pass under that key: every call of the function the project resolves
        must pass an object literal (or a name holding one) whose value at the key is absent or an
        object literal with no spread of its own. None when the name is anything else, a default is
        not an empty `{}`, no caller is found, or one caller passes what crashlint cannot read.
        Memoized per (function, parameter, key); each costs one pass over the calls named like the
        function."""
        name = name_node.text.decode("utf-8", "replace")
        decls = self.project.lookup(facts.path, call.scopes, name)
        if len(decls) != 1 or decls[0].value.kind != "other" or decls[0].scope == 0:
            return None
        function = decls[0].scope
        node = name_node
        while node is not None and node.start_byte + 1 != function:
            node = node.parent
        params = node.child_by_field_name("parameters") if node is not None else None
        if params is None:
            return None
        index, key = -1, None
        position = 0
        for param in params.named_children:
            if param.type == "comment":
                continue
            pattern = param.child_by_field_name("pattern") if param.type in ("required_parameter", "optional_parameter") else param
            if pattern is not None and pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left")
            if pattern is not None and pattern.type == "object_pattern":
                for item in pattern.named_children:
                    if item.type == "shorthand_property_identifier_pattern" and item.text.decode() == name:
                        key = name
                    elif item.type == "object_assignment_pattern":
                        left, right = item.child_by_field_name("left"), item.child_by_field_name("right")
                        if left is not None and left.text.decode() == name:
                            if right is None or right.type != "object" or right.named_child_count:
                                return None  # a default with options of its own
                            key = name
                    elif item.type == "pair_pattern":  # `{ options: opts }`
                        value, named = item.child_by_field_name("value"), item.child_by_field_name("key")
                        if value is not None and named is not None and value.type == "identifier" and value.text.decode() == name:
                            key = named.text.decode()
                    if key is not None:
                        index = position
                        break
            if key is not None:
                break
            position += 1
        if key is None:
            return None
        memo = (facts.path, function, index, key)
        if memo not in self._passed:
            self._passed[memo] = self._passed_by_callers(facts.path, function, index, key)
        return self._passed[memo]

    def _passed_by_callers(self, path: str, function: int, index: int, key: str) -> list[Arg] | None:
        # `const request = { get: async (…) => … }`: called as `request.get(…)`
        names = set(self._function_names(path).get(function, ())) | object_keys_of(self.project.files[path], function)
        found: list[Arg] = []
        callers = 0
        for other, caller in (c for n in sorted(names) for c in self.calls_named(n)):
            if not any(t.kind == "function" and t.path == path and t.scope == function
                       for t in self.project.resolve(other, caller.scopes, caller.callee)):
                continue
            callers += 1
            if caller.has_star or index >= len(caller.args):
                continue  # (a star may carry anything: `has_star` is judged by the caller's options)
            given = caller.args[index]
            if given.kind == "ref":
                targets = self.project.resolve(other, caller.scopes, given.path)
                if len(targets) != 1 or targets[0].kind != "object" or targets[0].arg is None \
                        or given.path in self._touched(self.project.files[other]):
                    return None
                given = targets[0].arg
            if given.kind != "object" or given.has_spread:
                return None
            value = given.value_of(key)
            if value is None or value.kind == "none":
                continue
            if value.kind != "object" or value.has_spread:
                return None
            found.append(value)
        return found if callers else None

    def option_sets(self, facts: FileFacts, call: Call, first_position: int = 0) -> list[Options]:
        """The options `call` may pass, one set per combination of conditional arms (JS): a config
        `cond ? { timeout } : undefined`, a name declared as one, a literal with conditional
        spreads (`{ headers, ...(cond ? { timeout } : {}) }`) each give a set per arm. A rule asks
        each set for an option that must be present whichever arm runs. One set, `options`, when
        nothing is conditional (and always for Python)."""
        if facts.language == "python":
            return [self.options(facts, call, first_position)]
        combos: list[list[Arg]] = [[]]
        for arg in _option_args(call, first_position):
            each = self._arms_of(facts, call, arg)
            if len(combos) * len(each) > 16:
                return [self.options(facts, call, first_position)]
            combos = [c + [a] for c in combos for a in each]
        if len(combos) == 1:
            return [self.options(facts, call, first_position)]
        sets = []
        for combo in combos:
            result = Options(unknown=call.has_star)
            for name, value in call.keywords:
                result.values[name] = value
            for arg in combo:
                self._merge(facts, call, arg, result)
            sets.append(result)
        return sets

    def _arms_of(self, facts: FileFacts, call: Call, arg: Arg) -> list[Arg]:
        """The values an argument may be: each arm of a conditional (a name declared once as one
        included), each object a literal with conditional spreads may be; else the argument."""
        if arg.kind == "ref" and len(arg.path) == 1:
            # `const config = cond ? { timeout } : undefined`: one declaration per arm, on one line
            decls = self.project.lookup(facts.path, call.scopes, arg.path[0])
            if len(decls) > 1 and all(d.line == decls[0].line and d.scope == decls[0].scope for d in decls) \
                    and all(d.value.kind == "none" or d.value.kind == "object" and d.value.arg is not None for d in decls) \
                    and not any(a.target[:1] == arg.path for a in facts.assignments):
                values = [d.value.arg if d.value.kind == "object" else Arg("none") for d in decls]
                return [b for a in values for b in (a.branches or (a,))]  # type: ignore[union-attr]
        if arg.kind == "either":
            return [b for a in arg.values for b in (a.branches or (a,))]
        if arg.kind == "object" and arg.branches:
            return list(arg.branches)
        return [arg]

    # ---- names and locations --------------------------------------------------------------

    def constructions(self, index: ConstructorIndex, languages: set[str], roles: tuple[str, ...], key: str,
                      focus: bool | str = False):
        """Every call that constructs one of `index`'s entries: (facts, call index, entry). Each
        file's are memoized per file under `key` (the rule the index is of: `Project.per_file`).
        `focus`: those of the focus files only, or of their packages ("package"; see `parts`)."""
        project = self.project

        def made(facts: FileFacts) -> list[tuple[int, dict]]:
            found = []
            for i, call in enumerate(facts.calls):
                if call.callee:
                    entry = index.match(facts.language, project.callee_names(facts.path, call))
                    if entry is not None:
                        found.append((i, entry))
            return found

        found = self.parts(("constructions", key, tuple(sorted(languages)), roles), lambda path, facts: made(facts),
                           lambda path, facts: facts.language in languages and self.role(path) in roles, focus=focus)
        for path, part in found.items():
            facts = project.files[path]
            for i, entry in part:  # type: ignore[union-attr]
                yield facts, i, entry

    def node_of(self, path: str, call: Call) -> tree_sitter.Node | None:
        """The smallest named node of `path`'s tree around `call`'s span, for the few questions facts
        do not answer (a wrapper's parameters, the `if` tests around a call). The file is parsed
        again from the scanned text; the last trees are kept (`_tree`), so the questions asked of
        one call or one file parse it once."""
        grammar = grammar_for(path)
        if grammar is None:
            return None
        root = _tree(grammar, "\n".join(self.sources.lines(path)).encode("utf-8")).root_node
        start = (call.span[0] - 1, max(call.span[1] - 1, 0))
        end = (call.span[2] - 1, max(call.span[3] - 1, 0))
        return root.named_descendant_for_point_range(start, end)

    def callee_names(self, facts: FileFacts, call: Call) -> tuple[str, ...]:
        return self.project.callee_names(facts.path, call)

    def subject_name(self, facts: FileFacts, call: Call) -> str:
        name = call.bound_to
        if name and not name.startswith("<"):
            return plain_name(name)  # `stream@398`, a block's own `stream`: as written
        if name and name.startswith("<exports>."):
            return name.split(".", 1)[1]
        if name == "<default>":
            # importers usually name a default export after its file; not when the file itself
            # declares that name for something else (`app.ts`: `const app = express()`)
            stem = posixpath.splitext(posixpath.basename(facts.path))[0]
            if stem.isidentifier() and stem != "index" and not any(d.name == stem for d in facts.decls):
                return stem
            return "client" if not any(d.name == "client" for d in facts.decls) else call.text
        return call.text

    def location(self, path: str, span: tuple[int, int, int, int]) -> Location:
        """tree-sitter columns count bytes; reports count characters."""
        return Location(path, span[0], self._char_col(path, span[0], span[1]), span[2], self._char_col(path, span[2], span[3]))

    def _char_col(self, path: str, line: int, byte_col: int) -> int:
        text = self.sources.line(path, line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[: byte_col - 1].decode("utf-8", "replace")) + 1

    def finding(
        self,
        rule: Rule,
        facts: FileFacts,
        call: Call,
        *,
        subject: str,
        library: str,
        problems: list[str],
        labels: list[str],
        related: list[Related] | None = None,
        context: dict[str, str] | None = None,
    ) -> Finding:
        location = self.location(facts.path, call.stmt_span)
        message = render(rule.message, subject=subject, library=library, labels=labels, call=call.text)
        return Finding.of_rule(
            rule, facts.language, location, subject, message, problems, related,
            {"subject": subject, "library": library, **(context or {})},
            self.sources.line(facts.path, call.span[0]).strip(),
            call.span,
        )


def _option_args(call: Call, first: int) -> Sequence[Arg]:
    """The arguments a JS call's options are read from, from `first` on: an object literal there
    and what follows, except the callbacks after it (`https.request(url, { method }, resolve)`:
    Node's APIs take one options object, then a callback, which is no options object)."""
    args = call.args[first:]
    if len(args) > 1 and args[0].kind == "object" and all(a.kind in ("ref", "function") for a in args[1:]):
        return args[:1]
    return args


def _use_sites(facts: FileFacts, methods: frozenset[str]) -> tuple[tuple, ...]:
    """A file's calls of the methods in `methods`, read from its facts alone, in the file's order:
    (index of the call, the receiver's dotted name or None for a method chained on the call
    itself, method, first argument when a string, line, scopes). Plain values, so that the scans
    after this one take them from the cache while the file is unchanged (`Project.own_part`): O(the
    file's calls)."""
    sites: list[tuple] = []
    for i, call in enumerate(facts.calls):
        line, scopes = call.span[0], call.scopes
        for method, first in call.chain:
            if method in RETURNS_OTHER:
                break  # `fs.createReadStream(f).pipe(gzip).on("error", …)` listens on `gzip`, not on the file stream
            if method in methods:
                sites.append((i, None, method, first, line, scopes))
        # A bound method passed as a callback counts too: atexit.register(cache.close)
        for arg in call.args:
            if arg.kind == "ref" and len(arg.path) > 1 and arg.path[-1] in methods:
                sites.append((i, arg.path[:-1], arg.path[-1], "", line, scopes))
        callee = call.callee
        if callee == ("getattr",) and len(call.args) >= 2 and call.args[0].kind == "ref" and call.args[1].kind == "string" \
                and call.args[1].text in methods:
            # Python `close = getattr(client, "aclose", None) or getattr(client, "close", None)`
            # then `await close()` (surfsense): the method is fetched by name to be called
            sites.append((i, call.args[0].path, call.args[1].text, "", line, scopes))
        if len(callee) > 1 and callee[-1] in methods:
            first = call.args[0].text if call.args and call.args[0].kind == "string" else ""
            sites.append((i, callee[:-1], callee[-1], first, line, scopes))
        if len(callee) > 1 and callee[-1] in RETURNS_EMITTER:
            # `stream.on("data", …).on("end", …).on("error", …)`: an emitter's listener methods
            # return the emitter, so the chained calls are on it too (up to the first that does
            # not: `.pipe(dest).on("error")` listens on `dest`)
            for method, first in call.chain:
                if method not in RETURNS_EMITTER:
                    break
                if method in methods:
                    sites.append((i, callee[:-1], method, first, line, scopes))
        # util.promisify(client.quit.bind(client)): the bound method is called later
        if len(callee) > 2 and callee[-1] == "bind" and callee[-2] in methods:
            sites.append((i, callee[:-2], callee[-2], "", line, scopes))
    # `ws.onerror = (err) => …`: an event handler property (ws's WebSocket, EventTarget)
    for assignment in facts.assignments:
        name = assignment.target[-1]
        if len(assignment.target) > 1 and name in methods and name.startswith("on") and assignment.value.kind != "none":
            sites.append((-1, assignment.target[:-1], name, name[2:], assignment.line, assignment.scopes))
    return tuple(sites)


def _stored_constructions(facts: FileFacts) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """The calls a file stores on a member path that is no class attribute (`file.data.stream =
    fs.createWriteStream(p)`; `this.x = …` is a declaration of its own): path → (the storing
    function's scope, call index). O(the file's assignments), once per file's uses."""
    found: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for assignment in facts.assignments:
        value = assignment.value
        if len(assignment.target) > 1 and assignment.target[0] not in ("this", "self") \
                and value.kind in ("call", "new") and value.call >= 0:
            found.setdefault(assignment.target, []).append((assignment.scopes[0], value.call))
    return found


@lru_cache(maxsize=8)
def _tree(grammar: str, source: bytes) -> tree_sitter.Tree:
    """A file's tree, by its text: the rules that read trees ask of the same file in a row."""
    return parser(grammar).parse(source)


def _bound_callback(facts: FileFacts, arg: Arg) -> bool:
    """`function (res) { … }.bind(this)`: a function written in place and bound, which a call takes
    as its callback (lets-chat's avatar cache hands one to `http.get`)."""
    if arg.call < 0 or arg.call >= len(facts.calls):
        return False
    bound = facts.calls[arg.call]
    return bound.method == "bind" and not bound.callee and bound.receiver_call < 0 and \
        bool(re.match(r"\s*(async\s+)?(function\b|\([^)]*\)\s*=>|\w+\s*=>)", arg.text))


def _here(value: Arg, source: str, path: str) -> Arg:
    """A dict's value read in the file `path` that calls with it: a call, a name or an object built
    in another file (`source`) is read there by index or scope, which mean nothing here, so it is a
    value crashlint does not know (`config=Config(connect_timeout=5)` in the helper that returns
    the dict: present, not read as missing)."""
    if source == path or value.kind in ("string", "none", "other") or value.kind == "object" and not value.values:
        return value
    return Arg("other", text=value.text)

