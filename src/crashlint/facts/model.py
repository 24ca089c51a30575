"""Per-file facts: what one parse of one file tells the project model.

Facts are plain, picklable data (no tree-sitter nodes), so that a file is parsed once and its
facts can be produced in a worker process or loaded from a cache. Names are paths of segments as
written (`("this", "redis")`, `("redis", "asyncio", "Redis")`); the project model resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from crashlint.findings import Note

Span = tuple[int, int, int, int]  # start_line, start_col, end_line, end_col (all 1-based)
Path = tuple[str, ...]

MODULE_SCOPE = 0  # scope id of the file's top level; other scopes are node start bytes + 1
ELEMENT = "[]"  # a path segment: any element of a collection (`clients[0].on` → ("clients", "[]", "on"))
RETURNED_OBJECT = "<return>"  # declared in a function's scope: an object literal it returns (`return { child }`)
RETURNED_ARRAY = "<return[]>"  # declared in a function's scope: an array literal it returns (`return [a, b]`)
BLOCK_MARK = "@"  # `stream@1234`: a block's own `const stream` (JS; 1234: the block's first byte)


def plain_name(name: str) -> str:
    """A declared name as written: without the mark of a block's own declaration."""
    return name.split(BLOCK_MARK, 1)[0] if BLOCK_MARK in name else name


@dataclass(frozen=True, slots=True)
class Arg:
    """A summary of one argument (or option value) that rules can check without the tree."""

    kind: str  # object | array | string | none | ref | new | call | function | spread | either | other
    # either: a conditional value (`cond ? { timeout } : undefined`, `a ?? b`) of which at least one
    # arm is an object literal; `values` are its arms
    keys: tuple[str, ...] = ()  # object literal keys (JS objects, Python dict literals)
    values: tuple["Arg", ...] = ()  # the value of each key, same order as keys; array elements
    has_spread: bool = False  # `...rest` in an object literal / `**kw` in a dict literal
    path: Path = ()  # for ref: the dotted name; for new/call: the callee
    text: str = ""  # string literal value, or a short source excerpt
    call: int = -1  # for new/call arguments: the index of that Call in FileFacts.calls
    scope: int = 0  # for function arguments: the function's scope id
    # kind=object with conditional spreads (`{ headers, ...(cond ? { timeout } : {}) }`): each object
    # it may be, in full (keys/values above are their union); () otherwise
    branches: tuple["Arg", ...] = ()

    def value_of(self, key: str) -> "Arg | None":
        for k, v in zip(self.keys, self.values):
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Value:
    """What a declared name holds, as far as one file can tell."""

    # annotated: a class body's `name: SomeClass` with no value (`path`: the class as written)
    kind: str  # call | member | import | ref | object | array | element | function | class | param | annotated | none | other
    # member (Python): `cget = create_scraper().request`, the attribute `path[0]` of call `call`'s result
    call: int = -1  # kind=call: index into FileFacts.calls
    module: str = ""  # kind=import: the module specifier as written ("./utils/redis", "ioredis")
    name: str | None = None  # kind=import: imported name; "default"; None = the module object
    path: Path = ()  # kind=ref: the aliased name; kind=element: the collection iterated over
    scope: int = 0  # kind=function/param/class: the function's or class's scope id; kind=ref: the scope
    # the name is read in when it is not the declaring one (`this.x = x` in a method), else 0
    index: int = 0  # kind=param: position of the parameter
    arg: Arg | None = None  # kind=object / array: the literal


@dataclass(frozen=True, slots=True)
class Decl:
    scope: int
    name: str  # "x", or "this.x" / "self.x" for attributes declared in a class
    value: Value
    line: int


@dataclass(slots=True)
class Call:
    """A call or `new` expression."""

    callee: Path  # () when the callee is not a plain dotted name
    is_new: bool
    method: str = ""  # the property name when the callee is a member (`.then` of `a().then(f)`)
    receiver_call: int = -1  # `a().b()`: the index of the call `a()` whose result `.b` is called on
    span: Span = (0, 0, 0, 0)  # the call expression
    stmt_span: Span = (0, 0, 0, 0)  # the enclosing statement: what a report quotes
    scopes: tuple[int, ...] = (0,)  # enclosing scopes, innermost first, ending with MODULE_SCOPE
    args: tuple[Arg, ...] = ()
    # Python keyword arguments, in order; `*args` is kept as "*" and `**value` as "**" (the keys of
    # a `**{…}` literal are keywords of their own)
    keywords: tuple[tuple[str, Arg], ...] = ()
    has_star: bool = False  # *args / **kwargs / ...spread: unknown arguments
    chain: tuple[tuple[str, str], ...] = ()  # methods called on the result: (name, first string arg)
    bound_to: str | None = None  # name declared (in scopes[0]) that holds the result
    returned: bool = False  # `return <call>` in the enclosing function
    context_managed: bool = False  # Python `with <call> as x` / `async with`
    awaited: bool = False  # `await <call>` / `yield`: its value is consumed
    used: bool = True  # False when the call is a bare expression statement
    text: str = ""  # the call's source, truncated, for messages
    # TypeScript: the first type argument when it is a plain (dotted) type name, as written
    # (`container.get<QrCodeController>(id)`: ("QrCodeController",)); () otherwise
    type_arg: Path = ()

    def keyword(self, name: str) -> Arg | None:
        for k, v in self.keywords:
            if k == name:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Function:
    """A function, arrow, lambda or method: what CL003-style checks need without the tree."""

    scope: int
    name: str  # "" for anonymous functions
    is_async: bool
    params: int
    span: Span
    unguarded_await: int = 0  # line of the first `await` not inside a try body with a catch; 0 if none
    awaits: int = 0  # number of awaits in the function's own body
    # every await no try/catch guards: (line, index in FileFacts.calls of the call it awaits, or -1
    # when it awaits something else), so a rule can tell an await that cannot reject
    # (`await Promise.allSettled(…)`) from one that can (JavaScript)
    unguarded_awaits: tuple[tuple[int, int], ...] = ()
    throws: bool = False  # a `throw` no try/catch in the function's own body guards (a rethrow in a catch)
    # the awaits only a `finally` block guards (that of a `try` with a `catch`), in the same form as
    # `unguarded_awaits`: a cleanup's await is not reported in the function itself, but when it
    # rejects, so does the function's promise (`finally { await token.delete() }`) (JavaScript)
    cleanup_awaits: tuple[tuple[int, int], ...] = ()
    # the calls that end a `catch` block of the function's own body that no outer try/catch guards
    # (`catch (err) { rethrow.rethrowDatabaseError(err) }`): a rethrow when the callee always throws (JavaScript)
    catch_tails: tuple[int, ...] = ()
    # how the function's body ends: "throw" (its last statement is a `throw`), or the index of the
    # call it ends with (an arrow's expression body, a last expression statement), so a helper that
    # always throws is known through the helpers it hands on to; -1 otherwise (JavaScript)
    ends_throw: bool = False
    tail_call: int = -1
    # every `throw` counted in `throws` sits under an `if` inside a `catch` whose test names no
    # name of the caught error (`catch (e) { if (!res || typeof res.send !== "function") throw e; … }`):
    # a rethrow only when the call was not the one the catch expects (JavaScript)
    throws_on_shape: bool = False


@dataclass(frozen=True, slots=True)
class Export:
    name: str  # exported name; "default" for the default export; "*" for `export * from`
    local: str | None = None  # local name it refers to, in the module scope
    module: str | None = None  # re-export source specifier
    source_name: str | None = None  # name in the re-exported module


@dataclass(frozen=True, slots=True)
class Assignment:
    """`target.path = value` on a member path (e.g. `axios.defaults.timeout = 5000`)."""

    target: Path
    scopes: tuple[int, ...]
    value: Arg
    line: int


@dataclass
class FileFacts:
    path: str  # relative to the scan root, POSIX
    language: str
    decls: list[Decl] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    returns: list[tuple[int, Path]] = field(default_factory=list)  # (function scope, returned name)
    parse_errors: list[int] = field(default_factory=list)  # lines with syntax errors
    scope_parents: dict[int, int] = field(default_factory=dict)  # function/class scope → enclosing scope
    functions: dict[int, Function] = field(default_factory=dict)  # by scope id
    ui: bool = False  # renders JSX or declares "use client": browser code
    cli: bool = False  # reads process.argv: a command-line script
    imports: list[str] = field(default_factory=list)  # every module specifier imported, side effects too
    suppressions: list = field(default_factory=list)  # crashlint.suppressions.Suppression, from comments
    # base classes: class scope → (the class's enclosing scopes, dotted base names)
    class_bases: dict[int, tuple[tuple[int, ...], tuple[Path, ...]]] = field(default_factory=dict)
    # `while True:` loops: (enclosing scopes, first line, last line) — long-running workers
    forever_loops: list[tuple[tuple[int, ...], int, int]] = field(default_factory=list)
    loop_exits: list[tuple[int, int]] = field(default_factory=list)  # (scope, line) of break/return/raise/yield
    # the exits of forever loops that sit under an `if`: (scope, line, "stop" when its condition
    # names a stop — `if shutdown_requested(): break` — else "if"); a re-raise in `except` is no exit
    stop_exits: list[tuple[int, int, str]] = field(default_factory=list)
    # Python: what the default SIGTERM skips — `finally` blocks, `with` statements, `except
    # KeyboardInterrupt` / `except SystemExit` clauses: (line, the source of its first line, cut short)
    cleanups: list[tuple[int, str]] = field(default_factory=list)
    # Python: forever loops that test an attribute of `self` (`while self.measuring:`, `while not
    # self.stopped:`): (the loop's first line, the attribute, whether a truthy value ends it)
    member_waits: list[tuple[int, str, bool]] = field(default_factory=list)
    # Python: `self.attribute = <literal>` in a function (`self.running = False`, `self.busy = None`):
    # (the function's scope, the attribute, the literal's truth), outside `except KeyboardInterrupt`
    member_sets: list[tuple[int, str, bool]] = field(default_factory=list)
    # boolean flags assigned (`isShuttingDown = true`): where, and which name
    flag_sets: list[tuple[tuple[int, ...], str]] = field(default_factory=list)
    # JS/TS: names a `for await (… of name)` loop iterates: (scope of the loop, the name)
    iterated: list[tuple[int, Path]] = field(default_factory=list)
    # members put into a collection after it is made: `registry[name] = w`, `workers.set(name, w)`
    members: list[tuple[tuple[int, ...], Path, Arg]] = field(default_factory=list)
    lint_fixture: bool = False  # annotated for a linter's tests (`# ruleid:`): an example, not code that runs
    dynamic_loads: int = 0  # line of a `require(path)` / `import(path)` / `importlib.import_module(x)` of a computed path
    # JS/TS: the folder each computed load names before its first computed part, relative to the file
    # (`import(`./plugins/irc-events/${name}`)` → "./plugins/irc-events"); "*" for a path computed
    # from its start (`require(file)`), which may name any module
    dynamic_dirs: tuple[str, ...] = ()
    # Python: names a condition keeps out, `if "deprecated" not in module_info.name:` → (scope of the
    # `if`, "deprecated"): a plugin loader that skips modules so named (yeti's get_plugins_list)
    name_filters: list[tuple[int, str]] = field(default_factory=list)
    # Python: the string literals that are dotted names (`"karrio.server.events"`,
    # `"app.middleware.Session"`), once each, in order: a Django settings module names the apps,
    # URL confs and middleware the server imports this way (`Finder.django`)
    dotted_strings: tuple[str, ...] = ()
    # Python: (function scope, parameter index, default) for a parameter whose default is a string
    # literal or a call whose first argument is one (`host: str = typer.Option("127.0.0.1")`)
    string_defaults: tuple[tuple[int, int, str], ...] = ()
    # Python: indices (in `calls`) of computed imports that only probe whether a module is installed,
    # the result dropped inside a `try` that catches ImportError/ModuleNotFoundError (mylar3's check
    # of requirements.txt: `try: importlib.import_module(name) except ModuleNotFoundError: …`)
    import_probes: list[int] = field(default_factory=list)
    # Python: indices (in `calls`) of the `importlib.import_module(…)` / `__import__(…)` calls inside
    # a loop or a comprehension of their function: a loader that walks names (a folder's modules, a
    # list of plugins), as opposed to one that imports the one name it is given (luigi's metrics
    # collector, named by configuration)
    looped_imports: tuple[int, ...] = ()
    # JS/TS: modules imported only by an `import("./x")` in the consequence of an `if` that tests a
    # development switch (`if (options.dev)`, `if (process.env.NODE_ENV === "development")`)
    dev_imports: tuple[str, ...] = ()
    # Python: imports inside an `if` (`if args.manage_plugins: from .pluginscli import PluginsCLI` in
    # `main()`): (line, scope, the modules it may load — the module and, for `from pkg import name`,
    # `pkg.name` —, the enclosing `if` chains innermost first as (chain's first line, last line, the
    # branch's first line, last line)). The process model asks which branch serves.
    branch_imports: list[tuple[int, int, tuple[str, ...], tuple[tuple[int, int, int, int], ...]]] = field(default_factory=list)
    # indices (in `calls`) of the calls that run only under a development switch (`if (devMode) {
    # return runWatchMode(…) }`): a function only such calls reach runs in development only
    dev_calls: tuple[int, ...] = ()
    # JS/TS: the names the file declares with a development test as value (`export const DEV =
    # NODE_ENV === Environment.development`): an `if` on one of them, here or where it is imported,
    # is a development switch
    dev_flags: tuple[str, ...] = ()
    # JS/TS: (an imported name, indices in `calls` of the calls under `if (name) { … }`): development
    # code when the module that declares the name lists it in its `dev_flags` (the process model asks)
    flag_calls: tuple[tuple[str, tuple[int, ...]], ...] = ()
    # JS/TS: the first and last lines of the bodies of `dev_calls` and of `flag_calls` (with the name)
    dev_lines: tuple[tuple[int, int], ...] = ()
    flag_lines: tuple[tuple[str, int, int], ...] = ()
    # indices (in `calls`) of the calls that run only when a debug switch is on (`if (isQueueDebugEnabled)
    # { events.on("error", …) }`): a listener attached there is not attached in a normal run
    debug_calls: tuple[int, ...] = ()
    # Python: indices (in `calls`) of the calls in a one-shot option branch of a Django management
    # command's `handle()`: `if options.get("status"): … return` (awx's `run_dispatcher --status`,
    # which prints a daemon's state and ends before the daemon starts): a function only such calls
    # reach runs in a one-off command, not in the daemon the same command starts otherwise
    option_calls: tuple[int, ...] = ()
    dom: bool = False  # uses browser globals (`document.…`, `window.…`, `localStorage.…`): browser code
    # declares "use server" at its top: a module of React server functions (Next.js server actions),
    # which run in the server even when a client component imports them (react.dev/reference/rsc/use-server)
    server_directive: bool = False
    # declares "use client" at its top: a client component module, the edge of a Next.js App Router
    # server component tree (what it and its imports render runs in the browser; react.dev/reference/rsc/use-client)
    client_directive: bool = False
    main_guard: tuple[int, int] = (0, 0)  # Python `if __name__ == "__main__":` block (first, last line)
    # decorated functions: (function scope, decorator's dotted callee), e.g. (scope, ("click", "command"))
    decorators: list[tuple[int, Path]] = field(default_factory=list)
    # decorators that are calls (`@shared_task(soft_time_limit=60)`): (function scope, index in `calls`)
    decorator_calls: list[tuple[int, int]] = field(default_factory=list)
    # JS/TS: decorated class methods, (method scope, the decorator's dotted name — the callee of a call
    # decorator —, index in `calls` of that call or -1): `@HandleExceptions() async get(req, res)`
    method_decorators: tuple[tuple[int, Path, int], ...] = ()
    # Python `Type[X]` / `type[X]` annotations: (scope, name, X as written) — a parameter's or a
    # variable's (scope: the function it is in; name: the variable), or a function's return type
    # (scope: the function; name: "return"), so a rule can tell which methods of X's subclasses a
    # function runs through a class object it holds
    type_hints: list[tuple[int, str, Path]] = field(default_factory=list)
    # JS/TS: path strings a request's URL or path is compared with, by hand (`req.url === "/health"`,
    # `pathname === "/healthz"`, `case "/ping":` of a `switch (url.pathname)`): routes of a server
    # written without a router
    compared_paths: tuple[str, ...] = ()
    # JS/TS: `if` tests on the result of one call (`if (!(await redis.exists(k))) throw …`): (index in
    # `calls` of the call tested, or -1 when a name is tested; that name (`exists` of
    # `const exists = await redis.exists(k)`), or ""; the enclosing scopes; whether the consequence
    # runs when the result is truthy; the consequence's span; whether the consequence always ends in
    # `throw` / `return`, so that code after the `if` runs only when the test is false)
    gates: list[tuple[int, str, tuple[int, ...], bool, Span, bool]] = field(default_factory=list)
    # JS/TS: string literals in single and double quotes (a fix writes the file's own quotes)
    quotes: tuple[int, int] = (0, 0)
    # JS/TS (crashlint.facts.js_units): each top-level declaration whose body does not run at load, as
    # (name, first line, last line, the module-level names its body uses); the module-level names code
    # that runs at load uses; the specifiers of modules loaded as a whole object (`require(m)` not
    # destructured, `import(m)`). The process model reaches declarations by name from these.
    units: tuple[tuple[str, int, int, tuple[str, ...]], ...] = ()
    load_uses: tuple[str, ...] = ()
    whole_loads: tuple[str, ...] = ()
    es_module: bool = False  # JS/TS: has `import` / `export` statements (not CommonJS only)
    # CRC-32 and length of the file's bytes as read: a fix planned from these facts, after the parse,
    # checks that the file it edits is still the one parsed
    content: tuple[int, int] = (0, 0)
    # JS/TS: where a fix adds an import (crashlint.facts.edit_sites.import_site): (byte after which
    # it goes, ESM or not); () for Python
    import_site: tuple[int, bool] | tuple = ()
    # JS/TS: what a fix edits at each call, by index in `calls` (crashlint.facts.edit_sites.pack),
    # compressed: the fix planner reads the sites of the few calls that have findings, while the
    # scan holds the facts of every file in memory (issue 13, peak memory)
    sites: bytes = b""


# FileFacts fields only fixes read (the bytes' checksum, the quotes, where an import goes, each call's
# edit site: byte offsets, which any edit before them moves): the pipeline records them on the
# findings from the facts as they are now, after the rules
NOT_READ_BY_RULES = frozenset({"content", "quotes", "import_site", "sites"})
_COMPARED = tuple(f.name for f in fields(FileFacts) if f.name not in NOT_READ_BY_RULES)


def same_facts(before: FileFacts, after: FileFacts) -> bool:
    """Whether the rules phase reads the same from both: every field equal but those only fixes
    read (O(size of the facts)). The language server and the scan's phase cache reuse the rules'
    findings across an edit that leaves them so (and changes no source line the rules read)."""
    return all(getattr(before, name) == getattr(after, name) for name in _COMPARED)


@dataclass
class Parsed:
    """One file's parse result: its facts (None when it was not analysed), the notes about it
    (syntax errors, generated or unreadable), and an internal error's traceback for --verbose.
    Defined here, beside the facts, so that the codec (`facts.codec`) and the parser
    (`crashlint.parse`, above this layer) share it without an import back up."""

    facts: FileFacts | None
    notes: list[Note] = field(default_factory=list)
    traceback: str | None = None
