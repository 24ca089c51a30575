"""Rule kind `resource`: a client that needs a listener, a close, an option, or a variable.

Rule data (see rules/CL001_redis-client-unmanaged.toml):

    [[resources]]                 one entry per library
    library, languages
    constructors = [...]          qualified names the construction's callee may denote; `*` globs
                                  (`@aws-sdk/client-*.*Client`)
    instance_methods = {instances = ["boto3.Session"], methods = ["client"]}   made by a method of
                                  an instance (`session.client("s3")`)
    options_from = 0              (JS) first argument that may hold the options object
    unless_argument = {position = 0, pattern = "^sqlite"}   not a subject when that literal matches
    unless_never_started = {method = "connect", packages = [{package = "redis", at_least = "4.0"}]}
                                  not a subject when the client opens no connection before `method`
                                  (in those package versions), the project calls it, and no call of
                                  it runs in a long-lived process
    decorates_class = true        the construction is a class decorator (`@Processor("q")`, whose
                                  library makes the object for the class): the subject is the class
    unless_guarded_by = ["(?i)process\\.env\\.\\w*MOCK"]   not a subject when an enclosing `if`
                                  test matches one of these (a test-only mode)
    unless_at_start = true        not a subject when made by the module's top-level code (once, at start)
    long_lived_only = true        only constructions at module level or returned by a factory
    escapes = true                not a subject when it is returned or handed to another function
                                  (`pipeline(stream, …)`, `once(child, "exit")`, `source.pipe(file)`):
                                  that function's to handle, as Bun's no-unhandled-emitter-errors has it
    kept_by = ["pipe"]            (with escapes) methods that are handed the object but leave its
                                  errors to it (`source.pipe(dest)` re-emits dest's 'error' on dest)
    configured_by = "emitter-factories"   constructors from a [tool.crashlint] key (run.configure)
    handed_by = [{method = "on", event = "connection", receivers = ["ws.WebSocketServer"]},
                 {method = "ws", packages = ["express-ws"]}]
                                  (listener needs) not made by the project: a library makes it and
                                  hands it to the project's callback, the last argument of a call of
                                  `method` (whose first argument is the string `event`; on a value one
                                  of `receivers` made; in a package that depends on one of `packages`). The
                                  subject is the callback's first parameter, followed into the project
                                  functions it is handed to; handed to a library call, it is that
                                  library's to handle
    forwarded_by = ["createWebSocketStream"]   (with handed_by) library functions that take the value's
                                  errors over and emit them on what they return: heard when that is
    unless_only_used_by = {methods = ["generate_presigned_url"], passed_to = ["pkg.getSignedUrl"]}
                                  not a subject when every use of the client is one of these methods
                                  or passing it to one of these functions (an S3 client that only
                                  presigns URLs never sends a request)
    [[resources.needs]]           what the client needs; each missing need is one problem
    id, label, problem            (problem is jinja2: {{ subject }}, {{ library }}, {{ line }})
    and one of:
      listener = ["error"]        an `.on(event, …)` anywhere in the project, on the client or an alias
                                  (`unless_options = ["noServer"]`: not needed when one of these is set;
                                  `event_target = true`: an `addEventListener(event, …)` or an
                                  `on<event> = …` handler property counts too)
      close = ["quit", …]         one of these methods called on it (Python: or a `with` block);
                                  with `from_shutdown = true`, only from a SIGTERM/SIGINT path
                                  (the rule's [shutdown] table, see engine/shutdown.py); with
                                  `closed_by_lifecycle = true`, by the framework's own shutdown hook:
                                  met in a process whose SIGTERM runs the framework's hooks
                                  (`app.enableShutdownHooks()`, or a handler that closes the app)
      option = "socket_timeout"   the construction passes this option (a list: any of them), not None
      options_also_from = ["init_app"]   or a call of one of these methods on the client passes it
                                  (flask-redis builds the client in `init_app` from both calls' keywords)
      bound = true                the client is kept (a variable, an argument, a collection)
    unless_shutdown_ends_process = true   (close needs) satisfied in a process whose SIGTERM path is a
                                  library's that ends the process after its hooks (the rule's
                                  [shutdown] registrations with `closes`)
    needs_a_handler = true        (close needs) a close a SIGTERM/SIGINT handler would make: not checked
                                  in serverless functions, and a finding whose every problem is such
                                  a need, in a process with no handler at all, is kept only for the
                                  shutdown fix (`context["fix_only"]`, engine/run.py `_carry_fix_only`)
    long_lived_only = true        (a need) checked only on a client that outlives the function making
                                  it: not one made into a local it neither returns, stores nor
                                  hands on (a pool size means nothing to a probe's one connection)
    label_logged, problem_logged  (a need) the text in a process that logs uncaught exceptions and
                                  goes on (the rule's [process_handler] with `keeps = true`;
                                  jinja2 gets ProcessHandlers.how's listener, event, logger)
    only_with = "error-listener"  a bullet only on a finding another need makes (CL004: a worker's
                                  missing 'failed' listener is reported with a missing 'error' one)
    listened_by = [{callee = "@prisma/adapter-pg.PrismaPg", package = "@prisma/adapter-pg", at_least = "6.13.0"}]
                                  (listener needs) also satisfied when the value is passed to one of
                                  these calls, a library that attaches the listener itself (from
                                  that version of `package` on; with `heard_by = ["error"]`, only when
                                  the object that call makes, which forwards the events, listens)
    heard_through = "connection"  (listener needs) also satisfied when that option holds a client
                                  (through names and factories) with the listener itself: the object
                                  forwards the client's events (CL004: a BullMQ Queue's shared ioredis)
      heard_through_siblings = ["bullmq.Worker"]   or when one of these, given the same client in
                                  that option, has the listener (it hears the same client's events;
                                  a factory's `return new Redis(…)` is one client per call, the same
                                  only when both are given one name)
      unless_only_used_by = {passed_to = [...], methods = [...]}   (listener needs) also satisfied
                                  when the client is used only so (CL001: a client made to be a
                                  BullMQ `connection`, whose RedisConnection listens on it)
    optional for option needs:
      option_keys = [...]         the option's value (an object, or `new X({…})`) sets one of these
      url_argument = 0            a string URL argument whose query may set the option
      or_options = ["connection_pool"]   another option that carries this one: when it is given, the
                                  client's own value is ignored; the carrier's value counts when it is
                                  one of `carriers = ["redis.*ConnectionPool"]` (globs; its keywords or
                                  URL must set the option), and anything else is taken to set it
      unless_version = {package = "redis", at_least = "8.0"}   the library's newer default covers it,
                                  unless the call sets every one of the need's options to `None`
      label_none, problem_none    the text when the call sets them so (`socket_timeout=None`)
      satisfied_by_call = [...], satisfied_by_assignment = [...]  a project-wide default
      satisfied_by_call_option = "httpOptions"   the default call counts only when it passes this
                                  option (or options crashlint cannot read)

    group = true                  (rule level) one finding per package for the whole set of subjects;
                                  each resource's `group_key` ("workers") collects its subjects' names
                                  for the fix template
    context_options = ["connection"]   options whose variable names the fix template may use
    requires_group = "workers"    report this resource only in a package that also reports "workers"
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import replace
from typing import Callable

from crashlint.dependencies import lowest_version
from crashlint.engine.context import RETURNS_OTHER, ConstructorIndex, Options, RuleContext, Use
from crashlint.engine.guards import guarded_by
from crashlint.engine.process_handlers import ProcessHandlers
from crashlint.engine.py_wrappers import param_instance, passed_values
from crashlint.engine.wrappers import injected_call
from crashlint.facts.model import RETURNED_ARRAY, RETURNED_OBJECT, Arg, Call, FileFacts, plain_name
from crashlint.findings import Finding, Related
from crashlint.project import JS_EXTENSIONS, Project, Target
from crashlint.rulepack import Rule, RulePackError
from crashlint.templating import render

LISTENER_METHODS = ("on", "once", "addListener", "prependListener", "prependOnceListener")
EVENT_TARGET_METHODS = ("addEventListener",)  # and `on<event> = handler` (an event handler property)
NEED_KINDS = ("listener", "close", "option", "bound")


def validate(rule: Rule) -> None:
    resources = rule.data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise RulePackError(f"{rule.source}: a resource rule needs [[resources]]")
    for resource in resources:
        for key in ("library", "languages", "constructors", "needs"):
            if key not in resource:
                raise RulePackError(f"{rule.source}: resource {resource.get('library', '?')} lacks '{key}'")
        for need in resource["needs"]:
            kinds = [k for k in NEED_KINDS if k in need]
            if len(kinds) != 1 or not {"id", "label", "problem"} <= need.keys():
                raise RulePackError(
                    f"{rule.source}: need {need.get('id', '?')} must have id, label, problem and one of {NEED_KINDS}"
                )
            if need.get("from_shutdown") and "shutdown" not in rule.data:
                raise RulePackError(f"{rule.source}: from_shutdown needs a [shutdown] table")
            if need.get("needs_a_handler") and "signal_handlers" not in rule.data:
                raise RulePackError(f"{rule.source}: needs_a_handler needs a [signal_handlers] table")
            ids = [n["id"] for n in resource["needs"] if "only_with" not in n]
            if "only_with" in need and need["only_with"] not in ids:
                raise RulePackError(
                    f"{rule.source}: need {need['id']}: only_with names '{need['only_with']}', not a need of {resource['library']} without only_with"
                )


def configure(rule: Rule, settings: dict[str, list[tuple[str, tuple[str, ...]]]]) -> Rule:
    """Fill the resources a `[tool.crashlint]` key configures (`configured_by`): a package's functions
    become constructors (`cross-spawn.spawn`; `default`: the module itself), a project file's become
    `project_functions` ((path relative to the scan root, name)). Unconfigured, they are left out.
    Their names join the rule's prefilter literals, so a project using them keeps the rule."""
    resources = rule.data.get("resources", [])
    if not any("configured_by" in r for r in resources):
        return rule
    kept, literals = [], []
    for resource in resources:
        entries = settings.get(resource.get("configured_by", ""), []) if "configured_by" in resource else None
        if entries is None:
            kept.append(resource)
            continue
        if not entries:
            continue
        constructors = [m if n == "default" else f"{m}.{n}" for m, names in entries if not m.startswith(".") for n in names]
        functions = [(m[2:] if m.startswith("./") else m, n) for m, names in entries if m.startswith(".") for n in names]
        kept.append({**resource, "constructors": constructors, "project_functions": functions})
        literals += [m for m, _ in entries if not m.startswith(".")] + [n for _, names in entries for n in names if n != "default"]
    prefilter = dict(rule.data.get("prefilter") or {})
    for key in ("requires", "exported"):
        if prefilter.get(key):
            prefilter[key] = list(prefilter[key]) + literals
    return replace(rule, data={**rule.data, "resources": kept, "prefilter": prefilter})


def _project_function(ctx: RuleContext, facts: FileFacts, call: Call, functions: dict[tuple[str, str], dict]) -> dict | None:
    """A call of a project function named in `emitter-factories` (`./src/lib/proc` + `runTool`)."""
    for target in ctx.project.resolve(facts.path, call.scopes, call.callee):
        if target.kind != "function":
            continue
        stem = posixpath.splitext(target.path)[0]
        modules = {stem, posixpath.dirname(target.path)} if posixpath.basename(stem) == "index" else {stem}
        function = ctx.project.files[target.path].functions.get(target.scope)
        names = set(ctx._function_names(target.path).get(target.scope, ())) | ({function.name} if function and function.name else set())
        for module in modules:
            for name in sorted(names):
                if (module, name) in functions:
                    return functions[(module, name)]
    return None


def methods(rule: Rule) -> set[str]:
    names: set[str] = set()
    for resource in rule.data["resources"]:
        if "unless_never_started" in resource:
            names.add(resource["unless_never_started"]["method"])
        for need in resource["needs"]:
            if "listener" in need:
                names.update(LISTENER_METHODS)
                if need.get("event_target"):
                    names.update(EVENT_TARGET_METHODS)
                    names.update("on" + event for event in need["listener"])
            names.update(need.get("close", ()))
            names.update(need.get("options_also_from", ()))
    return names


def check(rule: Rule, ctx: RuleContext) -> list[Finding]:
    constructors = ConstructorIndex(rule.data["resources"])
    functions = {  # project factories named in [tool.crashlint] (module path without extension, name)
        (posixpath.splitext(path)[0] if posixpath.splitext(path)[1] in JS_EXTENSIONS else path, name): resource
        for resource in rule.data["resources"] for path, name in resource.get("project_functions", ())
    }
    handed = [r for r in rule.data["resources"] if "handed_by" in r]
    handlers_seen: set[Target] = set()  # a handler registered in several places is one finding
    findings: list[Finding] = []
    handlers: ProcessHandlers | None = None
    # a finding is located at its construction; grouped rules and `requires_group` read the other
    # files' findings of a package, so they look at every file of the focus files' packages (a
    # grouped finding lies at one of its package's constructions: `_grouped`)
    local = not rule.data.get("group") and not any("requires_group" in r for r in rule.data["resources"])
    resources_of = (lambda path, facts: _resources_made(ctx, constructors, functions, facts, handed))
    applies = (lambda path, facts: rule.applies_to(facts.language, ctx.role(path)))
    focus: bool | str = True if local else "package"
    if not local and not handed and ctx.focus is not None and not ctx.parts(("resources", rule.id), resources_of, applies, focus=True):
        # the focus files make none of the rule's resources: every finding lies at a construction
        # (a grouped one at one of its package's), so none lies in them, whatever their packages'
        # other files make (the commit path of a file with no construction: a controller, a DTO)
        focus = True
    made_by_file = ctx.parts(("resources", rule.id), resources_of, applies, focus=focus)
    if handed and ctx.focus is not None:
        # a handed finding lies at the callback (`_check_handed`: `wss.on("connection", onSocket)`
        # with `onSocket` in a focus file), whose registration may be in any file: the other files'
        # registrations too, in file order (the first registration of a callback is its finding)
        methods = {spec["method"] for r in handed for spec in r["handed_by"]}
        registered = ctx.parts(("resources handed", rule.id), lambda path, facts: [
            (index, found) for index, call in enumerate(facts.calls)
            if call.method in methods and len(call.callee) > 1 and (found := _handed_resource(ctx, facts, call, handed)) is not None],
            lambda path, facts: path not in made_by_file and rule.applies_to(facts.language, ctx.role(path)))
        if registered:
            position = ctx.project.position
            made_by_file = dict(sorted({**registered, **made_by_file}.items(), key=lambda item: position(item[0])))
    for path, made in made_by_file.items():
        facts = ctx.project.files[path]
        ctx.current_path = path
        kept: dict[str, str] | None = None
        if "process_handler" in rule.data:
            # an emitter's unheard 'error' is thrown; a process whose uncaughtException listener
            # logs and goes on does not exit on it: the rule drops the file's findings, or (`keeps`)
            # says what happens instead (a need's `label_logged` / `problem_logged`)
            if handlers is None:
                handlers = ProcessHandlers(ctx, rule.data["process_handler"])
            if rule.data["process_handler"].get("keeps"):
                kept = handlers.how(path)
            elif handlers.cover(path):
                continue
        for index, resource in made:  # type: ignore[union-attr]
            if "handed_by" in resource:
                finding = _check_handed(rule, ctx, facts, index, resource, handlers_seen)
            else:
                finding = _check_construction(rule, ctx, facts, index, resource, kept)
            if finding is not None:
                findings.append(finding)
    ctx.current_path = None
    # e.g. unclosed queues are worth a bullet only in a service whose workers are not shut down either
    requires = {r.get("group_key", "subjects"): r["requires_group"] for r in rule.data["resources"] if "requires_group" in r}
    reported = {(ctx.project.package_root(f.location.path), f.context.get("group_key")) for f in findings}
    # a resource made per call and never closed (`per_call` needs) is a finding of its own: a leak on
    # every call, whatever the package's workers do, and no part of the shutdown a group's fix writes
    alone = [f for f in findings if "per-call" in f.context.get("missing", "").split()]
    findings = [
        f for f in findings
        if "per-call" not in f.context.get("missing", "").split() and (
            f.context.get("group_key") not in requires
            or (ctx.project.package_root(f.location.path), requires[f.context["group_key"]]) in reported)
    ]
    if rule.data.get("group"):
        # a subject no long-lived code makes (`if (DEV) { new Queue(…) }`, graasp's bull-board queues,
        # a helper only a CLI calls) is no part of the service's shutdown: dropped before the group
        # takes its bullets, as run.py drops a finding of its own there
        findings = [f for f in findings if ctx.processes.runs_long(f.location.path, f.location.start_line)]
        # one finding per package, and per process where a launch file starts several (mirlo's API
        # and queue worker, two Dockerfile stages): those shut down apart, each from its own handlers
        by_package: dict[tuple[str, str], list[Finding]] = {}
        for finding in findings:
            owner = ctx.processes.attribution(finding.location.path)
            launched = owner is not None and owner[0].launched and not owner[0].fallback
            key = (ctx.project.package_root(finding.location.path), owner[0].name if launched else "")
            by_package.setdefault(key, []).append(finding)
        return [_grouped(rule, ctx, group) if len(group) > 1 else group[0] for group in by_package.values()] + alone
    return findings + alone


def _resources_made(ctx: RuleContext, constructors: ConstructorIndex, functions: dict, facts: FileFacts,
                    handed: list[dict] = ()) -> list[tuple[int, dict]]:  # type: ignore[assignment]
    """The calls of one file that make a resource of the rule, or register a callback a library hands
    one to (`handed_by`), with the resource, in order: O(the file's calls), memoized per file and
    rule (`Project.per_file`)."""
    made: list[tuple[int, dict]] = []
    params: set[str] | None = None  # the file's parameter names, read at the first call that needs them
    passed: dict[Target, list[Target] | None] = {}  # what each parameter's callers pass (`_passed_class`)
    held: dict[tuple[Target, frozenset[str]], bool] = {}  # whether a parameter holds an instance (`_param_holds`)
    handed_methods = {spec["method"] for r in handed for spec in r["handed_by"]}
    for index, call in enumerate(facts.calls):
        if handed_methods and call.method in handed_methods and len(call.callee) > 1:
            resource = _handed_resource(ctx, facts, call, handed)
            if resource is not None:
                made.append((index, resource))
                continue
        if not call.callee:
            if call.receiver_call >= 0 and call.method in constructors.instance_methods:
                # `self._get_session(…).client("ecs")`: a method of what a call returns
                resource = _instance_method(ctx, constructors, facts, call, held)
                if resource is not None:
                    made.append((index, resource))
            continue
        resource = constructors.match(facts.language, ctx.callee_names(facts, call))
        if resource is None and call.method in constructors.instance_methods:
            resource = _instance_method(ctx, constructors, facts, call, held)
        if resource is None and functions and facts.language in ("typescript", "javascript"):
            resource = _project_function(ctx, facts, call, functions)
        if resource is None and facts.language == "python":
            resource = _project_subclass(ctx, constructors, facts, call)
        if resource is None and facts.language == "python":
            if params is None:  # once per file: only a call of a parameter's name is resolved below
                params = {d.name for d in facts.decls if d.value.kind == "param"}
            if len(call.callee) <= 2 and call.callee[0] in params and call.callee[0] not in ("self", "cls"):
                resource = _passed_class(ctx, constructors, facts, call, passed)
        if resource is not None:
            made.append((index, resource))
    return made


def _passed_class(ctx: RuleContext, constructors: ConstructorIndex, facts: FileFacts, call: Call,
                  passed: dict[Target, list[Target] | None]) -> dict | None:
    """`redis_class(host=…)` / `redis_class.from_url(url)` where `redis_class` is a parameter that every
    caller outside tests passes a client class of the rule (pulpcore's `_get_connection_from_class(Redis)`
    and `(aRedis)`): a construction of that class. None when a caller passes anything else."""
    targets = ctx.project.resolve(facts.path, call.scopes, call.callee[:1])
    if len(targets) != 1 or targets[0].kind != "param":
        return None
    if targets[0] not in passed:  # per file and parameter: a factory calls its class parameter a few times
        passed[targets[0]] = passed_values(ctx.project, targets[0])
    values = passed[targets[0]]
    if not values or any(v.kind != "external" for v in values):
        return None
    rest = "".join("." + part for part in call.callee[1:])
    found = [constructors.match(facts.language, (v.name + rest,)) for v in values]
    return found[0] if found[0] is not None and all(f is found[0] for f in found) else None


def _project_subclass(ctx: RuleContext, constructors: ConstructorIndex, facts: FileFacts, call: Call) -> dict | None:
    """`ConsoleMeRedis(host=…)` where `class ConsoleMeRedis(redis.StrictRedis)`: constructing a project
    subclass of a client class constructs that client, with the options the call passes (Python
    runs the base's `__init__` when the subclass defines none, or hands it `*args, **kwargs`).
    Not when an `__init__` of the subclass (or a project base) mentions a timeout or a connection
    pool: it may set the options itself."""
    for target in ctx.project.resolve(facts.path, call.scopes, call.callee):
        if target.kind != "class":
            continue
        instance = Target("instance", path=target.path, scope=target.scope)
        resource = constructors.match(facts.language, ctx.project.instance_names(instance))
        if resource is None:
            continue
        for path, scope in ctx.project.class_methods(instance, {"__init__"}):
            function = ctx.project.files[path].functions.get(scope)
            if function is None or any(SETS_ITSELF.search(ctx.sources.line(path, n)) for n in range(function.span[0], function.span[2] + 1)):
                return None
        return resource
    return None


SETS_ITSELF = re.compile(r"timeout|connection_pool|config\b", re.I)


def _instance_method(ctx: RuleContext, constructors: ConstructorIndex, facts: FileFacts, call: Call,
                     params: dict[tuple[Target, frozenset[str]], bool] | None = None) -> dict | None:
    """`session.client("s3")` where `session` holds, or `get_session().client("s3")` where the
    function returns, an instance one of the `instance_methods` constructors made; or where `session`
    is a parameter whose annotation names such a class (`session: Session`) or that a caller outside
    tests passes such an instance (dstack's `validate_credentials(session)`; `params` memoizes the
    answer per parameter within the file)."""
    if len(call.callee) < 2 and call.receiver_call < 0:
        return None
    for target in ctx.project.receiver_targets(facts.path, call):
        if target.kind == "param" and facts.language == "python":
            for language, instances, resource in constructors.instance_methods[call.method]:
                if language == facts.language and _param_holds(ctx.project, target, frozenset(instances), params):
                    return resource
            continue
        if target.kind != "call":
            continue
        owner = ctx.project.files[target.path].calls[target.index]
        names = set(ctx.project.callee_names(target.path, owner))
        for language, instances, resource in constructors.instance_methods[call.method]:
            if language == facts.language and names & instances:
                return resource
    return None


def _param_holds(project: Project, param: Target, instances: frozenset[str],
                 memo: dict[tuple[Target, frozenset[str]], bool] | None) -> bool:
    """Whether the parameter holds an instance of one of `instances`: its annotation names one
    (`session: Session` with `from boto3.session import Session`), or a caller outside tests passes
    one (`param_instance`: through three levels of callers handing on a parameter of their own).
    O(the function's callers) once per parameter and instance set, memoized in `memo`."""
    key = (param, instances)
    if memo is not None and key in memo:
        return memo[key]
    held = False
    for decl in project.files[param.path].decls:
        if decl.scope == param.scope and decl.value.kind == "param" and decl.value.index == param.index and decl.value.path:
            chain = project.scope_chain(param.path, decl.scope)
            held = any(t.kind == "external" and t.name in instances for t in project.resolve(param.path, chain, decl.value.path))
            break
    if not held:
        held = param_instance(project, param, set(instances), 0) is not None
    if memo is not None:
        memo[key] = held
    return held


# calls that hand a value to a collection, which keeps it without listening on it
# (`this.clients.push(ws)`, `sockets.set(id, ws)`, `clients.indexOf(ws)`)
COLLECTION_METHODS = frozenset({"push", "unshift", "splice", "concat", "add", "set", "get", "has", "delete",
                                "indexOf", "includes", "remove"})
HANDED_DEPTH = 3  # project functions followed from a callback's parameter


def _handed_resource(ctx: RuleContext, facts: FileFacts, call: Call, handed: list[dict]) -> dict | None:
    """The `handed_by` resource whose callback `call` registers: `wss.on("connection", (ws) => …)` on
    a value one of `receivers` made, `app.ws("/path", (ws, req) => …)` in a package depending on
    express-ws. O(resolving the receiver), once per call of such a method."""
    for resource in handed:
        for spec in resource["handed_by"]:
            if call.method != spec["method"] or facts.language not in resource["languages"]:
                continue
            if "event" in spec and not (call.args and call.args[0].kind == "string" and call.args[0].text == spec["event"]):
                continue
            if "packages" in spec and all(ctx.project.dependency(facts.path, p) is None for p in spec["packages"]):
                continue
            if "receivers" in spec:
                wanted = set(spec["receivers"])
                made = [t for t in ctx.project.resolve(facts.path, call.scopes, call.callee[:-1]) if t.kind == "call"]
                if not any(wanted & set(ctx.project.callee_names(t.path, ctx.project.files[t.path].calls[t.index])) for t in made):
                    continue
            if _handler(ctx, facts, call) is not None:
                return resource
    return None


def _handler(ctx: RuleContext, facts: FileFacts, call: Call) -> Target | None:
    """The first parameter of the callback a registration passes last (inline, or a function's
    name), or None when it takes none."""
    if not call.args:
        return None
    arg = call.args[-1]
    functions: list[Target] = []
    if arg.kind == "function":
        functions = [Target("function", path=facts.path, scope=arg.scope)]
    elif arg.kind == "ref":
        functions = [t for t in ctx.project.resolve(facts.path, call.scopes, arg.path) if t.kind == "function"]
    elif arg.kind == "call" and arg.path == ("require",) and 0 <= arg.call < len(facts.calls):
        # `app.ws("/api/ws", require("../routes/ws"))`: the module's export, a function
        loaded = facts.calls[arg.call]
        module = ctx.project.resolve_module(facts.path, loaded.args[0].text) \
            if loaded.args and loaded.args[0].kind == "string" else None
        if module is not None:
            functions = [t for t in ctx.project.resolve_export(module, "default", (), 0) if t.kind == "function"]
    for fn in functions:
        function = ctx.project.files[fn.path].functions.get(fn.scope)
        if function is not None and function.params > 0:
            return Target("param", path=fn.path, scope=fn.scope, index=0)
    return None


def _param_name(ctx: RuleContext, param: Target) -> str:
    for decl in ctx.project.files[param.path].decls:
        if decl.scope == param.scope and decl.value.kind == "param" and decl.value.index == param.index:
            return plain_name(decl.name)
    return "socket"


def _param_heard(ctx: RuleContext, param: Target, events: set[str], methods: tuple[str, ...],
                 forwarders: frozenset[str] = frozenset(), depth: int = 0) -> bool:
    """Whether a listener for one of `events` is attached to what the function's parameter `param`
    holds: on the parameter itself (or a name it is given to in the function), or in a project
    function (a class's constructor, a method) it is handed to, `HANDED_DEPTH` deep. Handed to one
    of `forwarders` (ws's `createWebSocketStream`, which passes the socket's error on to the stream
    it returns), heard when that stream is. Handed to another library call, kept on an object
    (`this.socket = ws`) or followed too deep, it counts as heard: who listens there is unknown
    (precision first). O(the function's calls) per function followed."""
    if any(u.first_arg in events and (u.method in methods or u.method == "on" + u.first_arg) for u in ctx.param_uses(param)):
        return True
    if depth >= HANDED_DEPTH:
        return True
    project = ctx.project
    facts = project.files[param.path]
    for assignment in facts.assignments:
        if param.scope in assignment.scopes and assignment.value.kind == "ref" \
                and param in project.resolve(param.path, assignment.scopes, assignment.value.path):
            return True  # `this.socket = ws`: kept on an object
    for index, other in enumerate(facts.calls):
        if param.scope not in other.scopes or not other.callee or other.method in COLLECTION_METHODS or other.callee[0] == "console":
            continue
        for position, arg in enumerate(other.args):
            if arg.kind != "ref" or param not in project.resolve(param.path, other.scopes, arg.path):
                continue
            if other.callee[-1] in forwarders:
                uses = ctx.uses_of(param.path, index)
                if any(u.first_arg in events and u.method in LISTENER_METHODS for u in uses):
                    return True
                continue  # the stream re-emits the socket's error, and nothing listens on it
            followed = False
            for fn in project.resolve(param.path, other.scopes, other.callee):
                offset = 0
                if fn.kind == "class":
                    fn, offset = project.constructor_of(fn)
                if fn.kind != "function":
                    continue
                followed = True
                if _param_heard(ctx, Target("param", path=fn.path, scope=fn.scope, index=position + offset), events, methods,
                                forwarders, depth + 1):
                    return True
            if not followed:
                return True  # handed to a library (ws's createWebSocketStream listens on it itself)
    return False


def _check_handed(rule: Rule, ctx: RuleContext, facts: FileFacts, index: int, resource: dict, seen: set[Target]) -> Finding | None:
    """The finding on a callback's parameter a library hands an emitter to (`handed_by`): its
    listener needs, checked on the parameter and where it is handed on. It lies at the callback
    (`module.exports = function (ws, req) {` of a route module), once for all its registrations."""
    param = _handler(ctx, facts, facts.calls[index])
    if param is None or param in seen:
        return None
    seen.add(param)
    subject = _param_name(ctx, param)
    problems: list[str] = []
    labels: list[str] = []
    missing: list[str] = []
    for need in resource["needs"]:
        if "listener" not in need:
            continue
        methods = LISTENER_METHODS + EVENT_TARGET_METHODS if need.get("event_target") else LISTENER_METHODS
        if _param_heard(ctx, param, set(need["listener"]), methods, frozenset(resource.get("forwarded_by", ()))):
            continue
        missing.append(need["id"])
        labels.append(need["label"])
        problems.append(render(need["problem"], subject=subject, library=resource["library"], line=facts.calls[index].span[0], returned=False))
    if not problems:
        return None
    call = facts.calls[index]
    where = ctx.project.files[param.path]
    function = where.functions[param.scope]
    at = replace(call, span=function.span, stmt_span=function.span) if where is not facts else replace(call, stmt_span=call.span)
    return ctx.finding(rule, where, at, subject=subject, library=resource["library"], problems=problems, labels=labels,
                       context={"missing": " ".join(missing), "callee": ".".join(call.callee),
                                "group_key": resource.get("group_key", "subjects")})


def _option_value_sets(ctx: RuleContext, facts: FileFacts, call: Call, value: Arg, keys: list[str]) -> bool:
    """Whether an option's value sets one of `keys`: `{requestTimeout: …}` or `new Handler({…})`."""
    if value.kind == "object":
        return value.has_spread or any(k in value.keys for k in keys)
    if value.kind in ("new", "call") and value.call >= 0:
        inner = facts.calls[value.call]
        if facts.language == "python" and len(inner.callee) > 1 and any(
            t.kind == "param" for t in ctx.project.resolve(facts.path, inner.scopes, inner.callee[:1])
        ):
            return True  # `config=config.merge(defaults)`: a method of what the caller passes, unseen
        options = ctx.options(facts, inner)
        return options.unknown or any(options.has(k) and not options.is_none(k) for k in keys)
    if value.kind == "ref":  # `config=RETRIES_ONLY`, `requestHandler: handler`: look at what it holds
        if facts.language == "python" and len(value.path) == 1:
            # `config = Config(**kw) if kw else None` (ragflow's oss_conn.py): the None arm sets
            # nothing, the Config arm decides; a name that only ever holds None sets nothing either
            targets, none = ctx.project.resolve_besides_none(facts.path, call.scopes, value.path[0])
            if none and not targets:
                return False
        else:
            targets = ctx.project.resolve(facts.path, call.scopes, value.path)
        if targets and all(t.kind in ("call", "object") for t in targets):
            for target in targets:
                holder = ctx.project.files[target.path]
                if target.kind == "object" and target.arg is not None:
                    if _option_value_sets(ctx, holder, call, target.arg, keys):
                        return True
                elif target.kind == "call":
                    inner = holder.calls[target.index]
                    options = ctx.options(holder, inner)
                    if options.unknown or any(options.has(k) and not options.is_none(k) for k in keys):
                        return True
            return False
    return value.kind != "none"  # an expression we cannot see into: assume it does


def _carrier_sets(ctx: RuleContext, facts: FileFacts, call: Call, value: Arg, keys: list[str], carriers: list[str]) -> bool:
    """Whether the value of an option that carries the others (`connection_pool=pool`) sets one of
    `keys`: read only when it is one of the `carriers` constructions (`redis.ConnectionPool(…)`),
    directly or through a name; anything else (a helper's result, a parameter) may set them."""
    if value.kind in ("new", "call") and value.call >= 0:
        made = [(facts.path, facts.calls[value.call])]
    elif value.kind == "ref":
        targets = ctx.project.resolve(facts.path, call.scopes, value.path)
        if not targets or any(t.kind != "call" for t in targets):
            return True
        made = [(t.path, ctx.project.files[t.path].calls[t.index]) for t in targets]
    else:
        return value.kind != "none"
    for path, inner in made:
        if not any(fnmatch.fnmatchcase(name, pattern) for name in ctx.project.callee_names(path, inner) for pattern in carriers):
            return True
        options = ctx.options(ctx.project.files[path], inner)
        if options.unknown or any(options.has(k) and not options.is_none(k) for k in keys):
            return True
        if any(a.kind == "string" and f"{k}=" in a.text for a in inner.args for k in keys):
            return True  # from_url("redis://…?socket_timeout=5")
    return False


def _option_satisfied(ctx: RuleContext, facts: FileFacts, call: Call, need: dict, options: Options) -> bool:
    wanted = need["option"] if isinstance(need["option"], list) else [need["option"]]
    carriers = [options.values[alt] for alt in need.get("or_options", ()) if options.has(alt)]
    if carriers:  # `connection_pool=pool`: the client's own timeouts are ignored; the pool's count
        if any(_carrier_sets(ctx, facts, call, value, wanted, need.get("carriers", ["*"])) for value in carriers):
            return True
        return _defaults_cover(ctx, facts, need)
    present = [key for key in wanted if options.has(key) and not options.is_none(key)]
    if present:
        keys = need.get("option_keys")
        return not keys or any(_option_value_sets(ctx, facts, call, options.values[k], keys) for k in present)
    if options.unknown and not any(options.has(key) for key in wanted):
        return True  # cannot see the options: precision first
    url_position = need.get("url_argument")
    if url_position is not None and len(call.args) > url_position:
        url = call.args[url_position]
        if url.kind == "string" and any(f"{key}=" in url.text for key in wanted):
            return True
        if url.kind != "string" and facts.language != "python" and need.get("url_unknown_ok"):
            return True
    if _set_to_none(need, options):
        # `socket_timeout=None` where redis-py ≥ 8 defaults to 5 s: the code turns the default off,
        # so no newer default covers it (bitcart's `Redis.from_url(…, socket_timeout=None,
        # socket_connect_timeout=None)` with redis 8.0.1 locked); a project-wide setting still does
        return ctx.project_sets(need.get("satisfied_by_assignment", []), need.get("satisfied_by_call", []))
    return _defaults_cover(ctx, facts, need)


def _set_to_none(need: dict, options: Options) -> list[str]:
    """The need's options the call sets to an explicit `None`, when it sets every one of them so
    (a need satisfied by either of two options is still covered by the other's default)."""
    if "option" not in need:
        return []
    wanted = need["option"] if isinstance(need["option"], list) else [need["option"]]
    nones = [key for key in wanted if options.has(key) and options.is_none(key)]
    return nones if len(nones) == len(wanted) else []


def _defaults_cover(ctx: RuleContext, facts: FileFacts, need: dict) -> bool:
    """The library's newer default, or a default the project sets once for everyone."""
    if "unless_version" in need and _version_covers(ctx, facts.path, need["unless_version"]):
        return True
    if "satisfied_by_call_option" in need:  # `AWS.config.update({ httpOptions })`, not one that sets only the region
        return ctx.project_sets(need.get("satisfied_by_assignment", []), []) or \
            ctx.project_calls_set(need.get("satisfied_by_call", []), need["satisfied_by_call_option"])
    return ctx.project_sets(need.get("satisfied_by_assignment", []), need.get("satisfied_by_call", []))


def _version_covers(ctx: RuleContext, path: str, condition: dict) -> bool:
    lowest = ctx.project.installed_floor(path, condition["package"])
    wanted = lowest_version(condition["at_least"])
    return lowest is not None and wanted is not None and lowest >= wanted


def _need_satisfied(ctx: RuleContext, rule: Rule, facts: FileFacts, index: int, need: dict, uses: list[Use], options) -> bool:
    call = facts.calls[index]
    if "listener" in need:
        if need.get("unless_options") and any(options().has(k) for k in need["unless_options"]):
            return True  # e.g. a WebSocketServer with `noServer: true` has no server of its own
        events = set(need["listener"])
        if ctx.processes.long_lived(facts.path):
            # a listener only a script or a test attaches (overleaf's `check-redis.mjs` on what
            # `@overleaf/redis-wrapper`'s createClient() returns, whose uses every caller shares)
            # listens in that process, not in the servers that make the client
            uses = [u for u in uses if ctx.processes.long_lived(u.path)]
        # `if (isQueueDebugEnabled) { events.on("error", …) }`: attached only when debugging is on,
        # so a normal run has no listener (chartbrew's QueueEvents)
        uses = [u for u in uses if not _debug_only(ctx, u)]
        methods = LISTENER_METHODS + EVENT_TARGET_METHODS if need.get("event_target") else LISTENER_METHODS
        if need.get("lasting"):  # a listener for the client's whole life: `once` hears one event, then is gone
            methods = tuple(m for m in methods if "nce" not in m)
        if any(
            u.first_arg in events and (u.method in methods or (need.get("event_target") and u.method == "on" + u.first_arg))
            for u in uses
        ):
            return True
        if need.get("listened_by") and _listened_by(ctx, facts, index, need["listened_by"]):
            return True
        if "domains" in rule.data and _run_in_domain(ctx, facts, call, events, rule.data["domains"]):
            return True
        if "heard_through" in need and _heard_through(ctx, facts, call, need["heard_through"], events, options(),
                                                      list(need.get("heard_through_siblings", ()))):
            return True
        # last: it may walk every call of the project. A client made only to be handed to a library
        # that listens on it itself (BullMQ's RedisConnection) has its errors taken by that library
        if "unless_only_used_by" in need:
            return _only_used_by(ctx, facts.path, index, need["unless_only_used_by"])
        return False
    if need.get("per_call"):
        return not _made_per_call(ctx, facts, index, call, set(need["close"]), tuple(need.get("kept_by", ())), uses)
    if "close" in need:
        closers = set(need["close"])
        closes = [u for u in uses if u.method in closers]
        if need.get("unless_shutdown_ends_process") and not closes:
            # every process that loads the file stops through a library that ends it after its hooks
            # (NestJS enableShutdownHooks re-raises the signal): an open socket cannot keep it alive
            views = [v for v in ctx.shutdown_views(rule.data["shutdown"], facts.path)]
            if views and all(v.closed for v in views) and ctx.processes.processes_of(facts.path):
                return True
        if need.get("closed_by_lifecycle"):
            # the framework's own shutdown hook closes it (@nestjs/bullmq's BullExplorer.
            # onApplicationShutdown closes every Worker it made), which runs on SIGTERM in a process
            # that enables the hooks (`app.enableShutdownHooks()`) or closes its app from a handler
            views = ctx.shutdown_views(rule.data["shutdown"], facts.path)
            return bool(views) and all(view.lifecycle_enabled for view in views)
        if need.get("from_shutdown"):  # closed by the SIGTERM path of every process that loads it
            return facts.path in ctx.shutdown(rule.data["shutdown"]).flag_files or all(
                any(view.contains(u.path, u.scopes) for u in closes) for view in ctx.shutdown_views(rule.data["shutdown"], facts.path)
            )
        return call.context_managed or bool(closes) or _closed_in_base(ctx, facts, call, closers)
    if "bound" in need:
        return call.used or call.returned
    if need.get("options_also_from") and _method_passes(ctx, uses, need):
        return True  # `redis_store.init_app(app, socket_timeout=5)`: the client is built there
    return _option_satisfied(ctx, facts, call, need, options())


def _never_started(ctx: RuleContext, facts: FileFacts, index: int, spec: dict) -> bool:
    """Whether a client that opens no connection until its `method` is called (node-redis 4+:
    `createClient()` builds the RedisSocket, whose constructor only stores its options; `connect()`
    makes the socket) is started only where no long-lived process runs: the project calls
    `client.connect()`, and every such call is in code no long-lived process reaches (worklenz's
    `initRedis()`, whose one call is commented out). A client with no such call at all may be
    started through another name or by a library: not this case. Only where the file's project
    installs a version of `packages` that starts so (an unknown version does not count). O(the
    client's uses)."""
    if not any(ctx.project.declares_at_least(facts.path, p["package"], p["at_least"]) for p in spec["packages"]):
        return False
    starts = [u for u in ctx.uses_of(facts.path, index) if u.method == spec["method"]]
    return bool(starts) and not any(ctx.processes.runs_long(u.path, u.line) for u in starts)


def _decorated_class(facts: FileFacts, call: Call) -> str:
    """The class a decorator call decorates (`@Processor("submission") export class
    SubmissionProcessor …`): the first class the file declares on or after the decorator's last
    line; the call's text when there is none. O(the file's declarations)."""
    classes = [d for d in facts.decls if d.value.kind == "class" and d.line >= call.span[2]]
    return min(classes, key=lambda d: d.line).name if classes else call.text


def _made_per_call(ctx: RuleContext, facts: FileFacts, index: int, call: Call, closers: set[str],
                   kept_by: tuple[str, ...], uses: list[Use]) -> bool:
    """Made inside a function into a local variable that the function neither returns, stores,
    hands to another call (but the `kept_by` methods, which only read it) nor closes: every call
    of the function makes one more, with its own connections, that nobody closes (chartbrew's
    `addSchemaUpdateJob`: `const queue = new Queue(…)` per MongoDB connection). O(the file's calls)."""
    scope = call.scopes[0]
    if scope == 0 or call.returned or call.context_managed:
        return False
    name = call.bound_to
    if not name or name.startswith("<") or "." in name or (scope, (name,)) in facts.returns:
        return False
    if any(a.value.kind == "ref" and a.value.path == (name,) and scope in a.scopes for a in facts.assignments):
        return False  # `this.queue = queue`, `cache[key] = queue`: kept, and closed where it is kept
    if any(u.method in closers for u in uses):
        return False
    if _escapes(ctx, facts, index, call, kept_by):
        return False
    # "every call" needs calls: a function the project calls from inside another function (a
    # request or a job reaches it again and again). A method a framework runs once (a command's
    # `run()`, Flowise's worker) or one nothing calls makes its queue once: the shutdown need judges it
    function = facts.functions.get(scope)
    if function is None or not function.name:
        return False
    return any(caller.scopes[0] != 0 for _, caller in ctx.project.calls_of(Target("function", path=facts.path, scope=scope)))


def _factory_of(ctx: RuleContext, facts: FileFacts, call: Call, takers: list[str]) -> bool:
    """Whether the function that returns `call` is handed, as an argument, to a library class or
    function in `takers`, whose source shows it calls the factory and attaches no 'error' listener to
    what it gets (Fedify's `RedisMessageQueue`). O(the file's calls), only for a factory handed over."""
    function = call.scopes[0]
    wanted = set(takers)
    for other in facts.calls:
        if any(arg.kind == "function" and arg.scope == function for arg in other.args):
            return bool(wanted & set(ctx.callee_names(facts, other)))
    return False


def _debug_only(ctx: RuleContext, use: Use) -> bool:
    """Whether a use is a call that runs only under a debug switch (`FileFacts.debug_calls`, empty in
    most files): O(the file's debug-only calls)."""
    facts = ctx.project.files.get(use.path)
    if facts is None or not facts.debug_calls:
        return False
    return any(facts.calls[i].span[0] == use.line and facts.calls[i].method == use.method for i in facts.debug_calls)


def _method_passes(ctx: RuleContext, uses: list[Use], need: dict) -> bool:
    """Whether a method of `options_also_from` called on the client (flask-redis's `init_app`, which
    builds the client from the constructor's keywords updated by its own) passes one of the need's
    options, or keywords crashlint cannot see (`**kwargs`): the call is found at its use's line."""
    methods = set(need["options_also_from"])
    wanted = need["option"] if isinstance(need["option"], list) else [need["option"]]
    for use in uses:
        if use.method not in methods:
            continue
        for call in ctx.project.files[use.path].calls:
            if call.method == use.method and call.span[0] == use.line:
                options = ctx.options(ctx.project.files[use.path], call)
                if options.unknown or any(options.has(k) and not options.is_none(k) for k in wanted):
                    return True
    return False


def _listened_by(ctx: RuleContext, facts: FileFacts, index: int, specs: list[dict]) -> bool:
    """Whether the value made by the call at `index` is passed to a library call that attaches the
    listener to it (`new PrismaPg(pool)`), in a version of that library that does. The call's index
    is the caller's (not a walk over the file's calls for each construction: issue 13). Cost: a
    probe of `_UsedBy.passed_to` per spec, whose index of the calls of that callee by the clients
    they pass is built once per analysis (before, every call of the name was resolved again for
    each client: a project of N BullMQ connections asked 3.9× the resolutions for 2N)."""
    target = Target("call", path=facts.path, index=index)
    used_by = _used_by(ctx)
    for spec in specs:
        name = spec["callee"]
        for other, use in used_by.passed_to(name, aliases=False).get(target, ()):
            if "package" in spec and not _version_covers(ctx, other, {"package": spec["package"], "at_least": spec["at_least"]}):
                continue
            if spec.get("heard_by"):  # the library forwards the events: the object it makes must listen
                made = next((i for i, c in enumerate(ctx.project.files[other].calls) if c is use), -1)
                if made < 0 or not any(u.first_arg in spec["heard_by"] and u.method in LISTENER_METHODS
                                       for u in ctx.uses_of(other, made)):
                    continue
            return True
    return False


def _run_in_domain(ctx: RuleContext, facts: FileFacts, call: Call, events: set[str], spec: dict) -> bool:
    """Whether the emitter is made inside a function a domain runs (`dom.run(() => { …
    fs.createWriteStream(…) })`) of a domain with a listener for the event (`dom.on("error", reject)`):
    Node binds an emitter made while a domain is active to it (domain docs, "Implicit binding"), and
    an `'error'` it emits with no listener of its own goes to the domain's `'error'` listener
    (lib/domain.js's EventEmitter.prototype.emit). Lexically inside only: code the function calls
    is not followed. O(the file's calls) once per file, then O(the call's scopes)."""
    memo = getattr(ctx, "_domain_runs", None)
    if memo is None:
        memo = ctx._domain_runs = {}  # type: ignore[attr-defined]
    runs = memo.get(facts.path)
    if runs is None:
        runs = memo[facts.path] = set()
        makers, method = set(spec["create"]), spec["run"]
        for run in facts.calls:
            if len(run.callee) < 2 or run.callee[-1] != method or not run.args or run.args[0].kind != "function":
                continue
            for target in ctx.project.resolve(facts.path, run.scopes, run.callee[:-1]):
                if target.kind != "call":
                    continue
                made = ctx.project.files[target.path].calls[target.index]
                if not makers & set(ctx.project.callee_names(target.path, made)):
                    continue
                heard = {u.first_arg for u in ctx.uses_of(target.path, target.index) if u.method in LISTENER_METHODS}
                if events <= heard:
                    runs.add(run.args[0].scope)
    return any(scope in runs for scope in call.scopes)


def _heard_through(ctx: RuleContext, facts: FileFacts, call: Call, option: str, events: set[str], options: Options,
                   siblings: list[str] = ()) -> bool:
    """Whether the events come from a client given in `option` that has the listener itself
    (`new Queue(name, { connection: redis })` where `redis.on("error", …)`): the object only forwards
    that client's events, which its own listener already hears. The client is followed through names
    and project factories (`connection: getRedis()`); every construction it may be must have one."""
    if not options.has(option):
        return False
    value = options.values[option]
    if value.kind in ("new", "call") and value.call >= 0:
        targets = ctx.project.call_targets(facts.path, value.call)
    elif value.kind == "ref":
        targets = ctx.project.resolve(facts.path, call.scopes, value.path)
    else:
        return False  # connection options: the object makes its own client, which nobody else hears
    made = [t for t in targets if t.kind == "call"]
    if not made or len(made) != len(targets):
        return False
    own = all(any(u.first_arg in events and u.method in LISTENER_METHODS for u in ctx.uses_of(t.path, t.index)) for t in made)
    return own or _heard_by_sibling(ctx, facts, call, option, events, set(made), siblings)


def _heard_by_sibling(ctx: RuleContext, facts: FileFacts, call: Call, option: str, events: set[str], made: set[Target], siblings: list[str]) -> bool:
    """Whether another of `siblings` (a BullMQ Worker) is given the very same client in `option` and
    has the listener: the client's errors are forwarded to every object built on it, so that
    listener hears them (`new Queue(q, { connection })` beside `new Worker(q, fn, { connection })`
    with `worker.on("error", …)`). Cost: probes of `_UsedBy.given_in`, the siblings' calls by the
    clients their `option` holds, built once per analysis (before, every sibling call's option was
    resolved again for each call asked: N BullMQ queues asked 4× the resolutions for 2N)."""
    used_by = _used_by(ctx)
    for name in siblings:
        given = used_by.given_in(name, option)
        seen: set[int] = set()
        for path, other, value, theirs in (entry for target in made for entry in given.get(target, ())):
            if other is call or id(other) in seen:
                continue
            seen.add(id(other))
            other_facts = ctx.project.files[path]
            shared = made & set(theirs)
            # a factory that returns a new client per call (`return new Redis(…)`) gives each caller
            # its own instance: the same construction site is the same client only through one name
            if shared and all(ctx.project.files[t.path].calls[t.index].returned for t in shared):
                mine = ctx.options(facts, call, 1).values.get(option)
                if not (mine is not None and mine.kind == value.kind == "ref" and path == facts.path
                        and _same_binding(facts, call.scopes, other.scopes, mine.path, value.path)):
                    continue
            if not shared:
                continue
            index = next((i for i, c in enumerate(other_facts.calls) if c is other), -1)
            if index >= 0 and any(u.first_arg in events and u.method in LISTENER_METHODS for u in ctx.uses_of(path, index)):
                return True
    return False


def _same_binding(facts: FileFacts, mine: tuple[int, ...], theirs: tuple[int, ...], a: tuple, b: tuple) -> bool:
    """Whether two names in one file denote one declaration (`connection` given to a Queue and to a
    Worker in the same function), not two locals each bound to its own factory call."""
    if a != b or not a:
        return False
    names = {(d.scope, d.name) for d in facts.decls}
    def declaring(scopes: tuple[int, ...]) -> int | None:
        return next((s for s in scopes if (s, a[0]) in names), None)
    return declaring(mine) == declaring(theirs)


def _only_used_by(ctx: RuleContext, path: str, index: int, spec: dict) -> bool:
    """Whether the client made by call `index` is used, and only by `spec`'s methods
    (`s3.generate_presigned_url(…)`) or functions it is passed to (`getSignedUrl(s3, command)`).
    Every other call on it, or argument it is, anywhere in the project, is another use.
    Cost: dictionary probes into `_UsedBy`'s indexes, each built once per analysis (O(the calls of
    a name) for each method or function of `spec`), instead of resolving every call of those names
    per client (issue 13: 3.8× for 2N); then, for a client they allow, its own file's mentions
    (O(that file's calls)) and `_UsedBy.other_use`: one walk over the project's files per `spec`,
    shared by every client and resumed where the last one stopped (O(the project's calls) in all,
    not per client: a project of N BullMQ-only connections cost N walks, 2.36× the resolutions for
    2N), indexing only the constructions `spec` allows some use of."""
    target = Target("call", path=path, index=index)
    call = ctx.project.files[path].calls[index]
    if call.chain:
        return False  # `new S3Client().send(…)`
    used_by = _used_by(ctx)
    # must_pass: the methods (closing, listening) alone are not the use that matters. Asked first:
    # a probe per function, where `allowed` gathers every method's and function's uses (a client
    # passed to none of them, the common case, is answered without it)
    if spec.get("must_pass") and not any(target in used_by.passed_to(name) for name in spec.get("passed_to", ())):
        return False
    allowed = used_by.allowed(spec, target)
    if not allowed:
        return False
    project = ctx.project
    # `s3.send(new PutObjectCommand(…))`; `new Upload({ client: s3 })`, `register(s3)`: it may send there.
    # The client's own file first: the use that is not one of those (`s3.send(…)`) is most often
    # beside the construction, and the answer does not depend on where the walk finds it (novu: a
    # walk over 2,969 of 4,918 files before it reached such a use)
    own = project.per_file(path, "mentions", lambda: _mentions(project, path, project.files[path]), keep=False)
    calls = project.files[path].calls
    if any((path, id(calls[i])) not in allowed for i in own.get(target, ())):  # type: ignore[union-attr]
        return False
    return not used_by.other_use(spec, target, allowed)


class _UsedBy:
    """The indexes `_only_used_by` probes, one set per analysis (`_used_by`), each built the first
    time it is asked: the calls of a method name by what they are called on, and the calls of a
    function by the clients they pass."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self._called_on: dict[str, dict[Target, list[tuple[str, Call]]]] = {}
        self._passed_to: dict[str, dict[Target, list[tuple[str, Call]]]] = {}
        self._walks: dict[tuple, _MentionsWalk] = {}
        self._given_in: dict[tuple[str, str], dict[Target, list[tuple[str, Call, Arg, list[Target]]]]] = {}
        self._aliases: dict[tuple[str, str], list[str]] | None = None

    def given_in(self, name: str, option: str) -> dict[Target, list[tuple[str, Call, Arg, list[Target]]]]:
        """The calls of `name` (`bullmq.Worker`) by the constructions their option `option` holds
        (`{ connection: redis }`, a factory's `createConnection()`): each entry the call's file, the
        call, the option's value and everything it resolves to. O(the calls of that name)
        resolutions, once."""
        found = self._given_in.get((name, option))
        if found is None:
            found = self._given_in[(name, option)] = {}
            ctx, project = self.ctx, self.ctx.project
            for path, other in ctx.calls_named(name.rsplit(".", 1)[-1]):
                if name not in project.callee_names(path, other):
                    continue
                value = ctx.options(project.files[path], other, 1).values.get(option)
                if value is None:
                    continue
                if value.kind in ("new", "call") and value.call >= 0:
                    theirs = list(project.call_targets(path, value.call))
                elif value.kind == "ref":
                    theirs = list(project.resolve(path, other.scopes, value.path))
                else:
                    continue
                for target in dict.fromkeys(theirs):
                    found.setdefault(target, []).append((path, other, value, theirs))
        return found

    def allowed(self, spec: dict, target: Target) -> set[tuple[str, int]]:
        """The calls (file, id of the call) that are `spec`'s allowed uses of `target`."""
        allowed: set[tuple[str, int]] = set()
        for uses in [self.called_on(method).get(target) for method in spec.get("methods", ())] + \
                    [self.passed_to(name).get(target) for name in spec.get("passed_to", ())]:
            if uses:  # most names have no use of `target`: no generator made for them
                allowed.update((other, id(use)) for other, use in uses)
        return allowed

    def other_use(self, spec: dict, target: Target, allowed: set[tuple[str, int]]) -> bool:
        """Whether a call anywhere in the project mentions `target` (`_mentions`) and is not in
        `allowed`. The mentions of the constructions `spec` allows a use of are indexed as one walk
        over the files (per `spec`) reaches them; a question first reads what the walk has indexed,
        then walks on from where it stands until it finds another use of `target` or reaches the
        end. O(the project's calls) resolutions per `spec` in all, each file's mentions computed
        once; O(the mentions of `target`) per question. The index holds the allowed constructions'
        mentions only, not every call's (peak memory: an index of every call's mentions cost
        langfuse 17 MB, ca3c872)."""
        key = (tuple(spec.get("methods", ())), tuple(spec.get("passed_to", ())))
        walk = self._walks.get(key)
        if walk is None:
            wanted = {t for method in key[0] for t in self.called_on(method)}
            wanted.update(t for name in key[1] for t in self.passed_to(name))
            walk = self._walks[key] = _MentionsWalk(self.ctx.project, wanted)
        return walk.finds(target, lambda other, call: (other, id(call)) not in allowed)

    def called_on(self, method: str) -> dict[Target, list[tuple[str, Call]]]:
        """The calls `x.method(…)` by what `x` is (`receiver_targets`): O(the calls named `method`)
        resolutions, once."""
        found = self._called_on.get(method)
        if found is None:
            found = self._called_on[method] = {}
            project = self.ctx.project
            for other, use in self.ctx.calls_named(method):
                if use.method == method:
                    for target in set(project.receiver_targets(other, use)):
                        found.setdefault(target, []).append((other, use))
        return found

    def passed_to(self, name: str, aliases: bool = True) -> dict[Target, list[tuple[str, Call]]]:
        """The calls of the function `name` (`pkg.getSignedUrl`), under its own name or (`aliases`)
        a local alias of its import (`_import_aliases`), by the clients they are given (`_passed`),
        in file order: O(the calls of those names) resolutions, once."""
        key = name if aliases else name + " (own name)"
        found = self._passed_to.get(key)
        if found is None:
            found = self._passed_to[key] = {}
            for local in [name.rsplit(".", 1)[-1]] + (_import_aliases(self.ctx, name) if aliases else []):
                for other, use in self.ctx.calls_named(local):
                    if name in self.ctx.project.callee_names(other, use):
                        for target in _passed(self.ctx, other, use):
                            found.setdefault(target, []).append((other, use))
        return found


class _MentionsWalk:
    """One resumable walk over the project's files (`_UsedBy.other_use`): each file's `_mentions`,
    kept for the `wanted` constructions only, in `found`."""

    def __init__(self, project: Project, wanted: set[Target]) -> None:
        self.project = project
        self.wanted = wanted
        self.paths = list(project.files)
        self.next = 0  # the files before it are indexed
        self.found: dict[Target, list[tuple[str, Call]]] = {}

    def finds(self, target: Target, other: Callable[[str, Call], bool]) -> bool:
        """Whether a call that mentions `target` is `other`: those indexed, then the files not yet
        walked, up to the first file that holds one."""
        if any(other(path, call) for path, call in self.found.get(target, ())):
            return True
        project, wanted = self.project, self.wanted
        while self.next < len(self.paths):
            path = self.paths[self.next]
            self.next += 1
            facts = project.files[path]
            mentions = project.per_file(path, "mentions", lambda: _mentions(project, path, facts), keep=False)
            hit = False
            for mentioned, indexes in mentions.items():  # type: ignore[union-attr]
                if mentioned in wanted:
                    calls = [(path, facts.calls[i]) for i in indexes]
                    self.found.setdefault(mentioned, []).extend(calls)
                    hit = hit or (mentioned == target and any(other(p, c) for p, c in calls))
            if hit:
                return True
        return False


def _used_by(ctx: RuleContext) -> _UsedBy:
    """One `_UsedBy` per rule context (an analysis)."""
    cached = getattr(ctx, "_used_by", None)
    if cached is None:
        cached = _UsedBy(ctx)
        ctx._used_by = cached  # type: ignore[attr-defined]
    return cached


def _import_aliases(ctx: RuleContext, qualified: str) -> list[str]:
    """The other local names a project imports `qualified` under (`import { getSignedUrl as presign }
    from "@aws-sdk/s3-request-presigner"`): the calls to look for besides the member's own name. One
    pass over the files' declarations for every name asked (`RuleContext.parts`: each file's imports
    under another name), grouped once per analysis, then a lookup (a pass per name walked every
    declaration of the project once for each of the spec's names: 6 on a project with S3 clients)."""
    used_by = _used_by(ctx)
    if used_by._aliases is None:
        grouped: dict[tuple[str, str], set[str]] = {}
        found = ctx.parts("import-aliases", _aliased_imports, lambda path, facts: facts.language != "python")
        for entries in found.values():
            for module, member, name in entries:  # type: ignore[union-attr]
                grouped.setdefault((module, member), set()).add(name)
        used_by._aliases = {key: sorted(names) for key, names in grouped.items()}
    module, _, member = qualified.rpartition(".")
    return used_by._aliases.get((module, member), [])


def _aliased_imports(path: str, facts: FileFacts) -> list[tuple[str, str, str]]:
    """A file's imports under a local name that is not the member's (module, member, local name)."""
    return [(d.value.module, d.value.name, d.name) for d in facts.decls if d.value.kind == "import" and d.name != d.value.name]


def _mentions(project: Project, path: str, facts: FileFacts) -> dict[Target, list[int]]:
    """One file's calls by the constructions (`call` targets) they are called on (`x.send()`) or
    are given (`_passes`): O(the file's calls) resolutions, memoized per file (`Project.per_file`)
    in an incremental model."""
    found: dict[Target, list[int]] = {}
    for i, call in enumerate(facts.calls):
        targets: set[Target] = set()
        if len(call.callee) > 1:
            targets.update(project.resolve(path, call.scopes, call.callee[:-1]))
        args = list(call.args) + [value for _, value in call.keywords]
        args += [value for arg in call.args if arg.kind == "object" for value in arg.values]
        for arg in args:
            if arg.kind in ("new", "call") and arg.call >= 0:
                targets.add(Target("call", path=path, index=arg.call))
            elif arg.kind == "ref":
                targets.update(project.resolve(path, call.scopes, arg.path))
        for target in targets:
            if target.kind == "call":
                found.setdefault(target, []).append(i)
    return found


def _closed_in_base(ctx: RuleContext, facts: FileFacts, call: Call, closers: set[str]) -> bool:
    """`this.client = createClient(…)` in a subclass's constructor, closed by a method of a project
    base class (`async disconnect() { await this.client.disconnect() }`): the field is the same
    object's, whichever class's method reads it."""
    field = call.bound_to
    if not field or not field.startswith(("this.", "self.")) or field.count(".") != 1:
        return False
    project = ctx.project
    owner = next((scope for scope in call.scopes if scope in facts.class_bases), None)
    if owner is None:
        return False
    head, name = field.split(".")
    pending, seen = [(facts.path, owner)], set()
    while pending and len(seen) < 16:
        path, scope = pending.pop()
        if (path, scope) in seen:
            continue
        seen.add((path, scope))
        scopes, bases = project.files[path].class_bases.get(scope, ((), ()))
        for base in bases:
            for target in project.resolve(path, scopes, base):
                if target.kind != "class":
                    continue
                base_facts = project.files[target.path]
                if any(len(c.callee) == 3 and c.callee[:2] == (head, name) and c.callee[2] in closers and target.scope in c.scopes
                       for c in base_facts.calls):
                    return True
                pending.append((target.path, target.scope))
    return False


LISTEN_METHODS = ("on", "once", "addListener", "prependListener", "prependOnceListener")


def _escapes(ctx: RuleContext, facts: FileFacts, index: int, call: Call, kept_by: tuple[str, ...] = (),
             returned: bool = True, target: Target | None = None, within: int | None = None) -> bool:
    """Returned (unless `returned` is False), or handed to another call in its file (directly or
    through its variable). A call of one of the `kept_by` methods (`source.pipe(dest)`) does not take
    the object over: it still needs its own listener, unless one is chained on what that call
    returns (`pipe()` returns `dest`). `target`: the value followed (default: the call's own), when
    `call` is a caller's call of the function that returns it; `within`: only the calls inside that
    function scope count."""
    if call.returned and returned:
        return True
    target = target or Target("call", path=facts.path, index=index)
    for i, other in enumerate(facts.calls):
        if within is not None and within not in other.scopes:
            continue
        if i == index or not _passes(ctx, facts.path, other, target):
            continue
        if other.method in kept_by and not any(m in LISTEN_METHODS and event == "error" for m, event in other.chain):
            continue
        return True
    project = ctx.project
    # `for await (const chunk of stream)`: the async iterator listens for 'error' and rejects the loop
    for scope, name in facts.iterated:
        if target in project.resolve(facts.path, project.scope_chain(facts.path, scope), name):
            return True
    # `return { metadata, body: stream }`: handed to the caller inside the object it returns; and
    # `return [stringify, fileStream]` (dbgate's writers, which its copyStream runs through
    # `stream.pipeline`), or a local array it returns (`resultPipe.push(…); return resultPipe`)
    for decl in (d for scope in call.scopes for marker in (RETURNED_OBJECT, RETURNED_ARRAY)
                 for d in project.decls.get((facts.path, scope, marker), ())):
        values = decl.value.arg.values if decl.value.arg is not None else ()
        if any(v.kind == "ref" and target in project.resolve(facts.path, call.scopes, v.path) for v in values):
            return True
    for scope, name in facts.returns:
        if scope != 0 and scope in call.scopes:
            for decl in project.lookup(facts.path, project.scope_chain(facts.path, scope), name[0]) if len(name) == 1 else ():
                values = decl.value.arg.values if decl.value.kind == "array" and decl.value.arg is not None else ()
                if any(v.kind == "ref" and target in project.resolve(facts.path, call.scopes, v.path) for v in values):
                    return True
    return False


def _chain_listens(call: Call, events: set[str]) -> bool:
    """Whether a listener for one of `events` is chained on the call itself (`http.get(…).on(
    "error", …)`), before any `pipe()`, whose result is another stream."""
    for method, event in call.chain:
        if method in RETURNS_OTHER:
            return False
        if method in LISTEN_METHODS and event in events:
            return True
    return False


def _listened_events(resource: dict) -> set[str]:
    return {event for need in resource["needs"] for event in need.get("listener", ())}


def _function_callers(ctx: RuleContext, path: str, scope: int) -> list[tuple[str, int]]:
    """The project calls (file, index) of the function `scope` of `path`, found by the names it is
    declared under: O(the calls of those names)."""
    me = Target("function", path=path, scope=scope)
    found: list[tuple[str, int]] = []
    facts = ctx.project.files[path]
    for name in sorted(ctx._function_names(path).get(scope, ())):
        for other, caller in ctx.calls_named(name):
            targets = ctx.project.resolve(other, caller.scopes, caller.callee)
            # `this.service.getImageStream(id)` on a constructor parameter typed with the method's
            # class (NestJS injects the instance; no assignment shows it): asked only of a call the
            # project does not resolve to a function, one parse of the caller's file each
            if me in targets or (not any(t.kind == "function" for t in targets)
                                 and injected_call(ctx, facts, scope, other, caller)):
                found.append((other, ctx.project.files[other].calls.index(caller)))
    return found


RETURNED_DEPTH = 3  # callers followed up from a returned emitter (a storage class's wrapper, then the route)


def _unheard_callers(ctx: RuleContext, facts: FileFacts, index: int, call: Call, kept_by: tuple[str, ...],
                     events: set[str], depth: int = 0) -> list[tuple[str, Call]]:
    """`return fs.createReadStream(p)` (send's FSStorage.getStream): the calls of the function, in the
    project, that use the emitter it returns with no listener for `events`: not chained on the
    call, not on the caller's variable in the caller's function, not handed to another call (a
    `pipeline(…)`), not iterated. A caller that returns the value in turn is followed to its own
    callers (`RETURNED_DEPTH`). No caller seen: [] (its callers are unknown, precision first)."""
    scope = call.scopes[0]
    if scope == 0 or depth >= RETURNED_DEPTH:
        return []
    made = Target("call", path=facts.path, index=index) if depth == 0 else None
    return _unheard_from(ctx, facts.path, scope, made, kept_by, events, depth)


def _unheard_from(ctx: RuleContext, path: str, scope: int, made: Target | None, kept_by: tuple[str, ...], events: set[str],
                  depth: int, origin: Target | None = None) -> list[tuple[str, Call]]:
    origin = origin or made
    uses = ctx.uses.get(origin, []) if origin is not None else []
    unheard: list[tuple[str, Call]] = []
    for where, i in _function_callers(ctx, path, scope):
        facts = ctx.project.files[where]
        caller = facts.calls[i]
        own = caller.scopes[0]
        chained = ctx.uses_of(where, i)
        if any(u.first_arg in events and u.method in LISTEN_METHODS for u in chained):
            continue
        if any(u.first_arg in events and u.method in LISTEN_METHODS and u.path == where and own in u.scopes for u in uses):
            continue
        if caller.returned or (caller.bound_to is not None and (own, (caller.bound_to,)) in facts.returns):
            if own != 0 and depth + 1 < RETURNED_DEPTH:
                unheard += _unheard_from(ctx, where, own, None, kept_by, events, depth + 1, origin)
            continue
        if origin is not None and _escapes(ctx, facts, i, caller, kept_by, returned=False, target=origin, within=own):
            continue
        if _escapes(ctx, facts, i, caller, kept_by, returned=False, within=own):
            continue
        unheard.append((where, caller))
    return unheard


def _handed_to_keeper(ctx: RuleContext, facts: FileFacts, index: int, call: Call) -> bool:
    """Made into a local and handed to a call in the same function whose result outlives it: kept
    on the instance (`self.bot = Plugin(database=engine)`), in a module global (`global bot`), or
    returned. maubot's standalone main builds `plugin_db = sql.create_engine(…)` and hands it to the
    plugin instance it keeps for the life of the process."""
    if call.bound_to is None or call.bound_to.startswith("<") or "." in call.bound_to:
        return False
    target = Target("call", path=facts.path, index=index)
    function = facts.functions.get(call.scopes[0])
    for other in facts.calls:
        if other is call or call.scopes[0] not in other.scopes or not _passes(ctx, facts.path, other, target):
            continue
        if other.returned:
            return True
        kept = other.bound_to
        if not kept or kept.startswith("<"):
            continue
        if "." in kept and kept.split(".")[0] in ("self", "cls"):
            return True
        if function is not None and any(re.search(rf"^\s*global\b.*\b{re.escape(kept)}\b", ctx.sources.line(facts.path, n))
                                        for n in range(function.span[0], function.span[2] + 1)):
            return True
    return False


def _one_off(ctx: RuleContext, facts: FileFacts, index: int, call: Call) -> bool:
    """Made inside a function into a local variable (or none) that the function neither returns,
    stores elsewhere nor hands to another call: it lives only as long as that call (a health probe's
    `client = MongoClient(uri); client.server_info()`). Returned by a factory (`createClient(options)
    { return new Client(options) }`, medusa's pg utilities): a one-off when every project call of the
    factory makes a one-off of what it gets (medusa's `db create` command)."""
    scope = call.scopes[0]
    if scope != 0 and call.returned and not call.awaited:
        return _factory_one_off(ctx, facts, scope)
    if scope == 0 or call.returned or _escapes(ctx, facts, index, call):
        return False
    name = call.bound_to
    if name is None:
        return not call.used
    if name.startswith("<") or "." in name:
        return False  # `self.client = MongoClient(…)`: kept on the instance
    if (scope, (name,)) in facts.returns:
        return False
    return not any(a.value.kind == "ref" and a.value.path == (name,) and scope in a.scopes for a in facts.assignments)


def _factory_one_off(ctx: RuleContext, facts: FileFacts, scope: int) -> bool:
    """Whether a function that returns what it makes is called by the project, and every such call
    makes a one-off of the result. O(the calls named as the function), one level (no factory of a factory)."""
    function = facts.functions.get(scope)
    if function is None or not function.name:
        return False
    seen = 0
    for path, caller in ctx.project.calls_of(Target("function", path=facts.path, scope=scope)):
        caller_facts = ctx.project.files[path]
        index = next(i for i, c in enumerate(caller_facts.calls) if c is caller)
        if caller.returned or not _one_off(ctx, caller_facts, index, caller):
            return False
        seen += 1
    return seen > 0


def _passes(ctx: RuleContext, path: str, call: Call, target: Target) -> bool:
    """Whether `call` passes the client `target` as an argument (or an option value)."""
    args = list(call.args) + [value for _, value in call.keywords]
    args += [value for arg in call.args if arg.kind == "object" for value in arg.values]
    for arg in args:
        if arg.kind in ("new", "call") and arg.call >= 0:
            if path == target.path and arg.call == target.index:
                return True
            # `new Worker(q, fn, { connection: createConnection(config) })`: what a factory returns
            if arg.kind == "call" and target in ctx.project.call_targets(path, arg.call):
                return True
        if arg.kind == "ref" and target in ctx.project.resolve(path, call.scopes, arg.path):
            return True
    return False


def _passed(ctx: RuleContext, path: str, call: Call) -> set[Target]:
    """Every client `call` passes (`_passes` of each at once): the targets its arguments and option
    values are or resolve to."""
    args = list(call.args) + [value for _, value in call.keywords]
    args += [value for arg in call.args if arg.kind == "object" for value in arg.values]
    found: set[Target] = set()
    for arg in args:
        if arg.kind in ("new", "call") and arg.call >= 0:
            found.add(Target("call", path=path, index=arg.call))
            if arg.kind == "call":
                found.update(ctx.project.call_targets(path, arg.call))
        if arg.kind == "ref":
            found.update(ctx.project.resolve(path, call.scopes, arg.path))
    return found


STRING_START = re.compile(r"^[rRbBfFuU]{0,2}(\"\"\"|'''|\"|')")


def _leading_literal(arg: Arg) -> str | None:
    """The text a value starts with when it starts with a string literal: a plain string, an f-string
    (`f"sqlite:///{path}"`), a formatted or concatenated one (`'sqlite:///{0}'.format(p)`,
    `"sqlite:///" + p`); None for anything else."""
    if arg.kind not in ("string", "call", "other"):
        return None
    opening = STRING_START.match(arg.text)
    if opening:
        return arg.text[opening.end():]
    return arg.text if arg.kind == "string" else None


_FUNCTION_NODES = frozenset({"method_definition", "function_declaration", "function_expression", "arrow_function"})
_FALLBACKS = frozenset({"||", "??"})


def _fallback_never_made(ctx: RuleContext, facts: FileFacts, call: Call) -> bool:
    """`this.publisher = options.redis || new Redis(…)` (wildduck's ImapNotifier): a construction that
    is only the fallback of a parameter's property, in a constructor or a named function every
    project call of which passes that property in an object literal, with a value (not `null` /
    `undefined`). The fallback never runs: the client is the caller's, reported (or not) where the
    caller made it. Read from the file's tree (one parse, `RuleContext.node_of`), only for a
    construction under `||` / `??`; O(the calls named like the class or function)."""
    # the operator stands before the construction, in its statement: without one in those lines the
    # file is not parsed again (a scan asked this of every construction: 1,282 parses on the commit path)
    lines = [ctx.sources.line(facts.path, n) for n in range(max(call.stmt_span[0], 1), call.span[0] + 1)]
    if lines:
        lines[-1] = lines[-1].encode("utf-8")[: max(call.span[1] - 1, 0)].decode("utf-8", "replace")
    if not any("||" in line or "??" in line for line in lines):
        return False
    node = ctx.node_of(facts.path, call)
    while node is not None and node.type not in ("new_expression", "call_expression"):
        node = node.parent
    parent = node.parent if node is not None else None
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None or parent.type != "binary_expression" or parent.child_by_field_name("right") != node:
        return False
    operator = parent.child_by_field_name("operator")
    left = parent.child_by_field_name("left")
    if operator is None or operator.type not in _FALLBACKS or left is None or left.type != "member_expression":
        return False
    holder, key = left.child_by_field_name("object"), left.child_by_field_name("property")
    if holder is None or key is None or holder.type != "identifier":
        return False
    function = parent
    while function is not None and function.type not in _FUNCTION_NODES:
        function = function.parent
    params = function.child_by_field_name("parameters") if function is not None else None
    if params is None:
        return False
    names = [p.child_by_field_name("pattern") if p.type in ("required_parameter", "optional_parameter") else p
             for p in params.named_children]
    position = next((i for i, p in enumerate(names) if p is not None and p.type == "identifier" and p.text == holder.text), -1)
    if position < 0:
        return False
    wanted = key.text.decode("utf-8", "replace")
    callers = _callers_of(ctx, facts.path, function)
    return bool(callers) and all(_passes_key(c, position, wanted) for c in callers)


def _callers_of(ctx: RuleContext, path: str, function) -> list[Call]:
    """The project calls of a class's constructor (`new ImapNotifier(…)`, `function` is its
    `constructor` method) or of a named function declaration; [] when it is neither."""
    if function.type == "method_definition":
        name = function.child_by_field_name("name")
        body = function.parent
        owner = body.parent if body is not None and body.type == "class_body" else None
        if name is None or name.text != b"constructor" or owner is None or owner.child_by_field_name("name") is None:
            return []
        wanted, kind, new = Target("class", path=path, scope=owner.start_byte + 1), owner.child_by_field_name("name"), True
    elif function.type == "function_declaration" and function.child_by_field_name("name") is not None:
        kind = function.child_by_field_name("name")
        wanted, new = Target("function", path=path, scope=function.start_byte + 1), False
    else:
        return []
    # `Project.calls_of`: the calls of that name resolved once for every declaration of it
    named = replace(wanted, name=kind.text.decode("utf-8", "replace"))
    return [caller for _, caller in ctx.project.calls_of(named) if caller.is_new == new]


def _passes_key(call: Call, position: int, key: str) -> bool:
    """Whether `call` passes, at `position`, an object literal whose `key` holds a value."""
    if call.has_star or len(call.args) <= position or call.args[position].kind != "object":
        return False
    value = call.args[position].value_of(key)
    return value is not None and value.kind != "none" and not (value.kind == "other" and value.text in ("null", "undefined"))


def _check_construction(rule: Rule, ctx: RuleContext, facts: FileFacts, index: int, resource: dict,
                        kept: dict[str, str] | None = None) -> Finding | None:
    """The finding on one construction; `kept`: what keeps the process alive on an uncaught
    exception (ProcessHandlers.how), for the needs whose text differs then."""
    call = facts.calls[index]
    skip = resource.get("unless_argument")  # e.g. create_engine("sqlite://…") has no network pool
    if skip and len(call.args) > skip["position"]:
        leading = _leading_literal(call.args[skip["position"]])
        if leading is not None and re.search(skip["pattern"], leading):
            return None
    if resource.get("unless_guarded_by") and guarded_by(ctx, facts.path, call, resource["unless_guarded_by"]):
        return None  # runs only under a test or mock switch, or in a process that does no such work
    if facts.language != "python" and _fallback_never_made(ctx, facts, call):
        return None  # `options.redis || new Redis(…)` where every caller passes `redis`
    if resource.get("unless_never_started") and _never_started(ctx, facts, index, resource["unless_never_started"]):
        return None  # node-redis 4+: `createClient()` opens no socket; only a `connect()` no process runs would
    if resource.get("unless_at_start") and call.scopes[0] == 0:
        return None  # module top-level code: runs once as the process starts
    if resource.get("long_lived_only") and call.scopes[0] != 0 and not call.returned and not _handed_to_keeper(ctx, facts, index, call):
        return None  # made and used inside one function: a one-off (migration check, backup, script)
    unheard: list[tuple[str, Call]] = []  # the callers that use an emitter their callee returns, unheard
    if resource.get("escapes"):
        kept_by = tuple(resource.get("kept_by", ()))
        if _escapes(ctx, facts, index, call, kept_by, returned=False):
            return None
        if call.returned and _chain_listens(call, _listened_events(resource)):
            return None  # `return http.get(url, cb).on("error", …)`: heard where it is made
        if call.returned:
            unheard = _unheard_callers(ctx, facts, index, call, kept_by, _listened_events(resource))
            if not unheard:
                return None  # every caller listens or hands it on, or none is seen: theirs to handle
    subject = ctx.subject_name(facts, call) if not resource.get("decorates_class") else _decorated_class(facts, call)
    uses = ctx.uses_of(facts.path, index)
    if "configured_by" in resource and call.bound_to and not call.bound_to.startswith("<"):
        # a project factory: the uses index files its callers' uses under what it returns, shared by
        # every caller; read this caller's own variable instead (`const proc = runTool(); proc.on(…)`)
        name = tuple(call.bound_to.split("."))
        uses = uses + [
            Use(other.method, other.args[0].text if other.args and other.args[0].kind == "string" else "", facts.path, other.span[0], other.scopes)
            for other in facts.calls
            if other.callee[:-1] == name and other.method and (name[0] in ("this", "self") or call.scopes[0] in other.scopes)
        ]
    # returned by a function: to callers crashlint cannot see ("unseen": they may well attach what
    # it needs), or to a library that calls the function ("library": a DI container's factory)
    flow = ctx.returned_to(facts, call)
    if unheard and flow == "unseen":
        flow = "here"  # callers crashlint may not see, but one it sees uses the emitter unheard
    # `new RedisMessageQueue(() => client.duplicate())`: the library makes clients and listens on none
    # of them (their 'error' listener is the project's to give), and owns their lifecycle (it closes
    # them when disposed): only the listener needs are judged, as for a client the project keeps
    factory_made = flow == "library" and bool(resource.get("factory_takers")) and _factory_of(ctx, facts, call, resource["factory_takers"])
    if factory_made:
        flow = "here"
    cached: list[Options] = []

    def options() -> Options:
        if not cached:
            cached.append(ctx.options(facts, call, int(resource.get("options_from", 0))))
        return cached[0]

    problems: list[str] = []
    labels: list[str] = []
    missing: list[str] = []
    needs_missing: list[dict] = []
    set_none: list[str] = []  # the ids of the needs the call sets to None
    one_off: list[bool] = []
    for need in resource["needs"]:
        if factory_made and "listener" not in need:
            continue
        if need.get("from_shutdown") and "per-call" in missing:
            continue  # made per call and never closed: a shutdown handler cannot reach a function's local
        if need.get("long_lived_only"):
            if not one_off:
                one_off.append(_one_off(ctx, facts, index, call))
            if one_off[0]:
                continue  # a pool size matters to a client that lives on, not to one a function makes and drops
        if need.get("needs_a_handler") and ctx.processes.serverless_only(facts.path):
            continue  # serverless functions: no process lives on to be sent SIGTERM
        attached = "listener" in need or "close" in need  # what code elsewhere may add to the client
        if attached and flow == "unseen":
            continue  # precision first: its callers may well attach what it needs
        if unheard and "listener" in need:
            missing.append(need["id"])
            needs_missing.append(need)
            labels.append(need["label"])
            problems.append(render(need.get("problem_returned", need["problem"]), subject=subject, library=resource["library"],
                                   line=call.span[0], returned=True,
                                   callers=", ".join(f"{p}:{c.span[0]}" for p, c in unheard[:3])))
            continue
        if "bound" not in need and not (call.used or call.returned) and attached:
            satisfied = any(u for u in uses)  # chained (`new X().on(…)`) is the only way to reach it
            satisfied = satisfied and _need_satisfied(ctx, rule, facts, index, need, uses, options)
        else:
            satisfied = _need_satisfied(ctx, rule, facts, index, need, uses, options)
        if not satisfied and attached and flow == "library":
            # injected where crashlint cannot follow it: a use on something unresolved in the package may be on it
            satisfied = _need_satisfied(ctx, rule, facts, index, need, ctx.unresolved_uses(facts.path), options)
        if not satisfied:
            missing.append(need["id"])
            needs_missing.append(need)
            logged = kept is not None and "problem_logged" in need
            none = "problem_none" in need and bool(_set_to_none(need, options()))  # `socket_timeout=None`
            if none:  # a fix may tell a value set to None on purpose from one left out (`[[autofix]] when`)
                set_none.append(need["id"])
            labels.append(need["label_none"] if none else need["label_logged" if logged and "label_logged" in need else "label"])
            problems.append(render(need["problem_none" if none else "problem_logged" if logged else "problem"], subject=subject,
                                   library=resource["library"], line=call.span[0], returned=call.returned, **(kept or {})))
    # a need that is only a bullet on another's finding (SPEC §3: CL004's 'failed' listener)
    kept = [i for i, need in enumerate(needs_missing) if "only_with" not in need or need["only_with"] in missing]
    problems, labels, missing = [problems[i] for i in kept], [labels[i] for i in kept], [missing[i] for i in kept]
    if not problems:
        return None
    # a close that only a SIGTERM handler would make, in a process with none (SIGTERM ends it at once:
    # no socket keeps it alive): not a finding, but the shutdown fix written for the process's other
    # findings still closes the client (`engine.run._carry_fix_only`)
    # The same where every process's handler ends the process itself (`await app.close();
    # process.exit(0)`): the socket cannot keep it alive, and the text would say it does
    fix_only = all(needs_missing[i].get("needs_a_handler") for i in kept) and (
        _no_signal_handler(ctx, rule, facts.path) or _handlers_exit(ctx, rule, facts.path))
    # last: the first ask builds a project-wide index (`_only_used_by`), and a client whose needs
    # are met has no finding to drop (CL006: a presigning client with timeouts set)
    if "unless_only_used_by" in resource and _only_used_by(ctx, facts.path, index, resource["unless_only_used_by"]):
        return None
    related = [
        Related(ctx.location(u.path, (u.line, 1, u.line, 1)), f"`{subject}.{u.method}(…)` here")
        for u in uses
        if u.path != facts.path and u.method != (resource.get("unless_never_started") or {}).get("method")
    ] if not unheard else [Related(ctx.location(p, c.span), f"`{c.text}` here") for p, c in unheard]
    return ctx.finding(
        rule,
        facts,
        call,
        subject=subject,
        library=resource["library"],
        problems=problems,
        labels=labels,
        related=related[:10],
        context={
            "missing": " ".join(missing),
            "callee": ".".join(call.callee),
            "module": _module_of(ctx, facts, call, resource),
            "group_key": resource.get("group_key", "subjects"),
            "options_at": str(resource.get("options_from", 0)),
            "nargs": str(len(call.args)),  # positional arguments: a fix's keyword must not repeat one
            # each need the call turns off with None (`socket_timeout=None`): "none:<need id>" = "yes"
            **{f"none:{need_id}": "yes" for need_id in set_none},
            **_option_names(resource, options()),
            **({"fix_only": "yes"} if fix_only else {}),
        },
    )


def _no_signal_handler(ctx: RuleContext, rule: Rule, path: str) -> bool:
    """Whether no process that loads `path` registers a SIGTERM/SIGINT handler, a framework shutdown
    hook or a graceful-shutdown library (the rule's `[signal_handlers]` vocabulary). O(1) after the
    first question per process (`RuleContext.shutdown_views`)."""
    views = ctx.shutdown_views(rule.data["signal_handlers"], path)
    return not any(view.roots or view.closed or view.reachable or view.handlers for view in views)


def _handlers_exit(ctx: RuleContext, rule: Rule, path: str) -> bool:
    """Whether every process that loads `path` registers a SIGTERM/SIGINT handler whose path calls
    `process.exit` (kuzzle: the funnel drained, then `process.exit(0)`): it ends the process whatever
    sockets are open. O(1) after the first question per process (`RuleContext.shutdown_views`)."""
    views = ctx.shutdown_views(rule.data["signal_handlers"], path)
    return bool(views) and all(view.exits for view in views)


def _module_of(ctx: RuleContext, facts: FileFacts, call: Call, resource: dict) -> str:
    """The package the constructor comes from (`@aws-sdk/client-s3` for `new S3Client(…)`), for a
    fix that depends on its declared version; "" when the constructor is not an import's."""
    for name in ctx.callee_names(facts, call):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in resource.get("constructors", ())):
            module, _, _ = name.rpartition(".")
            return module
    return ""


def _option_names(resource: dict, options: Options) -> dict[str, str]:
    """`new Worker("q", fn, { connection })` → {"connection": "connection"} for the fix template."""
    names = {}
    for key in resource.get("context_options", ()):
        value = options.values.get(key)
        if value is not None and value.kind == "ref":
            names[key] = ".".join(value.path)
    return names


def _grouped(rule: Rule, ctx: RuleContext, findings: list[Finding]) -> Finding:
    """One finding for the set (CL002: the workers): the first subject's location, every subject
    listed in the problems, the others as related locations."""
    order = {r.get("group_key", "subjects"): i for i, r in enumerate(rule.data["resources"])}
    findings.sort(key=lambda f: (order.get(f.context.get("group_key", "subjects"), 0), f.location.path, f.location.start_line))
    first = findings[0]
    same_file = [
        f for f in findings
        if f.location.path == first.location.path and f.context.get("group_key") == first.context.get("group_key")
    ]
    last = same_file[-1].location
    location = type(first.location)(first.location.path, first.location.start_line, first.location.start_col, last.end_line, last.end_col)
    subjects = [f.subject for f in findings]
    labels = sorted({label for f in findings for label in f.message.split(": ", 1)[-1].split(", ")})
    message = render(rule.data.get("group_message", rule.message), subject=", ".join(subjects), library="", labels=labels, count=len(findings), call="")
    problems = [p for f in findings for p in f.problems]
    related = [Related(f.location, f"`{f.subject}` created here") for f in findings[1:]]
    context = dict(first.context)
    context["grouped"] = "yes"
    context["subjects"] = " ".join(s for s in subjects if s.isidentifier())
    context["missing"] = " ".join(sorted({m for f in findings for m in f.context.get("missing", "").split()}))
    for f in findings:  # "workers": "workerExtraction worker …", "connection": "connection"
        key = f.context.get("group_key", "subjects")
        if f.subject.isidentifier() and f.subject not in context.get(key, "").split():
            context[key] = (context.get(key, "") + " " + f.subject).strip()
        for name, value in f.context.items():
            context.setdefault(name, value)
    return Finding.of_rule(
        rule, first.language, location, ", ".join(subjects), message, problems, related, context, first.line_text
    )
