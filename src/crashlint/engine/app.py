"""Rule kind `app`: project-level checks on an HTTP app (CL005, CL010, CL012).

Rule data:

    [[apps]]            library, languages, constructors: what creates an app or server;
                        or (CL012) member_of = {bases = ["@overnightjs/core.Server"], member = "app"}:
                        the app a library base class makes and keeps as a member, started as
                        `this.app.listen(…)` in a project subclass or `server.app.listen(…)` on
                        an instance of one
    one requirement table, each missing part being one problem:
    [error_middleware]  methods = ["use"], arity = 4, name_hint = "error": a function of four
                        parameters (or a factory whose name says error) passed to `.use(…)` in the
                        app's package; min_routes: smaller apps are left alone;
                        [process_handlers] callees + events: process-level handlers
    [health_route]      pattern (regex over string arguments and object keys of calls in the
                        package), libraries (health-check packages that provide the route),
                        health_file (a healthcheck script in the package), min_routes
    [shutdown_close]    listen_methods, close_methods; wrappers = [{callee, argument, option}]: calls
                        whose result stands for the server they are given (`stoppable(server)`,
                        `createHttpTerminator({ server })`), so closing the result closes the server;
                        uses the rule's [shutdown] table, whose library registrations may close the
                        server themselves (`closes`)
    [private_listen]    (CL010, CL012) listen_methods: a server listening only on port 0 (a port the
                        OS picks, which the process hands to its own helpers) is not a service
                        anything outside the process finds: no probe route, no clients to drain
    [worker_loops]      (beside shutdown_close) `while True:` loops that sleep or poll (sleep_callees,
                        poll_methods) in a project where no SIGTERM handler is registered, unless
                        the nearest manifest declares a process manager (unless_dependencies)

Checks are scoped to the app's package (the folder of its nearest manifest), so each service of a
monorepo is judged on its own code. Every finding names where it looked.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from crashlint.dependencies import lowest_version, normalize
from crashlint.engine.context import ConstructorIndex, RuleContext
from crashlint.engine.process_handlers import listened_events
from crashlint.engine.shutdown import receiver_classes
from crashlint.facts.codec import first_arg_head
from crashlint.facts.model import Call, FileFacts, plain_name
from crashlint.findings import Finding, Location, Related
from crashlint.processes import is_test_path
from crashlint.project import Target
from crashlint.rulepack import Rule, RulePackError
from crashlint.templating import render

REQUIREMENTS = ("error_middleware", "health_route", "shutdown_close")


def validate(rule: Rule) -> None:
    if not isinstance(rule.data.get("apps"), list):
        raise RulePackError(f"{rule.source}: an app rule needs [[apps]]")
    present = [r for r in REQUIREMENTS if r in rule.data]
    if len(present) != 1:
        raise RulePackError(f"{rule.source}: an app rule needs exactly one of {REQUIREMENTS}")
    if "worker_loops" in rule.data and "shutdown" not in rule.data:
        raise RulePackError(f"{rule.source}: worker_loops needs a [shutdown] table")
    if "shutdown_close" in rule.data and "shutdown" not in rule.data:
        raise RulePackError(f"{rule.source}: shutdown_close needs a [shutdown] table")
    if "problems" not in rule.data:
        raise RulePackError(f"{rule.source}: an app rule needs [problems]")


def methods(rule: Rule) -> set[str]:
    return set(rule.data.get("shutdown_close", {}).get("close_methods", ()))


def _unwrapped(ctx: RuleContext, targets: list[Target], wrappers: list[dict]) -> list[Target]:
    """`stoppable(server)` stands for `server`, `createHttpTerminator({ server })` too."""
    found = list(targets)
    for target in targets:
        if target.kind != "call" or not wrappers:
            continue
        call = ctx.project.files[target.path].calls[target.index]
        names = set(ctx.project.callee_names(target.path, call))
        for wrapper in wrappers:
            if wrapper["callee"] not in names or len(call.args) <= wrapper.get("argument", 0):
                continue
            arg = call.args[wrapper.get("argument", 0)]
            if "option" in wrapper:
                arg = arg.value_of(wrapper["option"]) if arg.kind == "object" else None
            if arg is None:
                continue
            if arg.kind in ("call", "new") and arg.call >= 0:
                found.append(Target("call", path=target.path, index=arg.call))
            elif arg.kind == "ref":
                found += ctx.project.resolve(target.path, call.scopes, arg.path)
    return found


def _package_files(ctx: RuleContext, package: str) -> list[FileFacts]:
    return ctx.package_files(package)


def _run_by_host(ctx: RuleContext, hosts, package: str, memo: dict[str, bool]) -> bool:
    """Whether the package's servers run under a host that handles SIGTERM for them (`[shutdown]
    hosts`): the package declares the host's package and starts with it — a package.json script whose
    command is the host's (`"start": "service-runner"`), or a file of the package that constructs
    its runner (`new ServiceRunner().start()`). Memoized per package: O(its scripts and calls) once."""
    if not hosts:
        return False
    known = memo.get(package)
    if known is None:
        known = memo[package] = False
        manifest = ctx.project.manifests.get(package)
        for host in hosts:
            if manifest is None or normalize(host["package"]) not in manifest.dependencies:
                continue
            commands = set(host.get("commands", ()))
            if any(_first_command_word(command) in commands for _, command in manifest.scripts):
                known = memo[package] = True
                break
            runners = set(host.get("runners", ()))
            if runners and any(c.is_new and set(ctx.project.callee_names(f.path, c)) & runners
                               for f in _package_files(ctx, package) for c in f.calls if c.callee):
                known = memo[package] = True
                break
    return known


def _first_command_word(command: str) -> str:
    """`service-runner` of `NODE_ENV=production service-runner -c config.yaml`."""
    for word in command.split():
        if "=" in word and not word.startswith("-"):
            continue  # an environment assignment
        return word
    return ""


def _finding(rule: Rule, ctx: RuleContext, facts: FileFacts, call: Call, subject: str, problems: list[str], related: list[Related], library: str, extra: dict | None = None) -> Finding:
    return ctx.finding(
        rule, facts, call, subject=subject, library=library, problems=problems,
        labels=[rule.data.get("label", "")], related=related[:10], context=extra or {},
    )


ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "route", "add_url_rule", "add_api_route"})
ROUTE_OBJECTS = frozenset({"Route", "Mount", "WebSocketRoute"})  # Starlette's routes=[Route("/", …)]


# a template literal that starts with a prefix and a path: `${API_PREFIX}/report/:room_id` (Draupnir's
# web APIs, whose every route is so written), or with the path itself
_PREFIXED_PATH = re.compile(r"^`(?:\$\{[\w.$]+\})?/")


def _path_like(text: str) -> bool:
    """Whether a route's first argument, as facts keep a string's text, is a path: `"/x"` (kept
    unquoted), `` `/x/${id}` `` or `` `${PREFIX}/x` `` (kept with its backquotes)."""
    return text.startswith("/") or bool(_PREFIXED_PATH.match(text))


def _route_count(files: list[FileFacts]) -> int:
    """Routes registered by path (`app.get("/x", …)`) in any file of the package, so also inside Fastify
    plugins (`fastify.register(plugin)`: a plugin is an encapsulation context that governs which
    decorators and hooks its routes see, fastify.dev/docs/latest/Reference/Encapsulation/; its routes are
    served by the app's one server), and Fastify's full declarations
    (`instance.route({ method, url: "/x", handler })`: fastify.dev/docs/latest/Reference/Routes/,
    whose options name the path `url`, or its alias `path`). The first argument is read encoded
    (`first_arg_head`): a commit scan's lazily decoded calls stay so (issue 13 item 7). O(calls)."""
    count = 0
    for f in files:
        for c in f.calls:
            if c.method in ROUTE_METHODS or (c.callee and c.callee[-1] in ROUTE_OBJECTS):  # "route" among them
                head = first_arg_head(c)
                if head is not None and (head[0] == "string" and _path_like(head[1])
                                         or c.method == "route" and head[0] == "object" and bool({"url", "path"} & set(head[2]))):
                    count += 1
    return count


def _enough_routes(ctx: RuleContext, files: list[FileFacts], minimum: int, extra: int = 0) -> bool:
    """Whether the package registers at least `minimum` routes: those `_route_count` reads, `extra`,
    then the routes of the routers it mounts under a path (`app.use("/openai/v1", openaiRouter)`,
    `app.use("/proxy", json(), proxy.middleware)`): one per registration on the mounted router
    (`router.get/post/…/use`), and a mounted router that hands every request to a function
    (`router.use(async (req, res, next) => …)`, pezzo's OpenAI proxy) serves every path under its
    prefix: an API, never a one-page health or docs server. The mounts are read only when the
    counted routes fall short. O(the package's calls) plus one receiver resolution (memoized by the
    project model) per registration call."""
    count = _route_count(files) + extra
    if count >= minimum:
        return True
    mounts = []
    for f in files:
        for c in f.calls:
            if c.method == "use" and len(c.callee) >= 2 and len(c.args) >= 2:
                head = first_arg_head(c)
                if head is not None and head[0] == "string" and _path_like(head[1]):
                    mounts.append((f, c))
    if not mounts:
        return False
    registrations: dict[Target, int] = {}
    catch_all: set[Target] = set()
    for f in files:
        for c in f.calls:
            if (c.method not in ROUTE_METHODS and c.method != "use") or len(c.callee) < 2 or not c.args:
                continue
            if c.method == "use" and not any(a.kind in ("function", "ref") for a in c.args):
                continue  # `router.use(express.json())`: a library's middleware, not a route of the router
            pathless_handler = c.method == "use" and c.args[0].kind == "function"
            for t in ctx.project.receiver_targets(f.path, c):
                if t.kind == "call":
                    registrations[t] = registrations.get(t, 0) + 1
                    if pathless_handler:
                        catch_all.add(t)
    for f, c in mounts:
        for arg in c.args[1:]:
            if arg.kind == "ref":
                targets = ctx.project.resolve(f.path, c.scopes, arg.path)
            elif arg.kind in ("call", "new") and arg.call >= 0:
                targets = ctx.project.call_targets(f.path, arg.call)
            else:
                continue
            for t in targets:
                if t in catch_all:
                    return True
                count += registrations.get(t, 0)
    return count >= minimum


def _wrapped_routes(ctx: RuleContext, files: list[FileFacts]) -> list[tuple[FileFacts, Call, list[str]]]:
    """Routes registered through a project function that registers its parameter (flaskbb's
    `register_view(bp, routes=["/topic/<id>"], view_func=…)`, a loop of `bp.add_url_rule(route, …)`
    over its `routes` parameter): each call of such a function (Python) with the path-like strings
    it passes, directly or in a list. One walk of the package's calls to find the wrappers, one to
    find their calls."""
    wrappers: set[tuple[str, int]] = set()
    for facts in files:
        if facts.language != "python":
            continue
        for call in facts.calls:
            if call.method not in ROUTE_METHODS or not call.args or call.args[0].kind != "ref" or len(call.args[0].path) != 1:
                continue
            scope = call.scopes[0]
            function = facts.functions.get(scope)
            if function is None or not function.name:
                continue
            decls = ctx.project.lookup(facts.path, call.scopes, call.args[0].path[0])
            if any(d.scope == scope and d.value.kind in ("param", "element") for d in decls):
                wrappers.add((facts.path, scope))  # its route is its caller's (or an element of it)
    if not wrappers:
        return []
    names = {ctx.project.files[path].functions[scope].name for path, scope in wrappers}
    found = []
    for facts in files:
        for call in facts.calls:
            if not call.callee or call.callee[-1] not in names:
                continue
            if not any(t.kind == "function" and (t.path, t.scope) in wrappers for t in ctx.project.resolve(facts.path, call.scopes, call.callee)):
                continue
            values = list(call.args) + [v for _, v in call.keywords]
            values += [e for v in values if v.kind == "array" for e in v.values]
            routes = [v.text for v in values if v.kind == "string" and v.text.startswith("/")]
            if routes:
                found.append((facts, call, routes))
    return found


def _resource_routes(ctx: RuleContext, files: list[FileFacts]) -> list[tuple[FileFacts, Call, list[str]]]:
    """Flask-RESTful / Flask-RESTX resources: `api.add_resource(Resource, "/path/", "/other/")` (its
    URLs follow the resource: `Api.add_resource(resource, *urls, **kwargs)`), and a table of them
    registered in a loop, `for route in V1_API_ROUTES: api_v1.add_resource(*route)` over literal
    `(Resource, "/path/")` tuples (timesketch's `api/v1/routes.py`): each call with the path-like
    strings it registers. O(the package's calls); a spread argument is resolved once per call."""
    found = []
    for facts in files:
        if facts.language != "python":
            continue
        for call in facts.calls:
            if call.method != "add_resource" or len(call.callee) < 2:
                continue
            routes = [a.text for a in call.args[1:] if a.kind == "string" and a.text.startswith("/")]
            for name, value in call.keywords:
                if name == "*" and value.kind == "ref" and len(value.path) == 1:
                    routes += _table_routes(ctx, facts, call, value.path[0])
            if routes:
                found.append((facts, call, routes))
    return found


def _table_routes(ctx: RuleContext, facts: FileFacts, call: Call, name: str) -> list[str]:
    """The path-like strings of the literal rows of the collection `name` iterates over
    (`for route in ROUTES:` with `ROUTES = [(Resource, "/path/"), …]`, here or imported)."""
    routes: list[str] = []
    for decl in ctx.project.lookup(facts.path, call.scopes, name):
        if decl.value.kind != "element" or not decl.value.path:
            continue
        chain = ctx.project.scope_chain(facts.path, decl.scope)
        for table in ctx.project.resolve(facts.path, chain, decl.value.path):
            if table.kind != "array" or table.arg is None:
                continue
            for row in table.arg.values:
                cells = row.values if row.kind == "array" else (row,)
                routes += [c.text for c in cells if c.kind == "string" and c.text.startswith("/")]
    return routes


def _related_files(files: list[FileFacts], exclude: str, why: str) -> list[Related]:
    return [Related(Location(f.path, 1, 1, 1, 1), why) for f in files if f.path != exclude]


# ---- CL005: error middleware and process handlers ---------------------------------------------


def _has_error_middleware(ctx: RuleContext, files: list[FileFacts], spec: dict) -> tuple[bool, list[FileFacts]]:
    arity = int(spec.get("arity", 4))
    hint = spec.get("name_hint", "error").lower()
    # library functions that register an error middleware on the app they are handed
    # (`Sentry.setupExpressErrorHandler(app)`): a call of one counts as that `.use(…)`
    installers = set(spec.get("installers", ()))
    tails = {name.rsplit(".", 1)[-1] for name in installers}
    read: list[FileFacts] = []
    for facts in files:
        if any(c.callee and c.callee[-1] in tails and c.args and set(ctx.project.callee_names(facts.path, c)) & installers
               for c in facts.calls):
            return True, read
        uses = [c for c in facts.calls if c.method in spec["methods"] and len(c.callee) > 1]
        if uses:
            read.append(facts)
        for call in uses:
            for arg in call.args:
                if arg.kind == "function":
                    function = facts.functions.get(arg.scope)
                    if function is not None and function.params >= arity:
                        return True, read
                elif arg.kind == "ref":
                    if hint in arg.path[-1].lower():
                        return True, read
                    for target in ctx.project.resolve(facts.path, call.scopes, arg.path):
                        function = ctx.project.files[target.path].functions.get(target.scope) if target.kind == "function" else None
                        if function is not None and function.params >= arity:
                            return True, read
                elif arg.kind == "call" and arg.path and hint in ".".join(arg.path).lower():
                    return True, read  # app.use(errorHandler()), Sentry.Handlers.errorHandler()
                elif arg.kind == "call" and arg.path == ("require",) and arg.call >= 0:
                    # app.use(require("./middleware/errors")): the module's export
                    inner = facts.calls[arg.call]
                    spec_arg = inner.args[0] if inner.args else None
                    module = ctx.project.resolve_module(facts.path, spec_arg.text) if spec_arg and spec_arg.kind == "string" else None
                    for target in ctx.project.resolve_export(module, "default", (), 0) if module else []:
                        function = ctx.project.files[target.path].functions.get(target.scope) if target.kind == "function" else None
                        if function is not None and function.params >= arity:
                            return True, read
    return False, read


def _own_error_dispatch(ctx: RuleContext, files: list[FileFacts], path: str, index: int, spec: dict) -> bool:
    """Whether the app made by call `index` of `path` hands every request to a middleware chain of the
    project's own that dispatches error handlers itself: a `.use(d())` on the app whose `d` is a project
    function that calls something with `arity` arguments passing the request and response on
    (`middlewareFunc(arguments[0], request, response, eNext)`, evershop's `Handler.middleware()`, which
    picks the handlers of four parameters for errors as Express does). Errors its middlewares pass on
    reach those handlers, not Express's default one. O(the package's `use` calls + the dispatcher's calls)."""
    arity = int(spec.get("arity", 4))
    app = Target("call", path=path, index=index)
    for facts in files:
        for call in facts.calls:
            if call.method not in spec["methods"] or len(call.callee) < 2 or not call.args:
                continue
            last = call.args[-1]
            if last.kind != "call" or not last.path or app not in ctx.project.resolve(facts.path, call.scopes, call.callee[:-1]):
                continue
            for target in ctx.project.resolve(facts.path, call.scopes, last.path):
                if target.kind != "function":
                    continue
                own = ctx.project.files[target.path]
                if any(target.scope in c.scopes and len(c.args) == arity and not c.callee[:1] == ("next",)
                       and c.args[1].kind == "ref" and c.args[2].kind == "ref" and len(c.args[1].path) == 1
                       and len(c.args[2].path) == 1 for c in own.calls):
                    return True
    return False


def _missing_process_events(ctx: RuleContext, files: list[FileFacts], spec: dict) -> list[str]:
    events = list(spec["events"])
    seen: set[str] = set()
    for facts in ctx.project.files.values():  # process handlers count wherever they are registered
        for call in facts.calls:
            if call.method in ("on", "once", "addListener", "prependListener") and call.args and call.args[0].kind in ("string", "ref"):
                named = [e for e in listened_events(ctx, facts.path, call) if e in events]  # also `[…].forEach((type) => process.on(type, …))`
                if named and set(ctx.project.callee_names(facts.path, call)) & set(spec["callees"]):
                    seen.update(named)
    return [e for e in events if e not in seen]


def _mounted(ctx: RuleContext, files: list[FileFacts], methods) -> set[tuple[str, int]]:
    """The calls whose value a package hands to `.use(…)` (`app.use("/api", api)`,
    `router.use("/hls", this.hlsRouter.router)`): an app made there is mounted in another."""
    found: set[tuple[str, int]] = set()
    for facts in files:
        for call in facts.calls:
            if call.method not in methods or len(call.callee) < 2:
                continue
            for arg in call.args:
                if arg.kind in ("call", "new") and arg.call >= 0:
                    found.add((facts.path, arg.call))
                elif arg.kind == "ref":
                    found.update((t.path, t.index) for t in ctx.project.resolve(facts.path, call.scopes, arg.path) if t.kind == "call")
    return found


def _async_routes_only(ctx: RuleContext, files: list[FileFacts], path: str, index: int) -> bool:
    """Whether the app made by call `index` of `path` has routes of its own, every handler of them an
    async function, and no `.use(…)` (no middleware, no router), in a package on Express 4: Express 4
    does not pass an async handler's rejection to `next` (its error guide: "you must pass them to
    the next() function"), so an error middleware would receive nothing from it (jitsu's metrics
    apps: one `GET /metrics` with an async handler). O(the package's route and `use` calls)."""
    lowest = ctx.project.declared_floor(path, "express")
    if lowest is None or lowest >= lowest_version("5"):
        return False
    app = Target("call", path=path, index=index)
    routes = 0
    for facts in files:
        for call in facts.calls:
            if (call.method not in ROUTE_METHODS and call.method != "use") or len(call.callee) < 2:
                continue
            if app not in ctx.project.resolve(facts.path, call.scopes, call.callee[:-1]):
                continue
            if call.method == "use":
                return False
            handlers = [a for a in call.args if a.kind in ("function", "ref")]
            if not handlers or any(a.kind != "function" or not getattr(facts.functions.get(a.scope), "is_async", False) for a in handlers):
                return False
            routes += 1
    return routes > 0


def _check_error_middleware(rule: Rule, ctx: RuleContext, apps) -> list[Finding]:
    findings = []
    problems = rule.data["problems"]
    min_routes = int(rule.data["error_middleware"].get("min_routes", 0))
    mounted: dict[str, set[tuple[str, int]]] = {}
    for facts, index, entry in apps:
        call = facts.calls[index]
        package = ctx.project.package_root(facts.path)
        files = _package_files(ctx, package)
        if not _enough_routes(ctx, files, min_routes):
            continue  # a one-route health or docs server needs no error middleware of its own
        if package not in mounted:
            mounted[package] = _mounted(ctx, files, rule.data["error_middleware"]["methods"])
        if (facts.path, index) in mounted[package]:
            continue  # an app mounted in another (`app.use(path, api)`): its errors go to the parent's `next`
        if _async_routes_only(ctx, files, facts.path, index):
            continue  # jitsu's `metricsHttp.get("/metrics", async …)`: error middleware would catch nothing
        found, read = _has_error_middleware(ctx, files, rule.data["error_middleware"])
        if found:
            continue
        if _own_error_dispatch(ctx, files, facts.path, index, rule.data["error_middleware"]):
            continue  # evershop's `app.use(Handler.middleware())`: its own chain calls the error handlers
        subject = ctx.subject_name(facts, call)
        texts = [render(problems["error_middleware"], subject=subject, files=len(read))]
        missing = _missing_process_events(ctx, files, rule.data.get("process_handlers", {"events": [], "callees": []}))
        for event in missing:
            texts.append(render(problems["process_handler"], subject=subject, event=event))
        related = _related_files(read, facts.path, "`.use(…)` calls read here")
        findings.append(_finding(rule, ctx, facts, call, subject, texts, related, entry["library"], {"missing": " ".join(["error-middleware", *missing])}))
    return findings


# ---- private servers (CL010, CL012) -----------------------------------------------------------


def _private_listen(call: Call) -> bool:
    """`server.listen(0, …)`, `listen({ port: 0 })`, `listen()`, `listen(callback)`: a port the OS
    picks ("If port is omitted or is 0, the operating system will assign an arbitrary unused port",
    Node's net docs), which only the process itself knows (a loopback host alone is not enough: a
    proxy beside the process may forward to it)."""
    def zero(arg) -> bool:
        return arg is not None and arg.kind == "other" and arg.text.strip() == "0"

    if call.has_star:
        return False  # `listen(...args)`: anything
    if not call.args or call.args[0].kind == "function":
        return True
    first = call.args[0]
    return zero(first.value_of("port")) if first.kind == "object" else zero(first)


def _listens(ctx: RuleContext, target: Target, listen_methods: set[str]) -> list[tuple[str, Call]]:
    """The listen calls whose receiver is the app or server made by call `target`."""
    found = []
    for method in sorted(listen_methods):
        for path, call in ctx.calls_named(method):
            if call.method == method and target in ctx.project.receiver_targets(path, call):
                found.append((path, call))
    return found


def _only_private(ctx: RuleContext, rule: Rule, target: Target) -> bool:
    """Whether every listen call of the app made at `target` is on port 0 (see [private_listen])."""
    spec = rule.data.get("private_listen")
    if not spec:
        return False
    listens = _listens(ctx, target, set(spec["listen_methods"]))
    return bool(listens) and all(_private_listen(call) for _, call in listens)


# ---- CL010: health route ---------------------------------------------------------------------


def _check_health_route(rule: Rule, ctx: RuleContext, apps) -> list[Finding]:
    spec = rule.data["health_route"]
    pattern = re.compile(spec["pattern"])
    libraries = set(spec.get("libraries", ()))
    findings = []
    done: set[str] = set()
    for facts, index, entry in apps:
        package = ctx.project.package_root(facts.path)
        if package in done:
            continue  # one finding per service, at its first app
        done.add(package)
        files = _package_files(ctx, package)
        wrapped = _wrapped_routes(ctx, files) + _resource_routes(ctx, files) if facts.language == "python" else []
        if entry.get("routes_by_method", True) and not _enough_routes(ctx, files, int(spec.get("min_routes", 0)),
                                                                      sum(len(r) for _, _, r in wrapped)):
            continue  # a one-page docs or redirect server (node:http servers route by hand, not counted)
        if any(pattern.search(route) for _, _, r in wrapped for route in r):
            continue  # `register_view(bp, routes=["/health"], …)`
        if any(libraries & set(f.imports) for f in files):
            continue
        if not entry.get("routes_by_method", True) and set(spec.get("exporter_imports", ())) & set(facts.imports):
            done.discard(package)  # a hand-routed server beside Prometheus' client: a metrics exporter, not the service's API
            continue
        if any(ctx.project.dependency(facts.path, lib) for lib in libraries):
            continue
        if any(re.search(spec.get("health_file", r"$^"), posixpath.basename(f.path)) for f in files):
            continue  # a healthcheck script (Docker HEALTHCHECK, probes) already polls an endpoint
        if _has_health_path(ctx, files, pattern, set(spec.get("route_calls", ())), set(spec.get("client_calls", ()))):
            continue
        if spec.get("root_methods") and _root_constant_route(ctx, files, spec):
            continue  # `app.get("/", (req, res) => res.sendStatus(200))`: the platform's default probe path
        if any(pattern.search(path) for f in files for path in f.compared_paths):
            continue  # a hand-written router: `if (req.url === "/health")`, `case "/healthz":`
        if any(pattern.search(route) for f in files if (route := _route_file_url(f.path, spec.get("route_files", ""))) is not None):
            continue  # a Next.js route handler: app/api/(server)/health/route.ts answers /api/health
        if _desktop_only(ctx, facts.path, spec.get("desktop_runtimes", ())):
            continue
        if _catch_all_only(ctx, Target("call", path=facts.path, index=index), set(spec.get("route_calls", ()))):
            done.discard(package)  # an HTTP→HTTPS redirector (`get("*", redirect)`): the service's own app may need one
            continue
        if _probed_by_healthcheck(ctx, package, spec.get("probe_command"), spec.get("health_file")):
            continue
        if _only_private(ctx, rule, Target("call", path=facts.path, index=index)):
            done.discard(package)  # an ephemeral-port helper server: the service's own app may still need one
            continue
        if facts.language == "python" and _mounted_subapp(ctx, Target("call", path=facts.path, index=index)):
            done.discard(package)  # a sub-app another app serves (polar's backoffice): that app's probe covers it
            continue
        if _started_when_debugging(ctx, facts, facts.calls[index]):
            done.discard(package)  # a debug API a configuration switch turns on: not the service's front door
            continue
        call = facts.calls[index]
        subject = ctx.subject_name(facts, call)
        route_files = [f for f in files if any(c.args and c.args[0].kind == "string" and c.args[0].text.startswith("/") for c in f.calls)]
        seen = {f.path for f in route_files}
        for wrapper_facts, _, _ in wrapped:  # files that register routes through a project wrapper
            if wrapper_facts.path not in seen:
                seen.add(wrapper_facts.path)
                route_files.append(wrapper_facts)
        text = render(rule.data["problems"]["health_route"], subject=subject, files=len(files), routes=len(route_files))
        related = _related_files(route_files, facts.path, "routes read here")
        # `named`: the app is held in a name a fix can call `.get(…)` on; an inline app
        # (`http.createServer(express())`) is known by its source text, no expression to extend
        named = "yes" if all(part.isidentifier() for part in subject.split(".")) else ""
        findings.append(_finding(rule, ctx, facts, call, subject, [text], related, entry["library"], {"named": named}))
    return findings


def _mounted_subapp(ctx: RuleContext, app: Target) -> bool:
    """Whether the Python app `app` is mounted into another one (`app.mount("/backoffice",
    backoffice_app)`, `app.host(settings.BACKOFFICE_HOST, backoffice_app)`: Starlette's `Mount` /
    `Host` routes of the outer app, starlette.io/routing): it answers through that app, whose
    health route probes the process. O(the project's `mount` / `host` calls), asked for an app
    about to be reported."""
    for method in ("mount", "host"):
        for path, call in ctx.project.calls_named(method):
            if call.method != method or is_test_path(path):
                continue
            for arg in call.args:
                if arg.kind == "ref" and app in ctx.project.resolve(path, call.scopes, arg.path):
                    return True
    return False


def _route_file_url(path: str, route_files: str) -> str | None:
    """The URL a file-system route answers (Next.js app router: `app/api/(server)/health/route.ts` is
    `/api/health`: a folder in parentheses is a route group, left out of the URL), or None when
    `path` is not such a file (`route_files`: the pattern of its file name)."""
    if not route_files or not re.fullmatch(route_files, posixpath.basename(path)):
        return None
    parts = posixpath.dirname(path).split("/")
    if "app" not in parts:
        return None
    below = parts[len(parts) - 1 - parts[::-1].index("app") + 1:]
    return "/" + "/".join(p for p in below if not (p.startswith("(") and p.endswith(")")))


CATCH_ALL = frozenset({"*", "/*", "(.*)", "/(.*)", "/{*splat}", "*splat", "/*splat"})


def _catch_all_only(ctx: RuleContext, target: Target, route_methods: set[str]) -> bool:
    """Whether every route registered on the app made at `target` is a catch-all (`get("*", …)`),
    and there is one: lets-chat's HTTP→HTTPS redirect server answers every path with a redirect,
    so a probe of it says nothing of the service. O(the calls of those method names)."""
    apps = {target}
    made = ctx.project.files[target.path].calls[target.index]
    if made.args and made.args[0].kind == "ref":  # `http.createServer(redirectServer)`: the app it serves
        apps.update(t for t in ctx.project.resolve(target.path, made.scopes, made.args[0].path) if t.kind == "call")
    routes = [call for method in sorted(route_methods) for path, call in ctx.calls_named(method)
              if call.method == method and apps & set(ctx.project.receiver_targets(path, call))]
    return bool(routes) and all(c.args and c.args[0].kind == "string" and c.args[0].text in CATCH_ALL for c in routes)


def _desktop_only(ctx: RuleContext, path: str, runtimes) -> bool:
    """Whether the server belongs to a desktop app (its package declares Electron) of a repository
    that deploys nothing: no Dockerfile, docker-compose service or Procfile anywhere in it
    (`Manifest.launches`), so no load balancer or orchestrator exists to probe a health route."""
    if not runtimes or not any(ctx.project.dependency(path, runtime) for runtime in runtimes):
        return False
    return not any(manifest.launches for manifest in ctx.project.manifests.values())


def _started_when_debugging(ctx: RuleContext, facts: FileFacts, call: Call) -> bool:
    """Whether the app is made in a function every project call of which runs only under a debug
    switch (`if (config.ircService.debugApi.enabled) { … this.debugApi.run() }`, matrix-appservice-irc's
    DebugApi): a debugging port, off in a normal run, which no orchestrator probes. O(the calls named
    as the function), for an app made inside a named function only."""
    function = facts.functions.get(call.scopes[0])
    if function is None or not function.name:
        return False
    seen = 0
    for path, caller in ctx.project.calls_of(Target("function", path=facts.path, scope=function.scope)):
        calls = ctx.project.files[path].calls
        if not any(calls[i] is caller for i in ctx.project.files[path].debug_calls):
            return False
        seen += 1
    return seen > 0


def _probed_by_healthcheck(ctx: RuleContext, package: str, probe: str | None, health_file: str | None = None) -> bool:
    """Whether the package's image probes the service over HTTP: a Dockerfile `HEALTHCHECK` whose
    command requests a URL (`curl -f http://localhost/`), or runs the project's own healthcheck
    program (`CMD extra/healthcheck`, a binary built from `healthcheck.go`: whose endpoint crashlint
    cannot read, like a healthcheck script in the package). Docker marks the container unhealthy
    when it fails, so the orchestrator already tells a hung instance apart, by the route it chose."""
    manifest = ctx.project.manifests.get(package)
    if not probe or manifest is None:
        return False
    for _, name, command in manifest.launches:
        if name != "HEALTHCHECK":
            continue
        if re.search(probe, command):
            return True
        program = command.split()[0] if command.split() else ""
        if health_file and re.search(health_file, posixpath.basename(program)):
            return True
    return False


def _receiver_names(ctx: RuleContext, facts: FileFacts, call: Call) -> list[str]:
    names = []
    for target in ctx.project.receiver_targets(facts.path, call):
        if target.kind == "call":
            owner = ctx.project.files[target.path].calls[target.index]
            names += ctx.project.callee_names(target.path, owner)
    return names


def _root_constant_route(ctx: RuleContext, files: list[FileFacts], spec: dict) -> bool:
    """A `GET "/"` route (`app.get("/", …)`, `router.get("/", …)`) whose inline handler calls only
    response methods that answer a constant status (`res.sendStatus(200)`, `res.status(200).send(msg)`
    of a template `{ "status": "OK", … }`): Elastic Beanstalk's and Azure App Service's default probe
    requests `/`, and such a handler is what answers it. A handler that renders, sends a file,
    redirects, calls anything else (a database, a project function), answers a list or a greeting
    (`res.send("hello")`) is a page. O(the files' calls), once per service; the source lines of the
    few candidate handlers."""
    methods, answers = set(spec["root_methods"]), set(spec.get("root_answers", ()))
    status_text = re.compile(spec["root_status_text"])
    for facts in files:
        if facts.language == "python":
            continue
        handlers: set[int] = set()
        # routers this file mounts under a path (`app.use("/orders", orders)`): their "/" is not the root
        mounted = {c.args[1].path for c in facts.calls
                   if (c.method or (c.callee[-1] if c.callee else "")) == "use" and len(c.args) >= 2
                   and c.args[0].kind == "string" and c.args[0].text not in ("", "/") and c.args[1].kind == "ref"}
        for call in facts.calls:
            name = call.method or (call.callee[-1] if call.callee else "")
            if name in methods and len(call.args) >= 2 and call.args[0].kind == "string" and call.args[0].text == "/" \
                    and call.args[-1].kind == "function" and call.args[-1].scope in facts.functions \
                    and call.callee[:-1] not in mounted:
                handlers.add(call.args[-1].scope)
        if not handlers:
            continue
        answering = dict.fromkeys(handlers, True)
        for call in facts.calls:
            owner = next((s for s in call.scopes if s in answering), None)
            if owner is None:
                continue
            name = call.method or (call.callee[-1] if call.callee else "")
            if call.is_new and call.callee == ("Date",):
                continue  # `new Date()` in the answer
            if call.scopes[0] != owner or name not in answers or any(a.kind == "array" for a in call.args):
                # a nested callback, a call that reads, renders or redirects, or a list (`res.json([])`)
                answering[owner] = False
        for scope, constant in answering.items():
            if not constant:
                continue
            span = facts.functions[scope].span
            text = "\n".join(ctx.sources.line(facts.path, n) for n in range(span[0], span[2] + 1))
            if status_text.search(text):
                return True
    return False


def _has_health_path(ctx: RuleContext, files: list[FileFacts], pattern: re.Pattern, route_calls: set[str], clients: set[str]) -> bool:
    """A path-like string (`"/healthz"`) in any call, a bare one (`@Get("health")`) in a route
    call, or a path key of an options object (terminus' `healthChecks: {"/healthz": …}`)."""
    for facts in files:
        for call in facts.calls:
            if clients and {*ctx.project.callee_names(facts.path, call), *_receiver_names(ctx, facts, call)} & clients:
                continue  # an outbound call (`httpx.get(f"{base}/health")`) is not a route
            # a bare path in a route call is a route where the framework takes one (NestJS' `@Get("health")`);
            # Python's route calls take a path that starts with "/" (Flask, FastAPI, Starlette), and
            # `payload.get("status")` there is a dictionary read (timesketch's resources)
            name = call.method or (call.callee[-1] if call.callee else "")
            # a bare path only as the first argument of a route decorator (`@Get("health")`): a
            # lowercase `get(payload, "status")` (lodash) or `config.get("status")` reads a value
            routing = name in route_calls and name[:1].isupper() and facts.language != "python"
            for position, arg in enumerate(call.args):
                if arg.kind == "string" and (arg.text.startswith("/") or routing and position == 0) and pattern.search(arg.text):
                    return True
                if arg.kind == "object":
                    keys = list(arg.keys) + [k for v in arg.values if v.kind == "object" for k in v.keys]
                    if any(k.startswith("/") and pattern.search(k) for k in keys):
                        return True
            for _, value in call.keywords:
                if value.kind == "string" and value.text.startswith("/") and pattern.search(value.text):
                    return True
    return False


# ---- CL012: server closed on shutdown --------------------------------------------------------


def _check_shutdown_close(rule: Rule, ctx: RuleContext, apps: Callable[[], list]) -> list[Finding]:
    """`apps()`: the rule's app constructions of every file, asked only when a listen is looked at
    (every scan of the whole project; an --in-project scan whose files hold one)."""
    spec = rule.data["shutdown_close"]
    wrappers = list(spec.get("wrappers", ()))
    close_methods = set(spec["close_methods"])
    findings = []
    listen_methods = set(spec["listen_methods"])
    by_server: dict[object, tuple[int, int]] = {}  # a listen's server → (nesting, position) of the finding kept
    hosts_memo: dict[str, bool] = {}  # package → whether a cluster host runs it (`_run_by_host`)
    # the listens read no more than their file's calls: asked first, the questions of the model
    # come in the same order as before (the apps' first)
    listens = ctx.parts(("listen-calls", rule.id),
                        lambda path, facts: [i for i, c in enumerate(facts.calls) if c.method in listen_methods or _promisified_listen(c, listen_methods)],
                        lambda path, facts: rule.applies_to(facts.language, ctx.role(path)), keep=False, focus=True)
    if not listens and ctx.focus is not None:
        return findings
    app_targets = {Target("call", path=facts.path, index=index): (facts, entry) for facts, index, entry in apps()}
    members = [entry for entry in rule.data["apps"] if "member_of" in entry]
    for path, indices in listens.items():
        facts = ctx.project.files[path]
        ctx.current_path = path
        for index in indices:  # type: ignore[union-attr]
            call = facts.calls[index]
            promisified = _promisified_listen(call, listen_methods)
            receivers = ctx.project.resolve(path, call.scopes, promisified) if promisified else ctx.project.receiver_targets(path, call)
            owners = [t for t in _unwrapped(ctx, receivers, wrappers) if t in app_targets]
            helper_calls: list[Target] = []
            if not owners and receivers and all(t.kind == "param" for t in receivers):
                # `listenAndServe(app, port)` = `app.listen(port, …)` in a project helper (talk): the
                # apps its callers hand it, one level up; what those calls return may be the server
                handed, helper_calls = _handed_in(ctx, receivers)
                owners = [t for t in _unwrapped(ctx, handed, wrappers) if t in app_targets]
            if not owners and members:
                entry = _member_app(ctx, facts, call, members)
                if entry is not None:  # `server.app.listen(4000)`: the app an overnightjs Server made
                    owners = [Target("call", path=path, index=index)]
                    app_targets[owners[0]] = (facts, entry)
            if not owners:
                continue
            package = ctx.project.package_root(path)
            if _run_by_host(ctx, rule.data["shutdown"].get("hosts", ()), package, hosts_memo):
                continue  # service-runner's master stops its workers on SIGTERM and closes what the service returns
            files = _package_files(ctx, package)
            entry = app_targets[owners[0]][1]
            if entry.get("routes_by_method", True) and not _enough_routes(ctx, files, int(spec.get("min_routes", 0))):
                continue  # a one-page docs or redirect server
            if "private_listen" in rule.data and _private_listen(call):
                continue  # an ephemeral-port helper: nothing outside the process knows where to send requests
            owner_facts = ctx.project.files[owners[0].path]
            if not entry.get("routes_by_method", True) and _imports_exporter(ctx, owner_facts, set(spec.get("exporter_imports", ())),
                                                                                _owner_call(ctx, owners[0])[1]):
                continue  # a metrics exporter's port: a scrape cut off at shutdown is taken again at the next interval
            servers = set(owners) | {Target("call", path=path, index=index)} | set(helper_calls)
            # every process that runs this listen() must close the server from its own handlers
            # `listen({ port, signal })`: Node's net.Server and Fastify close the server when that
            # AbortSignal aborts; a process whose SIGTERM/SIGINT handler runs is taken to abort it
            by_signal = any(call.args and call.args[0].kind == "object" and call.args[0].value_of(key) is not None
                            for key in spec.get("signal_options", ()))
            failing = [v for v in ctx.shutdown_views(rule.data["shutdown"], path)
                       if not (by_signal and v.handlers) and not _closes_server(ctx, v, close_methods, servers, wrappers)]
            if not failing:
                continue
            paths = failing[0]
            subject = ".".join(promisified or call.callee[:-1]) or ctx.subject_name(*_owner_call(ctx, owners[0]))
            server_name = plain_name(call.bound_to) if call.bound_to and not call.bound_to.startswith("<") else ""
            if paths.handlers:
                where = ", ".join(f"{h.path}:{h.start_line}" for h in paths.handlers[:3])
                text = render(rule.data["problems"]["handler_does_not_close"], subject=subject, where=where)
                related = [Related(h, "SIGTERM/SIGINT handler registered here") for h in paths.handlers]
            else:
                # "anywhere in the project" is false in a monorepo whose other services have handlers:
                # then the claim is about this process's own files
                elsewhere = bool(ctx.shutdown(rule.data["shutdown"]).handlers) and "no_handler_in_process" in rule.data["problems"]
                text = render(rule.data["problems"]["no_handler_in_process" if elsewhere else "no_handler"], subject=subject)
                related = []
            finding = _finding(rule, ctx, facts, call, subject, [text], related, app_targets[owners[0]][1]["library"],
                               {"server": server_name, "app": subject, "has_handler": "yes" if paths.handlers else ""})
            # one finding per server: the listens of one server object (mStream's retries of
            # `thisServer.listen(…)` in its own 'error' listener, `thisServer` being `server`) are
            # one subject, reported at the outermost of them (the first start, not a retry)
            # (the constructions a receiver may hold; a `let server;` declaration adds only "unknown").
            # Only within one file: entry files of separate images that each call one shared factory
            # (vrite's `await createServer(…)` then `server.listen(…)` in apps/backend/api and app)
            # start one server each, whatever construction they share
            made = frozenset(t for t in receivers if t.kind == "call")
            key = (path, made) if made and all(t.kind in ("call", "unknown") for t in receivers) else (path, index)
            chosen = _alternative(facts, call)
            if chosen is not None:
                # the listens of functions one name holds either of (SillyTavern's `const createFunc =
                # cliArguments.ssl ? createHttpsServer : createHttpServer`): the process runs one of
                # them, one server; twins that both run (an https server beside the http one) stay two
                key = (path, ("alternatives", chosen))
            depth = len(call.scopes)
            if key not in by_server or depth < by_server[key][0]:
                by_server[key] = (depth, len(findings))
            findings.append(finding)
    ctx.current_path = None
    kept = {position for _, position in by_server.values()}
    return [f for position, f in enumerate(findings) if position in kept]


def _alternative(facts: FileFacts, call: Call) -> frozenset[str] | None:
    """The functions a name of the file is declared as either of (`x = cond ? f : g`, `a || b`: one
    declaration line with two function references) when one encloses `call`, else None. O(the
    file's declarations), once per listen."""
    groups: dict[tuple[int, str, int], set[str]] = {}
    for decl in facts.decls:
        value = decl.value
        if value.kind == "ref" and len(value.path) == 1:
            groups.setdefault((decl.scope, decl.name, decl.line), set()).add(value.path[0])
    names = {facts.functions[scope].name for scope in call.scopes if scope in facts.functions and facts.functions[scope].name}
    for group in groups.values():
        if len(group) > 1 and group & names:
            return frozenset(group)
    return None


def _handed_in(ctx: RuleContext, params: list[Target]) -> tuple[list[Target], list[Target]]:
    """What the project's calls of a function pass for its parameters `params`: the values of each
    call's argument at that position (`listenAndServe(app, port)` → the `express()` call `app`
    holds), and those calls themselves (`const server = await listenAndServe(…)`: a handler may
    close what they return). One level; O(the calls named like the function)."""
    found: list[Target] = []
    calls: list[Target] = []
    for param in params:
        names = ctx._function_names(param.path).get(param.scope, set())
        for name in sorted(names):
            for other, call in ctx.calls_named(name):
                if len(call.args) <= param.index or not any(
                        t.kind == "function" and (t.path, t.scope) == (param.path, param.scope)
                        for t in ctx.project.resolve(other, call.scopes, call.callee)):
                    continue
                arg = call.args[param.index]
                if arg.kind in ("call", "new") and arg.call >= 0:  # `listenAndServe(createApp(), port)`
                    found += [Target("call", path=other, index=arg.call), *ctx.project.call_targets(other, arg.call)]
                elif arg.kind == "ref":
                    found += ctx.project.resolve(other, call.scopes, arg.path)
                index = next(i for i, c in enumerate(ctx.project.files[other].calls) if c is call)
                calls += [Target("call", path=other, index=index), *ctx.project.call_targets(other, index)]
    return found, calls


def _imports_exporter(ctx: RuleContext, facts: FileFacts, exporters: set[str], made: Call) -> bool:
    """Whether the file imports a metrics exporter (`prom-client`), itself, or — for a server whose
    request handler is written in the call (`createServer(async (req, res) => …)`), not an app
    handed to it — through a module of the project it imports (`import { registry } from
    "./promClient"`, which makes the registry)."""
    if not exporters:
        return False
    if exporters & set(facts.imports):
        return True
    if not made.args or made.args[-1].kind != "function":
        return False  # `http.createServer(app)`: an app's server, whatever else its file imports
    for spec in facts.imports:
        target = ctx.project.resolve_module(facts.path, spec) if spec.startswith((".", "/", "@/", "#", "~")) else None
        if target is not None and target in ctx.project.files and exporters & set(ctx.project.files[target].imports):
            return True
    return False


def _promisified_listen(call: Call, listen_methods: set[str]) -> tuple[str, ...]:
    """The server of a listen made promise-returning, for `await listenAsync(…)`: the receiver of
    `server.listen.bind(server)` (handed to `bluebird.promisify` / `util.promisify`) or of
    `promisify(server.listen)`; () for any other call."""
    if call.method == "bind" and len(call.callee) >= 3 and call.callee[-2] in listen_methods:
        return call.callee[:-2]
    if call.callee and call.callee[-1] == "promisify" and call.args:
        first = call.args[0]
        if first.kind == "ref" and len(first.path) >= 2 and first.path[-1] in listen_methods:
            return tuple(first.path[:-1])
    return ()


def _member_app(ctx: RuleContext, facts: FileFacts, call: Call, entries: list[dict]) -> dict | None:
    """The `member_of` entry whose app `call` listens on: `this.app.listen(…)` inside a project class
    extending one of its `bases` (directly or through project classes), or `server.app.listen(…)`
    on an instance of such a class (`new (class extends Server { … })()`). O(resolving the receiver)."""
    callee = call.callee
    for entry in entries:
        spec = entry["member_of"]
        if facts.language not in entry["languages"] or len(callee) < 3 or callee[-2] != spec["member"]:
            continue
        bases = set(spec["bases"])
        if callee[:-2] == ("this",):
            classes = [Target("instance", path=facts.path, scope=scope) for scope in call.scopes if scope in facts.class_bases][:1]
        else:
            classes = []
            for target in ctx.project.resolve(facts.path, call.scopes, callee[:-2]):
                if target.kind == "call":
                    classes += [t for t in ctx.project.call_targets(target.path, target.index) if t.kind == "instance"]
                    classes += _class_expression(ctx, target)
                elif target.kind == "instance":
                    classes.append(target)
        if any(bases & set(ctx.project.instance_names(cls)) for cls in classes):
            return entry
    return None


def _class_expression(ctx: RuleContext, target: Target) -> list[Target]:
    """`new (class extends Server { … })()` (plunk's API): the instance of the class expression the
    call constructs, read from the file's tree (its scope is the class node's first byte + 1)."""
    facts, call = _owner_call(ctx, target)
    if call.callee or not call.is_new:
        return []
    node = ctx.node_of(facts.path, call)
    while node is not None and node.type != "new_expression":
        node = node.parent
    made = node.child_by_field_name("constructor") if node is not None else None
    while made is not None and made.type == "parenthesized_expression" and made.named_child_count:
        made = made.named_children[0]
    if made is None or made.type != "class" or made.start_byte + 1 not in facts.class_bases:
        return []
    return [Target("instance", path=facts.path, scope=made.start_byte + 1)]


def _owner_call(ctx: RuleContext, target: Target) -> tuple[FileFacts, Call]:
    facts = ctx.project.files[target.path]
    return facts, facts.calls[target.index]


def _closes_server(ctx: RuleContext, paths, close_methods: set[str], servers: set[Target], wrappers: list[dict]) -> bool:
    if paths.closes(servers):
        return True  # a graceful-shutdown library given this server, or a NestJS app with shutdown hooks
    for path, call in (pc for method in sorted(close_methods) for pc in ctx.calls_named(method)):
        if call.method not in close_methods or len(call.callee) < 2 or not paths.contains(path, call.scopes):
            continue
        if ctx.role(path) == "test":
            # a test helper reached by name from a handler's `queue.close()` (chartbrew's
            # tests/unit/safeRequest.test.js `function close(server)`): no server process runs it
            continue
        targets = _unwrapped(ctx, ctx.project.resolve(path, call.scopes, call.callee[:-1]), wrappers)
        # a close on something crashlint cannot see (`this.server?.close()`, a parameter) is given the
        # benefit of the doubt, unless what it may be is also resolved and none of it is the server:
        # chartbrew's `queuesToClose.map((queue) => queue.close())` over queues held in `let` names
        # (the parameter, the names' uninitialised declarations, and the Queues pushed)
        if any(t in servers for t in targets):
            return True
        if any(t.kind in ("unknown", "param") for t in targets) and all(t.kind in ("unknown", "param") for t in targets):
            return True
    return False


def _wait_below(ctx: RuleContext, path: str, call: Call, sleeps: set[str], polls: set[str], depth: int,
                seen: set[tuple[str, int]]) -> str:
    """The sleep or poll a project function `call` runs in its own body (or, `depth` > 1, in the
    functions that body calls), as `execute() → time.sleep(10)`; "" if none. A loop whose every
    iteration calls a function that waits (simplelogin's `while True: execute()`, pgsync's
    `while True: await self._async_poll_redis()`) is a worker loop as much as one that sleeps itself."""
    for target in ctx.project.resolve(path, call.scopes, call.callee):
        if target.kind != "function" or (target.path, target.scope) in seen:
            continue
        seen.add((target.path, target.scope))
        facts = ctx.project.files[target.path]
        body = [c for c in facts.calls if c.scopes[0] == target.scope]
        for inner in body:
            if inner.method in polls or sleeps & set(ctx.project.callee_names(target.path, inner)):
                return f"{call.text} → {inner.text}"
        if depth > 1:
            for inner in body:
                found = _wait_below(ctx, target.path, inner, sleeps, polls, depth - 1, seen) if inner.callee else ""
                if found:
                    return f"{call.text} → {found.split(' → ', 1)[-1]}"
    return ""


def _check_bot_starts(rule: Rule, ctx: RuleContext, reported: set[int]) -> list[Finding]:
    """A long-lived process that runs a chat bot's client until it is stopped (discord.py's
    `await bot.start(token)`, through `asyncio.run(main())`) and registers no SIGTERM handler: the
    process has no loop of its own to report, yet SIGTERM ends it the same way, skipping the
    `finally` and `async with` exits that close the bot and what it opened (modmail's `runner()`,
    Pythonista-Bot's `async with core.Bot() as bot, … asyncpg.create_pool(…)`). A library method
    that installs a handler itself (disnake's `run()`) is a registration of `[shutdown]`, so its
    process has one. One finding per process, at its first such call; none for a process whose
    loops were reported (`reported`: the same handler fixes both). O(the calls of the methods named)."""
    spec = rule.data["bot_starts"]
    classes = set(spec["classes"])
    near: set[str] | None = None
    if ctx.focus is not None:
        near = set(ctx.focus).union(*(p.files for f in ctx.focus for p in ctx.processes.processes_of(f) if not p.fallback))
    findings: list[Finding] = []
    handled: dict[int, bool] = {}  # id(process) → whether its own files register a SIGTERM handler
    for method in sorted(spec["methods"]):
        for path, call in ctx.calls_named(method):
            # `.start()` is a common name (threads, servers, JS timers): the cheap tests first, the
            # receiver's classes next, the processes' handlers (a view over every root) once per process
            if (call.method != method or ctx.project.files[path].language != "python"
                    or (near is not None and path not in near) or not ctx.processes.long_lived(path)):
                continue
            candidates = [p for p in ctx.processes.processes_of(path)
                          if not p.fallback and not p.hosted and not p.serverless and id(p) not in reported]
            if not candidates or not classes & set(receiver_classes(ctx.project, path, call)):
                continue
            for p in candidates:
                if id(p) not in handled:
                    handled[id(p)] = bool(ctx.shutdown(rule.data["shutdown"]).for_processes(ctx.processes.own_files(p)).handlers)
            processes = [p for p in candidates if not handled[id(p)]]
            if not processes:
                continue
            process = next((p for p in processes if path in p.entries), processes[0])
            reported.add(id(process))
            findings.append(_process_finding(rule, ctx, path, call, process, spec["message"], "bot_process"))
    ctx.current_path = None
    return findings


def _process_finding(rule: Rule, ctx: RuleContext, path: str, call, process, message: str, problem: str) -> Finding:
    """The one CL012 finding of a process that runs until stopped with no SIGTERM handler, at `call`
    (its bot start or asyncio runner); `problem` names the rule's text for how it runs."""
    ctx.current_path = path
    location = Location(path, call.span[0], call.span[1], call.span[2], call.span[3])
    values = dict(subject=call.text, process=process.name, entry=process.entry)
    return Finding.of_rule(
        rule, ctx.project.files[path].language, location, call.text, render(message, **values),
        [render(rule.data["problems"][problem], **values)],
        context={"subject": call.text, "loop": "yes", "app": "", "server": ""},
        line_text=ctx.sources.line(path, call.span[0]).strip(),
    )


def _check_daemon_starts(rule: Rule, ctx: RuleContext, reported: set[int]) -> list[Finding]:
    """A long-lived process no server hosts whose entry runs its program through an asyncio runner
    (`asyncio.run(main())`, `loop.run_until_complete(main())`, `loop.run_forever()`) and registers no
    SIGTERM handler: asyncio's runner handles SIGINT only (it cancels the main task), so SIGTERM ends
    the process at once, skipping the `finally` blocks and `async with` exits that stop what `main()`
    started — whether or not a loop of its own was written (AstrBot's `main.py`, a Matrix bot's
    `sync_forever()`). Only a runner whose program runs until it is stopped counts
    (`ProcessModel.runner_runs_until_stopped`): a coroutine that does its work and returns is a
    command whatever its process was judged. One finding per process, at the first such call in its
    entry files; none for a process whose loop or bot start was reported (`reported`). O(the calls
    of the entry files, and a bounded walk per runner call)."""
    spec = rule.data["daemon_starts"]
    runners = set(spec["callees"])
    methods = set(spec["methods"])
    findings: list[Finding] = []
    near: set[str] | None = None
    if ctx.focus is not None:
        near = set(ctx.focus).union(*(p.files for f in ctx.focus for p in ctx.processes.processes_of(f) if not p.fallback))
    started = [p for p in ctx.processes.processes if p.started and p.long_lived and not p.fallback]
    for process in ctx.processes.processes:
        if (not process.long_lived or process.fallback or process.hosted or process.serverless or id(process) in reported):
            continue
        if not process.started and any(q is not process and set(process.entries) <= q.files for q in started):
            continue  # a `__main__` module a started program imports and runs (matrix-reminder-bot's main.py): that program's
        found = None
        for path in process.entries:
            facts = ctx.project.files.get(path)
            if facts is None or facts.language != "python" or (near is not None and path not in near):
                continue
            # the runner whose program runs until it is stopped: `tgcf live`'s, not `tgcf past`'s
            # batch in the other branch, nor a one-shot script's (a migration runner, an OCR test)
            found = next((c for c in facts.calls if (c.method in methods or runners & set(ctx.project.callee_names(path, c)))
                          and ctx.processes.runner_runs_until_stopped(path, c)), None)
            if found is not None:
                break
        if found is None:
            continue
        if ctx.shutdown(rule.data["shutdown"]).for_processes(ctx.processes.own_files(process)).handlers:
            continue
        reported.add(id(process))
        findings.append(_process_finding(rule, ctx, path, found, process, spec["message"], "daemon_process"))
    ctx.current_path = None
    return findings


def _check_worker_loops(rule: Rule, ctx: RuleContext, reported: set[int] | None = None,
                        judged: set[int] | None = None) -> list[Finding]:
    """Python loops that run as long as the process (`while True:`, `while running:` that nothing in
    the loop clears) and sleep or poll, in a process that handles no SIGTERM. Judged per process: a
    standalone `__main__` worker needs its own handler; a process gunicorn, uvicorn or Celery hosts
    has theirs. Where no process was recognised, the project's handlers and manifest decide.

    One finding per process: its loops share the one missing handler (and the one fix), so the first
    loop (in its entry file if one loops there, else by path and line) is reported and the others are
    bullets of it (a daemon of six forever loops was six findings saying the same thing). Loops in
    files no recognised process loads stay one finding each: nothing says they share a process."""
    spec = rule.data["worker_loops"]
    sleeps = set(spec.get("sleep_callees", ()))
    polls = set(spec.get("poll_methods", ()))
    findings = []
    by_process: dict[int, Finding] = {}  # id(process) → its finding, which later loops become bullets of
    losses: dict[int, str] = {}  # id(process) → what its default SIGTERM would skip ("" for nothing)
    bots = tuple(rule.data.get("bot_starts", {}).get("classes", ()))
    judged = set() if judged is None else judged  # id(process) of those that lose nothing (out)
    managed = set(spec.get("unless_dependencies", ()))
    clears = _MemberClears(ctx)
    looping = ctx.parts(("forever-loops", rule.id), lambda path, facts: bool(facts.forever_loops),
                        lambda path, facts: bool(facts.forever_loops) and rule.applies_to(facts.language, ctx.role(path)), keep=False)
    if ctx.focus is not None:
        # --in-project: a finding lies at the first loop of its process, or at a loop no process
        # loads; those of the files given need the loops of their processes' files alone
        # (a subset: their order among themselves is the same)
        near = set(ctx.focus).union(*(p.files for f in ctx.focus for p in ctx.processes.processes_of(f) if not p.fallback))
        looping = {path: part for path, part in looping.items() if path in near}

    def emit(path: str, facts: FileFacts, first: int, text: str, waits: list[str], process) -> None:
        """The loop's finding, or a bullet of its process's finding."""
        loss = ""
        if process is not None and "losses" in spec:
            if id(process) not in losses:
                losses[id(process)] = _sigterm_loss(ctx, spec, process, bots)
            loss = losses[id(process)]
            if not loss:
                # nbviewer's statuspage (`while True: get_and_post(); time.sleep(120)`): each turn
                # stands alone, and the process holds nothing SIGTERM would leave undone
                judged.add(id(process))
                return
        start = len(text) - len(text.lstrip()) + 1
        location = Location(path, first, start, first, len(text.rstrip()) + 1)
        header = text.strip().rstrip(":")
        subject = f"{header} loop ({waits[0]})"
        values = dict(subject=subject, wait=waits[0], loss=loss)
        if process is not None and id(process) in by_process:
            where = f"{path}:{first}"
            by_process[id(process)].problems.append(render(rule.data["problems"]["worker_loop_also"], where=where, **values))
            return
        if process is not None:
            problem = render(rule.data["problems"]["worker_loop_process"], process=process.name, entry=process.entry, **values)
        else:
            problem = render(rule.data["problems"]["worker_loop"], **values)
        finding = Finding.of_rule(
            rule, facts.language, location, subject,
            render(spec["message"], **values), [problem],
            context={"subject": subject, "loop": "yes", "app": "", "server": ""}, line_text=text.strip(),
        )
        findings.append(finding)
        if process is not None:
            by_process[id(process)] = finding

    deferred: list[tuple] = []  # loops in a thread the process starts (below)
    waited: set[int] = set()  # id(process) whose loop waits on a flag another method clears
    for path in sorted(looping, key=lambda path: (not _is_entry_of_its_process(ctx, path), path)):
        facts = ctx.project.files[path]
        ctx.current_path = path
        processes = [p for p in ctx.processes.processes_of(path) if not p.fallback]
        # a loop of a script a process starts as a child (`Popen(["./file_compressor.py"])`) runs in
        # the child, which handles its own signals; a handler of the child does not stop the parent
        processes = [p for p in processes if path in ctx.processes.own_files(p)] or processes
        if processes:
            unhandled = [p for p in processes if not p.hosted
                         and not ctx.shutdown(rule.data["shutdown"]).for_processes(ctx.processes.own_files(p)).handlers]
            if not unhandled:
                continue  # every process that runs it is hosted, or registers a SIGTERM handler
            # a loop in a process's entry file (its `__main__` block) runs in that process
            process = next((p for p in unhandled if path in p.entries), unhandled[0])
        else:
            if ctx.shutdown(rule.data["shutdown"]).handlers:
                continue  # the project handles SIGTERM somewhere: its loops can stop
            if any(ctx.project.dependency(path, name) for name in managed):
                continue  # gunicorn, uvicorn, Celery, … handle SIGTERM for the loops they host
            process = None
        for scopes, first, last in sorted(facts.forever_loops, key=lambda loop: loop[1]):
            if any(scope == scopes[0] and first < line <= last for scope, line in facts.loop_exits):
                continue  # it can end (break, return, raise) or is a generator a consumer drives (yield)
            if clears.ends(path, facts, scopes, first):
                if process is not None and not _in_a_thread(ctx, path, facts, scopes):
                    waited.add(id(process))
                continue  # `while self.measuring: time.sleep(0.1)`: a wait on what another method clears
            inside = [c for c in facts.calls if first <= c.span[0] <= last and c.scopes[0] == scopes[0]]
            text = ctx.sources.line(path, first)
            waits = [c.text for c in inside if c.method in polls or sleeps & set(ctx.project.callee_names(path, c))
                     or _waits_on_its_flag(c, text)]
            if not waits:  # the wait one or two calls down: `while True: execute()`, `await self._poll_once()`
                waits = [w for c in inside if c.callee for w in [_wait_below(ctx, path, c, sleeps, polls, 2, set())] if w]
            if not waits:
                continue  # a loop that neither sleeps nor polls is not a long-running worker
            if not ctx.processes.runs_long(path, first):
                # a loop of a function no long-lived caller reaches (an adapter nothing configured
                # starts): the run drops its finding, so it must not take the process's one finding
                # (and the later loops, its bullets) with it, nor keep the process's start unreported
                continue
            if process is None or id(process) not in by_process:
                if _in_a_thread(ctx, path, facts, scopes):
                    # a loop of a thread the process starts waits for the process's own: see below
                    deferred.append((path, facts, first, text, waits, process))
                    continue
            emit(path, facts, first, text, waits, process)
    # Loops in a thread the process starts (`threading.Thread(target=self.aio_rpc_server)`, a
    # `Thread` subclass's `run`): the thread lives and dies with its process, so the process's own
    # loop decides. They are bullets of the process's finding; when the process's main loop waits on
    # a flag another method clears (Mycodo's `while self.daemon_run:`, ended by its RPC terminate),
    # they stop with it; a thread of a process no start command or code names (a module judged by
    # its path) belongs to no loop that is known to run the process: not reported. A process whose
    # only forever loops are in its threads (`t.start(); t.join()`) is reported at the first of them.
    for path, facts, first, text, waits, process in deferred:
        if process is None or id(process) in waited and id(process) not in by_process:
            continue
        ctx.current_path = path
        emit(path, facts, first, text, waits, process)
    ctx.current_path = None
    if reported is not None:
        reported.update(by_process)
    return findings


def _sigterm_loss(ctx: RuleContext, spec: dict, process, bots: tuple[str, ...] = ()) -> str:
    """What Python's default SIGTERM would cost `process`, said for a reader ("the `finally` block at
    worker.py:40 never runs"), or "" when its own files hold nothing it skips: no `finally` block,
    `with` statement or `except KeyboardInterrupt` / `SystemExit` clause (`FileFacts.cleanups`), no
    `atexit` registration, no file it writes, no child process it starts, no connection, cursor,
    transaction or lock it opens, nothing it closes or stops, no item it takes from a queue (`poll_methods`), acks, commits or flushes
    (`[worker_loops.losses]`).
    Its entry files first, then by path. O(the cleanups and calls of the process's own files), once
    per process; the first loss found ends the walk."""
    rules = spec["losses"]
    exits = set(rules.get("exit_callees", ()))
    opens = set(rules.get("open_callees", ()))
    modes = set(rules.get("write_modes", ()))
    writes = set(rules.get("write_methods", ()))
    # a chat bot's client holds its gateway connection (`bots`: the classes whose `start()` CL012 reports)
    held = set(rules.get("held_callees", ())) | set(bots)
    held_methods = set(rules.get("held_methods", ()))
    done = set(rules.get("done_methods", ()))
    closes = set(rules.get("close_methods", ()))
    children = set(rules.get("child_callees", ()))
    polls = set(spec.get("poll_methods", ()))
    quiet = {tuple(r.split(".")) for r in rules.get("quiet_receivers", ())}
    files = sorted(ctx.processes.own_files(process), key=lambda path: (path not in process.entries, path))
    for path in files:
        facts = ctx.project.files.get(path)
        if facts is None or facts.language != "python":
            continue
        if facts.cleanups:
            line, head = facts.cleanups[0]
            if head == "finally:":
                return f"the `finally` block at {path}:{line} never runs"
            if head.startswith("except"):
                return f"the shutdown code of `{head}` at {path}:{line} never runs"
            return f"`{head}` at {path}:{line} is never exited"
        for scope, decorator in facts.decorators:
            if ".".join(decorator) in exits or decorator[-1:] == ("register",) and "atexit" in decorator:
                return f"the `atexit` handler of {path} never runs"
        for call in facts.calls:
            names = set(ctx.project.callee_names(path, call)) if call.callee else set()
            if call.callee and call.callee[-1][:1].isupper() and not names:
                # a project subclass of a client (`class Avrae(commands.AutoShardedBot)`), made here
                names = {n for t in ctx.project.resolve(path, call.scopes, call.callee) if t.kind == "class"
                         for n in ctx.project.instance_names(Target("instance", path=t.path, scope=t.scope))}
            where = f"`{call.text}` at {path}:{call.span[0]}"
            if names & exits:
                return f"the `atexit` handler registered by {where} never runs"
            if names & opens or call.callee == ("open",):
                mode = call.args[1] if len(call.args) > 1 else call.keyword("mode")
                if mode is not None and mode.kind == "string" and set(mode.text) & modes:
                    return f"the file opened for writing by {where} may be left half-written"
            if call.method in writes and call.callee[:-1] not in quiet:
                return f"what {where} writes may be left half-written"
            if names & children:
                return f"the child process {where} starts is never stopped by it"
            if names & held or call.method in held_methods:
                return f"what {where} opens is dropped mid-use"
            if call.method in closes:
                return f"{where} never runs, or runs too late"
            if call.method in done and call.callee[:-1] not in quiet:
                return f"the work before {where} is lost or done again"
            if call.method in polls:
                return f"an item {where} takes is lost mid-work"
    return ""


class _MemberClears:
    """Whether a `while self.<flag>:` forever loop (`while not self.<flag>:`) ends when another method
    of its class, or of a project base class, runs: a method other than the loop's own and other than
    `__init__` assigns the flag the literal that ends it (`self.running = False` in `stop_input`,
    mycodo/inputs/base_input.py; `self.measuring = False` at the end of `get_measurement`), and the
    project calls that method by name somewhere outside it. Such a loop waits for that call (a
    controller's stop, another thread's measurement, an RPC's terminate), as `while not
    event.is_set()` waits for `event.set()`: it is not a loop the process runs until SIGTERM kills it.
    A flag only `__init__` sets, only the loop itself changes, or only a method the project names
    nowhere (no call, no value, no string) stays a forever loop.
    Cost: the `member_sets` of a file are grouped by class once per file; a loop asks its class and
    at most five levels of bases (each resolved once per class), and the project's mentions (one pass
    over every file's facts, built once per scan, shared with the reach checks) once per method."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self._sets: dict[str, tuple[dict, dict]] = {}
        self._bases: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._mentions = None

    def ends(self, path: str, facts: FileFacts, scopes: tuple[int, ...], first: int) -> bool:
        wait = next((w for w in facts.member_waits if w[0] == first), None)
        if wait is None:
            return False
        _, member, ends_truthy = wait
        method, cls = _method_and_class(facts, scopes)
        if cls is None:
            return False
        seen: set[tuple[str, int]] = set()
        todo = [(path, cls)]
        literals = assigned = 0  # the flag's literal assignments, and all of them, in the hierarchy
        keeps = False  # whether any literal assignment keeps the loop going
        while todo and len(seen) < 6:
            where = todo.pop(0)
            if where in seen:
                continue
            seen.add(where)
            sets, counts = self._class_sets(where[0])
            for scope, name, truth in sets.get(where[1], {}).get(member, ()):
                if truth == ends_truthy and scope != method and name != "__init__" and self._named(name):
                    return True
                literals += 1
                keeps = keeps or truth != ends_truthy
            assigned += counts.get((where[1], member), 0)
            todo.extend(self._base_classes(*where))
        # vl53l1x's `while self.setting_i2c:` of a flag only ever assigned False: it never loops
        return literals > 0 and literals == assigned and not keeps

    def _class_sets(self, path: str) -> tuple[dict[int, dict[str, list[tuple[int, str, bool]]]], dict[tuple[int, str], int]]:
        """class scope → attribute → (method scope, method name, literal's truth) of `path`, and
        (class scope, attribute) → how many assignments of `self.attribute` the class holds (its
        declarations, literal or not)."""
        found = self._sets.get(path)
        if found is None:
            sets: dict[int, dict[str, list[tuple[int, str, bool]]]] = {}
            counts: dict[tuple[int, str], int] = {}
            found = self._sets[path] = (sets, counts)
            facts = self.ctx.project.files.get(path)
            if facts is None:
                return found
            for scope, member, truth in facts.member_sets:
                method, cls = _method_and_class(facts, (scope,) + _enclosing(facts, scope))
                function = facts.functions.get(method) if cls is not None else None
                if function is not None:
                    sets.setdefault(cls, {}).setdefault(member, []).append((method, function.name, truth))
            for decl in facts.decls:
                if decl.name.startswith("self.") and decl.scope in sets:
                    counts[(decl.scope, decl.name[len("self."):])] = counts.get((decl.scope, decl.name[len("self."):]), 0) + 1
        return found

    def _base_classes(self, path: str, cls: int) -> list[tuple[str, int]]:
        key = (path, cls)
        found = self._bases.get(key)
        if found is None:
            facts = self.ctx.project.files.get(path)
            scopes, bases = facts.class_bases.get(cls, ((), ())) if facts is not None else ((), ())
            found = self._bases[key] = [(t.path, t.scope) for base in bases
                                        for t in self.ctx.project.resolve(path, scopes, base) if t.kind == "class"]
        return found

    def _named(self, name: str) -> bool:
        """Whether the project's code (tests aside) names the method anywhere but its definition: a
        call (`self.measure_input.stop_input()`), a value handed on, or a string a dispatcher looks
        up (Mycodo's custom actions: `{'id': 'calibrate_span_point'}`, run by `getattr`)."""
        if self._mentions is None:
            self._mentions = self.ctx.project.mentions(is_test_path)
        return self._mentions.named.get(name, 0) > 0


def _in_a_thread(ctx: RuleContext, path: str, facts: FileFacts, scopes: tuple[int, ...]) -> bool:
    """Whether a loop runs in a thread its process starts: it lies in the `run` method of a class
    whose base is `threading.Thread` (threading docs: `start()` arranges for `run()` to be invoked
    in a separate thread of control), or in a function (or one nested in it) that a call of its
    file hands to `Thread(target=…)` / `Timer(…, function)` by name. O(the file's calls) per loop."""
    functions = [s for s in scopes if s in facts.functions]
    method, cls = _method_and_class(facts, scopes)
    if cls is not None and facts.functions[method].name == "run":
        bases = facts.class_bases.get(cls, ((), ()))[1]
        if any(base[-1:] == ("Thread",) for base in bases):
            return True
    names = {facts.functions[s].name for s in functions if facts.functions[s].name}
    for call in facts.calls:
        if call.callee[-1:] == ("Thread",) or call.callee[-1:] == ("Timer",):
            target = call.keyword("target") or call.keyword("function")
            if target is None and call.callee[-1] == "Timer" and len(call.args) > 1:
                target = call.args[1]
            if target is not None and target.kind == "ref" and target.path and target.path[-1] in names:
                return True
    return False


def _enclosing(facts: FileFacts, scope: int) -> tuple[int, ...]:
    """The scopes around `scope`, innermost first, up to the module (0)."""
    chain = []
    while scope and len(chain) < 40:
        scope = facts.scope_parents.get(scope, 0)
        chain.append(scope)
    return tuple(chain)


def _method_and_class(facts: FileFacts, scopes: tuple[int, ...]) -> tuple[int, int | None]:
    """The method a point lies in (the function just inside a class; a function nested in it, such
    as an `async def main()` a method runs, still reads that method's `self`) and its class, or
    (0, None) outside every class."""
    for inner, outer in zip(scopes, scopes[1:]):
        if inner in facts.functions and outer and outer not in facts.functions:
            return inner, outer
    return 0, None


def _waits_on_its_flag(call: Call, header: str) -> bool:
    """`while not stop.is_set(): …; stop.wait(5)`: the loop sleeps on the Event it tests, which
    nothing in it sets (or it would not be a forever loop): `Event.wait(timeout)` is its sleep."""
    return call.method == "wait" and len(call.callee) >= 2 and f"{'.'.join(call.callee[:-1])}.is_set()" in header


def _is_entry_of_its_process(ctx: RuleContext, path: str) -> bool:
    """Whether `path` is the entry file of a (recognised) process that loads it: its loops are reported
    first, the others of the process being bullets of that finding."""
    return any(path in p.entries for p in ctx.processes.processes_of(path) if not p.fallback)


def check(rule: Rule, ctx: RuleContext) -> list[Finding]:
    index = ConstructorIndex(rule.data["apps"])
    languages = {lang for entry in rule.data["apps"] for lang in entry["languages"]} & set(rule.languages)

    def apps(focus: bool | str = False) -> list:
        return list(ctx.constructions(index, languages, rule.roles, rule.id, focus=focus))

    # --in-project: a finding of CL005 / CL010 lies at an app of its package (CL010: the first of
    # it), one of CL012 at a listen of the focus files, whose app may be made in any file
    if ("error_middleware" in rule.data or "health_route" in rule.data) and ctx.focus is not None and not apps(True):
        return []  # no app is made in the focus files: no finding of CL005 / CL010 lies in them
    if "error_middleware" in rule.data:
        return _check_error_middleware(rule, ctx, apps("package"))
    if "health_route" in rule.data:
        return _check_health_route(rule, ctx, apps("package"))
    findings = _check_shutdown_close(rule, ctx, apps)
    if "worker_loops" in rule.data:
        reported: set[int] = set()
        judged: set[int] = set()
        findings += _check_worker_loops(rule, ctx, reported, judged)
        if "bot_starts" in rule.data:
            # a bot's client holds its gateway connection whatever the project's own code holds
            findings += _check_bot_starts(rule, ctx, reported)
        if "daemon_starts" in rule.data:
            # a process whose loops lose nothing is not reported again through its runner (or a
            # method of its own that happens to be named `run_forever`)
            reported |= judged
            findings += _check_daemon_starts(rule, ctx, reported)
    return findings
