"""Process-level listeners that keep a process alive: `process.on("uncaughtException", log)`.

Node.js exits on an uncaught exception, and on an unhandled rejection when nothing listens for it
(since Node 15 an unhandled rejection with no 'unhandledRejection' listener is raised as an uncaught
exception). A listener for the event overrides that: "Adding a handler for the 'uncaughtException'
event overrides this default behavior" (nodejs.org/api/process.html#event-uncaughtexception). A
rule whose impact is "the process exits" asks whether every process that runs a file registers
such a listener that does not end the process itself (`process.exit`).
"""

from __future__ import annotations

import re

from crashlint.engine.context import RuleContext
from crashlint.facts.codec import first_object_sets
from crashlint.facts.model import Arg, Call, FileFacts, Function
from crashlint.processes import is_start_script


# `if (err.code === "EADDRINUSE") { …; process.exit(1) }`: an exit only for the error codes the test
# names (a port taken at start-up), the listener logs every other error and goes on
_CODE_TEST = re.compile(r"""^\(?\s*[\w$.]+\.code\s*===?\s*(['"])[\w-]+\1\s*\)?$""")


_ADDS = ("on", "once", "addListener", "prependListener")
_REMOVES = ("off", "removeListener")
EXIT_DEPTH = 3  # `_calls_exit`: how many project calls down a listener's exit is looked for


class ProcessHandlers:
    """The files that register a listener `spec` names (`callees`, `events`) that does not call one
    of its `exits`; one index per rule run, O(the listener calls of the project). `spec`'s optional
    `frameworks` ({framework: lowest version}) names the frameworks whose own server registers
    such listeners from that version on (`ProcessModel.served_by` tells a process they serve)."""

    def __init__(self, ctx: RuleContext, spec: dict) -> None:
        self.ctx = ctx
        self.project = ctx.project
        callees, events, exits = set(spec["callees"]), set(spec["events"]), set(spec["exits"])
        self.frameworks: dict[str, str] = dict(spec.get("frameworks", {}))
        # Node's `--unhandled-rejections` modes under which a process goes on (`[process_handler]
        # start_modes`; CL003's only: an uncaught exception still ends the process whatever the mode)
        modes = spec.get("start_modes", {})
        self.going_on: frozenset[str] = frozenset(modes.get("goes_on", ()))
        self.ending: frozenset[str] = frozenset(modes.get("exits", ()))
        self._flags: dict[str, dict[str, str] | None] = {}  # package → `_start_flag`'s answer
        self.files: set[str] = set()
        self.sites: dict[str, tuple[int, str]] = {}  # file → (line, event) of its first such listener
        self.libraries: dict[str, str] = {}  # file → the logging library that registers its listener
        self._exiting: dict[tuple[str, int], bool] = {}  # `_calls_exit`'s memo: (file, function scope) → exits
        order = {event: i for i, event in enumerate(spec["events"])}
        # each file's listener calls for those events, picked by the call alone (one pass kept across
        # edits: `Project.parts`), then asked in the order a walk over every call asks them
        # (a loop variable too: `["unhandledRejection", …].forEach((type) => process.on(type, log))`)
        # (and the removals of a listener by name: `process.off("uncaughtException", this.onError)`)
        registering = self.project.parts(("process-listener-calls", tuple(sorted(events))), lambda file, facts: [
            call for call in facts.calls if call.method in _ADDS + _REMOVES
            and len(call.args) >= 2 and (call.args[0].kind == "string" and call.args[0].text in events or _loop_event(call))],
            keep=False)
        for file, calls in registering.items():
            # a listener the file removes again by the same name (SqlGenerator's `process.on(
            # "uncaughtException", this.handleException)` around one dump, then `process.off(…)`)
            # guards that window only: the process is not kept alive by it
            removed = {(call.args[0].text, call.args[1].path) for call in calls  # type: ignore[union-attr]
                       if call.method in _REMOVES and call.args[1].kind == "ref" and call.callee[:1] == ("process",)}
            for call in calls:  # type: ignore[union-attr]
                if call.method in _REMOVES or removed and call.args[1].kind == "ref" and (call.args[0].text, call.args[1].path) in removed:
                    continue
                named = [e for e in listened_events(ctx, file, call) if e in events]
                if named and set(self.project.callee_names(file, call)) & callees and not self._exits(file, call, call.args[1], exits) \
                        and not self._thread_side(file, call):
                    for event in named:
                        self._found(file, call.span[0], event, order)
        loggers = spec.get("loggers")
        if loggers:
            # a logging library that registers the listener itself (winston's `handleExceptions`)
            names = set(loggers["constructors"])
            for file, hooks in self.project.parts(("logger-hooks", tuple(sorted(names))), lambda file, facts: logger_hooks(
                    self.project, file, facts, names, loggers), keep=False).items():
                for line, event in hooks:  # type: ignore[union-attr]
                    if event in order:
                        self._found(file, line, event, order)
                        self.libraries[file] = loggers["library"]

    def _thread_side(self, file: str, call: Call) -> bool:
        """Whether the listener `call` registers runs only in a worker thread, whose `process.on(
        "unhandledRejection", …)` hears that thread's rejections, not the main thread's: the call
        sits where worker_threads' `isMainThread` is false (`if (!isMainThread) {…}`, the `else` of
        `if (isMainThread)`), or in a named function every call of which, in code a long-lived process
        loads, does (Piscina's own-file worker: `if (isMainThread) {…} else { module.exports =
        createWorker(…) }`, PostHog's plugin server). Asked once per such listener call: one walk up
        its tree, and one lookup of its function's callers (`Project.calls_named`)."""
        if _in_worker_branch(self.ctx.node_of(file, call)):
            return True
        scope = call.scopes[0]
        function = self.project.files[file].functions.get(scope)
        if function is None or not function.name:
            return False
        callers = [(where, c) for where, c in self.project.calls_named(function.name) if self.ctx.role(where) == "server"
                   and any(t.kind == "function" and t.path == file and t.scope == scope for t in self.project.resolve(where, c.scopes, c.callee))]
        return bool(callers) and all(_in_worker_branch(self.ctx.node_of(where, c)) for where, c in callers)

    def _found(self, file: str, line: int, event: str, order: dict[str, int]) -> None:
        self.files.add(file)
        # the event the rule names first (CL003: `unhandledRejection`) is the one its text cites
        known = self.sites.get(file)
        if known is None or order[event] < order[known[1]]:
            self.sites[file] = (line, event)

    def cover(self, path: str) -> bool:
        """Whether every process that runs `path` loads such a listener, or is served by a framework
        that registers one; where no process was recognised (only path heuristics), whether one
        exists anywhere in the project, or a framework's server judged by its paths loads `path`.
        Or `path` runs only in worker threads (`ProcessModel.thread_only`): what is thrown there
        ends the thread, and is emitted on the parent's `Worker`."""
        return self.how(path) is not None or self.ctx.processes.thread_only(path)

    def how(self, path: str) -> dict[str, str] | None:
        """What keeps the processes that run `path` alive, for a rule's text: {"listener":
        "file:line", "event": …} of a listener they load, or {"framework": name}; None if nothing does."""
        model = self.ctx.processes
        loaders = model.processes_of(path)
        processes = [p for p in loaders if not p.fallback]
        if self.going_on:
            packages = {p.package for p in processes} or {self.project.package_root(path)}
            flags = [self._start_flag(package) for package in sorted(packages)]
            if flags and all(flags):
                return flags[0]  # every process that runs `path` is started so that it goes on
        if not processes:
            if self.files:
                file = min(self.files)
                return self._site(file)
            served = next((f for f in map(self._framework, loaders) if f), None)
            return {"framework": served, "listener": "", "event": "", "logger": "", "flag": ""} if served else None
        found: dict[str, str] | None = None
        for process in processes:
            file = next((h for h in sorted(self.files) if h in process.files), None)
            if file is not None:
                found = found or self._site(file)
                continue
            served = self._framework(process)
            if served is None:
                return None
            found = found or {"framework": served, "listener": "", "event": "", "logger": "", "flag": ""}
        # a child process the project starts (`spawn("node", [".../event-manager.js"])`) that runs
        # `path` is a process of its own: its parent's listener does not keep it alive (evershop's
        # web process logs uncaught exceptions, its cron and event-manager children do not)
        if found is not None and any(not any(h in files for h in self.files) for files in model.child_processes_of(path)):
            return None
        return found

    def _start_flag(self, package: str) -> dict[str, str] | None:
        """How the package's processes are started, for a rule's text, when that makes them go on
        after an unhandled rejection: Node's `--unhandled-rejections=warn` (or `none`,
        `warn-with-error-code`) in the NODE_OPTIONS of its image's final stage, its image's command,
        its Procfile, or its start script ("warn: Always trigger a warning … none: Silence all
        warnings", nodejs.org/api/cli.html#--unhandled-rejectionsmode: neither raises the rejection
        as an uncaught exception). None when nothing sets such a mode, or something also sets
        `strict` / `throw`. Scripts other than start scripts (`test`, `dev`) are not how the
        service runs. Memoized per package: O(its manifest's flags)."""
        if package in self._flags:
            return self._flags[package]
        found: dict[str, str] | None = None
        manifest = self.project.manifests.get(package)
        flags = [(where, what, mode) for where, what, mode in (manifest.node_flags if manifest is not None else ())
                 if not where.endswith("package.json") or is_start_script(what)]
        modes = {mode for _, _, mode in flags}
        if flags and not modes & self.ending and modes & self.going_on:
            where, what, mode = next(f for f in flags if f[2] in self.going_on)
            shown = f"{where} `scripts.{what}`" if where.endswith("package.json") else where
            found = {"flag": mode, "listener": shown, "event": "unhandledRejection", "framework": "", "logger": ""}
        self._flags[package] = found
        return found

    def _site(self, file: str) -> dict[str, str]:
        line, event = self.sites[file]
        return {"listener": f"{file}:{line}", "event": event, "framework": "", "logger": self.libraries.get(file, ""), "flag": ""}

    def _framework(self, process) -> str | None:
        """The framework serving `process` when its declared version registers the listeners."""
        served = self.ctx.processes.served_by(process)
        if served is None or served not in self.frameworks or not process.entries:
            return None
        return served if self.project.declares_at_least(process.entry, served, self.frameworks[served]) else None

    def _exits(self, path: str, call: Call, handler: Arg, exits: set[str]) -> bool:
        """Whether the listener calls `process.exit` (or a project function that does, one level
        down: Haraka's `logger.dump_and_exit(1)`, whose callback exits once the logs are written),
        or throws outside a `try` (rethrows what it was given): Node reports an exception thrown by
        an 'uncaughtException' handler and exits (nodejs.org/api/process.html#exit-codes, 7)."""
        for fn_path, function in functions_of(self.project, path, call, handler):
            if function.throws:
                # `else { throw err; }` (gitpod's server rethrows all but one grpc error): an exception
                # thrown by an 'uncaughtException' listener ends the process as an uncaught one would
                return True
            facts = self.project.files[fn_path]
            for inner in facts.calls:
                if function.scope not in inner.scopes:
                    continue
                if set(self.project.callee_names(fn_path, inner)) & exits:
                    if self._only_for_codes(fn_path, function, inner):
                        continue
                    return True
                if inner.callee and self._calls_exit(fn_path, inner, exits):
                    return True
        return False

    def _only_for_codes(self, path: str, function: Function, call: Call) -> bool:
        """Whether the exit `call` runs only in the body of an `if (err.code === "EADDRINUSE")`
        inside the listener (homebridge-config-ui-x's start-up port errors): other errors are logged."""
        node = self.ctx.node_of(path, call)
        first = function.span[0]
        while node is not None and node.parent is not None and node.start_point[0] + 1 >= first:
            parent = node.parent
            if parent.type == "if_statement" and parent.child_by_field_name("consequence") == node:
                test = parent.child_by_field_name("condition")
                if test is not None and _CODE_TEST.match(test.text.decode("utf-8", "replace")):
                    return True
            node = parent
        return False

    def _calls_exit(self, path: str, call: Call, exits: set[str], depth: int = 1) -> bool:
        """Whether a project function `call` calls ends the process, `EXIT_DEPTH` calls down:
        Kuzzle's listener calls `this.dumpAndExit()`, which awaits `this.shutdown()`, which calls
        `process.exit(0)`. Memoized per function: O(its calls) once."""
        for target in self.project.resolve(path, call.scopes, call.callee):
            if target.kind != "function":
                continue
            key = (target.path, target.scope)
            known = self._exiting.get(key)
            if known is None:
                self._exiting[key] = False  # a cycle (recursion) does not exit through itself
                facts = self.project.files[target.path]
                inner = [c for c in facts.calls if target.scope in c.scopes]
                known = any(set(self.project.callee_names(target.path, c)) & exits for c in inner) or depth < EXIT_DEPTH and any(
                    c.callee and self._calls_exit(target.path, c, exits, depth + 1) for c in inner)
                self._exiting[key] = known
            if known:
                return True
        return False


# worker_threads' flag, read bare or as a member (`require("worker_threads").isMainThread`)
_MAIN_THREAD = re.compile(r"^(?:[\w$]+\.)*isMainThread$")


def _in_worker_branch(node) -> bool:
    """Whether `node` runs only where `isMainThread` is false: inside the `else` of `if
    (isMainThread)` or of `isMainThread ? a : b`, or inside `if (!isMainThread) {…}`. O(depth)."""
    while node is not None and node.parent is not None:
        parent = node.parent
        if parent.type in ("if_statement", "ternary_expression"):
            condition = parent.child_by_field_name("condition")
            test = _text(condition).strip() if condition is not None else ""
            test = test[1:-1].strip() if test.startswith("(") and test.endswith(")") else test
            alternative = parent.child_by_field_name("alternative")
            consequence = parent.child_by_field_name("consequence")
            if _MAIN_THREAD.match(test) and alternative is not None and alternative.id == node.id:
                return True
            if test.startswith("!") and _MAIN_THREAD.match(test[1:].strip()) and consequence is not None and consequence.id == node.id:
                return True
        node = parent
    return False


def _loop_event(call: Call) -> bool:
    """`process.on(type, …)` with a plain name for the event: maybe a loop's variable."""
    return call.callee[:1] == ("process",) and call.args[0].kind == "ref" and len(call.args[0].path) == 1


_ITERATIONS = frozenset({"forEach", "map"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


def listened_events(ctx: RuleContext, path: str, call: Call) -> list[str]:
    """The event names a listener call registers: its string literal, or, for `process.on(type, …)`,
    the strings of the array literal `type` ranges over — `["unhandledRejection",
    "uncaughtException"].forEach((type) => process.on(type, log))` (jitsu's rotor) or `for (const
    type of [...])`. Read from the file's tree (`RuleContext.node_of`: one parse per file), only for
    such calls; [] when the name is anything else."""
    first = call.args[0] if call.args else None
    if first is None:
        return []
    if first.kind == "string":
        return [first.text]
    if not _loop_event(call):
        return []
    name = first.path[0]
    node = ctx.node_of(path, call)
    while node is not None and node.type != "call_expression":
        node = node.parent
    while node is not None:
        node = node.parent
        if node is None:
            return []
        if node.type in _FUNCTIONS:
            params = node.child_by_field_name("parameters")
            single = node.child_by_field_name("parameter")
            firsts = [single] if single is not None else params.named_children[:1] if params is not None else []
            if firsts and firsts[0].type == "required_parameter":
                firsts = [firsts[0].child_by_field_name("pattern")]
            if not firsts or firsts[0] is None or _text(firsts[0]) != name:
                return []  # the name is not this function's first parameter: not followed
            holder = node.parent.parent if node.parent is not None and node.parent.type == "arguments" else None
            callee = holder.child_by_field_name("function") if holder is not None and holder.type == "call_expression" else None
            if callee is None or callee.type != "member_expression":
                return []
            method = callee.child_by_field_name("property")
            if method is None or _text(method) not in _ITERATIONS:
                return []
            return _strings(ctx, path, call, callee.child_by_field_name("object"))
        if node.type == "for_in_statement":
            left = node.child_by_field_name("left")
            if left is not None and _text(left) == name:
                return _strings(ctx, path, call, node.child_by_field_name("right"))
    return []


def _strings(ctx: RuleContext, path: str, call: Call, node) -> list[str]:
    """The elements of an array literal of plain strings, written in place or held by a name
    (`const errorTypes = ["unhandledRejection", …]; errorTypes.forEach(…)`: jitsu's rotor); []
    for anything else."""
    if node is not None and node.type == "identifier":
        targets = ctx.project.resolve(path, call.scopes, (_text(node),))
        if not targets or any(t.kind != "array" or t.arg is None or any(v.kind != "string" for v in t.arg.values) for t in targets):
            return []
        return [v.text for t in targets for v in t.arg.values]
    if node is None or node.type != "array":
        return []
    found = []
    for element in node.named_children:
        if element.type != "string":
            return []
        found.append(_text(element)[1:-1])
    return found


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def logger_hooks(project, path: str, facts: FileFacts, constructors: set[str], spec: dict) -> list[tuple[int, str]]:
    """(line, event) of each process listener a logging library registers in this file that logs and
    goes on: a logger made by one of `constructors` whose options set `spec["go_on"]` to `false`
    (winston's `exitOnError: false`), in a file that asks it to handle an event — an option of
    `spec["installs"]` set to `true` in any object literal of the file (`new transports.Console({
    handleExceptions: true })`, or an options object declared for it), or a handler list given to
    the logger (`exceptionHandlers: […]`), or a `.exceptions.handle(…)` call (`spec["handle"]`).
    File-level: the logger and its transports are made together (tiledesk's `config/winston.js`,
    cncjs's `lib/logger.js`). O(the keys of the file's calls' first arguments), once per file, the callee
    resolved only where one sets `go_on`; in a file that makes such a logger, O(its call arguments and declarations)."""
    go_on, installs, handle = spec["go_on"], spec["installs"], spec.get("handle", {})
    line = 0
    for call in facts.calls:
        # the option first, read encoded (`first_object_sets`): the callee is resolved only for the
        # few calls that set it, and a warm commit scan decodes no call's arguments for this pass
        # (it asked every call with an object argument of the project: 0.25 s of novu's 1.8 s)
        if call.callee and first_object_sets(call, go_on, "other", "false") and set(project.callee_names(path, call)) & constructors:
            line = call.span[0]
            break
    if not line:
        return []
    events: dict[str, None] = {}

    def walk(arg: Arg) -> None:
        for key, value in zip(arg.keys, arg.values):
            if key in installs and (value.kind == "other" and value.text == "true" or value.kind == "array" and value.values):
                events[installs[key]] = None
        for value in arg.values:
            if value.kind in ("object", "array"):
                walk(value)

    for call in facts.calls:
        if call.method == "handle" and len(call.callee) >= 2 and call.callee[-2] in handle:
            events[handle[call.callee[-2]]] = None
        for arg in call.args:
            if arg.kind in ("object", "array"):
                walk(arg)
    for decl in facts.decls:
        if decl.value.kind in ("object", "array") and decl.value.arg is not None:
            walk(decl.value.arg)
    return [(line, event) for event in events]


def functions_of(project, path: str, call: Call, arg: Arg) -> list[tuple[str, Function]]:
    """The project functions an argument denotes: inline, by name, across files, in arrays."""
    found: list[tuple[str, Function]] = []
    if arg.kind == "function":
        function = project.files[path].functions.get(arg.scope)
        if function is not None:
            found.append((path, function))
    elif arg.kind == "ref":
        for target in project.resolve(path, call.scopes, arg.path):
            if target.kind == "function":
                function = project.files[target.path].functions.get(target.scope)
                if function is not None:
                    found.append((target.path, function))
    elif arg.kind == "array":
        for element in arg.values:
            found += functions_of(project, path, call, element)
    return found
