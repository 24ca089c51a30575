"""Shutdown paths: the code a SIGTERM / SIGINT handler runs, across files.

A rule's `[shutdown]` table says how handlers are registered, e.g.

    [shutdown]
    registrations = [{ callee = "process.on", handler = 1 }, { method = "add_signal_handler", handler = 1,
                     includes_caller = true }]
    signals = ["SIGTERM", "SIGINT"]
    lifecycle = ["onModuleDestroy"]     methods a framework calls on shutdown (roots of the path), once
                                        a registration with `lifecycle = true` is made, or a shutdown
                                        path closes an app of `lifecycle_apps` (`app.close()`)

A handler is a function passed at position `handler` (inline, by name, or through an import; a list:
any of them); the shutdown path is every function it calls, transitively, wherever it is defined; a
method called on an object crashlint cannot resolve (an injected service) reaches every project
method of that name. With `includes_caller`, the function that registers the handler is on the path
too (the asyncio idiom of waiting on an event the handler sets, then closing). A call is on the path
when any scope enclosing it is (so closures inside those functions count too).

Libraries that register the handlers themselves are registrations too:

    { callee = "http-graceful-shutdown", closes = 0, options = 1, handler_keys = ["onShutdown"],
      signals_key = "signals" }
        closes        the argument (or "receiver") the library closes on SIGTERM: a server it is given
        closes_key    the option of that argument that holds it (`setupGracefulShutdown({ app })`)
        options       the argument holding an options object; handler_keys: its function-valued keys
                      that run on shutdown; signals_key: a string of signals that replaces the default
    { method = "registerShutdownHandler", handler = 0, receivers = ["lightship.createLightship"] }
        receivers     a method registration counts only on an object these calls make (or an
                      instance of a project class based on one of these library classes)
    { method = "enableShutdownHooks", closes = "receiver", lifecycle = true }
    { method = "run", handler = [], receiver_classes = ["discord."], signal_arg = false, language = "python",
      receiver_methods = ["close"], packages = [{ package = "discord.py", below = "2.0" }] }
        receiver_classes  a method registration counts only on an instance of a class these names
                          start (`disnake.ext.commands.AutoShardedBot`, or a project class based on one:
                          `receiver_classes`)
        signal_arg        false: the call's first argument is no signal (`bot.run(token)`)
        language          the registration counts only in files of this language
        receiver_methods  methods of the receiver's class the library runs on shutdown (a project
                          override counts: `class Avrae(commands.AutoShardedBot): async def close`)
        packages          the registration counts only where the file's project installs one of these
                          packages (`below`: a version under it; an unknown version does not count)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crashlint.dependencies import lowest_version
from crashlint.facts.model import Call
from crashlint.findings import Location
from crashlint.project import Project, Target, function_names


@dataclass
class ShutdownPaths:
    """The code SIGTERM/SIGINT handlers run. Each root (a registered handler, or a framework
    shutdown hook) keeps what it reaches, so a question can be asked of the handlers one process
    registers (`for_file`): a handler covers the processes that load the file registering it."""

    handlers: list[Location] = field(default_factory=list)  # where each handler is registered
    reachable: set[tuple[str, int]] = field(default_factory=set)  # (file, function scope), every root
    # files whose code a handler signals through a flag (`isShuttingDown = true`) that the file's own
    # loops read: a hand-written drain crashlint credits instead of a close()
    flag_files: set[str] = field(default_factory=set)
    # every root: (the file it is registered or defined in, its location or None for a hook, what it reaches)
    roots: list[tuple[str, Location | None, frozenset[tuple[str, int]]]] = field(default_factory=list)
    # what a library closes on SIGTERM itself (the server given to http-graceful-shutdown, terminus,
    # a NestJS app with shutdown hooks), by the file registering it
    closed: list[tuple[str, frozenset[Target]]] = field(default_factory=list)
    # framework hooks (NestJS onModuleDestroy, …) whose providers crashlint cannot place in an app:
    # in a process that creates no framework app itself, or in a shared package outside the app's own
    # (which app registers a provider is dependency injection, out of sight), they count when some
    # process enables them
    hooks_elsewhere: list[tuple[str, frozenset[tuple[str, int]]]] = field(default_factory=list)
    app_files: frozenset[str] = frozenset()  # files creating a framework app (NestFactory.create)
    # the files registering a root whose path calls `process.exit`: that handler ends the process
    # itself, so no open socket can keep it alive after SIGTERM
    exits: list[str] = field(default_factory=list)
    package_of: dict[str, str] = field(default_factory=dict)  # of hook and app files

    @property
    def lifecycle_enabled(self) -> bool:
        """Whether the framework's shutdown hooks run on SIGTERM here (a root with no handler
        location: `app.enableShutdownHooks()`, or a handler that closes the app). O(roots)."""
        return any(location is None for _, location, _ in self.roots)

    def closes(self, targets: set[Target]) -> bool:
        return any(closed & targets or UNSEEN in closed for _, closed in self.closed)

    def contains(self, path: str, scopes: tuple[int, ...]) -> bool:
        return any((path, scope) in self.reachable for scope in scopes)

    def for_processes(self, files: frozenset[str] | None) -> "ShutdownPaths":
        """The handlers registered in `files` (a process's files) and what they reach; all of them
        when `files` is None (no process was recognised)."""
        if files is None:
            return self
        view = ShutdownPaths(flag_files=self.flag_files)
        for where, location, reached in self.roots:
            if where in files:
                view.roots.append((where, location, reached))
                view.reachable |= reached
                if location is not None and location not in view.handlers:
                    view.handlers.append(location)
        view.closed = [(where, closed) for where, closed in self.closed if where in files]
        view.exits = [where for where in self.exits if where in files]
        app_packages = {self.package_of[f] for f in files & self.app_files}
        for where, reached in self.hooks_elsewhere:
            if where in files and self.package_of[where] not in app_packages:
                view.reachable |= reached
        return view


# in `ShutdownPaths.closed`: a closer given a server crashlint cannot see (`gracefulShutdown(serverFn(),
# …)` of a parameter), given the benefit of the doubt as a `.close()` on such a value is
UNSEEN = Target("unknown", name="<a server handed in>")


@dataclass(frozen=True)
class Registration:
    """What one call registers for SIGTERM/SIGINT (see the module docstring)."""

    handlers: tuple[int, ...]  # argument positions of handler functions
    includes_caller: bool = False
    closes: int | str | None = None  # argument position, or "receiver"
    closes_key: str | None = None  # the option of that (object) argument that holds it (`{ app }`)
    options: int | None = None  # argument position of an options object
    handler_keys: tuple[str, ...] = ()
    lifecycle: bool = False
    receiver_methods: tuple[str, ...] = ()
    # a worker thread's message listener (`parentPort.on("message", …)`): a root only when a signal
    # handler's path calls this method (`worker.postMessage`), the one way a thread hears of SIGTERM
    after_posts: str | None = None


def _registration(project: Project, path: str, call: Call, spec: dict) -> Registration | None:
    """What `call` registers as a signal handler, else None."""
    signals = set(spec.get("signals", ("SIGTERM", "SIGINT")))
    for registration in spec["registrations"]:
        if "language" in registration and project.files[path].language != registration["language"]:
            continue  # a Python library's method: JS/TS `.run()` calls are not asked of it
        if "method" in registration:
            if call.method != registration["method"]:
                continue
            receivers = set(registration.get("receivers", ()))
            if receivers and not any(_made_by(project, t, receivers) for t in project.receiver_targets(path, call)):
                continue  # `registerShutdownHandler` of something other than lightship
            bases = tuple(registration.get("receiver_classes", ()))
            if bases and not any(n.startswith(bases) for n in receiver_classes(project, path, call)):
                continue  # `run()` of something other than a Discord library's client
            if "packages" in registration and not _installs(project, path, registration["packages"]):
                continue  # discord.py ≥ 2.0's `run()` registers no handler
        elif not call.callee:
            # `process.on("unhandledRejection", log).once("SIGTERM", stop)` (browserless): a listener
            # method returns its emitter, so the chained call registers on `process` too
            if registration["callee"] != _chained_on_process(project.files[path], call):
                continue
        elif not _callee_matches(call, registration["callee"]):
            continue
        elif registration["callee"] not in project.callee_names(path, call):
            continue
        events = registration.get("events")
        if events is not None:  # `parentPort.on("message", h)`: an event of the thread, not a signal
            if not call.args or call.args[0].kind != "string" or call.args[0].text not in events:
                continue
        elif call.args and registration.get("signal_arg", True):
            first = call.args[0]
            # process.on(sig, h) inside `for (const sig of ["SIGTERM", "SIGINT"])`: accept a non-literal
            if first.kind == "string" and first.text not in signals:
                return None
            # signal.SIGHUP is not ours; a loop variable that happens to be called `signal` may be
            if first.kind == "ref" and len(first.path) > 1 and first.path[-1] not in signals and first.path[0] in ("signal", "Signals"):
                return None
        options = registration.get("options")
        chosen = registration.get("signals_key")
        if chosen and options is not None and len(call.args) > options and call.args[options].kind == "object":
            value = call.args[options].value_of(chosen)  # gracefulShutdown(server, { signals: "SIGUSR2" })
            if value is not None and value.kind == "string" and not signals & set(value.text.split()):
                return None
        handler = registration.get("handler", () if "options" in registration or "closes" in registration else 1)
        return Registration(
            handlers=tuple(handler) if isinstance(handler, list) else (handler,) if isinstance(handler, int) else (),
            includes_caller=bool(registration.get("includes_caller")),
            closes=registration.get("closes"),
            closes_key=registration.get("closes_key"),
            options=options,
            handler_keys=tuple(registration.get("handler_keys", ())),
            lifecycle=bool(registration.get("lifecycle")),
            receiver_methods=tuple(registration.get("receiver_methods", ())),
            after_posts=registration.get("after_posts"),
        )
    return None


def receiver_classes(project: Project, path: str, call: Call) -> list[str]:
    """The external classes the receiver of a method call is an instance of: made by a call to one
    (`disnake.Client(…)`), or to a project class whose bases reach one (avrae's `Avrae(commands.
    AutoShardedBot)`). O(the receiver's targets × their bases), asked only of calls whose method a
    registration with `receiver_classes` names."""
    names: list[str] = []
    for target in project.receiver_targets(path, call):
        if target.kind == "instance":
            names += project.instance_names(target)
        elif target.kind == "call":
            made = project.files[target.path].calls[target.index]
            names += project.callee_names(target.path, made)
            for cls in project.resolve(target.path, made.scopes, made.callee) if made.callee else ():
                if cls.kind == "class":
                    names += project.instance_names(Target("instance", path=cls.path, scope=cls.scope))
        elif target.kind == "external":
            names.append(target.name)
        elif target.kind == "param" and target.index == 0:
            # `self` of a method (modmail's `self.start(self.token)` in `ModmailBot.run`'s inner
            # `runner()`): an instance of the method's class
            facts = project.files[target.path]
            owner = facts.scope_parents.get(target.scope, 0)
            if owner in facts.class_bases:
                names += project.instance_names(Target("instance", path=target.path, scope=owner))
    return names


_EMITTER_METHODS = frozenset({"on", "once", "addListener", "prependListener", "prependOnceListener"})


def _chained_on_process(facts, call: Call) -> str:
    """`process.<method>` for a listener method chained on `process.on(…)` calls (each returns
    `process`), "" for any other call. O(the chain's length)."""
    if call.method not in _EMITTER_METHODS:
        return ""
    index = call.receiver_call
    while index >= 0:
        receiver = facts.calls[index]
        if receiver.method not in _EMITTER_METHODS:
            return ""
        if receiver.callee:
            return f"process.{call.method}" if receiver.callee == ("process", receiver.method) else ""
        index = receiver.receiver_call
    return ""


def _made_by(project: Project, target: Target, constructors: set[str]) -> bool:
    """Whether a receiver is what one of `constructors` makes: a call of one, or an instance of a
    project class based on one (`bot = Avrae(…)`, `class Avrae(commands.AutoShardedBot)`)."""
    if target.kind == "call":
        return bool(constructors & set(project.callee_names(target.path, project.files[target.path].calls[target.index])))
    return target.kind == "instance" and bool(constructors & set(project.instance_names(target)))


def _installs(project: Project, path: str, packages: list[dict]) -> bool:
    """Whether the file's project installs one of `packages` (at a version below `below` when one is
    given: the version a lock file pins, else the lower bound of the declared range; unknown: no)."""
    for wanted in packages:
        if project.dependency(path, wanted["package"]) is None:
            continue
        if "below" not in wanted:
            return True
        floor = project.installed_floor(path, wanted["package"])
        bound = lowest_version(wanted["below"])
        if floor is not None and bound is not None and floor < bound:
            return True
    return False


def _callee_matches(call: Call, callee: str) -> bool:
    """A cheap test before resolving: the call's last name is the callee's (`createTerminus`), or the
    callee is a module called as a function (`gracefulShutdown(…)` for `http-graceful-shutdown`)."""
    last = callee.rsplit(".", 1)[-1]
    return call.callee[-1] == last or "." not in callee or last == "default"


def _handler_functions(project: Project, path: str, call: Call, registration: Registration) -> list[tuple[str, int]]:
    """The functions a registration runs on shutdown: handler arguments and handler options."""
    start: list[tuple[str, int]] = []
    for position in registration.handlers:
        start += _functions_of(project, path, call, position)
    options = registration.options
    if options is not None and len(call.args) > options:
        arg = call.args[options]
        values = [arg.value_of(key) for key in registration.handler_keys] if arg.kind == "object" else []
        for value in values:
            if value is not None and value.kind == "function":
                start.append((path, value.scope))
            elif value is not None and value.kind == "ref":
                start += [(t.path, t.scope) for t in project.resolve(path, call.scopes, value.path) if t.kind == "function"]
            elif value is not None and value.kind == "call" and value.path:
                # `workerShutdownFn: workerShutdownFn(() => server)`: the factory, whose body holds the
                # function it returns (a call is on the path when any scope around it is)
                start += [(t.path, t.scope) for t in project.resolve(path, call.scopes, value.path) if t.kind == "function"]
    return start


def _closed_by(project: Project, path: str, call: Call, registration: Registration) -> frozenset[Target]:
    """What a library closes on SIGTERM: the server it is given, or the app it is called on."""
    if registration.closes == "receiver":
        # `setupApp(app)` calling `app.enableShutdownHooks()`: the app its callers pass
        return _with_passed(project, project.receiver_targets(path, call))
    if isinstance(registration.closes, int) and len(call.args) > registration.closes:
        arg = call.args[registration.closes]
        if registration.closes_key is not None:  # `setupGracefulShutdown({ app })`
            arg = arg.value_of(registration.closes_key) if arg.kind == "object" else None
            if arg is None:
                return frozenset()
        if arg.kind in ("call", "new") and arg.call >= 0:
            return frozenset(project.call_targets(path, arg.call)) | {Target("call", path=path, index=arg.call)}
        if arg.kind == "ref":
            # `installShutdown(server)` calling `createTerminus(server, …)`: what its callers pass
            return _with_passed(project, project.resolve(path, call.scopes, arg.path))
    return frozenset()


def _with_passed(project: Project, targets: list[Target]) -> frozenset[Target]:
    """The targets, and for each parameter among them what the function's callers pass for it."""
    return frozenset(targets + [t for p in targets if p.kind == "param" for t in _passed_to(project, p)])


def _passed_to(project: Project, param: Target) -> list[Target]:
    """What the project's calls of a function pass for one of its parameters (one level)."""
    function = project.files[param.path].functions.get(param.scope)
    if function is None or not function.name:
        return []
    found: list[Target] = []
    for path, facts in project.files.items():
        for call in facts.calls:
            if not call.callee or call.callee[-1] != function.name or len(call.args) <= param.index:
                continue
            if not any(t.kind == "function" and (t.path, t.scope) == (param.path, param.scope)
                       for t in project.resolve(path, call.scopes, call.callee)):
                continue
            arg = call.args[param.index]
            if arg.kind == "ref":
                found += project.resolve(path, call.scopes, arg.path)
            elif arg.kind in ("call", "new") and arg.call >= 0:
                found += [Target("call", path=path, index=arg.call), *project.call_targets(path, arg.call)]
    return found


def _functions_of(project: Project, path: str, call: Call, arg_index: int) -> list[tuple[str, int]]:
    if len(call.args) <= arg_index:
        return []
    arg = call.args[arg_index]
    if arg.kind == "function":
        return [(path, arg.scope)]
    found: list[Target] = []
    if arg.kind == "ref":
        found = project.resolve(path, call.scopes, arg.path)
    elif arg.kind == "call" and len(arg.path) > 1 and arg.path[-1] == "bind":
        found = project.resolve(path, call.scopes, arg.path[:-1])  # process.on("SIGTERM", this.stop.bind(this))
    elif arg.kind in ("call", "new") and arg.path:  # process.on("SIGTERM", makeHandler(server))
        found = project.resolve(path, call.scopes, arg.path)
    return [(t.path, t.scope) for t in found if t.kind == "function"]


CONCRETE = frozenset({"call", "function", "instance", "class", "object", "array", "module"})


def methods_named(project: Project) -> dict[str, list[tuple[str, int]]]:
    """Project functions by name, for calls whose receiver crashlint cannot resolve: name → (file,
    scope), in file order (one pass, kept and patched across edits: `Project.index`)."""
    # each file's part reads its facts alone: kept across scans for the same contents (`Project.own_part`)
    return project.index("function-names", lambda path, facts: project.own_part("function-names", path, lambda: function_names(facts)),  # type: ignore[return-value]
                         lambda path, named: named)


def _registrations(project: Project, path: str, spec: dict,
                   vocabulary: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None) -> list[tuple[int, Registration]]:
    """The calls of one file that register a handler, with what each registers: O(the file's calls),
    memoized per file in the project model (`Project.per_file`) until an edit reaches the file.
    Most calls are none: a call whose method and last name no registration names, and whose
    callee's names hold none of the modules called as functions, is passed over before
    `_registration` walks the registrations one by one (what it asks of the model is the same: the
    callee's names, which it would ask at the first such module)."""
    methods, lasts, modules = vocabulary or _vocabulary(spec)  # the caller's, made once for every file
    found: list[tuple[int, Registration]] = []
    facts = project.files[path]
    # the method and last names alone tell which calls show one: kept for the same contents, so a
    # file with none is not decoded (its calls are read only when it has candidates)
    candidates: Iterable[int] = range(len(facts.calls)) if modules else project.own_part(  # type: ignore[assignment]
        "registration-calls+chained:" + "\0".join(sorted(methods)) + "\1" + "\0".join(sorted(lasts)), path,
        lambda: tuple(i for i, c in enumerate(facts.calls) if c.method in methods or (c.callee and c.callee[-1] in lasts)
                      or not c.callee and c.receiver_call >= 0 and c.method in lasts))
    for i in candidates:
        call = facts.calls[i]
        callee = call.callee
        if call.method not in methods and not (callee and callee[-1] in lasts) and not (not callee and call.method in lasts):
            if not callee or not modules or modules.isdisjoint(project.callee_names(path, call)):
                continue
        registration = _registration(project, path, call, spec)
        if registration is not None:
            found.append((i, registration))
    return found


def _vocabulary(spec: dict) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What a call must show to be one of `spec`'s registrations: a method name, the last name of
    a dotted callee (`process.on`), or one of the modules called as functions
    (`http-graceful-shutdown`, a default export) among its callee's names (`_callee_matches`)."""
    methods = frozenset(r["method"] for r in spec["registrations"] if "method" in r)
    callees = [r["callee"] for r in spec["registrations"] if "method" not in r]
    lasts = frozenset(c.rsplit(".", 1)[-1] for c in callees if "." in c and c.rsplit(".", 1)[-1] != "default")
    modules = frozenset(c for c in callees if "." not in c or c.rsplit(".", 1)[-1] == "default")
    return methods, lasts, modules


def _imported_modules(project: Project, modules: frozenset[str]) -> frozenset[str]:
    """The modules called as functions (`_vocabulary`) that a call can denote in this project: a
    package's name reaches a callee's names (`Project.callee_names`) only through an import or a
    re-export of it in some file, so the others are left out (and with none left, a file's calls
    are matched by their names alone: `_registrations`). A module whose name is an identifier
    could also be a global's name: always kept. O(the files' imports)."""
    if not modules:
        return modules
    packages = {m[: -len(".default")] if m.endswith(".default") else m: m for m in modules}
    wanted = {name for name in packages if not name.isidentifier()}
    if not wanted:
        return modules
    seen: set[str] = set()
    for facts in project.files.values():
        for spec in (*facts.imports, *(e.module for e in facts.exports if e.module)):
            seen.update(name for name in wanted if spec == name or spec.startswith(name + "/"))
    return frozenset(m for name, m in packages.items() if name not in wanted or name in seen)


def shutdown_paths(project: Project, spec: dict) -> ShutdownPaths:
    """Every registration's handlers and what they reach. The registrations are found per file
    (memoized per file: an edit re-reads only the files it reaches, the others cost a lookup each);
    the walk from them is O(the functions they reach)."""
    result = ShutdownPaths()
    roots: list[tuple[str, Location | None, list[tuple[str, int]]]] = []
    enabling: list[tuple[str, Location]] = []  # calls that make the framework run its shutdown hooks
    key = repr(sorted(spec.items()))
    methods, lasts, modules = _vocabulary(spec)
    vocabulary = (methods, lasts, _imported_modules(project, modules))
    registered = project.parts(("shutdown-registrations", key, vocabulary[2]),
                               lambda path, facts: _registrations(project, path, spec, vocabulary), keep=False)
    threads: list[tuple[str, Location, list[tuple[str, int]], str]] = []  # message listeners of worker threads
    for path, found in registered.items():
        facts = project.files[path]
        for index, registration in found:  # type: ignore[union-attr]
            call = facts.calls[index]
            location = Location(path, call.span[0], call.span[1], call.span[2], call.span[3])
            if registration.after_posts:
                threads.append((path, location, _handler_functions(project, path, call, registration), registration.after_posts))
                continue
            result.handlers.append(location)
            start = _handler_functions(project, path, call, registration)
            if registration.receiver_methods:  # the bot's own `close()`, which the library awaits
                for receiver in project.receiver_targets(path, call):
                    if receiver.kind == "instance":
                        start += project.class_methods(receiver, set(registration.receiver_methods))
            if registration.includes_caller and call.scopes[0] != 0:
                # asyncio: `loop.add_signal_handler(SIGTERM, stop.set); await stop.wait(); await w.close()`
                start.append((path, call.scopes[0]))
            roots.append((path, location, start))
            closed = _closed_by(project, path, call, registration)
            if closed:
                result.closed.append((path, closed))
            if registration.lifecycle:  # NestJS app.enableShutdownHooks()
                enabling.append((path, location))
    walk = _CallGraph(project)
    # `process.exit(…)` calls by file, with their enclosing scopes (memoized per file): O(exit calls)
    # per root below
    exit_calls = project.parts("process-exit-calls", lambda path, facts: [
        c.scopes for c in facts.calls if c.callee == ("process", "exit")], keep=False)
    for where, location, start in roots:
        reached = walk.reach(start)
        result.roots.append((where, location, reached))
        result.reachable |= reached
        if any((path, scope) in reached for path, found in exit_calls.items()
               for scopes in found for scope in scopes):  # type: ignore[union-attr]
            result.exits.append(where)
    _thread_roots(project, result, walk, threads)
    # a handler that closes the framework's app (`await app.close()`) runs its shutdown hooks too
    enabling += _app_closes(project, spec, result.roots)
    lifecycle = set(spec.get("lifecycle", ()))
    if lifecycle and enabling:
        # framework shutdown hooks (NestJS onModuleDestroy, …) run on SIGTERM only once enabled: they
        # count for the processes that load the file enabling them
        named = project.parts(("lifecycle-hooks", key), lambda path, facts: [f.scope for f in facts.functions.values() if f.name in lifecycle], keep=False)
        hooks = [(path, scope) for path, scopes in named.items() for scope in scopes]  # type: ignore[union-attr]
        reached = walk.reach(hooks)
        for where, location in dict.fromkeys(enabling):
            result.roots.append((where, None, reached))
            result.reachable |= reached
        for path, scope in hooks:
            result.hooks_elsewhere.append((path, walk.reach([(path, scope)])))
        result.app_files = _app_files(project, spec, key)
        result.package_of = {f: project.package_root(f) for f in {p for p, _ in hooks} | result.app_files}
    _closer_calls(project, spec, result)
    for path, flags in project.parts("flag-sets", lambda path, facts: facts.flag_sets, keep=False).items():
        for scopes, _name in flags:  # type: ignore[union-attr]
            if result.contains(path, scopes):
                result.flag_files.add(path)
    return result


def _closer_calls(project: Project, spec: dict, result: ShutdownPaths) -> None:
    """Library calls that close the server they are given when a shutdown path runs them
    (`[shutdown] closers`): `gracefulShutdown(server, { signals: "" })` of http-graceful-shutdown
    registers no handler (no registration) but returns `shutdown()`, which closes the server
    (rudder-transformer's `workerShutdownFn`, run by its cluster manager). A call on a shutdown
    path counts as that close. What it is given is followed as a registration's `closes` is; a
    value crashlint cannot see (a parameter's call, `serverFn()`) gets the benefit of the doubt, as
    a `.close()` on one does. O(the calls of the files that import a closer's module)."""
    closers = spec.get("closers", ())
    if not closers:
        return
    modules = {c["callee"].split(".")[0] for c in closers}
    found = project.parts(("shutdown-closer-calls", repr(closers)), lambda path, facts: [
        i for i, c in enumerate(facts.calls) if c.callee and set(project.callee_names(path, c)) & {k["callee"] for k in closers}],
        lambda path, facts: any(m in modules for m in facts.imports), keep=False)
    for path, indexes in found.items():
        facts = project.files[path]
        for index in indexes:  # type: ignore[union-attr]
            call = facts.calls[index]
            if not result.contains(path, call.scopes):
                continue
            names = set(project.callee_names(path, call))
            closer = next(c for c in closers if c["callee"] in names)
            position = closer.get("closes", 0)
            if position == "all":  # `cluster.disconnect()`: every worker closes its servers
                result.closed.append((path, frozenset({UNSEEN})))
                continue
            if len(call.args) <= position:
                continue
            closed = _closed_by(project, path, call, Registration(handlers=(), closes=position))
            arg = call.args[position]
            held = project.resolve(path, call.scopes, arg.path) if arg.kind in ("call", "ref") and arg.path else []
            unseen = bool(held) and all(t.kind in ("unknown", "param") for t in held) and not any(
                t.kind not in ("unknown", "param") for t in closed if not (t.kind == "call" and t.path == path and t.index == arg.call))
            result.closed.append((path, closed | {UNSEEN} if unseen else closed))


def _thread_roots(project: Project, result: "ShutdownPaths", walk: "_CallGraph",
                  threads: list[tuple[str, Location, list[tuple[str, int]], str]]) -> None:
    """Worker threads' message listeners, as roots of their thread's shutdown path, when a signal
    handler of the same package posts a message (`worker.postMessage(…)`, reached from a SIGTERM
    handler's path). Node
    delivers signals to the main thread only (worker_threads docs: in a Worker, "Signals are not
    delivered through process.on(...)"), so a thread drains when the main thread tells it to; what
    its listener reaches (`case "close": await worker.close()`) is its shutdown path. A main thread
    that only calls `worker.terminate()` or `process.exit()` stops the thread's JavaScript "as soon
    as possible" with no handler of its run: no root. O(the files' calls of that method), once."""
    methods = {method for *_, method in threads}
    if not threads or not result.roots:
        return
    posts = project.parts(("thread-posts", tuple(sorted(methods))), lambda path, facts: [
        (c.method, c.scopes) for c in facts.calls if c.method in methods], keep=False)
    # by package: the main thread and the thread files it starts ship together (one package.json)
    posted = {(method, project.package_root(path)) for path, found in posts.items() for method, scopes in found  # type: ignore[union-attr]
              if any(result.contains(path, (scope,)) for scope in scopes)}
    for where, location, start, method in threads:
        if (method, project.package_root(where)) not in posted:
            continue
        reached = walk.reach(start)
        result.handlers.append(location)
        result.roots.append((where, location, reached))
        result.reachable |= reached


def _app_files(project: Project, spec: dict, key: str) -> frozenset[str]:
    wanted = set((spec.get("lifecycle_apps") or {}).get("constructors", ()))
    last = {name.rsplit(".", 1)[-1] for name in wanted}
    return frozenset(project.parts(("app-files", key), lambda path, facts: any(
        c.callee and c.callee[-1] in last and wanted & set(project.callee_names(path, c)) for c in facts.calls), keep=False))


def _app_closes(project: Project, spec: dict, roots) -> list[tuple[str, Location]]:
    """`close()` on an app of `lifecycle_apps` (`NestFactory.create(…)`) from a shutdown path: where
    each root doing so is registered."""
    apps = spec.get("lifecycle_apps")
    if not apps:
        return []
    wanted = set(apps["constructors"])
    found = []
    closes = project.parts(("app-close-calls", repr(sorted(apps.items()))),
                           lambda path, facts: [c for c in facts.calls if c.method in apps["close"] and len(c.callee) >= 2], keep=False)
    for path, calls in closes.items():
        for call in calls:  # type: ignore[union-attr]
            roots_reaching = [(where, location) for where, location, reached in roots
                              if location is not None and any((path, s) in reached for s in call.scopes)]
            if not roots_reaching:
                continue
            for target in project.resolve(path, call.scopes, call.callee[:-1]):
                if target.kind == "call" and wanted & set(project.callee_names(target.path, project.files[target.path].calls[target.index])):
                    found += roots_reaching
                    break
    return found


# Function.prototype's callers: `f.call(this, …)`, `f.apply(this, args)` run `f` now; `f.bind(this)`
# makes a function that runs it, and on a shutdown path is made to be called (`….bind(instance)()`)
INVOKERS = frozenset({"call", "apply", "bind"})


class _CallGraph:
    """The functions each function calls, worked out once per function (memoized), so that every
    root's walk reuses what the others resolved."""

    def __init__(self, project: Project) -> None:
        self.project = project
        # every function by name, made when the first function's successors are worked out (outside
        # any derivation: it reads every file), not for a project with no registration to walk from
        self._named: dict[str, list[tuple[str, int]]] | None = None
        self.by_scope: dict[tuple[str, int], list[Call]] = {}  # calls under every scope enclosing them
        self.indexed: set[str] = set()
        self.edges: dict[tuple[str, int], list[tuple[str, int]]] = {}

    def reach(self, start: list[tuple[str, int]]) -> frozenset[tuple[str, int]]:
        seen: set[tuple[str, int]] = set()
        work = list(start)
        while work:
            item = work.pop()
            if item in seen:
                continue
            seen.add(item)
            work += [n for n in self.successors(item) if n not in seen]
        return frozenset(seen)

    def successors(self, item: tuple[str, int]) -> list[tuple[str, int]]:
        """The functions `item` calls or hands a callback to: memoized per function in the project
        model (`Project.per_file`), so the language server resolves them again only after an edit
        that reaches them."""
        found = self.edges.get(item)
        if found is None:
            if self._named is None:
                self._named = methods_named(self.project)
            path, scope = item
            found = self.edges[item] = self.project.per_file(path, ("call-edges", scope), lambda: self._successors(path, scope))  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _successors(self, path: str, scope: int) -> list[tuple[str, int]]:
        project = self.project
        item = (path, scope)
        if path not in self.indexed:
            self.indexed.add(path)
            for call in project.files[path].calls:
                for enclosing in call.scopes:
                    self.by_scope.setdefault((path, enclosing), []).append(call)
        found = []
        for call in self.by_scope.get(item, []):
            callee = call.callee
            if not callee:
                continue
            if len(callee) > 1 and callee[-1] in INVOKERS:
                # `hooks.onShutdown.call(instance)`, `….bind(instance)()`: the function named runs
                callee = callee[:-1]
            targets = project.resolve(path, call.scopes, callee)
            found += [(t.path, t.scope) for t in targets if t.kind == "function"]
            if len(callee) > 1 and not any(t.kind in CONCRETE for t in targets):
                # `this.service.gracefulShutdown()` on an injected object: every method of that name
                project.reads_functions_named(callee[-1])
                found += self._named.get(callee[-1], ())  # type: ignore[union-attr]
                qualified = f"{callee[-2]}.{callee[-1]}"  # `instance.__hooks.onShutdown()`: `function_names`
                project.reads_functions_named(qualified)
                found += self._named.get(qualified, ())  # type: ignore[union-attr]
            for i, arg in enumerate(call.args):  # callbacks handed to helpers run on the path too
                if arg.kind == "ref":
                    found += _functions_of(project, path, call, i)
        return found
