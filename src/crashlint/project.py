"""The project model: every file's facts merged, names resolved across files.

`Project.resolve(path, scopes, name)` answers "what does this name denote?" with a list of
targets: a call in some file (a client's construction), an external library name
(`ioredis.Cluster`, `requests.get`), a project function, a parameter, an object literal.
Names are followed through ES imports and exports (default, named, namespace, re-exports,
`export *`), CommonJS `require` / `module.exports`, Python `import` / `from … import`, aliases,
and factory functions (`const c = makeRedis()` denotes the client `makeRedis` returns).

Inputs and derived queries (the model rust-analyzer's salsa popularised): the inputs are the files'
facts and the manifests; everything else is derived from them, lazily, and memoized on the
declaration or function it is about — never on the use site — so a name used in a thousand places
is resolved once. What each query costs (n: declarations, c: calls, f: files; d: the scope depth of
the use site, r: the targets a query returns):

- symbol table `(file, scope, name) → declarations`: built once, O(n).
- `scope_chain(path, scope)`: O(d) the first time, then O(1) (memoized per scope).
- `lookup(path, scopes, name)`: O(d) dictionary probes; O(1) for a name declared nowhere in the
  project (a global, most `a.b` member forms): a set of every declared name answers first.
- `resolve(path, scopes, name)`: a lookup, then `resolve_declared` on the declaring scope.
- `resolve_declared(path, scope, name, rest)`: memoized on (file, declaring scope, name, rest): each
  declaration is followed once per member path, whatever the number of its uses.
- `call_targets(path, index)`: memoized per call.
- `function_returns(path, scope)`: memoized per function, over an index of every function's `return`s
  built once per file (O(c) per file, not per query); the calls it returns, through factories, and
  the object literals (`return { child }`, whose members `resolve` follows: `start().child`).
- `resolve_export(path, name, rest)`: memoized per export.
- `calls_named(name)`: every call whose callee ends in `name`: one index of the project's calls,
  built once (O(c)), then O(1).
- `calls_of(target)`: the calls that reach a project function or class (named as it, callee
  resolved to it; optionally `self.name(…)` reaching it as a method): each call of that name resolved
  once, for every declaration of that name, as far as the questions read; once all are, an index by
  what they reach answers in O(1): O(c) resolutions in all, however many declarations share a name.
- `result_calls(path, scope, name)`: Python method calls on a call's result (`Client().send(…)`, no
  callee name, so not in `calls_named`): one index by method name built once (O(c), no resolution),
  then the receivers of the calls of that name resolved (memoized `call_targets`).
- `related_instances(path, cls, attribute, rest)`: a Django relation field of a model's body
  (`partner = models.ForeignKey(Partner, …)`) read on an instance: the related model's instance;
  O(the attribute's declarations), inside the memoized `resolve_declared` / `member_of_instance` walks.
- `collection_members(target)`: one pass over the pushes and member stores of the project, then O(1).
- `mentions()`: where each Python name is written other than where it is defined (called, imported,
  read as a value or an attribute, named in a string): one pass over every Python file's facts
  (O(facts), strings split into words once), built the first time it is asked, dropped by `update`;
  then O(1) per name. The process model reads it to tell a function nothing can reach (no call, no
  value, no string names it) from one reached in ways no call index sees (`getattr`, a settings string).
- `package_root` / `dependency` / the nearest manifest: memoized per folder; a Python import
  resolved beside the importing file (`_python_module_beside`): the package folder that holds its
  first name, memoized per (folder, name); else a namespace package (PEP 420, no `__init__.py`)
  under the importing file's folder or one above it: one set probe per folder above, the answer
  memoized per (file, spec) by `resolve_module`.
- a Python import from a module that puts a computed folder on `sys.path` (`_module_by_suffix`):
  the one module whose path ends with the spec, from an index of every module path's suffixes built
  the first time it is asked (O(files × depth)), then O(1); whether a module does so: one pass over
  its calls, memoized per file.

Across edits (the language server, `Project(incremental=True)`): `update(changed facts)` keeps
every memo that cannot have changed and drops the others, so the next analysis derives again only
what an edit touched (the inputs-and-derived-queries model of rust-analyzer's salsa, at the
granularity of files). Each memo records the files its derivation read (its own, those of the memos
it read, those `resolve_module` handed it: a memo reaches another file's facts only through one of
these); an edit drops the memos that read a changed file, O(what is dropped). Kept memos equal a
fresh scan's because the questions come in the same order and:
- a memo whose answer depends on the order of the questions (a cycle closed through another memo,
  or a read of such a memo) is dropped on every edit, and derived again where a fresh scan would;
- `collection_members` reads every file's pushes: its index is built first in the rules phase and
  again first after an edit (`build_members`), and what read it is dropped only when it changed;
- a memo kept from before the edit and asked deeper than it was first derived is derived again if
  a fresh derivation there would hit MAX_DEPTH (each memo records how much deeper it went);
- a model that ever ran out of QUERY_BUDGET is never updated (what the budget cuts depends on
  what was cached): the caller builds a new one.
The passes of the layers above over every file (a rule's calls of interest, the uses index, the
import graph) are kept across edits too (`parts`): each file's answer is a `per_file` memo, and a
pass asks again only the files whose memo `update` dropped or whose role changed (`refresh`), in
file order, as the whole pass would: O(those files + the non-empty answers) per analysis instead of
a lookup per file. An index merged from a pass (`index`) is patched for those files, and an answer
derived from a pass alone (`of_pass`: a process's closure over the import graph) is kept until one
of its answers changes.
Costs of the bookkeeping (incremental models only): a set union per memo read, a frozenset per
memo derived; `update` is O(the changed files' facts + the memos it drops + the pushes).

Across scans (the commit path, issue 13 item 7): a scan's model records nothing of what its memos
read (the bookkeeping above made the rules phase of novu 1.9× as long), so only answers that read
nothing but one file's facts and what `kept_answers` reads are kept from one scan to the next
(`own_part`: where a file's imports lead, its role by its path), each with the content digest of the
file it is about (crashlint.cache.phase): O(1) each when the file is unchanged, the cost of
computing it for an edited file.

Every derived query is bounded twice: a depth limit (MAX_DEPTH, to keep the Python stack small)
and a work budget (QUERY_BUDGET: how many uncached derivations one top-level query may start).
Where a query is cut short, the part not followed is an unknown target (rules read "unknown" as
"cannot tell", and stay quiet); a cycle (two barrels that `export *` each other, `a = b; b = a`)
sees the unknown target where it closes. Every answer is memoized as it was first computed, so a
scan asks each question once and its results do not depend on how often a name is used; they
depend only on the files and the order in which the rules ask, which is fixed.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from crashlint.dependencies import Manifest, lowest_version, normalize
from crashlint.facts.model import ELEMENT, MODULE_SCOPE, RETURNED_OBJECT, Arg, Call, Decl, FileFacts, Path, Value

JS_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# Library methods that return the object they are called on, whatever it is: a chain ending in one
# holds what its receiver call made. Fastify's `withTypeProvider()` is `return this`, "used exclusively
# in TypeScript contexts" to type the routes (fastify.js; fastify.dev/docs/latest/Reference/Type-Providers/)
RETURNS_RECEIVER = frozenset({"withTypeProvider"})
# Library calls whose result holds one of their arguments under a member name: express-ws's
# `expressWs(app)` returns `{ app, getWss, applyTo }` with the app it is given (HenningM/express-ws
# src/index.js), so `const { app } = expressWs(express())` is that express app — whose `listen` it
# replaced by its own http server's (the docs y-provider's Express server, started as `app.listen(PORT)`)
RETURNS_ARGUMENT_AS = {"express-ws": ("app", 0)}
# Dependency-injection containers and the methods that hand out an instance of a class:
# inversify's `Container#get<T>(id)`/`getAsync`/`getNamed`/`getTagged` (typed by `T`,
# src/container/container.ts), tsyringe's `container.resolve<T>(token)` (src/dependency-container.ts),
# TypeDI's `Container.get<T>(type)` (src/container-instance.class.ts), awilix's `resolve`; the value
# is an instance of the class the type argument names, or of the class passed as the token
DI_PACKAGES = ("inversify", "tsyringe", "typedi", "awilix")
DI_GETTERS = frozenset({"get", "getAsync", "getNamed", "getTagged", "resolve"})

MAX_DEPTH = 24
QUERY_BUDGET = 20_000  # uncached derivations one top-level query may start


# calls that add a folder to Python's module search path
SYS_PATH_ADDS = frozenset({("sys", "path", "append"), ("sys", "path", "insert")})


@dataclass(frozen=True)
class Target:
    kind: str  # call | external | function | param | object | array | class | instance | module | unknown
    path: str = ""  # file of a call / function / param / object / module
    index: int = -1  # call index, or parameter index
    scope: int = 0  # function scope (function, param)
    name: str = ""  # external: the qualified name, e.g. "ioredis.Cluster"
    arg: Arg | None = None  # object literal


UNKNOWN = Target("unknown")


@dataclass
class _Pass:
    """A pass over every file kept across edits (`Project.parts`)."""

    entries: dict[str, object]  # the non-empty answers, by path, in file order
    stale: set[str]  # the files to ask again
    # `Project.index`: the answers merged by key, and how an answer gives its (key, item) pairs
    merged: dict | None = None
    keys: Callable[[str, object], object] | None = None
    # `Project.of_pass`: answers derived from the pass's answers alone, until one of them changes
    memos: dict | None = None
_UNASKED = ("", -1)  # `_Reach.method` not looked for yet


@dataclass(slots=True)
class _Reach:
    """A call of `Project.calls_of`'s index: where it is, the functions and classes its callee
    resolves to, as (kind, path, scope), and the method its `self.name(…)` form reaches (asked only
    by `self_calls` questions)."""

    path: str
    call: Call
    reached: frozenset[tuple[str, str, int]]
    method: tuple[str, int] | None = _UNASKED


class _CallsOf:
    """`Project.calls_of`'s memo for one name: the calls of that name, those resolved so far (in
    order), and once all are, the index by what they reach, without and with `self.name(…)` methods."""

    __slots__ = ("named", "entries", "groups")

    def __init__(self, named: list[tuple[str, Call]]) -> None:
        self.named = named
        self.entries: list[_Reach] = []
        self.groups: list[dict[tuple[str, str, int], list[tuple[str, Call]]] | None] = [None, None]

    def index(self) -> None:
        """Every call is resolved: the index without `self.name(…)` methods, and with them when every
        entry's method has been looked for (else a `self_calls` question walks, looking)."""
        if self.groups[0] is None:
            self.groups[0] = _grouped(self.entries, False)
        if self.groups[1] is None and all(e.method is not _UNASKED for e in self.entries):
            self.groups[1] = _grouped(self.entries, True)


def _grouped(entries: list[_Reach], methods: bool) -> dict[tuple[str, str, int], list[tuple[str, Call]]]:
    groups: dict[tuple[str, str, int], list[tuple[str, Call]]] = {}
    for entry in entries:
        reached = entry.reached
        if methods and entry.method is not None and ("function", *entry.method) not in reached:
            reached = reached | {("function", *entry.method)}
        for key in reached:
            groups.setdefault(key, []).append((entry.path, entry.call))
    return groups


# Django's relation fields: an instance's attribute holds the related model's instance
# (django/db/models/fields/related.py; `models.ForeignKey` is re-exported by django.db.models)
DJANGO_RELATIONS = frozenset({
    "django.db.models.ForeignKey", "django.db.models.OneToOneField",
    "django.db.models.fields.related.ForeignKey", "django.db.models.fields.related.OneToOneField",
})
MEMBERS = "\0members"  # the dependency of a memo on `collection_members` (a name no file has)
FUNCTIONS = "\0functions:"  # … on the functions of one name (`reads_functions_named`)


def function_names(facts: FileFacts) -> list[tuple[str, int]]:
    """A file's named functions, (name, scope), and the functions of its object literals under
    `holder.key` (`this.__hooks = { onShutdown: async () => … }` → `__hooks.onShutdown`): a call
    `module.__hooks.onShutdown()` on an object crashlint cannot resolve is matched by its last two
    names, never by the key alone, which would make every `{ close: … }` of the project a method."""
    named = [(f.name, f.scope) for f in facts.functions.values() if f.name]
    for decl in facts.decls:
        value = decl.value
        if value.kind == "object" and value.arg is not None:
            holder = decl.name.rsplit(".", 1)[-1]
            named += [(f"{holder}.{key}", v.scope) for key, v in zip(value.arg.keys, value.arg.values) if v.kind == "function"]
    return named


def _function_scopes(facts: FileFacts) -> dict[str, list[int]]:
    """A file's named functions (`function_names`): name → their scopes, in order."""
    found: dict[str, list[int]] = {}
    for name, scope in function_names(facts):
        found.setdefault(name, []).append(scope)
    return found


def _added(facts: FileFacts) -> list[tuple[tuple[int, ...], Path, Arg]]:
    """What a file adds to collections: pushes (`workers.push(w)`, `.add`, `.append`) and member
    stores (`registry[name] = w`), as (scopes, the collection's name, the element)."""
    added = [(c.scopes, c.callee[:-1], a) for c in facts.calls
             if c.method in ("push", "unshift", "add", "append") and len(c.callee) > 1 for a in c.args]
    return added + list(facts.members)
_NO_DEPS: frozenset[str] = frozenset()
_UNASKED = object()  # `parts`: no answer memoized yet (None is an answer)



# folders compiled output goes to: an import of one names a build the project does not hold
BUILD_FOLDERS = frozenset({"dist", "build", "out", "lib", ".output"})


def _merge(entries: dict[str, object], keys: Callable[[str, object], object]) -> dict[object, list[tuple[str, object]]]:
    """Every file's (key, item) pairs by key, as (file, item) lists in file order (`Project.index`)."""
    merged: dict[object, list[tuple[str, object]]] = {}
    for path, part in entries.items():
        for key, item in keys(path, part):  # type: ignore[attr-defined]
            merged.setdefault(key, []).append((path, item))
    return merged


@dataclass(frozen=True)
class Mentions:
    """How often each name is written, by how: `named` counts every mention (a call, an import, a
    value, an attribute, a word of a string), `called` those that are the last name of a callee
    (`Client(…)`, `mod.Client(…)`), `imported` those in an import. A name's definition is not a mention."""

    named: dict[str, int]
    called: dict[str, int]
    imported: dict[str, int]
    # those that are one word of a longer text (a string's words, a call's source excerpt): no value
    # or string that names the function itself (`getattr(x, "name")`, `handler=self.name`)
    loose: dict[str, int] = field(default_factory=lambda: defaultdict(int))


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _mention_names(facts: FileFacts, mentions: Mentions, exports: bool = True) -> None:
    """Add the names `facts` writes to `mentions`; `exports=False` leaves out a module's `__all__`
    list (a re-export names what a package offers its users, it uses nothing)."""
    named, called = mentions.named, mentions.called

    def path(names: Path) -> None:
        for name in names:
            named[name] += 1

    loose = mentions.loose

    def arg(value: Arg) -> None:
        for word in _WORD.findall(value.text):  # a string's words, a value's source excerpt
            named[word] += 1
            if word != value.text.strip("\"'"):
                loose[word] += 1
        path(value.path)
        if value.kind == "call":  # the callee of a call handed on: the call itself is counted too
            for name in value.path:
                loose[name] += 1
        for key in value.keys:
            named[key] += 1
        for inner in value.values + value.branches:
            arg(inner)

    for call in facts.calls:
        path(call.callee)
        if call.callee:
            called[call.callee[-1]] += 1
        elif call.method:
            named[call.method] += 1
        for name, _ in call.chain:
            named[name] += 1
        for value in call.args:
            arg(value)
        for _, value in call.keywords:
            arg(value)
    for decl in facts.decls:
        value = decl.value
        if value.kind == "import":
            if value.name:
                named[value.name] += 1
                mentions.imported[value.name] += 1
            else:
                path(tuple(value.module.split(".")))
        elif value.kind in ("ref", "element"):
            path(value.path)
        elif value.arg is not None and (exports or decl.name != "__all__"):
            arg(value.arg)
    for assignment in facts.assignments:
        path(assignment.target)
        arg(assignment.value)
    for _, target, value in facts.members:
        path(target)
        arg(value)
    for _, returned in facts.returns:
        path(returned)
    for _, iterated in facts.iterated:
        path(iterated)
    for _, decorator in facts.decorators:
        path(decorator)
    for _, bases in facts.class_bases.values():
        for base in bases:
            path(base)


def _up(directory: str) -> str:
    """The parent folder, "" above the top: a file outside the scan root has an absolute path, and
    `dirname("/")` is "/" again (a walk up to "" would never end)."""
    parent = posixpath.dirname(directory)
    return "" if parent == directory else parent


def _star_target(pattern: str, spec: str, target: str) -> str | None:
    """`target` for `spec` under a mapping with at most one `*` (tsconfig `paths`, package.json
    `exports`): `target` itself when `pattern` has no `*` and equals `spec`, else `target` with its
    `*` replaced by what the pattern's `*` matches in `spec`; None when `spec` does not match."""
    prefix, star, suffix = pattern.partition("*")
    if not star:
        return target if spec == pattern else None
    if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
        return target.replace("*", spec[len(prefix) : len(spec) - len(suffix)], 1)
    return None


class Project:
    def __init__(self, root: str, files: list[FileFacts], manifests: dict[str, Manifest] | None = None, *,
                 incremental: bool = False, kept: dict[str, dict] | None = None) -> None:
        """`incremental`: keep what `update` needs (the language server); a scan does without.
        `kept`: `kept_answers` of an earlier model of the same files and manifests (kept by the
        cache: crashlint.cache.phase), taken as they are."""
        self.root = root
        self.incremental = incremental
        self.files: dict[str, FileFacts] = {f.path: f for f in sorted(files, key=lambda f: f.path)}
        # tuples, not lists: a sixth of the index's memory (issue 13). Most names are declared once
        # in their scope: their tuple is made at once, the others' gathered in a list first
        decls: dict[tuple[str, int, str], tuple[Decl, ...]] = {}
        several: list[tuple[str, int, str]] = []
        for path, facts in self.files.items():
            for decl in facts.decls:
                key = (path, decl.scope, decl.name)
                found = decls.get(key)
                if found is None:
                    decls[key] = (decl,)
                elif found.__class__ is tuple:
                    decls[key] = [*found, decl]  # type: ignore[assignment]
                    several.append(key)
                else:
                    found.append(decl)  # type: ignore[attr-defined]
        for key in several:
            decls[key] = tuple(decls[key])
        self.decls = decls
        # every name declared anywhere: most names a lookup is asked about (`fetch`, `console.log`,
        # `res.status`) are declared in no scope, and this says so in one probe (`lookup`); `update`
        # adds the names of changed files (a name no longer declared stays: the probes then decide)
        self._names: set[str] = {name for _, _, name in decls}
        self.languages = frozenset(f.language for f in self.files.values())  # a file's language is its name's
        self.manifests = manifests or {}
        self.vendored_dirs = self._vendored_python_dirs()
        self.python_modules = self._index_python_modules()
        self._suffixes: dict[str, str | None] | None = None  # `_module_by_suffix`'s index, built on first use
        self._path_extenders: dict[str, tuple[FileFacts, bool]] = {}  # `_extends_sys_path`, per file
        # workspace packages of a monorepo, longest name first so `@a/b-c` wins over `@a/b`
        self.workspace_packages = sorted(
            ((m.package_name, d) for d, m in self.manifests.items() if m.package_name),
            key=lambda item: -len(item[0]),
        )
        # derived queries, memoized on what they are about (see the module docstring)
        self._chains: dict[tuple[str, int], tuple[int, ...]] = {}
        self._declared: dict[tuple, list[Target]] = {}
        self._call_values: dict[tuple[str, int], list[Target]] = {}
        self._returns: dict[tuple[str, int], list[Target]] = {}
        self._returns_index: dict[str, dict[int, tuple[list[int], list[Path]]]] = {}
        self._properties: dict[str, frozenset[int]] = {}  # file → its `@property` / `@cached_property` methods
        self._returned_params: dict[tuple[str, int], list[int]] = {}  # (file, function) → returned parameters
        # (file, class, "self.x") → the base class declaring it, and the files the answer read
        self._inherited: dict[tuple[str, int, str], tuple[tuple[str, int] | None, frozenset[str]]] = {}
        kept = kept or {}
        self._modules: dict[tuple[str, str], str | None] = dict(kept.get("modules") or {})
        self._exports: dict[tuple, list[Target]] = {}
        self._members: dict[Target, list] | None = None
        self._added: dict[str, list] | None = None  # `_added` of each file that adds something, in file order
        self._building = False  # `build_members` under way
        self._stars: dict[str, dict[str, tuple[str, ...]]] = {}
        self._callee_names: dict[int, tuple[str, ...]] = {}
        self._calls_by_name: dict[str, list[tuple[str, Call]]] | None = None  # by id() of a Call of self.files (alive as long as self)
        # Python method calls on a call's result (`Client().send(…)`), by method name (`result_calls`)
        self._result_calls: dict[str, list[tuple[str, Call]]] | None = None
        # `calls_of`: callee name → each call named so, with what its callee resolves to (and its
        # `self.name(…)` method, once asked): the index every declaration of that name reads
        self._calls_of: dict[str, _CallsOf] = {}
        self._module_names: dict[str, str] | None = None
        self._mentions: Mentions | None = None  # `mentions`
        self._folders: dict[tuple, object] = {}
        self._roots: dict[str, str] = dict(kept.get("roots") or {})  # `package_root` by file
        self._constants: dict[object, object] = dict(kept.get("constants") or {})  # `constant`
        # `own_part`: what → path → (extra, answer), those of an earlier model for the same
        # contents (the cache pairs them with each file's digest), and whether this one added any
        self._own_parts: dict[str, dict[str, tuple[object, object]]] = {
            what: dict(table) for what, table in (kept.get("parts") or {}).items()}
        self.own_parts_added = False
        # `own_pass`: what → (extra, path → answer), those of an earlier model for files whose content
        # digest is the same (crashlint.cache.phase.load_model); this model's, and whether it computed any
        self._kept_passes: dict[object, tuple[object, dict[str, object]]] = dict(kept.get("passes") or {})
        self._own_passes: dict[object, tuple[object, dict[str, object]]] = {}
        self.own_passes_added = False
        self._packages: dict[str, list[str]] | None = None  # `package_paths`
        self._nesting = 0  # derivations under way: 0 between top-level queries
        self._started = 0  # uncached derivations started by the current top-level query
        # for `update` (see the module docstring): whether a query was ever cut short; the memos
        # whose answer depends on the order of the questions or on every file, as (table id, key);
        # whether the derivation under way read one of those (it is then one of them itself)
        self.cut = False
        self._height: dict[tuple[int, object], int] = {}  # how much deeper than itself each memo derived
        self._checked: set[tuple[int, object]] = set()  # memos derived or checked since the last update
        self._reach = 0  # the deepest derivation of the one under way
        self._in_progress: set[tuple[int, object]] = set()
        self._volatile: set[tuple[int, object]] = set()
        self._dirty = False
        self._volatile_calls: set[int] = set()  # `callee_names` memos that are order-dependent
        # the files each memo's derivation read, by (table id, key); (0, id(call)) for
        # `callee_names`, (1, (path, what)) for `per_file`; and those of the derivation under way
        self._deps: dict[tuple[int, object], frozenset[str]] = {}
        self._reads: set[str] | None = None
        # the memos whose derivation read each file (a mark stays listed after it is dropped: harmless)
        self._readers: dict[str, set[tuple[int, object]]] = defaultdict(set)
        self._innermost: object = None  # the memo whose derivation is under way, innermost
        # per-file answers of the layers above (`per_file`): path → what → answer
        self._per_file: dict[str, dict[object, object]] = {}
        # the passes over every file of the layers above (`parts`), kept across edits: what →
        # the non-empty answers in file order, and the files whose answer must be asked again
        self._passes: dict[object, _Pass] = {}
        self._order: dict[str, int] | None = None  # each file's position in `files`
        self._refreshed: dict[str, dict[str, object]] = {}  # `refresh`: what the layers above reported

    # ---- across edits ---------------------------------------------------------------------

    def update(self, changed: list[FileFacts]) -> set[str] | None:
        """The model of the project after an edit: `changed` (new facts of files the model holds,
        the set of files and the manifests the same) replaces their facts, and every memo that may
        have changed is dropped (module docstring): those about a changed file, those whose
        derivation read one (`_deps`), and the order-dependent ones. The changed files; None, with
        nothing changed, when this model cannot be updated (a query was cut short by the budget,
        or a file is new): build a new one. O(the changed files' facts + the memos it drops, through
        `_readers` + the pushes and member stores of the project, for `build_members`)."""
        if not self.incremental or self.cut or any(f.path not in self.files for f in changed):
            return None
        changed = [f for f in changed if f is not self.files[f.path]]
        if not changed:
            return set()
        paths = {f.path for f in changed}
        names = {c.callee[-1] for f in changed for c in (*self.files[f.path].calls, *f.calls) if c.callee}
        deps = self._deps
        # the function names whose functions changed (`reads_functions_named`)
        renamed: set[str] = set()
        for facts in changed:
            before, after = _function_scopes(self.files[facts.path]), _function_scopes(facts)
            renamed.update(FUNCTIONS + name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
        for facts in changed:
            old = self.files[facts.path]
            for decl in old.decls:
                self.decls.pop((old.path, decl.scope, decl.name), None)
            grouped: dict[tuple[str, int, str], list[Decl]] = defaultdict(list)
            for decl in facts.decls:
                grouped[(facts.path, decl.scope, decl.name)].append(decl)
            self.decls.update((key, tuple(found)) for key, found in grouped.items())
            self._names.update(name for _, _, name in grouped)
            self.files[facts.path] = facts
            for table in (self._chains, self._returns_index, self._returned_params, self._properties):
                for key in [k for k in table if (k[0] if isinstance(k, tuple) else k) == facts.path]:
                    del table[key]
            for call in old.calls:  # ids of objects about to be freed: never looked up again
                self._callee_names.pop(id(call), None)
                deps.pop((0, id(call)), None)
        stale = {mark for path in paths | renamed for mark in self._readers.pop(path, ())} | self._volatile
        stale.update((0, call_id) for call_id in self._volatile_calls)
        self._drop(stale)
        for path in paths:
            self._per_file.pop(path, None)
        for kept in self._passes.values():
            kept.stale |= paths
        self._volatile.clear()
        self._checked.clear()
        self._volatile_calls.clear()
        if self._added is not None:  # the changed files' additions, in file order
            for facts in changed:
                self._added.pop(facts.path, None)
                if added := _added(facts):
                    self._added[facts.path] = added
            if self._order is None:
                self._order = {path: i for i, path in enumerate(self.files)}
            self._added = dict(sorted(self._added.items(), key=lambda item: self._order[item[0]]))  # type: ignore[index]
        if self._members is not None:  # built again first, as a fresh scan does; what read it is
            before = self._members  # kept when it is the same
            self.build_members(again=True)
            if self._members != before:
                self._drop(self._readers.pop(MEMBERS, set()))
        self._mentions = None  # every file's names: asked again whole (`mentions`)
        self._inherited.clear()  # cheap to find again; what read an answer recorded its files
        if self._calls_by_name is not None:  # the changed files' calls out, their new calls in, in file order
            order = {path: i for i, path in enumerate(self.files)}
            for name in names:
                kept = [entry for entry in self._calls_by_name.get(name, ()) if entry[0] not in paths]
                kept += [(f.path, c) for f in changed for c in f.calls if c.callee and c.callee[-1] == name]
                kept.sort(key=lambda entry: order[entry[0]])  # stable: a file's calls keep their order
                if kept:
                    self._calls_by_name[name] = kept
                else:
                    self._calls_by_name.pop(name, None)
        self._calls_of.clear()  # resolved afresh, in the order a fresh scan asks (`calls_of`)
        self._result_calls = None  # indexed again when asked: one pass over the calls, no resolution
        return paths

    def _depend(self, mark: tuple[int, object]) -> frozenset[str]:
        """Record what the derivation of `mark` read (`_reads`), and it among each file's readers."""
        read = self._deps[mark] = frozenset(self._reads)  # type: ignore[arg-type]
        for path in read:
            self._readers[path].add(mark)
        return read

    def _drop(self, marks: set[tuple[int, object]]) -> None:
        """Forget the memos `marks` name (see `_deps`)."""
        tables = {id(table): table for table in (self._declared, self._call_values, self._returns, self._exports, self._stars)}
        for mark in marks:
            self._deps.pop(mark, None)
            self._height.pop(mark, None)
            table_id, key = mark
            if table_id == 0:
                self._callee_names.pop(key, None)
            elif table_id == 1:
                self._per_file.get(key[0], {}).pop(key[1], None)  # type: ignore[index]
                kept = self._passes.get(key[1])  # type: ignore[index]
                if kept is not None:
                    kept.stale.add(key[0])  # type: ignore[index]
            elif table_id in tables:
                tables[table_id].pop(key, None)

    def per_file(self, path: str, what: object, compute: Callable[[], object], *, keep: bool = True) -> object:
        """An answer of a layer above about one file (`what` names the question, with whatever else
        it depends on), memoized until `update` drops it: `compute` must read only that file's facts
        and what this model resolves from it. O(1) when memoized (a dictionary lookup and, in an
        incremental model, a set union of the files it read), else the cost of `compute`.
        `keep=False`: a scan (no incremental model) does not keep the answer — the per-file parts
        of a pass that merges them into an index it holds itself, asked once per scan (peak
        memory, issue 13 item 4: keeping them cost langfuse about 20 MB)."""
        if not self.incremental:  # a scan: no record of what each answer read (memory: issue 13)
            if not keep:  # a part the caller folds into an index of its own, asked once per scan
                return compute()
            answers = self._per_file.setdefault(path, {})
            if what not in answers:
                answers[what] = compute()
            return answers[what]
        answers = self._per_file.setdefault(path, {})
        mark = (1, (path, what))
        if what in answers:
            if self._reads is not None:
                self._reads |= self._deps.get(mark, _NO_DEPS)
            return answers[what]
        outer, outer_reach, outer_reads = self._dirty, self._reach, self._reads
        self._dirty, self._reach, self._reads = False, 0, {path}
        try:
            answers[what] = value = compute()
        finally:
            read = self._depend(mark)
            if self._dirty or self._reach > MAX_DEPTH:
                self._volatile.add(mark)
            self._dirty = outer or self._dirty
            self._reach = max(outer_reach, self._reach)
            self._reads = outer_reads if outer_reads is None else outer_reads | read
        return value

    def parts(self, what: object, compute: Callable[[str, FileFacts], object],
              select: Callable[[str, FileFacts], bool] | None = None, *, keep: bool = True,
              nonempty: Callable[[object], bool] = bool) -> dict[str, object]:
        """A pass of a layer above over every file: `per_file(path, what, compute)` of each file
        `select` admits, the non-empty answers by path, in file order (the caller must not change
        it). `what` names the question and the selection; `select` may read only the file's facts
        and what the caller reports through `refresh`.

        A scan, or a pass asked inside a derivation (whose reads must be recorded): one pass over
        the files, O(files). An incremental model keeps the result across edits and asks again only
        the files whose answer `update` dropped (a changed file, one whose answer read a changed
        file, an order-dependent answer) or that `refresh` names, in file order, as the full pass
        would: O(those files + the non-empty answers) instead of O(files) lookups."""
        if not self.incremental:  # a scan: `per_file` inlined (a pass asks it of every file)
            found: dict[str, object] = {}
            answers_of = self._per_file
            for path, facts in self.files.items():
                if select is not None and not select(path, facts):
                    continue
                if keep:
                    answers = answers_of.get(path)
                    if answers is None:
                        answers = answers_of[path] = {}
                    part = answers.get(what, _UNASKED)
                    if part is _UNASKED:
                        part = answers[what] = compute(path, facts)
                else:
                    part = compute(path, facts)
                if nonempty(part):
                    found[path] = part
            return found
        if self._reads is not None:
            found = {}
            for path, facts in self.files.items():
                if select is None or select(path, facts):
                    part = self.per_file(path, what, lambda: compute(path, facts), keep=keep)
                    if nonempty(part):
                        found[path] = part
            return found
        kept = self._passes.get(what)
        if kept is None:
            kept = _Pass({}, set(self.files))
            self._passes[what] = kept
        if kept.stale:
            if self._order is None:
                self._order = {path: i for i, path in enumerate(self.files)}
            stale, kept.stale = sorted(kept.stale, key=self._order.__getitem__), set()
            entries = kept.entries
            fresh, added = not entries, False
            changes: list[tuple[str, object, object]] = []  # (file, answer before, answer now)
            try:
                for path in stale:
                    facts = self.files[path]
                    part = self.per_file(path, what, lambda: compute(path, facts)) if select is None or select(path, facts) else None
                    old = entries.get(path)
                    if part is not None and nonempty(part):
                        added = added or path not in entries
                        entries[path] = part
                    else:
                        part = entries.pop(path, None) and None
                    if part is not old:
                        changes.append((path, old, part))
                        if kept.memos and part != old:
                            kept.memos = None
            except BaseException:
                del self._passes[what]  # half asked: the next pass asks every file
                raise
            if added and not fresh:  # a file's answer became non-empty: back in file order
                kept.entries = dict(sorted(entries.items(), key=lambda item: self._order[item[0]]))  # type: ignore[index]
            if kept.merged is not None and changes:
                self._patch(kept, changes)
        return kept.entries

    def of_pass(self, what: object, key: object, compute: Callable[[], object]) -> object:
        """An answer derived from the answers of the pass `what` alone (and the set of files, the
        manifests): memoized until an edit changes one of those answers; computed each time
        otherwise (a scan, or inside a derivation)."""
        kept = self._passes.get(what)
        if not self.incremental or self._reads is not None or kept is None or kept.stale:
            return compute()
        if kept.memos is None:
            kept.memos = {}
        if key not in kept.memos:
            kept.memos[key] = compute()
        return kept.memos[key]

    def index(self, what: object, compute: Callable[[str, FileFacts], object],
              keys: Callable[[str, object], object], select: Callable[[str, FileFacts], bool] | None = None,
              *, nonempty: Callable[[object], bool] = bool) -> dict[object, list[tuple[str, object]]]:
        """A project-wide index made of a pass (`parts`): each file's answer gives (key, item)
        pairs (`keys(path, answer)`), merged by key as (file, item) lists in file order (the caller
        must not change it). A scan builds it in one pass over the files; an incremental model keeps
        it across edits and patches in the files whose answer changed: O(their items + the lists
        they are in) instead of O(every file's items)."""
        if not self.incremental or self._reads is not None:
            return _merge(self.parts(what, compute, select, keep=False, nonempty=nonempty), keys)
        entries = self.parts(what, compute, select, nonempty=nonempty)
        kept = self._passes[what]
        if kept.merged is None:
            kept.merged, kept.keys = _merge(entries, keys), keys
        return kept.merged

    def _patch(self, kept: _Pass, changes: list[tuple[str, object, object]]) -> None:
        """`kept.merged` without the old answers of the changed files, with their new ones."""
        merged, keys, order = kept.merged, kept.keys, self._order
        assert merged is not None and keys is not None and order is not None
        gone: dict[object, set[str]] = {}  # key → the changed files whose old items it lists
        for path, old, _new in changes:
            if old is not None:
                for key, _item in keys(path, old):  # type: ignore[attr-defined]
                    gone.setdefault(key, set()).add(path)
        for key, paths in gone.items():
            if key in merged:
                merged[key] = [entry for entry in merged[key] if entry[0] not in paths]
        touched: set[object] = set(gone)
        for path, _old, new in changes:
            if new is not None:
                for key, item in keys(path, new):  # type: ignore[attr-defined]
                    merged.setdefault(key, []).append((path, item))
                    touched.add(key)
        for key in touched:
            found = merged.get(key)
            if not found:
                merged.pop(key, None)
            elif len(found) > 1:
                found.sort(key=lambda entry: order[entry[0]])  # stable: a file's items keep their order

    def position(self, path: str) -> int:
        """A file's position in `files` (the order every pass follows)."""
        if self._order is None:
            self._order = {path: i for i, path in enumerate(self.files)}
        return self._order[path]

    def each_part(self, what: object, compute: Callable[[str, FileFacts], object], *, keep: bool = True,
                  nonempty: Callable[[object], bool] = bool):
        """`parts(what, compute)` as a generator, for a caller that may stop early (the first
        answer it looks for): each file's answer is asked as the caller reaches the file, so the
        questions asked are those of a loop over every file that stops there. An incremental
        model skips the files whose kept answer is empty: O(the non-empty answers up to where the
        caller stops + the files asked again) instead of O(files)."""
        if not self.incremental or self._reads is not None:
            for path, facts in self.files.items():
                part = self.per_file(path, what, lambda: compute(path, facts), keep=keep)
                if nonempty(part):
                    yield path, part
            return
        kept = self._passes.get(what)
        if kept is None:
            kept = self._passes[what] = _Pass({}, set(self.files))
        if self._order is None:
            self._order = {path: i for i, path in enumerate(self.files)}
        if not kept.stale:
            yield from list(kept.entries.items())
            return
        order = self._order
        paths = sorted(kept.stale.union(kept.entries), key=order.__getitem__)
        entries, added = kept.entries, False
        try:
            for path in paths:
                if path in kept.stale:
                    facts = self.files[path]
                    part = self.per_file(path, what, lambda: compute(path, facts))
                    kept.stale.discard(path)
                    old = entries.get(path)
                    if nonempty(part):
                        added = added or old is None
                        entries[path] = part
                    else:
                        entries.pop(path, None)
                        part = None
                    if part is not old:
                        kept.merged = None  # not patched here: built again when asked
                        kept.memos = None
                    if part is None:
                        continue
                else:
                    part = entries[path]
                yield path, part
        finally:
            if added:
                kept.entries = dict(sorted(entries.items(), key=lambda item: order[item[0]]))

    def refresh(self, label: str, values: dict[str, object]) -> None:
        """What the layers above know of each file beyond its facts and read in a `parts`
        selection (the role the process model gives it): the files whose value differs from the
        one reported under `label` before are asked again by every kept pass. O(files)."""
        if not self.incremental:
            return
        before = self._refreshed.get(label)
        self._refreshed[label] = dict(values)
        if before is None or before == values:
            return
        changed = {path for path in before.keys() | values.keys() if before.get(path) != values.get(path)}
        for kept in self._passes.values():
            kept.stale |= changed

    # ---- modules --------------------------------------------------------------------------

    def _vendored_python_dirs(self) -> frozenset[str]:
        """Folders of third-party Python packages copied into the repository and put on `sys.path`
        (Tautulli's `lib/` holds requests, cherrypy, urllib3, … and `Tautulli.py` inserts it first):
        a folder that is no package itself and of whose top-level modules and packages at least
        three, and a quarter, are named like dependencies the nearest manifest above it declares
        (requirements*.txt, pyproject). A project's own source folder holds its own packages, which
        its manifest does not list as dependencies. Their code is not the project's (nobody fixes it
        there), and `import requests` means the library, not a project module."""
        children: dict[str, set[str]] = defaultdict(set)
        # (a `#!` script with no `.py`, `bin/fail2ban-server`, is a program, not an importable module)
        paths = {p for p, f in self.files.items() if f.language == "python" and p.endswith(".py")}
        for path in paths:
            directory, name = posixpath.split(path)
            if name == "__init__.py" and directory:  # a package: a child of the folder above
                parent, package = posixpath.split(directory)
                children[parent].add(package)
            elif name != "__init__.py":
                children[directory].add(name[:-3])
        found = set()
        for directory, names in children.items():
            if not directory or posixpath.join(directory, "__init__.py") in paths or len(names) < 3:
                continue
            manifest = self._declaring_manifest(_up(directory))
            if manifest is None:
                continue
            declared = {normalize(n) for n in manifest.dependencies}
            matched = sum(1 for n in names if normalize(n) in declared)
            if matched >= 3 and matched * 4 >= len(names):
                found.add(directory)
        return frozenset(found)

    def _declaring_manifest(self, directory: str) -> Manifest | None:
        """The nearest manifest at or above `directory` that declares dependencies."""
        while True:
            manifest = self.manifests.get(directory)
            if manifest is not None and manifest.dependencies:
                return manifest
            if not directory:
                return None
            directory = _up(directory)

    def is_vendored(self, path: str) -> bool:
        """Whether `path` is in a folder of vendored third-party packages (`_vendored_python_dirs`)."""
        return any(path.startswith(d + "/") for d in self.vendored_dirs)

    def _index_python_modules(self) -> dict[str, str]:
        """Dotted module name → file, from package structure (`__init__.py` chains); vendored
        third-party packages are left out: importing them names the library."""
        paths = {p for p, f in self.files.items() if f.language == "python" and p.endswith(".py") and not self.is_vendored(p)}
        index: dict[str, str] = {}
        for path in sorted(paths, key=lambda p: (p.count("/"), p)):
            directory, filename = posixpath.split(path)
            parts = [] if filename == "__init__.py" else [filename[:-3]]
            # climb while the folder is a package
            while directory and posixpath.join(directory, "__init__.py") in paths:
                directory, package = posixpath.split(directory)
                parts.insert(0, package)
            dotted = ".".join(parts)
            if dotted:
                index.setdefault(dotted, path)
            # A namespace layout (no __init__.py) is importable from the scan root too.
            rel_parts = path[:-3].split("/")
            if rel_parts[-1] == "__init__":
                rel_parts = rel_parts[:-1]
            if rel_parts:
                index.setdefault(".".join(rel_parts), path)
        # A src layout (`unstract/sdk1/pyproject.toml` beside `src/unstract/sdk1/platform.py`, where
        # `unstract` is a namespace package with no __init__.py) installs what is under `src/`:
        # another package of the project that declares it as a path dependency (`unstract-sdk1 = {
        # path = "../unstract/sdk1", editable = true }`) imports `unstract.sdk1.platform`. After the
        # names above (which win), one pass over the files.
        for path in sorted(paths, key=lambda p: (p.count("/"), p)):
            parts = path[:-3].split("/")
            for at in range(len(parts) - 1):
                if parts[at] == "src" and "/".join(parts[:at]) in self.manifests:
                    tail = parts[at + 1:]
                    if tail and tail[-1] == "__init__":
                        tail = tail[:-1]
                    if tail:
                        index.setdefault(".".join(tail), path)
                    break
        # A namespace layout under a distribution's folder (karrio's `modules/events/pyproject.toml`
        # beside `karrio/server/events/__init__.py`, where `karrio/` and `karrio/server/` have no
        # __init__.py: PEP 420 packages that karrio's other distributions share): installed, it is
        # `karrio.server.events`, the name the API's imports and settings use. The path below the
        # nearest manifest's folder, when its first folder is no package. One more pass.
        nearest: dict[str, str] = {}  # folder → the nearest manifest folder at or above it ("" for none)

        def manifest_folder(folder: str) -> str:
            if folder not in nearest:
                nearest[folder] = folder if not folder or folder in self.manifests else manifest_folder(_up(folder))
            return nearest[folder]
        for path in sorted(paths, key=lambda p: (p.count("/"), p)):
            directory = manifest_folder(posixpath.dirname(path))
            if not directory:
                continue
            parts = path[len(directory) + 1:-3].split("/")
            if len(parts) < 2 or posixpath.join(directory, parts[0], "__init__.py") in paths or parts[0] == "src":
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            index.setdefault(".".join(parts), path)
        return index

    def resolve_module(self, from_path: str, spec: str) -> str | None:
        key = (from_path, spec)
        if key not in self._modules:
            self._modules[key] = self._resolve_module(from_path, spec)
        found = self._modules[key]
        if found is not None and self._reads is not None:
            self._reads.add(found)  # what is derived from here on may read that file
        return found

    def kept_answers(self) -> dict[str, dict]:
        """The answers that read only the set of files, their names and the manifests (never a
        file's facts, nor a memo that does), so they hold for any model of the same files and
        manifests, whatever the files' contents and the order of the questions: every
        `resolve_module` answer so far, by (importing file, specifier), the `constant` ones, and
        each file's `package_root` (every pass asks it of every file: 4,910 first lookups, 0.015 s
        of a commit scan of novu). What `Project(kept=…)` takes back."""
        return {"modules": self._modules, "constants": self._constants, "roots": self._roots}

    def own_part(self, what: str, path: str, compute: Callable[[], object], *, extra: object = None,
                 own: Callable[[], bool] | None = None) -> object:
        """An answer of a layer above about one file that reads only that file's facts, the set of
        files, their names, the manifests (what `kept_answers` read) and `extra` (a plain value the
        caller computes cheaply, e.g. a flag of the file's package), when `own()` says so (default:
        always): kept across scans for the same contents, so an edit recomputes it for the edited
        file alone (the cache pairs each answer with the file's digest: crashlint.cache.phase; issue
        13 item 7). O(1) when kept for the same `extra`, else the cost of `compute` (and of `own`).
        An answer `own()` refuses (it read another file's facts) is computed every time. A model
        kept across edits (the language server) records what each answer read instead (`per_file`):
        it computes here."""
        if self.incremental:
            return compute()
        table = self._own_parts.get(what)
        if table is None:
            table = self._own_parts[what] = {}
        found = table.get(path)
        if found is not None and found[0] == extra:
            return found[1]
        answer = compute()
        if own is None or own():
            table[path] = (extra, answer)
            self.own_parts_added = True
        else:
            table.pop(path, None)
        return answer

    def own_pass(self, what: object, compute: Callable[[str, FileFacts], object],
                 select: Callable[[str, FileFacts], bool] | None = None, *, extra: object = None,
                 paths: list[str] | None = None) -> dict[str, object]:
        """A pass over every file `select` admits whose answer about each file reads only that
        file's facts and `extra` (a plain value the caller computes, e.g. names another pass
        found): never a question to this model, never another file. The non-empty answers by
        path, in file order, as `parts` gives them. Kept across scans (the commit path, issue 13
        item 7): the cache pairs each file's answer with the file's content digest and the pass's
        `extra` (crashlint.cache.phase), so a later scan computes it again only for the files whose
        content changed, or all of them when `extra` differs; its one dependency, the file, is
        recorded and invalidated exactly. Answers must be plain values marshal stores (call
        indices, not the calls). O(files) dictionary probes + the cost of `compute` on the files
        not kept. `paths`: the files `select` admits, in file order, when the caller knows them
        (several passes over the same selection). A model kept across edits (the language server)
        keeps them as `parts` does."""
        if self.incremental:
            return self.parts(what if extra is None else (what, extra), compute, select, keep=False)
        answers: dict[str, object] = {}
        for source in (self._own_passes.get(what), self._kept_passes.get(what)):  # asked already, or kept
            if source is not None and source[0] == extra:
                answers = source[1] if not answers else {**source[1], **answers}
        asked: dict[str, object] = {}
        found: dict[str, object] = {}
        files = self.files
        for path, facts in files.items() if paths is None else ((path, files[path]) for path in paths):
            if select is not None and paths is None and not select(path, facts):
                continue
            part = answers.get(path, _UNASKED)
            if part is _UNASKED:
                part = compute(path, facts)
                self.own_passes_added = True
            asked[path] = part
            if part:
                found[path] = part
        self._own_passes[what] = (extra, asked)
        return found

    def own_passes(self) -> dict[object, tuple[object, dict[str, object]]]:
        """The `own_pass` answers of this scan: what → (extra, path → answer), empty answers included."""
        return self._own_passes

    def own_parts(self) -> dict[str, dict[str, tuple[object, object]]]:
        """The `own_part` answers of this model (kept ones included): what → path → (extra, answer)."""
        return self._own_parts

    def _resolve_module(self, from_path: str, spec: str) -> str | None:
        facts = self.files.get(from_path)
        if facts is None:
            return None
        if facts.language == "python":
            return self._resolve_python_module(from_path, spec)
        if spec.startswith("."):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), spec))
            return self._js_file(target) or self.built_source(target)
        if spec.startswith("#"):
            return self._subpath_import(from_path, spec)
        return self._resolve_js_alias(from_path, spec)

    def _subpath_import(self, from_path: str, spec: str) -> str | None:
        """A package.json `imports` specifier (`#lib/setup`, Node's subpath imports): mapped by the
        nearest package.json's `"imports"` — an exact key first, else the pattern with the longest
        prefix before its `*` (nodejs.org/api/packages.html#subpath-imports, PATTERN_KEY_COMPARE) —
        to the project file, or the source of that build output (`./dist/lib/*.js` → src/lib/…).
        O(the package's imports), memoized per (package, specifier)."""
        manifest = self._package_manifest(from_path)
        if manifest is None or not manifest.imports:
            return None
        key = ("subpath-import", manifest.path, spec)
        if key not in self._folders:
            exact = [t for k, t in manifest.imports if k == spec]
            patterns = sorted(((k, t) for k, t in manifest.imports if "*" in k), key=lambda kt: -len(kt[0].partition("*")[0]))
            mapped = exact[0] if exact else next((m for k, t in patterns if (m := _star_target(k, spec, t)) is not None), None)
            found = None
            if mapped is not None:
                found = self._js_file(mapped) or self._js_file(posixpath.splitext(mapped)[0]) or self.built_source(mapped)
            self._folders[key] = found
        return self._folders[key]  # type: ignore[return-value]

    def built_source(self, target: str) -> str | None:
        """The source of a compiled module a path names (`./dist/controller.js`, `require('../dist')`)
        when the build output is not in the project: under the folder's tsconfig `rootDir` (set with
        its `outDir`), else `src/`, else beside the build folder (`dist/x.js` → `x.ts`)."""
        parts = target.split("/")
        at = next((i for i, part in enumerate(parts) if part in BUILD_FOLDERS), None)
        if at is None:
            return None
        base, rest = "/".join(parts[:at]), "/".join(parts[at + 1 :])
        manifest = self.manifests.get(base)
        roots = [manifest.ts_root_dir] if manifest is not None and manifest.ts_root_dir is not None else []
        for root in dict.fromkeys([*roots, posixpath.join(base, "src") if base else "src", base]):
            candidate = posixpath.join(root, rest) if rest else (root or "index")
            found = self._js_file(candidate) if candidate else None
            if found and found != target:
                return found
        return None

    def _resolve_js_alias(self, from_path: str, spec: str) -> str | None:
        """A tsconfig `paths` alias (`@/lib/redis`) or a workspace package (`@acme/shared/src/x`).
        Memoized by the tsconfig that decides and the specifier (every file under one tsconfig asks
        the same), and the workspace lookup by the specifier alone."""
        tsconfig = self._in_folder("tsconfig", posixpath.dirname(from_path), self._tsconfig_of)
        key = ("alias", tsconfig.path if tsconfig is not None else "", spec)
        if key not in self._folders:
            found = self._ts_alias(tsconfig, spec) if tsconfig is not None else None
            if found is None:
                found = self._in_folder("workspace", spec, self._workspace_file)
            self._folders[key] = found
        return self._folders[key]

    def _tsconfig_of(self, directory: str) -> Manifest | None:
        """The nearest folder's tsconfig/jsconfig with paths or baseUrl: it decides aliases below it."""
        manifest = self.manifests.get(directory)
        if manifest is not None and (manifest.ts_paths or manifest.ts_base is not None):
            return manifest
        if not directory:
            return None
        return self._in_folder("tsconfig", _up(directory), self._tsconfig_of)

    def _ts_alias(self, manifest: Manifest, spec: str) -> str | None:
        for pattern, targets in manifest.ts_paths.items():
            for target in targets:
                mapped = _star_target(pattern, spec, target)
                if mapped is None:
                    break  # the pattern does not match: none of its targets applies
                found = self._js_file(mapped)
                if found:
                    return found
        if manifest.ts_base is not None:
            return self._js_file(posixpath.normpath(posixpath.join(manifest.ts_base, spec)))
        return None

    def _workspace_file(self, spec: str) -> str | None:
        for name, package_dir in self.workspace_packages:
            if spec == name or spec.startswith(name + "/"):
                rest = spec[len(name) + 1 :]
                base = posixpath.join(package_dir, rest) if rest else package_dir
                found = self._js_file(base) or self._exported(package_dir, "./" + rest if rest else ".")
                if found is None and not rest:
                    found = self._package_main(package_dir)
                if found:
                    return found
        return None

    def _exported(self, package_dir: str, subpath: str) -> str | None:
        """The project file a package.json `exports` entry maps `subpath` to (`"./http":
        "./dist/http/index.js"` → src/http/index.ts; `"./*": "./dist/*.js"`), or the source of
        that build output. O(the package's exports)."""
        manifest = self.manifests.get(package_dir)
        if manifest is None or not manifest.exports:
            return None
        for key, target in manifest.exports:
            mapped = _star_target(key, subpath, target)
            if mapped is None:
                continue
            found = self._js_file(mapped) or self._js_file(posixpath.splitext(mapped)[0]) or self.built_source(mapped)
            if found:
                return found
        return None

    def _package_main(self, package_dir: str) -> str | None:
        """The module a bare import of a workspace package loads: its package.json `main` (or the
        source of that build output), else `src/index`."""
        manifest = self.manifests.get(package_dir)
        main = manifest.main if manifest is not None else ""
        if main:
            found = self._js_file(main) or self._js_file(posixpath.splitext(main)[0]) or self.built_source(main)
            if found:
                return found
        return self._js_file(posixpath.join(package_dir, "src"))

    def _js_file(self, base: str) -> str | None:
        base = posixpath.normpath(base)
        candidates = [base]
        stem, ext = posixpath.splitext(base)
        if ext in (".js", ".mjs", ".cjs", ".jsx"):  # TS ESM: "./x.js" names ./x.ts
            candidates += [stem + e for e in JS_EXTENSIONS]
        candidates += [base + e for e in JS_EXTENSIONS]
        candidates += [base + "/index" + e for e in JS_EXTENSIONS]
        for candidate in candidates:
            if candidate in self.files:
                return candidate
        return None

    def _resolve_python_module(self, from_path: str, spec: str) -> str | None:
        if spec.startswith("."):
            level = len(spec) - len(spec.lstrip("."))
            directory = posixpath.dirname(from_path)
            for _ in range(level - 1):
                directory = posixpath.dirname(directory)
            rest = spec[level:].replace(".", "/")
            base = posixpath.join(directory, rest) if rest else directory
            for candidate in (base + ".py", posixpath.join(base, "__init__.py")):
                candidate = posixpath.normpath(candidate)
                if candidate in self.files:
                    return candidate
            return None
        found = self.python_modules.get(spec)
        if found is None and "." in spec:
            found = self._python_module_beside(from_path, spec)
        if found is None and self._extends_sys_path(from_path):
            found = self._module_by_suffix(from_path, spec)
        return found

    def _extends_sys_path(self, path: str) -> bool:
        """Whether the module puts a computed folder on `sys.path` (`sys.path.append(os.environ['AIL_BIN'])`,
        `sys.path.insert(0, os.path.join(os.environ['AIL_BIN'], 'lib'))`): its imports may name a
        module under any folder of the project. One pass over its calls, memoized per facts object."""
        facts = self.files[path]
        known = self._path_extenders.get(path)
        if known is not None and known[0] is facts:
            return known[1]
        extends = facts.language == "python" and any(
            c.callee in SYS_PATH_ADDS and c.args and c.args[-1].kind != "string" for c in facts.calls)
        self._path_extenders[path] = (facts, extends)
        return extends

    def _module_by_suffix(self, from_path: str, spec: str) -> str | None:
        """The one project module whose path ends with the spec (`from lib.objects import Decodeds`
        → bin/lib/objects/Decodeds.py), for a module that put a folder crashlint cannot compute on
        sys.path; None when no module or several do. A bare name (`import ConfigLoader`) is not
        looked for when it is the standard library's or a dependency the nearest manifest declares:
        `sys.path.append` puts the folder after site-packages, so those win."""
        if "." not in spec:
            manifest = self._declaring_manifest(_up(from_path))
            if spec in sys.stdlib_module_names or (
                    manifest is not None and normalize(spec) in {normalize(n) for n in manifest.dependencies}):
                return None
        if self._suffixes is None:
            index: dict[str, str | None] = {}
            for path, facts in self.files.items():
                if facts.language != "python" or not path.endswith(".py") or self.is_vendored(path):
                    continue
                parts = path[:-3].split("/")
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                for i in range(len(parts)):
                    key = ".".join(parts[i:])
                    index[key] = path if key not in index else None  # several: ambiguous
            self._suffixes = index
        return self._suffixes.get(spec)

    def _python_module_beside(self, from_path: str, spec: str) -> str | None:
        """`from ops.celery.utils import x` in `apps/ops/management/commands/check.py`, where the
        package `ops` is `apps/ops/` and `apps/` is on `sys.path` only when the program runs
        (Django's `manage.py` beside it, a script's own folder): the nearest folder above the
        importing file that holds the spec's first package, and the module under it."""
        first, _, rest = spec.partition(".")
        base = self._package_above(posixpath.dirname(from_path), first)
        if base is None:
            return self._namespace_module_above(posixpath.dirname(from_path), spec)
        stem = posixpath.join(base, *rest.split("."))
        for candidate in (stem + ".py", posixpath.join(stem, "__init__.py")):
            if candidate in self.files and not self.is_vendored(candidate):
                return candidate
        return None

    def _namespace_module_above(self, directory: str, spec: str) -> str | None:
        """`from bodhi.client import bindings` in `bodhi-client/bodhi/client/cli.py`, where `bodhi/`
        has no `__init__.py`: a namespace package (PEP 420, shared by bodhi-client, -server and
        -messages), importable from the folder that holds it once that distribution is installed.
        The module at the spec's path under the importing file's folder or the nearest folder above.
        At most one lookup per folder above; `resolve_module` memoizes the answer."""
        parts = spec.split(".")
        while True:
            stem = posixpath.join(directory, *parts) if directory else posixpath.join(*parts)
            for candidate in (stem + ".py", posixpath.join(stem, "__init__.py")):
                if candidate in self.files and not self.is_vendored(candidate):
                    return candidate
            if not directory:
                return None
            directory = _up(directory)

    def _package_above(self, directory: str, name: str) -> str | None:
        """The package folder `name` in `directory` or the nearest folder above that holds one
        (with its `__init__.py`), or None. Memoized per (folder, name): every module of a folder,
        and of the folders below it, asks the same (25,000 walks up on polar)."""
        key = ("python package", name, directory)
        if key not in self._folders:
            base = posixpath.join(directory, name) if directory else name
            if posixpath.join(base, "__init__.py") in self.files:
                self._folders[key] = base
            else:
                self._folders[key] = None if not directory else self._package_above(_up(directory), name)
        return self._folders[key]  # type: ignore[return-value]

    # ---- names ----------------------------------------------------------------------------

    def _derive(self, table: dict, key, depth: int, compute: Callable[[], list[Target]]) -> list[Target]:
        """A memoized derived query, with the cycle guard, the depth limit and the work budget."""
        found = table.get(key)
        if found is not None and not self.incremental:
            return found
        if found is not None:
            mark = (id(table), key)
            if mark in self._in_progress:
                # a cycle closed here: the answers under way depend on where it was entered, unless
                # it is the derivation under way reaching itself (no other memo in between)
                if mark != self._innermost:
                    self._dirty = True
                return found
            if mark in self._volatile:
                self._dirty = True
            height = self._height.get(mark, 0)
            if mark in self._checked or depth + height <= MAX_DEPTH:
                self._checked.add(mark)
                self._reach = max(self._reach, depth + height)
                if self._reads is not None:
                    self._reads |= self._deps.get(mark, _NO_DEPS)
                return found
            # kept from before an edit and asked deeper now: a fresh derivation would be cut short
            del table[key]
        if self._nesting == 0:
            self._started = 0  # a new top-level query: a fresh budget
        if depth > MAX_DEPTH or self._started >= QUERY_BUDGET:
            self.cut = self.cut or self._started >= QUERY_BUDGET
            self._reach = max(self._reach, depth)
            return [UNKNOWN]
        self._started += 1
        table[key] = [UNKNOWN]  # cycle guard: a query that reaches itself sees "unknown"
        if not self.incremental:
            self._nesting += 1
            try:
                table[key] = result = compute()
            finally:
                self._nesting -= 1
            return result
        mark = (id(table), key)
        self._in_progress.add(mark)
        outer_dirty, outer_reach, outer_reads, outer_innermost = self._dirty, self._reach, self._reads, self._innermost
        self._dirty, self._reach, self._reads, self._innermost = False, depth, {key[0]}, mark  # every key starts with its file
        self._nesting += 1
        try:
            table[key] = result = compute()
        finally:
            self._nesting -= 1
            self._in_progress.discard(mark)
            self._innermost = outer_innermost
            self._height[mark] = self._reach - depth
            self._checked.add(mark)
            read = self._depend(mark)
            if self._dirty:
                self._volatile.add(mark)
            self._dirty = outer_dirty or self._dirty
            self._reach = max(outer_reach, self._reach)
            self._reads = outer_reads if outer_reads is None else outer_reads | read
        return result

    def scope_chain(self, path: str, scope: int) -> tuple[int, ...]:
        key = (path, scope)
        chain = self._chains.get(key)
        if chain is None:
            parents = self.files[path].scope_parents
            steps = [scope]
            while scope != MODULE_SCOPE and len(steps) < 256:
                scope = parents.get(scope, MODULE_SCOPE)
                steps.append(scope)
            chain = self._chains[key] = tuple(steps)
        return chain

    def lookup(self, path: str, scopes: tuple[int, ...], name: str) -> tuple[Decl, ...]:
        if name not in self._names:
            return ()
        for sid in scopes:
            found = self.decls.get((path, sid, name))
            if found:
                return found
        return ()

    def _declaring_scope(self, path: str, scopes: tuple[int, ...], name: str) -> int | None:
        if name not in self._names:
            return None
        for sid in scopes:
            if (path, sid, name) in self.decls:
                return sid
        return None

    def resolve(self, path: str, scopes: tuple[int, ...], name: Path, depth: int = 0) -> list[Target]:
        """What `name` (a dotted path) denotes at a point in `path` inside `scopes`: a lookup of its
        head, then the declaration's value (memoized per declaration, not per use site)."""
        if not name:
            return [UNKNOWN]
        head, rest = name[0], name[1:]
        if head == "this" and len(rest) >= 2:
            member = f"this.{rest[0]}.{rest[1]}"  # `this.process.p = spawn(…)`: declared as written
            scope = self._declaring_scope(path, scopes, member)
            if scope is not None:
                return self.resolve_declared(path, scope, member, rest[2:], depth)
        if head in ("this", "self", "cls") and rest:
            head, rest = ("self." if head == "cls" else head + ".") + rest[0], rest[1:]
        elif rest:
            member = head + "." + rest[0]  # `Cache.instance`, `config.client`
            scope = self._declaring_scope(path, scopes, member)
            if scope is not None:
                return self.resolve_declared(path, scope, member, rest[1:], depth)
        scope = self._declaring_scope(path, scopes, head)
        if scope is None:
            if "." in head:  # an attribute this class does not assign: one a project base class declares
                where = self.inherited(path, scopes, head)
                return self.resolve_declared(where[0], where[1], head, rest, depth) if where else [UNKNOWN]
            return [Target("external", name=".".join(name))]  # a global: `fetch`, `process`, a builtin
        return self.resolve_declared(path, scope, head, rest, depth)

    def inherited(self, path: str, scopes: tuple[int, ...], member: str) -> tuple[str, int] | None:
        """Where a Python method's `self.x` is declared when its own class does not declare it: the
        (file, class scope) of the first project base class that does, depth first, left to right
        (Python's MRO for the single and mixin inheritance services use: `class Core(CoreSysAttributes)`
        reaching the mixin's `sys_create_task`). None when no project base declares it (a library
        base, a dynamic attribute). Memoized per (file, class, member); each base resolved once."""
        facts = self.files[path]
        if facts.language != "python" or not member.startswith("self."):
            return None
        cls = next((sid for sid in scopes if sid in facts.class_bases), None)
        if cls is None:
            return None
        key = (path, cls, member)
        known = self._inherited.get(key)
        if known is None:
            self._inherited[key] = (None, frozenset((path,)))  # cycle guard (`class A(B)` / `class B(A)`)
            known = self._inherited[key] = self._find_inherited(path, cls, member)
        if self._reads is not None:  # an incremental model: the memo reading this reads those files
            self._reads |= known[1]
        return known[0]

    def _find_inherited(self, path: str, cls: int, member: str) -> tuple[tuple[str, int] | None, frozenset[str]]:
        found: tuple[str, int] | None = None
        seen: set[tuple[str, int]] = {(path, cls)}
        read = {path}
        stack = [(path, cls)]
        while stack and found is None and len(seen) <= MAX_DEPTH:
            where, scope = stack.pop()
            read.add(where)
            bases_scopes, bases = self.files[where].class_bases.get(scope, ((), ()))
            classes = [(t.path, t.scope) for base in bases for t in self.resolve(where, bases_scopes, base) if t.kind == "class"]
            for base in classes:
                if base not in seen and (base[0], base[1], member) in self.decls:
                    found = base
                    break
            stack += [base for base in reversed(classes) if base not in seen]
            seen.update(classes)
        if found is not None:
            read.add(found[0])
        return found, frozenset(read)

    def resolve_declared(self, path: str, scope: int, name: str, rest: Path, depth: int = 0) -> list[Target]:
        """What the declarations of `name` in `scope` of `path` denote, then `rest` of them."""
        def compute() -> list[Target]:
            result: dict[Target, None] = {}
            for decl in self.decls.get((path, scope, name), ()):
                result.update(dict.fromkeys(self.resolve_value(path, decl, rest, depth + 1)))
            return list(result)

        return self._derive(self._declared, (path, scope, name, rest), depth, compute)

    def resolve_besides_none(self, path: str, scopes: tuple[int, ...], name: str) -> tuple[list[Target], bool]:
        """What a plain name denotes without its declarations that hold `None`, and whether it has
        any (`config = Config(**kw) if kw else None` declares both arms): `resolve` makes a None
        an unknown target, which a rule must not take for a value it cannot see. Cost: one
        `resolve_declared` (memoized) when no declaration holds None, else one `resolve_value` per
        other declaration of the name."""
        scope = self._declaring_scope(path, scopes, name)
        if scope is None:
            return self.resolve(path, scopes, (name,)), False
        decls = self.decls.get((path, scope, name), ())
        kept = [decl for decl in decls if decl.value.kind != "none"]
        if len(kept) == len(decls):
            return self.resolve_declared(path, scope, name, ()), False
        result: dict[Target, None] = {}
        for decl in kept:
            result.update(dict.fromkeys(self.resolve_value(path, decl, (), 1)))
        return list(result), True

    def resolve_value(self, path: str, decl: Decl, rest: Path, depth: int) -> list[Target]:
        value: Value = decl.value
        kind = value.kind
        if rest and rest[0] == ELEMENT and kind not in ("import", "ref"):  # `clients[0]`: any element
            return self.elements(self.resolve_value(path, decl, (), depth + 1), rest[1:], depth + 1) or [UNKNOWN]
        if kind == "import":  # `path`: the members read after the import (`require("m").Util.rethrow`)
            return self._resolve_import(path, value, value.path + rest, depth)
        if kind == "ref":  # read where it was assigned (`this.x = x` in a constructor: its parameter)
            return self.resolve(path, self.scope_chain(path, value.scope or decl.scope), value.path + rest, depth + 1)
        if kind == "call":
            if decl.scope in self.files[path].class_bases and self.files[path].language == "python":
                # `partner = models.ForeignKey(Partner, …)` in a Django model's body, read as
                # `self.partner` / `course.partner`: the related model's instance, not the field
                related = self.related_instances(path, decl.scope, decl.name, rest, depth)
                if related:
                    return related
            targets = self.call_targets(path, value.call, depth + 1)
            rest = value.path + rest  # `const { child } = start()`: `child` of what it returns
            if not rest:
                return targets
            results = []  # `svc.worker` where svc = new Service(): the class's `this.worker`
            for target in targets:
                if target.kind == "instance":
                    results += self.member_of_instance(target, rest, depth + 1)
                elif target.kind == "object":  # `return { child }`: the function's `child`
                    results += self.member_of_object(target, rest, depth + 1)
                elif target.kind == "call" and len(rest) == 1:  # `const { app } = expressWs(express())`
                    results += self._returned_argument(target, rest[0], depth + 1)
            return results or [UNKNOWN]
        if kind == "member":  # `run = Service().run`: the member of what the call returns
            results = []
            for target in self.call_targets(path, value.call, depth + 1):
                if target.kind == "instance":
                    results += self.member_of_instance(target, value.path + rest, depth + 1)
                elif target.kind == "object":
                    results += self.member_of_object(target, value.path + rest, depth + 1)
            return results or [UNKNOWN]
        if kind == "class":
            if not rest:
                return [Target("class", path=path, scope=value.scope)]
            # a static member (`WorkerManager.closeWorkers`): methods are declared on the class scope
            return self.member_of_instance(Target("instance", path=path, scope=value.scope), rest, depth + 1) or [UNKNOWN]
        if kind == "function":
            if decl.name.startswith("self.") and value.scope in self._property_scopes(path):
                # `self.session` where `@cached_property def session(self): return OAuth2Session(…)`:
                # reading the attribute runs the method, so it holds what the method returns
                targets = self.function_returns(path, value.scope, depth + 1)
                if not rest:
                    return targets
                results = []
                for target in targets:
                    if target.kind == "instance":
                        results += self.member_of_instance(target, rest, depth + 1)
                    elif target.kind == "object":
                        results += self.member_of_object(target, rest, depth + 1)
                return results or [UNKNOWN]
            return [Target("function", path=path, scope=value.scope)] if not rest else [UNKNOWN]
        if kind == "param":
            if not rest:
                return [Target("param", path=path, scope=value.scope, index=value.index)]
            if value.path:  # `client: GrafanaAPIClient`: a member of an instance of the class it names
                results = [m for cls in self.resolve(path, self.scope_chain(path, decl.scope), value.path, depth + 1) if cls.kind == "class"
                           for m in self.member_of_instance(Target("instance", path=cls.path, scope=cls.scope), rest, depth + 1)]
                return results or [UNKNOWN]
            return [UNKNOWN]
        if kind == "annotated":  # `coresys: CoreSys` in a class body: `rest` of an instance of that class
            if not rest:
                return [UNKNOWN]
            chain = self.scope_chain(path, decl.scope)
            results = [m for cls in self.resolve(path, chain, value.path, depth + 1) if cls.kind == "class"
                       for m in self.member_of_instance(Target("instance", path=cls.path, scope=cls.scope), rest, depth + 1)]
            return results or [UNKNOWN]
        if kind == "array" and value.arg is not None:
            return [Target("array", path=path, scope=decl.scope, arg=value.arg)] if not rest else [UNKNOWN]
        if kind == "element" and not value.path and value.arg is not None:  # `{"start": run, …}[name]` (Python)
            literal = Target("object", path=path, scope=decl.scope, arg=value.arg)
            return self.elements([literal], rest, depth) or [UNKNOWN]
        if kind == "element":  # `for (const w of workers)`, `workers.map((w) => …)`
            chain = self.scope_chain(path, decl.scope)
            return self.elements(self.resolve(path, chain, value.path, depth + 1), rest, depth) or [UNKNOWN]
        if kind == "object" and value.arg is not None:
            target = Target("object", path=path, scope=decl.scope, arg=value.arg)
            return [target] if not rest else self.member_of_object(target, rest, depth + 1) or [UNKNOWN]
        return [UNKNOWN]

    def elements(self, collections: list[Target], rest: Path, depth: int) -> list[Target]:
        """`rest` of each element of the collections: literal elements and values, and members
        added later (`collection_members`)."""
        results: list[Target] = []
        for collection in collections:
            if collection.kind not in ("array", "object", "call"):
                continue
            members = []
            if collection.kind in ("array", "object") and collection.arg is not None:
                elem_chain = self.scope_chain(collection.path, collection.scope)
                members = [(collection.path, elem_chain, e) for e in collection.arg.values]
            members += self.collection_members(collection)
            for where, scopes, element in members:
                if element.kind == "ref":
                    results += self.resolve(where, scopes, element.path + rest, depth + 1)
                elif element.kind in ("new", "call") and element.call >= 0 and not rest:
                    results += self.call_targets(where, element.call, depth + 1)
        return results

    def member_of_object(self, target: Target, rest: Path, depth: int) -> list[Target]:
        """`rest` of an object literal: what its key holds, read where the literal is written."""
        member = target.arg.value_of(rest[0]) if target.arg is not None else None
        if member is None:
            return []
        if member.kind == "ref":
            return self.resolve(target.path, self.scope_chain(target.path, target.scope), member.path + rest[1:], depth + 1)
        if member.kind in ("new", "call") and member.call >= 0 and len(rest) == 1:
            return self.call_targets(target.path, member.call, depth + 1)
        if member.kind in ("new", "call") and member.call >= 0 and depth <= MAX_DEPTH and self.files[target.path].language != "python":
            # `state = { memberCache: new MemberCache() }`: `state.memberCache.save` is the class's
            # method (a member of what the key holds, as for a name holding `new MemberCache()`).
            # JavaScript only: a Python dict's `tools["tc"].trigger()` stays unresolved, so a class
            # also handed on as a value elsewhere stays the server's (test_processes: treeherder)
            results: list[Target] = []
            for made in self.call_targets(target.path, member.call, depth + 1):
                if made.kind == "instance":
                    results += self.member_of_instance(made, rest[1:], depth + 1)
                elif made.kind == "object":
                    results += self.member_of_object(made, rest[1:], depth + 1)
            return results
        if member.kind == "object" and len(rest) > 1:  # `{ clients: { cache } }`
            return self.member_of_object(Target("object", path=target.path, scope=target.scope, arg=member), rest[1:], depth + 1)
        if member.kind == "object" and len(rest) == 1:
            # `mongoose.connect(config.db.uri, config.db.options)` with the config module's
            # `{ db: { options: { user, pass } } }` (FormSG): the nested literal itself
            return [Target("object", path=target.path, scope=target.scope, arg=member)]
        if member.kind == "function" and len(rest) == 1 and member.scope in self.files[target.path].functions:
            # `const Settings = { isMultiUser: async function () {…} }`: `Settings.isMultiUser` is that function
            return [Target("function", path=target.path, scope=member.scope)]
        return []

    def _resolve_import(self, path: str, value: Value, rest: Path, depth: int) -> list[Target]:
        target_file = self.resolve_module(path, value.module)
        language = self.files[path].language
        if target_file is None and language == "python" and value.name and not value.module.startswith("."):
            # `from lib.objects import Decodeds` where `lib/objects/` is a folder with no
            # __init__.py (a namespace package): the name is the module under it, if the project has it
            sub = self.resolve_module(path, value.module + "." + value.name)
            if sub is not None:
                return [Target("module", path=sub)] if not rest else self.resolve_export(sub, rest[0], rest[1:], depth + 1)
        if target_file is None:
            if language == "python":
                parts = [value.module] + ([value.name] if value.name else []) + list(rest)
                # `from . import x` of a missing module stays unknown rather than guessing
                return [Target("external", name=".".join(parts))] if not value.module.startswith(".") else [UNKNOWN]
            if value.module.startswith("."):
                return [UNKNOWN]
            # JS: a default import, `require` and a namespace all denote the module object;
            # `ns.default` is the default export, which for the libraries we know is the module.
            names = list(rest)
            if value.name not in (None, "default"):
                names.insert(0, value.name)
            if names and names[0] == "default":
                names = names[1:]
            module = value.module[5:] if value.module.startswith("node:") else value.module  # node:process = process
            module = self.wrapped_package(path, module)  # an npm alias, a package that wraps node-fetch
            return [Target("external", name=".".join([module] + names))]
        if value.name is None:
            if not rest:
                return [Target("module", path=target_file)]
            return self.resolve_export(target_file, rest[0], rest[1:], depth + 1)
        return self.resolve_export(target_file, value.name, rest, depth + 1)

    def resolve_export(self, path: str, name: str, rest: Path, depth: int) -> list[Target]:
        """What module `path` exports as `name` (then `rest`), memoized: barrel files
        (`export * from …`) are asked the same question thousands of times."""
        return self._derive(self._exports, (path, name, rest), depth, lambda: self._resolve_export(path, name, rest, depth))

    def _resolve_export(self, path: str, name: str, rest: Path, depth: int) -> list[Target]:
        facts = self.files[path]
        if facts.language == "python":
            if self.decls.get((path, MODULE_SCOPE, name)):
                return self.resolve(path, (MODULE_SCOPE,), (name,) + rest, depth + 1)
            sub = self.resolve_module(path, self._python_module_name(path) + "." + name)
            if sub is not None:  # `from pkg import submodule`
                return [Target("module", path=sub)] if not rest else self.resolve_export(sub, rest[0], rest[1:], depth + 1)
            return [UNKNOWN]
        results: list[Target] = []
        for export in facts.exports:
            if export.name != name:
                continue
            if export.local is not None:
                results += self.resolve(path, (MODULE_SCOPE,), (export.local,) + rest, depth + 1)
            elif export.module is not None:
                source = self.resolve_module(path, export.module)
                if source is None:
                    names = [n for n in (export.source_name, *rest) if n and n != "default"]
                    results.append(Target("external", name=".".join([export.module] + names)))
                elif export.source_name is None:
                    results += [Target("module", path=source)] if not rest else self.resolve_export(source, rest[0], rest[1:], depth + 1)
                else:
                    results += self.resolve_export(source, export.source_name, rest, depth + 1)
        if results:
            return results
        # `export * from …`: only the sources that export the name somewhere below them are asked
        # (a name-to-sources table per module, built once), not every barrel for every name
        stars = self._star_exports(path)
        sources = stars.get(name, ()) if not (name == "default" and rest) else stars.get("*", ())
        for source in sources:
            found = self.resolve_export(source, name, rest, depth + 1)
            if found != [UNKNOWN]:
                return found
        if name == "default" and rest:  # CommonJS interop: require("./m").x is the named export x
            return self.resolve_export(path, rest[0], rest[1:], depth + 1)
        # `const logger = exports; logger.dump_and_exit = function …` (Haraka's modules): a member
        # set on a module-level alias of `exports` / `module.exports` is that export
        for decl in facts.decls:
            if (decl.scope == MODULE_SCOPE and decl.value.kind == "ref" and decl.value.path in (("exports",), ("module", "exports"))
                    and self.decls.get((path, MODULE_SCOPE, decl.name + "." + name))):
                return self.resolve(path, (MODULE_SCOPE,), (decl.name + "." + name,) + rest, depth + 1)
        return [UNKNOWN]

    def star_sources(self, path: str, name: str) -> tuple[str, ...]:
        """The `export * from` sources of JS module `path` that export `name` somewhere below them:
        O(1) after the module's table is built (`_star_exports`, once per module)."""
        return self._star_exports(path).get(name, ())

    def _star_exports(self, path: str) -> dict[str, tuple[str, ...]]:
        """For a JS module: each name its `export * from` sources provide, with those sources in
        order (key "*": every such source). Memoized per module, so a barrel of barrels is read once
        whatever the number of names asked of it; a loop between barrels ends where it closes."""
        table = self._stars.get(path)
        if table is not None:
            if self.incremental:
                mark = (id(self._stars), path)
                if mark in self._in_progress or mark in self._volatile:
                    self._dirty = True
                if self._reads is not None:
                    self._reads |= self._deps.get(mark, _NO_DEPS)
            return table
        self._stars[path] = {}  # cycle guard
        if not self.incremental:
            table = self._stars[path] = self._star_table(path)
            return table
        mark = (id(self._stars), path)
        self._in_progress.add(mark)
        outer, outer_reads = self._dirty, self._reads
        self._dirty, self._reads = False, {path}
        try:
            table = self._star_table(path)  # the files it reads come through resolve_module
        finally:
            self._in_progress.discard(mark)
            read = self._depend(mark)
            if self._dirty:
                self._volatile.add(mark)
            self._dirty = outer or self._dirty
            self._reads = outer_reads if outer_reads is None else outer_reads | read
        self._stars[path] = table
        return table

    def _star_table(self, path: str) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for export in self.files[path].exports:
            if export.name != "*" or export.module is None:
                continue
            source = self.resolve_module(path, export.module)
            if source is None:
                continue
            found.setdefault("*", []).append(source)
            if self.files[source].language == "python":
                continue
            below = {e.name for e in self.files[source].exports if e.name != "*"}
            below.update(name for name in self._star_exports(source) if name != "*")
            for name in sorted(below):
                found.setdefault(name, []).append(source)
        return {name: tuple(sources) for name, sources in found.items()}

    def _python_module_name(self, path: str) -> str:
        if self._module_names is None:  # the first dotted name of each file, as the index lists them
            self._module_names = {}
            for dotted, file in self.python_modules.items():
                self._module_names.setdefault(file, dotted)
        return self._module_names.get(path) or posixpath.splitext(path)[0].replace("/", ".")

    def call_targets(self, path: str, index: int, depth: int = 0) -> list[Target]:
        """A call's value: for a call of a project function, what that function returns; for a
        project class, an instance of it. Memoized per call."""
        return self._derive(self._call_values, (path, index), depth, lambda: self._call_targets(path, index, depth))

    def _call_targets(self, path: str, index: int, depth: int) -> list[Target]:
        call = self.files[path].calls[index]
        if (len(call.callee) >= 2 and call.callee[-1] == "bind" and not call.is_new and depth <= MAX_DEPTH
                and self.files[path].language != "python"):
            # `this.sync.bind(this)` (JavaScript's Function.prototype.bind): a function that runs the
            # same body; what it denotes is read as the function itself
            bound = [t for t in self.resolve(path, call.scopes, call.callee[:-1], depth + 1) if t.kind == "function"]
            if bound:
                return bound
        if call.callee and depth <= MAX_DEPTH:
            returned: list[Target] = []
            for target in self.resolve(path, call.scopes, call.callee, depth + 1):
                if target.kind == "function" and not call.is_new:
                    returned += self.function_returns(target.path, target.scope, depth + 1)
                    # `withErrorLogging(new IORedis(url), "producer")` returning its parameter
                    # (formbricks' addConnectionErrorLogging): the call's value is that argument
                    for position in self.returned_params(target.path, target.scope):
                        if position < len(call.args):
                            returned += self._arg_targets(path, call, call.args[position], depth + 1)
                elif target.kind == "class":
                    returned.append(Target("instance", path=target.path, scope=target.scope))
            if returned:
                return returned
        elif call.method and call.receiver_call >= 0 and depth <= MAX_DEPTH:
            # `new AppLoader().load()`, `makeStore().open()`: the method of what the receiver call makes
            returned = []
            for receiver in self.call_targets(path, call.receiver_call, depth + 1):
                members: list[Target] = []
                if receiver.kind == "instance":
                    members = self.member_of_instance(receiver, (call.method,), depth + 1)
                elif receiver.kind == "object":
                    members = self.member_of_object(receiver, (call.method,), depth + 1)
                returned += [r for m in members if m.kind == "function" and not call.is_new
                             for r in self.function_returns(m.path, m.scope, depth + 1)]
            if returned:
                return returned
            if call.method in RETURNS_RECEIVER:
                # `fastify({ … }).withTypeProvider<T>()` (graasp's src/fastify.ts): the app itself
                return self.call_targets(path, call.receiver_call, depth + 1)
        if call.method in DI_GETTERS and not call.is_new and depth <= MAX_DEPTH:
            made = self._container_instance(path, call, depth + 1)
            if made:
                return made
        return [Target("call", path=path, index=index)]

    def _returned_argument(self, made: Target, member: str, depth: int) -> list[Target]:
        """`member` of a library call's result that is one of the call's arguments (RETURNS_ARGUMENT_AS)."""
        call = self.files[made.path].calls[made.index]
        for name in self.callee_names(made.path, call):
            kept = RETURNS_ARGUMENT_AS.get(name)
            if kept is not None and kept[0] == member and kept[1] < len(call.args):
                return self._arg_targets(made.path, call, call.args[kept[1]], depth)
        return []

    def _container_instance(self, path: str, call: Call, depth: int) -> list[Target]:
        """`container.get<QrCodeController>(DependencyIds.qrCodeController)` (GoGovSG),
        `container.resolve(UserController)`, `Container.get(UserService)`: an instance of the project
        class the type argument (or else the first argument) names, when the receiver is a
        container of a DI package — imported from one, or a `new Container()` of one. An interface,
        a token the container maps elsewhere (`get(TYPES.Ctl)` with no type argument), or a
        receiver of anything else stays unknown. O(resolving the receiver and the name), inside
        the call's memo."""
        if len(call.callee) < 2:
            return []
        if call.type_arg:
            named = call.type_arg
        elif call.args and call.args[0].kind == "ref":
            named = call.args[0].path
        else:
            return []
        classes = [t for t in self.resolve(path, call.scopes, named, depth) if t.kind == "class"]
        if not classes or not self._is_container(path, call.scopes, call.callee[:-1], depth):
            return []
        return [Target("instance", path=t.path, scope=t.scope) for t in classes]

    def _is_container(self, path: str, scopes: tuple[int, ...], receiver: Path, depth: int) -> bool:
        def of_package(name: str) -> bool:
            return any(name == p or name.startswith(p + ".") for p in DI_PACKAGES)

        for target in self.resolve(path, scopes, receiver, depth):
            if target.kind == "external" and of_package(target.name):
                return True  # tsyringe's `container`, TypeDI's `Container`
            if target.kind == "call":
                made = self.files[target.path].calls[target.index]
                if made.callee and any(t.kind == "external" and of_package(t.name)
                                       for t in self.resolve(target.path, made.scopes, made.callee, depth + 1)):
                    return True  # `export const container = new Container()` of inversify
        return False

    def member_of_instance(self, instance: Target, rest: Path, depth: int) -> list[Target]:
        python = self.files[instance.path].language == "python"
        prefix = "self." if python else "this."
        decls = self.decls.get((instance.path, instance.scope, prefix + rest[0]), [])
        results: list[Target] = []
        for decl in decls:
            results += self.resolve_value(instance.path, decl, rest[1:], depth + 1)
        if not decls and python:  # `course_run.course.partner`: Django relation fields of the model
            results += self.related_instances(instance.path, instance.scope, rest[0], rest[1:], depth)
        return results

    def related_instances(self, path: str, cls: int, attribute: str, rest: Path, depth: int) -> list[Target]:
        """What `attribute` of an instance of the Python class `cls` of `path` holds when the class
        body declares it a Django relation to a project model (`partner = models.ForeignKey(Partner,
        models.CASCADE)`, `OneToOneField`, the model named by its class or by a string naming a class
        of the same module: Django's "Related objects" — `course.partner` is the related `Partner`
        instance, docs.djangoproject.com/en/5.2/topics/db/queries/#related-objects), then `rest` of
        it; [] otherwise. O(the attribute's declarations in the class body), each model name resolved
        once (`resolve` is memoized)."""
        if depth > MAX_DEPTH:
            return []
        found: list[Target] = []
        for decl in self.decls.get((path, cls, attribute), ()):
            if decl.value.kind != "call" or decl.value.call < 0:
                continue
            call = self.files[path].calls[decl.value.call]
            if not call.args or not set(self.callee_names(path, call)) & DJANGO_RELATIONS:
                continue
            model = call.args[0]
            if model.kind == "ref" and model.path:
                named = self.resolve(path, self.scope_chain(path, cls), model.path, depth + 1)
            elif model.kind == "string" and model.text.isidentifier() and model.text != "self":
                named = self.resolve(path, (MODULE_SCOPE,), (model.text,), depth + 1)
            else:
                continue
            for target in named:
                if target.kind == "class":
                    instance = Target("instance", path=target.path, scope=target.scope)
                    found += [instance] if not rest else self.member_of_instance(instance, rest, depth + 1)
        return found

    def constructor_of(self, cls: Target) -> tuple[Target, int]:
        """A class's constructor as a function target, and where its parameters start counting the
        call's arguments (Python's `__init__(self, …)`: 1); UNKNOWN when it declares none."""
        python = self.files[cls.path].language == "python"
        for decl in self.decls.get((cls.path, cls.scope, "self.__init__" if python else "this.constructor"), ()):
            if decl.value.kind == "function":
                return Target("function", path=cls.path, scope=decl.value.scope), int(python)
        return UNKNOWN, 0

    def build_members(self, again: bool = False) -> None:
        """The index of `collection_members`, built at once: the rules phase builds it first, before
        any other question (so its answers do not depend on the question that first needs it), and
        `update` builds it again first after an edit. O(pushes and member stores of the project)."""
        if self._members is not None and not again:
            return
        outer, outer_reach, outer_reads = self._dirty, self._reach, self._reads
        self._reads = set() if self.incremental else None
        self._building = True
        try:
            self._members = {}
            if self._added is None:  # the files that add to collections, with what they add
                self._added = {path: added for path, facts in self.files.items() if (added := _added(facts))}
            for path, added in self._added.items():
                for scopes, owner, arg in added:
                    for target in self.resolve(path, scopes, owner):
                        if target.kind in ("array", "object", "call"):
                            self._members.setdefault(target, []).append((path, scopes, arg))
        finally:
            self._building = False
            self._dirty, self._reach, self._reads = outer, outer_reach, outer_reads

    def collection_members(self, collection: Target) -> list[tuple[str, tuple[int, ...], Arg]]:
        """Elements added later: `workers.push(w)`, `queues.add(q)`, `workers.append(w)`,
        `registry[name] = w`, `registry.set(name, w)`."""
        if self._members is None:
            self.build_members()
        if self._building:
            self._dirty = True  # the index half built: what reads it depends on where the build is
        elif self._reads is not None:
            self._reads.add(MEMBERS)  # a memo that reads it is dropped when an edit changes it
        return self._members.get(collection, [])

    def returned_params(self, path: str, scope: int) -> list[int]:
        """The positions of the parameters a JS/TS project function returns as they came
        (`(connection, label) => { connection.on("error", log); return connection; }`). Memoized
        per file with its returns (`_returns_index`)."""
        facts = self.files[path]
        if facts.language == "python":
            return []
        found = self._returned_params.get((path, scope))
        if found is None:
            names = {name for fn_scope, name in facts.returns if fn_scope == scope and len(name) == 1}
            found = sorted({t.index for name in sorted(names) for t in self.resolve(path, self.scope_chain(path, scope), name)
                            if t.kind == "param" and t.path == path and t.scope == scope and t.index >= 0})
            self._returned_params[(path, scope)] = found
        return found

    def _arg_targets(self, path: str, call: Call, arg: Arg, depth: int) -> list[Target]:
        if arg.kind == "ref":
            return [t for t in self.resolve(path, call.scopes, arg.path, depth) if t.kind in ("call", "object")]
        if arg.kind in ("new", "call") and arg.call >= 0:
            return self.call_targets(path, arg.call, depth)
        return []

    def _property_scopes(self, path: str) -> frozenset[int]:
        """The Python methods of a file read as attributes: decorated `@property`,
        `@functools.cached_property` or `@cached_property` (Django's too). One pass over the file's
        decorators, memoized per file."""
        found = self._properties.get(path)
        if found is None:
            facts = self.files[path]
            found = self._properties[path] = frozenset(
                scope for scope, decorator in facts.decorators if decorator and decorator[-1] in ("property", "cached_property")
            ) if facts.language == "python" else frozenset()
        return found

    def function_returns(self, path: str, scope: int, depth: int = 0) -> list[Target]:
        """The calls a project function returns (`return new Redis()`, `return client` where
        `client = createClient()`), through the factories it calls. Memoized per function."""
        return self._derive(self._returns, (path, scope), depth, lambda: self._function_returns(path, scope, depth))

    def _function_returns(self, path: str, scope: int, depth: int) -> list[Target]:
        index = self._returns_index.get(path)
        if index is None:  # every function's returns, in one pass over the file's calls
            index = self._returns_index[path] = {}
            facts = self.files[path]
            for i, call in enumerate(facts.calls):
                if call.returned:
                    index.setdefault(call.scopes[0], ([], []))[0].append(i)
            for fn_scope, name in facts.returns:
                index.setdefault(fn_scope, ([], []))[1].append(name)
        calls, names = index.get(scope, ((), ()))
        results: list[Target] = []
        for i in calls:
            results += self.call_targets(path, i, depth + 1)
        for name in names:
            results += [t for t in self.resolve(path, self.scope_chain(path, scope), name, depth + 1) if t.kind in ("call", "object")]
        for decl in self.decls.get((path, scope, RETURNED_OBJECT), ()):  # `return { child }`
            results += self.resolve_value(path, decl, (), depth + 1)
        return results

    # ---- helpers for rules ----------------------------------------------------------------

    def receiver_targets(self, path: str, call: Call) -> list[Target]:
        """What a method call is called on: a dotted receiver (`server.listen`) or the result of
        another call (`http.createServer(app).listen`)."""
        if len(call.callee) > 1:
            return self.resolve(path, call.scopes, call.callee[:-1])
        if call.receiver_call >= 0:
            return self.call_targets(path, call.receiver_call)
        return []

    def instance_names(self, target: Target, depth: int = 0) -> list[str]:
        """The external classes an instance of a project class is one of, through its bases
        (`class RetrySession(requests.Session)` → ["requests.Session"])."""
        based = self.files[target.path].class_bases.get(target.scope)
        if based is None or depth > MAX_DEPTH:
            return []
        scopes, paths = based
        names: list[str] = []
        for base in paths:
            for resolved in self.resolve(target.path, scopes, base, depth + 1):
                if resolved.kind == "external":
                    names.append(resolved.name)
                elif resolved.kind == "class":
                    names += self.instance_names(Target("instance", path=resolved.path, scope=resolved.scope), depth + 1)
        return names

    def class_methods(self, target: Target, names: set[str], depth: int = 0) -> list[tuple[str, int]]:
        """The functions (file, scope) that define `names` for an instance of a project class: its
        own methods and those of its project bases (`class TimeoutSession(Session): def request`)."""
        if depth > MAX_DEPTH:
            return []
        prefix = "self." if self.files[target.path].language == "python" else "this."
        found = [
            (target.path, decl.value.scope)
            for name in sorted(names)
            for decl in self.decls.get((target.path, target.scope, prefix + name), [])
            if decl.value.kind == "function"
        ]
        scopes, paths = self.files[target.path].class_bases.get(target.scope, ((), ()))
        for base in paths:
            for resolved in self.resolve(target.path, scopes, base, depth + 1):
                if resolved.kind == "class":
                    found += self.class_methods(Target("instance", path=resolved.path, scope=resolved.scope), names, depth + 1)
        return found

    def reads_functions_named(self, name: str) -> None:
        """The derivation under way reads which functions of the project are named `name` (an index a
        layer above holds): an incremental model drops it when an edit changes those functions."""
        if self._reads is not None:
            self._reads.add(FUNCTIONS + name)

    def calls_named(self, name: str) -> list[tuple[str, Call]]:
        """Every call whose callee's last segment is `name`, in file order: one index for the whole
        project, built once (O(calls)), instead of a walk over every call per question. The rules
        and the process model share it (a tuple per call: 11 MB on langfuse)."""
        self._dirty = True  # every file's calls: a memo that reads it is dropped on each `update`
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for path, facts in self.files.items():
                for call in facts.calls:
                    if call.callee:
                        self._calls_by_name.setdefault(call.callee[-1], []).append((path, call))
        return self._calls_by_name.get(name, [])

    def result_calls(self, path: str, scope: int, name: str) -> list[tuple[str, Call]]:
        """The Python calls of the method `scope` of `path` (named `name`) made on the result of
        another call — `MarketingSitePeople().update_or_publish_person(self)` in a model's `save()`,
        `EnterpriseApiClient().get_enterprise_customer_data(uuid)` — which have no callee name, so
        `calls_named` and `calls_of` do not see them: each whose receiver call's value is an instance
        of the method's class, or of a project subclass that inherits it (`class_methods`), in file
        order, tests included (callers filter them). The index by method name is built once
        (O(Python calls), no resolution; built again after an `update`); a question resolves the
        receivers of the calls of its name only."""
        self._dirty = True  # every file's calls, as `calls_named`
        if self._result_calls is None:
            self._result_calls = {}
            for file, facts in self.files.items():
                if facts.language == "python":
                    for call in facts.calls:
                        if not call.callee and call.method and call.receiver_call >= 0:
                            self._result_calls.setdefault(call.method, []).append((file, call))
        return [(file, call) for file, call in self._result_calls.get(name, ())
                if any(t.kind == "instance" and (path, scope) in self.class_methods(t, {name})
                       for t in self.call_targets(file, call.receiver_call))]

    def python_subclasses(self) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """Project Python class (path, scope) → the project classes that name it as a base (path,
        scope), in file order. One pass over every Python file's class bases, each resolved once:
        O(bases). Not memoized here (an edit changes it); the checkers that ask keep it per scan."""
        index: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for path, facts in self.files.items():
            if facts.language != "python":
                continue
            for scope, (scopes, bases) in facts.class_bases.items():
                for base in bases:
                    for resolved in self.resolve(path, scopes, base):
                        if resolved.kind == "class":
                            index.setdefault((resolved.path, resolved.scope), []).append((path, scope))
        return index

    def calls_of(self, target: Target, *, self_calls: bool = False) -> Iterator[tuple[str, Call]]:
        """The calls that reach the project function or class `target` (its kind, path and scope;
        `name`, what its callers write, by default the function's own name): every call named as it
        whose callee resolves to it, in file order. `self_calls`: and every `self.name(…)` /
        `cls.name(…)` in a class whose method of that name, its own first, then a project base's, is
        the function (an inherited method, which `resolve` does not follow).
        Cost: each call of that name (`calls_named`) is resolved once, for every declaration of that
        name at once, and only as far as a question reads (a caller that stops at its first answer
        resolves no further: the loops this replaces did the same); once every call of the name is
        resolved, they are indexed by what they reach and a question is a dictionary probe. So
        O(calls) resolutions for the whole project, however many declarations share a name (the
        `self.name(…)` methods likewise, once per call). Like `calls_named`, it reads every file: a
        memo that reads it is dropped on each `update`, and so is the index."""
        name = target.name
        if not name and target.kind == "function":
            function = self.files[target.path].functions.get(target.scope)
            name = function.name if function is not None else ""
        if not name:
            return iter(())
        self._dirty = True  # every file's calls (`calls_named`)
        calls = self._calls_of.get(name)
        if calls is None:
            calls = self._calls_of[name] = _CallsOf(self.calls_named(name))
        key = (target.kind, target.path, target.scope)
        groups = calls.groups[self_calls]
        if groups is not None:
            return iter(groups.get(key, ()))
        return self._reach_calls(calls, key, self_calls)

    def _reach_calls(self, calls: "_CallsOf", key: tuple[str, str, int], self_calls: bool) -> Iterator[tuple[str, Call]]:
        """`calls_of`'s walk before its index is whole: the calls resolved so far, then each next one
        resolved (for every later question too) as the caller reads on."""
        method = (key[1], key[2]) if self_calls and key[0] == "function" else None
        entries = calls.entries
        i = 0
        while True:
            if i == len(entries):
                if i == len(calls.named):
                    calls.index()
                    return
                path, call = calls.named[i]
                entries.append(_Reach(path, call, frozenset(
                    (t.kind, t.path, t.scope) for t in self.resolve(path, call.scopes, call.callee) if t.kind in ("function", "class"))))
            entry = entries[i]
            i += 1
            if method is not None and entry.method is _UNASKED:  # each entry's, so that the index can be built
                entry.method = self._self_method(entry.path, entry.call)
            if key in entry.reached or (method is not None and entry.method == method):
                yield entry.path, entry.call

    def _self_method(self, path: str, call: Call) -> tuple[str, int] | None:
        """The method `self.name(…)` calls: that of the innermost enclosing class with a method of
        that name (its own, then its project bases'); None for another call, or no such class."""
        if len(call.callee) != 2 or call.callee[0] not in ("self", "cls"):
            return None
        facts = self.files[path]
        for scope in call.scopes[1:]:
            if scope == 0 or scope in facts.functions:
                continue
            methods = self.class_methods(Target("instance", path=path, scope=scope), {call.callee[1]})
            if methods:
                return methods[0]
        return None

    def mentions_in(self, paths: Iterable[str]) -> "Mentions":
        """Where each name is written in the Python files `paths`, other than where it is defined and
        other than `__all__` lists: one pass over those files' facts (not memoized here: the caller
        holds the answer for the set it asks about)."""
        mentions = Mentions(defaultdict(int), defaultdict(int), defaultdict(int))
        for path in paths:
            facts = self.files.get(path)
            if facts is not None and facts.language == "python":
                _mention_names(facts, mentions, exports=False)
        return mentions

    def mentions(self, skip: Callable[[str], bool]) -> "Mentions":
        """Where each name is written in the Python files `skip` does not exclude (tests), other than
        where it is defined: one pass over the project the first time (O(facts), module docstring)."""
        self._dirty = True  # every file's names: a memo that reads it is dropped on each `update`
        if self._mentions is None:
            mentions = self._mentions = Mentions(defaultdict(int), defaultdict(int), defaultdict(int))
            for path, facts in self.files.items():
                if facts.language == "python" and not skip(path):
                    _mention_names(facts, mentions)
        return self._mentions

    def callee_names(self, path: str, call: Call) -> tuple[str, ...]:
        """The external qualified names a call's callee may denote (`ioredis`, `redis.Redis`).
        Memoized per call: every rule asks it of every call. A tuple: the memo holds one for each
        call of the project, most of them empty (one shared `()`, not a list each: issue 13)."""
        names = self._callee_names.get(id(call))
        if names is None:
            if not self.incremental:
                names = self._callee_names[id(call)] = (
                    tuple([t.name for t in self.resolve(path, call.scopes, call.callee) if t.kind == "external"]) if call.callee else ())
                return names
            outer, outer_reach, outer_reads = self._dirty, self._reach, self._reads
            self._dirty, self._reach, self._reads = False, 0, {path}
            try:
                names = tuple([t.name for t in self.resolve(path, call.scopes, call.callee) if t.kind == "external"]) if call.callee else ()
                self._callee_names[id(call)] = names
            finally:
                read = self._depend((0, id(call)))
                if self._dirty or self._reach > MAX_DEPTH:
                    self._volatile_calls.add(id(call))
                self._dirty = outer or self._dirty
                self._reach = max(outer_reach, self._reach)
                self._reads = outer_reads if outer_reads is None else outer_reads | read
        elif self._reads is not None:
            self._reads |= self._deps.get((0, id(call)), _NO_DEPS)
        return names

    def _in_folder(self, kind: str, directory: str, compute: Callable[[str], object]):
        """A per-folder answer, memoized: every file of a folder asks the same question."""
        key = (kind, directory)
        if key not in self._folders:
            self._folders[key] = compute(directory)
        return self._folders[key]

    def _package_manifest(self, path: str) -> Manifest | None:
        """The nearest folder's manifest that is a package.json (for JS) or any manifest (Python)."""
        return self._in_folder("package", posixpath.dirname(path), self._package_manifest_of)

    def _package_manifest_of(self, directory: str) -> Manifest | None:
        manifest = self.manifests.get(directory)
        if manifest is not None and (manifest.package_name or manifest.path.endswith("package.json")):
            return manifest
        if not directory:
            return None
        return self._in_folder("package", _up(directory), self._package_manifest_of)

    def wrapped_package(self, path: str, module: str) -> str:
        """The package `module` is, for the file at `path`: the one its nearest declaring manifest
        aliases or wraps under that name (`Manifest.wraps`), else `module`. Memoized per folder."""
        wraps = self._in_folder("wraps", posixpath.dirname(path), self._wraps_of)
        return wraps.get(module, module) if wraps else module

    def _wraps_of(self, directory: str) -> dict[str, str]:
        """The wraps of the manifests from `directory` up to the root, the nearest first."""
        above = self._in_folder("wraps", _up(directory), self._wraps_of) if directory else {}
        manifest = self.manifests.get(directory)
        if manifest is None or not manifest.wraps:
            return above
        return {**above, **dict(manifest.wraps)}

    def package_root(self, path: str) -> str:
        """The folder of the nearest manifest: a service in a monorepo is checked on its own.
        Memoized per file too (every pass asks it of every file; the manifests never change in a
        model)."""
        root = self._roots.get(path)
        if root is None:
            root = self._roots[path] = self._in_folder("root", posixpath.dirname(path), self._package_root_of)
        return root

    def constant(self, key: object, compute: Callable[[], object]) -> object:
        """An answer of a layer above that reads only the set of files, their names and the
        manifests, never a file's facts (a start command's entry files): memoized for the model's
        life (`update` changes none of those)."""
        if key not in self._constants:
            self._constants[key] = compute()
        return self._constants[key]

    def package_paths(self, package: str) -> list[str]:
        """The files whose `package_root` is `package`, in file order: one pass over the project,
        the first time one is asked (the files and the manifests never change in a model)."""
        if self._packages is None:
            self._packages = {}
            for path in self.files:
                self._packages.setdefault(self.package_root(path), []).append(path)
        return self._packages.get(package, [])

    def _package_root_of(self, directory: str) -> str:
        if not directory or directory in self.manifests:
            return directory
        return self._in_folder("root", _up(directory), self._package_root_of)

    def dependency(self, path: str, package: str) -> tuple[str, str] | None:
        """(version spec, manifest path) of `package` in the nearest manifest that declares it."""
        wanted = normalize(package)
        return self._in_folder("dep:" + wanted, posixpath.dirname(path), lambda d: self._dependency_of(d, wanted))

    def installed_floor(self, path: str, package: str) -> tuple[int, int, int] | None:
        """The lowest version of `package` the file's project can run with: the version the nearest
        Python lock file pins (poetry.lock, uv.lock, pdm.lock, Pipfile.lock: what is installed, even
        when the project declares the package only through another one), else the lower bound of
        the nearest declared range (`redis>=4.2` → 4.2.0), else None (unknown)."""
        wanted = normalize(package)
        locked = self._in_folder("lock:" + wanted, posixpath.dirname(path), lambda d: self._locked_of(d, wanted))
        if locked is not None:
            return lowest_version(locked)
        return self.declared_floor(path, package)

    def declared_floor(self, path: str, package: str) -> tuple[int, int, int] | None:
        """The lower bound of the range the nearest manifest declaring `package` gives (`^4.17.1` →
        4.17.1), or None (undeclared, or a range crashlint cannot read). O(1) after `dependency`."""
        declared = self.dependency(path, package)
        return None if declared is None else lowest_version(declared[0])

    def declares_at_least(self, path: str, package: str, version: str) -> bool:
        """Whether the nearest manifest declaring `package` admits no version below `version` (an
        undeclared or unreadable range does not)."""
        floor = self.declared_floor(path, package)
        return floor is not None and floor >= lowest_version(version)  # type: ignore[operator]

    def _locked_of(self, directory: str, wanted: str) -> str | None:
        manifest = self.manifests.get(directory)
        if manifest is not None and wanted in manifest.locked:
            return manifest.locked[wanted]
        if not directory:
            return None
        return self._in_folder("lock:" + wanted, _up(directory), lambda d: self._locked_of(d, wanted))

    def _dependency_of(self, directory: str, wanted: str) -> tuple[str, str] | None:
        manifest = self.manifests.get(directory)
        if manifest is not None and wanted in manifest.dependencies:
            return manifest.dependencies[wanted], manifest.path
        if not directory:
            return None
        return self._in_folder("dep:" + wanted, _up(directory), lambda d: self._dependency_of(d, wanted))
