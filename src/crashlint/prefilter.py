"""The byte-level prefilter (SPEC §7): files that cannot change any finding are not parsed.

Each rule file declares, right after its `summary`, the literals without which it cannot match:

    prefilter.requires = ["redis"]      the rule finds nothing in a project where no file has one
    prefilter.exported = ["redis"]      values that flow through imports (a library's name, a client):
                                        a file with one is parsed, and so is every file importing it
    prefilter.javascript = [".on", …]   a TS/JS file with none of these (nor an exported literal)
    prefilter.python = ["signal", …]    contributes nothing to the rule by its own content; a
                                        missing list: every file of that language may

A literal is a byte string; one written `(?i)health` matches in any case. A rule whose `requires`
occur nowhere in the project is left out: its literals do not keep any file.

A file is parsed when it holds a literal of a rule that is left in (a *seed*), or mentions
`crashlint` (a suppression comment), or cannot be judged from its bytes (unreadable, binary,
minified, not UTF-8: parsing words the note). Beyond the seeds, the criterion follows what the
project model and the rule kinds read across files (src/crashlint/project.py, engine/):

- every file that imports a parsed file, directly or through other files, is parsed (the process
  model follows imports from a start command's file to the code a rule reads);
- names cross files only through imports, so a file that imports a file with an `exported`
  literal, directly or through other files, is parsed (a client re-exported by a barrel, a factory
  called elsewhere, a listener attached in another module, `axios` re-exported under another name),
  and so is every file a parsed file imports (a stub there would resolve differently: `unknown`
  instead of a function or an object: an options object, a handler, a re-export);
- a Python file that loads modules by computed names (`importlib.import_module(name)`,
  `importlib.util.module_from_spec(spec)`, `__import__(name)`, a bot's `bot.load_extension(cog)`), and a JS/TS file that does
  (`require(file)`, `require("../exts/plugin-" + name)`, `` import(`./routes/${name}`) ``, a directory
  loader: `requireAll(path.join(__dirname, "../controller"))`, `glob.sync(…).forEach(require)`), is a
  seed: the process model makes the modules of its package that nothing imports (and the computed
  path can name) part of the process that loads it; so is a JS/TS file that starts a framework which
  loads modules by their folders (`sails.lift(…)`, a Sapphire client's `.login(…)`: `framework_loads`),
  and a Python file that starts Django (`get_wsgi_application()`, `get_asgi_application()`,
  `django.setup()`: processes.django makes the modules of its package the server's, though the
  wsgi module imports none of them); so is a Django settings module (`settings.py`, `settings/*.py`),
  whose dicts code reads through `django.conf.settings` (`Redis(**settings.REDIS_KWARGS)`);
- what a rule reads without resolving names (routes and `.use(…)` of a package, health paths,
  handler registrations, `.on(…)` listeners, timers) is in its local lists, so such a file is a seed;
- shutdown paths (CL002, CL012) also reach every project function of a name called on an object
  crashlint cannot resolve (`this.service.shutdown()`), in any file: when a rule with a
  `[shutdown]` table is in and a file registers a handler, a file defining a function of a name
  that a parsed file calls as a method is parsed too, until nothing changes.

Import specifiers are read with regular expressions (ES `from`/`import`/`require`, Python
`import`/`from … import`, with every dotted prefix and imported name as a possible submodule) and
resolved by the project model itself, over every discovered path, so aliases, workspace packages
and Python packages resolve exactly as in the analysis. A skipped file still appears in the project
as empty facts (its path counts for Python packages, module resolution, a package's file count and
its manifests), and counts in `files_scanned`: it was read and examined. What a skipped file loses
is only what its parse alone would tell: its syntax-error note.

It is off by default (measured: it skips 0-12% of the files of real projects with every rule on,
and costs more than it saves); `crashlint scan --prefilter`, `CRASHLINT_PREFILTER=1` or
`scan(…, prefilter=True)` turn it on.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from crashlint.dependencies import read_manifests
from crashlint.sourcetree import DiskTree, SourceTree
from crashlint.discover import SourceFile
from crashlint.facts.model import FileFacts
from crashlint.languages import LANGUAGE_OF_GRAMMAR
from crashlint.parse import is_binary, is_minified
from crashlint.project import Project
from crashlint.roles import is_django_settings_path
from crashlint.rulepack import Rule

FAMILIES = {"typescript": "javascript", "tsx": "javascript", "javascript": "javascript", "python": "python"}
PREFILTER_KEYS = ("requires", "exported", "javascript", "python")

# `._load("./dist/server.js", module, true)`: Node's loader (`Module._load`), which the process model follows like a require
JS_SPEC = re.compile(rb"""(?:\bfrom|\bimport|\brequire|\._load)\s*\(?\s*['"`]([^'"`\n]+)['"`]""")
PY_FROM = re.compile(rb"\bfrom[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)")
PY_IMPORT = re.compile(rb"\bimport[ \t]+([\w. \t,]+)")
WORD = re.compile(rb"[A-Za-z_]\w*")
# shutdown paths: names a file calls as methods, and names of the functions it may define
JS_DEFS = re.compile(
    rb"\bfunction\b\s*\*?\s*([A-Za-z_$][\w$]*)"
    rb"|(?:^|[{}(),;])[ \t]*(?:(?:async|static|get|set|public|private|protected|override|readonly|abstract|declare|export|default)[ \t]+)*"
    rb"\*?[ \t]*(#?[A-Za-z_$][\w$]*)[ \t]*(?:<[^>\n]*>)?[ \t]*\(",
    re.M,
)
PY_DEFS = re.compile(rb"\bdef[ \t]+(\w+)")


@dataclass
class Prefiltered:
    keep: list[SourceFile]  # to parse, in discovery order
    stubs: list[FileFacts] = field(default_factory=list)  # skipped: empty facts, so paths still resolve
    seeds: int = 0  # files kept for a literal of their own (the rest: imports, shutdown names)


class Literals:
    """Whether bytes hold one of the literals: `in` tests, the most frequent first (a regex
    alternation of many literals is several times slower in `re`); `(?i)x` tests the lowered bytes."""

    def __init__(self, literals: Iterable[str]) -> None:
        unique = set(literals)
        self.plain = sorted((s.encode() for s in unique if not s.startswith("(?i)")), key=lambda b: (-FREQUENT.get(b, 0), b))
        self.folded = sorted({s[4:].lower().encode() for s in unique if s.startswith("(?i)")})

    def __bool__(self) -> bool:
        return bool(self.plain or self.folded)

    def search(self, data: bytes) -> bool:
        if any(map(data.__contains__, self.plain)):  # C-level iteration: no bytecode per literal
            return True
        return bool(self.folded) and any(map(data.lower().__contains__, self.folded))


# literals that hit most files first (measured over the TypeScript corpora)
FREQUENT = {b: i for i, b in enumerate(reversed([b"await", b"async", b"'/", b'"/', b".get", b"Promise", b".on", b"process", b"route"]))}

# a Python module that loads others by computed names (processes.PY_COMPUTED_IMPORTS): the process
# model counts the modules of its package that nothing else loads as its process's own, so the loader,
# and the files that import it up to the start command, must be parsed for a seed there to be reached
# (and a bot library's `bot.load_extension(cog)`, `load_extensions(…)` — `reload_extension(` holds the
# first —, which the process model reads as a load by name: processes.extension_load)
PY_COMPUTED_LOADS = Literals(["import_module(", "module_from_spec(", "__import__(", "load_extension(", "load_extensions("])
# the same for JavaScript: `require(file)`, `import(path)`, `require("../exts/plugin-" + name)`,
# `` import(`./routes/${name}`) `` (facts.dynamic_loads: a computed load reaches the package's modules)
# and the directory loaders (`requireAll(path.join(__dirname, "../controller"))`, `require("require-dir")(…)`,
# `glob.sync(pattern).forEach(require)`: facts' `dir_loader_arg` and `each_list`)
JS_COMPUTED_LOADS = re.compile(rb"""(?<![\w$.])(?:require|import)\s*\(\s*(?:[A-Za-z_$]|`[^`]*\$\{|['"][^'"\n]*['"]\s*\+)"""
                               rb"""|(?<![\w$.])require_?(?:all|All|dir|Dir|directory|Directory)\s*\("""
                               rb"""|require\s*\(\s*['"]require-(?:all|dir|directory)['"]\s*\)\s*\("""
                               rb"""|\.(?:forEach|map)\s*\(\s*require\s*\)""")
# what starts a framework that loads modules by their folders (processes.framework_loads: `sails.lift(…)`,
# a Sapphire client's `.login(…)`): its modules are reached only through that file
JS_FRAMEWORK_LOADS = re.compile(rb"""\.(?:lift|login)\s*\(""")
# the same for Python: a wsgi/asgi module that starts Django loads its package's modules through the
# settings (processes._Finder.django), none of which it imports
PY_FRAMEWORK_LOADS = Literals(["get_wsgi_application", "get_asgi_application", "django.setup",
                               # a plugin manager that loads the project's entry points by group
                               # (processes.plugin_loads: stevedore's managers, `entry_points(group=…)`,
                               # `iter_entry_points(…)`, a wrapper given `namespace=`): the modules it
                               # loads import nothing of it. (A file that names the group in a string
                               # with none of these words — a class attribute read elsewhere — is
                               # skipped under --prefilter, and what it alone loads with it.)
                               "stevedore", "entry_points", "namespace=",
                               # Pyramid's configuration loads modules by dotted name (processes.pyramid_loads),
                               # and a marimo notebook's calls run the package API in the kernel (processes.marimo_notebook)
                               "config.include(", "config.scan(", "configurator.include(", "configurator.scan(",
                               "marimo.App("])



def active_rules(rules: list[Rule], contents: dict[str, bytes]) -> list[Rule]:
    """The rules that can find something here: those with a `requires` literal in some file."""
    waiting = {r.id: Literals(r.data["prefilter"]["requires"]) for r in rules if (r.data.get("prefilter") or {}).get("requires")}
    for data in contents.values():
        if not waiting:
            break
        for rule_id in [i for i, literals in waiting.items() if literals.search(data)]:
            del waiting[rule_id]
    return [r for r in rules if r.id not in waiting]


def _judgeable(grammar: str, data: bytes) -> bool:
    """Whether parsing would say nothing about the file itself (parse.parse_source's notes)."""
    if is_binary(data) or is_minified(grammar, data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _specifiers(family: str, data: bytes) -> set[str]:
    specs: set[str] = set()
    if family == "javascript":
        for match in JS_SPEC.finditer(data):
            specs.add(match.group(1).decode("utf-8", "replace").strip())
        return specs
    data = data.replace(b"\\\n", b" ")
    for match in PY_FROM.finditer(data):
        module = match.group(1).decode()
        specs |= _dotted_prefixes(module)
        for name in WORD.findall(match.group(2)):
            specs.add((module + name.decode()) if module.endswith(".") else f"{module}.{name.decode()}")
    for match in PY_IMPORT.finditer(data):
        for part in match.group(1).split(b","):
            words = part.split()
            if words:
                specs |= _dotted_prefixes(words[0].decode())
    return specs


def _dotted_prefixes(module: str) -> set[str]:
    """`a.b.c` → a, a.b, a.b.c; `..x.y` → .., ..x, ..x.y."""
    dots = len(module) - len(module.lstrip("."))
    head, rest = module[:dots], module[dots:]
    found = {head} if head else set()
    parts = [p for p in rest.split(".") if p]
    for i in range(1, len(parts) + 1):
        found.add(head + ".".join(parts[:i]))
    return found


def _shutdown_literals(rules: list[Rule]) -> Literals | None:
    """What registers a signal handler or names a lifecycle hook, for the rules with [shutdown]."""
    literals: set[str] = set()
    for rule in rules:
        spec = rule.data.get("shutdown")
        if not spec:
            continue
        for registration in spec.get("registrations", ()):
            if "method" in registration:
                literals.add(registration["method"])
            else:
                literals.add(registration["callee"].split(".")[0])
        literals.update(spec.get("lifecycle", ()))
    return Literals(literals) if literals else None


def prefilter(sources: list[SourceFile], rules: list[Rule], root: str, tree: SourceTree | None = None) -> Prefiltered:
    contents: dict[str, bytes] = {}
    keep: set[str] = set()  # parsed whatever the criterion says
    tree = tree or DiskTree(root)
    for (_, data), source in zip(tree.read_many([source.rel_path for source in sources]), sources):
        if isinstance(data, OSError):
            keep.add(source.rel_path)  # parsing words the note
            continue
        if not _judgeable(source.grammar, data):
            keep.add(source.rel_path)
            continue
        contents[source.rel_path] = data
    rules = active_rules(rules, contents)
    patterns: dict[str, Literals] = {}
    everything: set[str] = set()  # families some rule has no list for: every file is a seed
    exported_literals: set[str] = set()
    for rule in rules:
        exported_literals.update((rule.data.get("prefilter") or {}).get("exported", ()))
    for family in ("javascript", "python"):
        literals: set[str] = {"crashlint"} | exported_literals  # suppression comments are kept
        for rule in rules:
            spec = rule.data.get("prefilter") or {}
            if family not in spec:
                everything.add(family)
            literals.update(spec.get(family, ()))
        patterns[family] = Literals(literals)
    exported = Literals(exported_literals)
    family_of = {s.rel_path: FAMILIES[s.grammar] for s in sources}
    seeds = set(keep)
    anchors: set[str] = set()  # seeds whose values other files import
    for path, data in contents.items():
        family = family_of[path]
        if (family in everything or patterns[family].search(data) or family == "python" and (PY_COMPUTED_LOADS.search(data) or PY_FRAMEWORK_LOADS.search(data)
                                                                                              or is_django_settings_path(path))
                or family == "javascript" and (JS_COMPUTED_LOADS.search(data) or JS_FRAMEWORK_LOADS.search(data))):
            seeds.add(path)
            if exported.search(data):
                anchors.add(path)
    if len(seeds) == len(sources):
        return Prefiltered(list(sources), [], len(seeds))

    # the import graph, resolved by the project model over every discovered path
    stubs = {s.rel_path: FileFacts(path=s.rel_path, language=LANGUAGE_OF_GRAMMAR[s.grammar]) for s in sources}
    manifests = read_manifests(root, {posixpath.dirname(p) for p in stubs}, tree)
    model = Project(root, list(stubs.values()), manifests)
    imports: dict[str, set[str]] = {}
    importers: dict[str, set[str]] = {}
    resolved: dict[tuple[str, str, str], str | None] = {}  # a specifier resolves alike in one folder
    for path, data in contents.items():
        targets = set()
        family, folder = family_of[path], posixpath.dirname(path)
        for spec in _specifiers(family, data):
            key = (family, folder, spec)
            if key not in resolved:
                resolved[key] = model.resolve_module(path, spec)
            target = resolved[key]
            if target is not None and target != path:
                targets.add(target)
        imports[path] = targets
        for target in targets:
            importers.setdefault(target, set()).add(path)

    relevant = seeds | anchors
    _close_backward(anchors, relevant, importers)  # and every file that imports an anchor, transitively
    parsed: set[str] = set()
    _close_forward(relevant, parsed, imports)

    shutdown = _shutdown_literals(rules)
    if shutdown is not None and any(shutdown.search(data) for data in contents.values()):
        # the names the unparsed files define, then which of them parsed files call as methods
        defs = {p: _defined_names(family_of[p], d) for p, d in contents.items() if p not in parsed}
        names = set().union(*defs.values()) if defs else set()
        member = re.compile(rb"\.\s*(" + b"|".join(re.escape(n) for n in sorted(names)) + rb")(?![\w$])") if names else None
        called: set[bytes] = set()
        scanned: set[str] = set()
        while member is not None:
            for path in parsed - scanned:
                if path in contents:
                    called.update(member.findall(contents[path]))
            scanned |= parsed
            more = {p for p, d in defs.items() if p not in parsed and d & called}
            if not more:
                break
            _close_forward(more, parsed, imports)

    # the files that import a parsed file, transitively, are parsed too (not what they import): the
    # process model follows imports from a start command's file to the code a rule reads (an entry
    # `index.js` with nothing but `require("./dist/server/index.js")`), so a stub there would cut the
    # path and leave the code in no process
    _close_backward(set(parsed), parsed, importers)
    order = [s for s in sources if s.rel_path in parsed]
    skipped = [stubs[s.rel_path] for s in sources if s.rel_path not in parsed]
    return Prefiltered(order, skipped, len(seeds))


def _close_backward(start: set[str], into: set[str], importers: dict[str, set[str]]) -> None:
    """Add to `into` every file that imports one of `start`, transitively."""
    work = list(start)
    while work:
        for importer in importers.get(work.pop(), ()):
            if importer not in into:
                into.add(importer)
                work.append(importer)


def _close_forward(start: Iterable[str], parsed: set[str], imports: dict[str, set[str]]) -> None:
    """Add `start` and everything it imports, transitively, to `parsed`."""
    work = [p for p in start if p not in parsed]
    parsed.update(work)
    while work:
        for target in imports.get(work.pop(), ()):
            if target not in parsed:
                parsed.add(target)
                work.append(target)


def _defined_names(family: str, data: bytes) -> set[bytes]:
    if family == "python":
        return set(PY_DEFS.findall(data))
    return {a or b for a, b in JS_DEFS.findall(data)}
