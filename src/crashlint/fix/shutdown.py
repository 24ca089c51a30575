"""One graceful shutdown per process (TypeScript/JavaScript), as one fix.

Separate fixes that each register a SIGTERM handler calling `process.exit` race: the second exits
before the first has closed the workers. So the shutdown paths of CL002 (workers, queues), CL001
(Redis clients never closed), CL012 (the server) and the databases of CL009, with CL005's process
handlers, are planned together for each process: one `shutdown` function in the process's entry
file (or, when no finding is there, in the workers' file), registered on SIGTERM and SIGINT. An
existing SIGTERM/SIGINT handler is extended instead, never duplicated.

The files involved are parsed again here (only those, only when a shutdown fix is planned): the
edits need declarations and statements that the recorded call sites do not carry. Every edit is an
insertion. The words and code come from CL002's `[process_shutdown]` table.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property

from crashlint.findings import Edit, Finding, Fix
from crashlint.fix import javascript
from crashlint.languages import grammar_for, parser
from crashlint.templating import render

RULES = ("CL001", "CL002", "CL005", "CL009", "CL012")
SIGNALS = ("SIGTERM", "SIGINT")
ROUTE_METHODS = {"use", "get", "post", "put", "patch", "delete", "all", "options", "head", "route"}
# Servers whose app object closes itself (and its HTTP server): Fastify's and Nest's close()
SELF_CLOSING_APPS = ("fastify", "nest", "nestjs")


@dataclass
class Resource:
    name: str  # the variable that holds it, in its file
    path: str  # the file that declares it
    kind: str  # server, worker, queue, redis, database
    close: str  # the statement that closes it (without terminator)


@dataclass
class SourceFile:
    path: str
    source: bytes
    tree: object
    ts: bool
    edits: list[Edit] = field(default_factory=list)

    def text(self, node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @cached_property
    def names(self) -> set[str]:
        """The identifiers the code uses (not the words of its comments or strings): one walk of
        the tree per file (the planner asks a file several times; the tree does not change)."""
        found: set[str] = set()
        stack = [self.tree.root_node]
        while stack:
            node = stack.pop()
            if node.type.endswith("identifier"):
                found.add(self.text(node))
            stack.extend(node.children)
        return found

    def has_name(self, name: str) -> bool:
        """Whether the code uses the identifier `name`. An identifier's text is a slice of the
        source, so a name whose bytes the source does not hold is used nowhere: O(source) in C, and
        the tree is walked (`names`) only for a file that holds them (issue 13, cost per finding: the
        walk was 2.4 s of a cold scan of 3,000 planned processes)."""
        return name.encode("utf-8") in self.source and name in self.names


def _parse(root: str, path: str) -> SourceFile | None:
    grammar = grammar_for(path)
    if grammar is None or grammar == "python":
        return None
    try:
        with open(posixpath.join(root, path), "rb") as handle:
            source = handle.read()
    except OSError:
        return None
    if source.startswith(b"\xef\xbb\xbf"):
        return None  # byte offsets below are of the file without one: leave such files alone
    return SourceFile(path, source, parser(grammar).parse(source), ts=grammar in ("typescript", "tsx"))


def _fresh(file: SourceFile, wanted: str) -> str:
    name, n = wanted, 2
    while file.has_name(name):
        name, n = f"{wanted}{n}", n + 1
    return name


def _top_declaration(file: SourceFile, name: str):
    """(statement, exported) of a module-level `const/let/var name = …`, or None."""
    for child in file.tree.root_node.named_children:
        exported = child.type == "export_statement"
        decl = child.child_by_field_name("declaration") if exported else child
        if decl is None or decl.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in decl.named_children:
            target = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
            if target is not None and target.type == "identifier" and file.text(target) == name:
                return (decl if not exported else child), exported
    return None


def _imports_name(file: SourceFile, name: str) -> bool:
    return any(c.type == "import_statement" and re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", file.text(c))
               for c in file.tree.root_node.named_children)


def _relative_imports(home: SourceFile) -> set[str]:
    """The project paths (without extension) the home module imports by a relative specifier, each
    also as `<folder>/index` (`./jobs` is jobs.ts or jobs/index.ts): read once per planned process."""
    stems: set[str] = set()
    for child in home.tree.root_node.named_children:
        source = child.child_by_field_name("source") if child.type == "import_statement" else None
        if source is None:
            continue
        spec = home.text(source)[1:-1]
        if not spec.startswith("."):
            continue
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(home.path), spec))
        resolved = posixpath.splitext(resolved)[0] if resolved.endswith((".js", ".ts", ".mjs", ".cjs")) else resolved
        stems.update((resolved, resolved + "/index"))
    return stems


def _is_esm(file: SourceFile) -> bool:
    return any(c.type in ("import_statement", "export_statement") for c in file.tree.root_node.named_children)


def _call_at(file: SourceFile, anchor: tuple[int, int, int, int]):
    """The call or `new` expression spanning the finding's anchor (1-based rows, 1-based byte columns)."""
    start = (anchor[0] - 1, anchor[1] - 1)
    end = (anchor[2] - 1, anchor[3] - 1)
    node = file.tree.root_node.descendant_for_point_range(start, end)
    while node is not None and node.type not in ("call_expression", "new_expression"):
        node = node.parent
    return node


def _signal_handlers(file: SourceFile) -> list:
    """The functions registered by `process.on/once("SIGTERM"|"SIGINT", fn)` in the file."""
    found: list = []
    if not any(signal.encode() in file.source for signal in SIGNALS):
        return found  # a registration names its signal in a string literal: no walk of the tree

    def visit(node) -> None:
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if (callee is not None and callee.type == "member_expression" and args is not None
                    and file.text(callee) in ("process.on", "process.once", "process.addListener")):
                values = args.named_children
                if len(values) >= 2 and values[0].type == "string" and file.text(values[0])[1:-1] in SIGNALS:
                    handler = _function_of(file, values[1])
                    if handler is not None and handler not in found:
                        found.append(handler)
        for child in node.named_children:
            visit(child)

    visit(file.tree.root_node)
    return found


def _function_of(file: SourceFile, node):
    if node.type in ("arrow_function", "function_expression", "function"):
        return node
    if node.type != "identifier":
        return None
    name = file.text(node)
    for child in file.tree.root_node.named_children:
        decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
        if decl is None:
            continue
        if decl.type == "function_declaration" and file.text(decl.child_by_field_name("name")) == name:
            return decl
        if decl.type in ("lexical_declaration", "variable_declaration"):
            for declarator in decl.named_children:
                value = declarator.child_by_field_name("value")
                target = declarator.child_by_field_name("name")
                if target is not None and file.text(target) == name and value is not None:
                    if value.type in ("arrow_function", "function_expression", "function"):
                        return value
    return None


def _is_async(file: SourceFile, function) -> bool:
    return any(c.type == "async" for c in function.children)


def _last_import_end(file: SourceFile) -> int:
    end = 0
    for child in file.tree.root_node.named_children:
        if child.type == "import_statement":
            end = child.end_byte
    return end


def _imported_default(file: SourceFile, module: str) -> str | None:
    for child in file.tree.root_node.named_children:
        if child.type != "import_statement":
            continue
        source = child.child_by_field_name("source")
        if source is None or file.text(source)[1:-1] != module:
            continue
        clause = next((c for c in child.named_children if c.type == "import_clause"), None)
        if clause is not None and clause.named_children and clause.named_children[0].type == "identifier":
            return file.text(clause.named_children[0])
    return None


def _module_specifier(home: str, target: str) -> str:
    spec = posixpath.relpath(posixpath.splitext(target)[0], posixpath.dirname(home) or ".")
    return spec if spec.startswith(".") else "./" + spec


def _insert_lines(file: SourceFile, at: int, text: str, style: javascript.Style) -> None:
    """Lines after the line holding byte `at` (0: at the top of the file)."""
    if at == 0:
        file.edits.append(Edit(0, 0, text.replace("\n", style.newline) + style.newline))
        return
    where = javascript._line_end(file.source, at)
    file.edits.append(Edit(where, where, style.newline + text.replace("\n", style.newline)))


def _last_route_statement(file: SourceFile, app: str, before: int):
    """The last top-level `app.use(…)` / `app.get(…)` … statement before byte `before`."""
    last = None
    for child in file.tree.root_node.named_children:
        if child.start_byte >= before or child.type != "expression_statement":
            continue
        call = child.named_children[0] if child.named_children else None
        if call is None or call.type != "call_expression":
            continue
        callee = call.child_by_field_name("function")
        while callee is not None and callee.type == "call_expression":  # app.route("/").get(…)
            callee = callee.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            continue
        obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
        base = obj
        while base is not None and base.type in ("call_expression", "member_expression"):
            base = base.child_by_field_name("function") if base.type == "call_expression" else base.child_by_field_name("object")
        if base is not None and file.text(base) == app and prop is not None and file.text(prop) in ROUTE_METHODS:
            last = child
    return last


def _render_steps(resources: list[Resource]) -> list[dict]:
    comments = {
        "server": "stop accepting new requests",
        "worker": "let the workers finish their running jobs",
        "queue": "then the queues",
        "redis": "then the Redis clients",
        "database": "then the databases",
    }
    steps = []
    for kind in comments:
        lines = [r.close for r in resources if r.kind == kind]
        if kind == "worker" and len(lines) > 1:
            names = ", ".join(f"{r.name}.close()" for r in resources if r.kind == kind)
            lines = [f"await Promise.all([{names}])"]
        if lines:
            steps.append({"comment": comments[kind], "lines": lines, "kind": kind})
    return steps


def _process_key(finding: Finding) -> str:
    return finding.process[2] if finding.process else finding.location.path


def attach_shutdown_fixes(findings: list[Finding], rules, root: str, unsafe: bool = True) -> None:
    """Plan one shutdown per JS/TS process and give its edits to the findings it resolves."""
    table = next((r.data.get("process_shutdown") for r in rules if r.id == "CL002"), None)
    if table is None:  # CL002 not selected: its template still writes the shutdown of what is
        from crashlint.rulepack import load_rules

        table = next((r.data.get("process_shutdown") for r in load_rules() if r.id == "CL002"), None)
    if not table:
        return
    by_process: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.rule_id in RULES and finding.language in ("typescript", "javascript") \
                and not finding.location.path.startswith(("/", "../")):
            by_process.setdefault(_process_key(finding), []).append(finding)
    for key, group in sorted(by_process.items()):
        try:
            _plan_process(key, group, table, root, unsafe)
        except (OSError, ValueError, AttributeError, TypeError):
            continue  # a shape this planner does not know: no shutdown fix rather than a wrong one
    python_processes: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.language == "python" and not finding.location.path.startswith(("/", "../")):
            python_processes.setdefault(_process_key(finding), []).append(finding)
    for key, group in sorted(python_processes.items()):
        try:
            _plan_python_lifespan(key, group, table, root, unsafe)
        except (OSError, ValueError, AttributeError, TypeError, UnicodeDecodeError):
            continue
    loops: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.rule_id == "CL012" and finding.language == "python" and finding.context.get("loop") == "yes" \
                and not finding.location.path.startswith(("/", "../")) and finding.fix is None:
            loops.setdefault(finding.location.path, []).append(finding)
    for path, group in sorted(loops.items()):
        try:
            _plan_python_loops(path, group, table, root)
        except (OSError, ValueError, AttributeError, TypeError, UnicodeDecodeError):
            continue


def _needs_shutdown(finding: Finding) -> bool:
    missing = finding.context.get("missing", "").split()
    if finding.rule_id == "CL001":
        return "close" in missing
    if finding.rule_id in ("CL002", "CL012"):
        return True
    return False


def _plan_process(key: str, group: list[Finding], table: dict, root: str, unsafe: bool) -> None:
    if not any(_needs_shutdown(f) for f in group):
        return
    if not unsafe and all(f.fix is not None and f.fix.safe for f in group):
        # without --unsafe-fixes the plan goes only to findings with no safe fix of their own (the
        # loop at the end): here there is none, so nothing is parsed or planned (issue 13, cost per
        # finding: 3,000 processes of a client each planned and dropped, 5 s of a cold scan)
        return
    paths = sorted({f.location.path for f in group})
    home_path = next((p for p in paths if key == p or key.endswith("/" + p)), None) or _entry_path(key, root)
    if home_path is None:
        # the entry file is not known: a process-wide handler placed in some other module (a
        # controller that happens to hold a client) would be the wrong place
        return
    files: dict[str, SourceFile] = {}

    def file_of(path: str) -> SourceFile | None:
        if path not in files:
            parsed = _parse(root, path)
            if parsed is None:
                return None
            files[path] = parsed
        return files[path]

    home = file_of(home_path)
    if home is None:
        return
    home_imports = _relative_imports(home)
    style = javascript.style_of(home.source, (home.source.count(b"'"), home.source.count(b'"')))
    semi = style.semicolon
    resources: list[Resource] = []
    resolved: dict[int, tuple[str, ...]] = {}  # id(finding) -> the needs this plan resolves

    def bind(path: str, name: str, kind: str, close: str, at_line: int | None = None) -> bool:
        """`at_line`: the line of the construction the name must hold. A finding's subject may be
        no binding of its construction (`export default new Redis()` is named after its file, and
        the file may declare that name for something else): then there is nothing to close by name."""
        if path != home_path and posixpath.splitext(path)[0] not in home_imports:
            # importing it would create its clients in a process that never loaded them; decided
            # before the file is parsed (a process holding 3,000 clients parsed them all again)
            return False
        file = file_of(path)
        if file is None:
            return False
        if any(r.path == path and r.name == name for r in resources):
            return True  # two findings about one client: closed once
        found = _top_declaration(file, name)
        if found is not None and at_line is not None and not (
                found[0].start_point[0] + 1 <= at_line <= found[0].end_point[0] + 1):
            return False
        if found is None:
            if at_line is not None:
                return False
            if path == home_path and _imports_name(file, name):
                resources.append(Resource(name, path, kind, close))  # imported: module-level too
                return True
            return False  # a local of some function: the shutdown function cannot reach it
        if path != home_path:
            if not _is_esm(file) or not _is_esm(home):
                return False  # CommonJS: exports are not planned here
            statement, exported = found
            if not exported:
                file.edits.append(Edit(statement.start_byte, statement.start_byte, "export "))
            if any(r.name == name and r.path != path for r in resources) or (home.has_name(name) and not _imports_name(home, name)):
                return False  # the name means something else in the entry file
        resources.append(Resource(name, path, kind, close))
        return True

    # servers first (stop accepting), from CL012
    for finding in (f for f in group if f.rule_id == "CL012" and f.location.path == home_path):
        app = finding.context.get("app") or finding.subject
        library = finding.context.get("library", "").lower()
        if any(s in library for s in SELF_CLOSING_APPS):
            resources.append(Resource(app, home_path, "server", f"await {app}.close()"))
            resolved[id(finding)] = ()
            continue
        server = finding.context.get("server", "")
        if not server:
            call = _call_at(home, finding.anchor)
            statement = call.parent if call is not None else None
            if statement is None or statement.type != "expression_statement" or statement.parent.type != "program":
                continue
            server = _fresh(home, "server")
            home.edits.append(Edit(call.start_byte, call.start_byte, f"const {server} = "))
        resources.append(Resource(server, home_path, "server",
                                  f"await new Promise{'<void>' if home.ts else ''}((resolve) => {server}.close(() => resolve()))"))
        resolved[id(finding)] = ()
    # workers, then queues (CL002)
    for finding in (f for f in group if f.rule_id == "CL002"):
        names = [(n, "worker") for n in finding.context.get("workers", "").split()] + \
                [(n, "queue") for n in finding.context.get("queues", "").split()]
        if not names:  # one resource alone: its library says which
            library = finding.context.get("library", "")
            names = [(finding.subject, "queue" if library in ("Queue", "QueueEvents", "FlowProducer") else "worker")]
        if "bound" in finding.context.get("missing", "").split() and len(names) == 1:
            bound = _give_variable(file_of(finding.location.path), finding, home_path, _is_esm(home))
            if bound is None:
                continue
            names = [(bound, names[0][1])]
            resources.append(Resource(bound, finding.location.path, names[0][1], f"await {bound}.close()"))
            resolved[id(finding)] = ("bound", "close")
            continue
        created = {r.message.split("`")[1]: r.location.path for r in finding.related
                   if r.message.startswith("`") and r.message.endswith("created here")}
        ok = bool(names)
        for name, kind in names:
            where = created.get(name, finding.location.path)
            if not re.fullmatch(r"[A-Za-z_$][\w$]*", name) or not bind(where, name, kind, f"await {name}.close()"):
                ok = False
        if ok:
            resolved[id(finding)] = ("close",)
    # Redis clients never closed (CL001)
    for finding in (f for f in group if f.rule_id == "CL001" and "close" in f.context.get("missing", "").split()):
        name = finding.subject
        if re.fullmatch(r"[A-Za-z_$][\w$]*", name) and bind(finding.location.path, name, "redis", f"await {name}.quit()",
                                                                   finding.location.start_line):
            resolved[id(finding)] = ("close",)
    # clients whose only problem was that no SIGTERM handler closes them, in a process with none: no
    # finding of their own, carried by the finding whose fix writes the handler (engine/run.py)
    for carrier in group:
        carried = False
        for line in carrier.context.get("also_close", "").splitlines():
            path, at, name = (line.split("\t") + ["", ""])[:3]
            if re.fullmatch(r"[A-Za-z_$][\w$]*", name) and at.isdigit() and bind(path, name, "redis", f"await {name}.quit()", int(at)):
                carried = True
        if carried and id(carrier) not in resolved:
            # the carrier's own subjects could not all be closed (a queue in a module the entry does
            # not import): its fix closes the clients it carries, and the finding stays, partly fixed
            resolved[id(carrier)] = ("carried-close",)
    # databases the process connects (CL009's mongoose.connect, pools, Prisma)
    for finding in (f for f in group if f.rule_id == "CL009"):
        callee = finding.context.get("callee", "")
        if callee == "mongoose.connect":
            name = _imported_default(home, "mongoose")
            if name is None:
                name = _fresh(home, "mongoose")
                home.edits.append(Edit(_line_start_after_imports(home), _line_start_after_imports(home),
                                       f"import {name} from {style.quote}mongoose{style.quote}{semi}{style.newline}"))
            resources.append(Resource(name, home_path, "database", f"await {name}.disconnect()"))
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", finding.subject) and callee in ("Pool", "pg.Pool", "mysql.createPool"):
            bind(finding.location.path, finding.subject, "database", f"await {finding.subject}.end()",
                 finding.location.start_line)
    if not resources:
        return
    # imports of what other modules hold, after the home file's imports
    imports: dict[str, list[str]] = {}
    for resource in resources:
        if resource.path != home_path and not _imports_name(home, resource.name):
            imports.setdefault(resource.path, []).append(resource.name)
    if imports:
        lines = [f"import {{ {', '.join(dict.fromkeys(names))} }} from {style.quote}{_module_specifier(home_path, path)}{style.quote}{semi}"
                 for path, names in sorted(imports.items())]
        _insert_lines(home, _last_import_end(home), "\n".join(lines), style)

    steps = _render_steps(resources)
    closes = ", ".join(f"`{r.name}`" for r in resources)
    handlers = _signal_handlers(home)
    cl005 = next((f for f in group if f.rule_id == "CL005" and f.location.path == home_path), None)
    if handlers:
        if not _extend(home, handlers[0], steps, style, table):
            return
        name = None
    else:
        name = _fresh(home, "shutdown")
        values = dict(ts=home.ts, q=style.quote, semi=semi, name=name, flag=_fresh(home, "shuttingDown"),
                      steps=steps, deadline_ms=table.get("deadline_ms", "25_000"))
        block = _dedent_blank(render(table["handler"], **values))
        if cl005 is not None and {"unhandledRejection", "uncaughtException"} <= set(cl005.context.get("missing", "").split()):
            block += "\n\n" + _dedent_blank(render(table["process_handlers"], **values))
            resolved[id(cl005)] = ("unhandledRejection", "uncaughtException")
        end = len(home.source.rstrip())
        home.edits.append(Edit(end, end, style.newline * 2 + block.replace("\n", style.newline)))
    if cl005 is not None and "error-middleware" in cl005.context.get("missing", "").split():
        app = cl005.subject
        listen = next((f for f in group if f.rule_id == "CL012" and f.location.path == home_path), None)
        before = _call_at(home, listen.anchor).start_byte if listen is not None else len(home.source)
        last = _last_route_statement(home, app, before)
        if last is not None:
            express = _imported_default(home, "express")
            types = (f"{express}.Request", f"{express}.Response", f"{express}.NextFunction") if express else ("any",) * 3
            text = _dedent_blank(render(table["error_middleware"], ts=home.ts, q=style.quote, semi=semi, app=app, types=types))
            _insert_lines(home, last.end_byte, "\n" + text, style)
            resolved[id(cl005)] = resolved.get(id(cl005), ()) + ("error-middleware",)

    title = render(table["title"], closes=closes)
    plan = tuple((p, tuple(f.edits)) for p, f in sorted(files.items(), key=lambda kv: (kv[0] != home_path, kv[0])) if f.edits)
    for finding in group:
        if id(finding) not in resolved:
            continue
        file = files.get(finding.location.path)
        own = list(file.edits) if file is not None else []
        # the edits in the other files (the entry's handler, another module's exports) go with it
        elsewhere = tuple((f.path, _digest(f.source), tuple(f.edits)) for p, f in sorted(files.items())
                          if p != finding.location.path and f.edits)
        previous = finding.fix
        if previous is not None and previous.safe and not unsafe:
            continue  # `--fix` applies its safe fix; the shutdown comes with --unsafe-fixes
        if previous is not None:
            own = list(previous.edits) + own
        if not own and not elsewhere and not (previous is not None and previous.marked):  # a marked fix has edits, not computed
            continue
        if file is None:
            file = file_of(finding.location.path)
            if file is None:
                continue
        finding.fix = Fix(
            elsewhere=elsewhere,
            title=title if previous is None else f"{previous.title}; {title}",
            safe=False,
            edits=tuple(own),
            resolves=tuple(dict.fromkeys((*(previous.resolves if previous else ()), *resolved[id(finding)]))),
            regions=tuple((*_position(file.source, e.start), *_position(file.source, e.end)) for e in own),
            digest=_digest(file.source),
            plan_title=title,
            plan=plan,
            marked=previous is not None and previous.marked,  # its own edits were not computed
        )


def _give_variable(file: SourceFile | None, finding: Finding, home_path: str, home_esm: bool) -> str | None:
    """`new Worker("audit-log", …)` as a statement of its own → `const auditLogWorker = new Worker(…)`
    (exported when the shutdown lives in another module): nothing can close what nobody holds."""
    if file is None:
        return None
    call = _call_at(file, finding.anchor)
    statement = call.parent if call is not None else None
    if statement is None or statement.type != "expression_statement" or statement.parent.type != "program":
        return None
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    words = re.findall(r"[A-Za-z0-9]+", file.text(first)[1:-1]) if first is not None and first.type == "string" else []
    kind = finding.context.get("library", "Worker")
    stem = (words[0].lower() + "".join(w.capitalize() for w in words[1:])) if words else ""
    wanted = stem + kind if stem and not stem[0].isdigit() else kind[0].lower() + kind[1:]
    name = _fresh(file, wanted)
    exported = file.path != home_path
    if exported and not (_is_esm(file) and home_esm):
        return None
    file.edits.append(Edit(call.start_byte, call.start_byte, f"{'export ' if exported else ''}const {name} = "))
    return name


def _entry_path(key: str, root: str) -> str | None:
    """The process's entry file as a path under the scan root (the process model names it from the
    working directory when the root is elsewhere)."""
    import os

    for candidate in (key, os.path.relpath(os.path.abspath(key), root)):
        candidate = candidate.replace(os.sep, "/")
        if not candidate.startswith("../") and os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


def _line_start_after_imports(file: SourceFile) -> int:
    end = _last_import_end(file)
    if end == 0:
        return 0
    line_end = file.source.find(b"\n", end)
    return len(file.source) if line_end < 0 else line_end + 1


def _dedent_blank(text: str) -> str:
    """A rendered template without its leading/trailing blank lines and with Jinja's empty lines gone."""
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def _extend(file: SourceFile, function, steps: list[dict], style: javascript.Style, table: dict) -> bool:
    """Add the closes to an existing async SIGTERM/SIGINT handler: accepting stops and workers close
    at its start, Redis clients and databases before its first `process.exit` (or at its end)."""
    if not _is_async(file, function):
        return False  # `await` would not compile there
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block" or not body.named_children:
        return False
    semi = style.semicolon
    early = [line for s in steps if s["kind"] in ("server", "worker", "queue") for line in s["lines"]]
    late = [line for s in steps if s["kind"] in ("redis", "database") for line in s["lines"]]
    statements = body.named_children
    indent = javascript._indent_at(file.source, statements[0].start_byte)

    def block(lines: list[str]) -> list[str]:
        text = _dedent_blank(render(table["extend_block"], lines=lines, q=style.quote, semi=semi))
        return [line.replace("  ", style.indent_unit) if line.startswith("  ") else line for line in text.split("\n")]

    if early:
        at = statements[0].start_byte
        file.edits.append(Edit(at, at, "".join(f"{line}{style.newline}{indent}" for line in block(early))))
    if late:
        exit_statement = next((s for s in statements if file.text(s).startswith("process.exit")), None)
        if exit_statement is not None:
            at = exit_statement.start_byte
            file.edits.append(Edit(at, at, "".join(f"{line}{style.newline}{indent}" for line in block(late))))
        else:
            at = statements[-1].end_byte
            file.edits.append(Edit(at, at, "".join(f"{style.newline}{indent}{line}" for line in block(late))))
    return True


def _position(source: bytes, offset: int) -> tuple[int, int]:
    line_start = source.rfind(b"\n", 0, offset) + 1
    return source.count(b"\n", 0, offset) + 1, len(source[line_start:offset].decode("utf-8", "replace")) + 1


def _digest(source: bytes) -> str:
    import hashlib

    return hashlib.sha256(source).hexdigest()


# Python: the clients a FastAPI process holds, closed in its lifespan.
PY_CLOSES = {
    # callee (as the finding's context names it) -> (closing call, awaited)
    "redis.Redis": ("close", False), "Redis": ("close", False), "redis.from_url": ("close", False),
    "redis.StrictRedis": ("close", False), "StrictRedis": ("close", False),
    "redis.asyncio.Redis": ("aclose", True), "aioredis.from_url": ("aclose", True), "redis.asyncio.from_url": ("aclose", True),
    "MongoClient": ("close", False), "pymongo.MongoClient": ("close", False),
    "AsyncIOMotorClient": ("close", False), "motor.motor_asyncio.AsyncIOMotorClient": ("close", False),
    "create_engine": ("dispose", False), "sqlalchemy.create_engine": ("dispose", False),
    "create_async_engine": ("dispose", True),
}


def _py_parse(root: str, path: str) -> SourceFile | None:
    try:
        with open(posixpath.join(root, path), "rb") as handle:
            source = handle.read()
    except OSError:
        return None
    if source.startswith(b"\xef\xbb\xbf"):
        return None
    return SourceFile(path, source, parser("python").parse(source), ts=False)


def _py_fastapi_app(file: SourceFile):
    """(statement, call, name) of a module-level `app = FastAPI(…)`."""
    for child in file.tree.root_node.named_children:
        if child.type != "expression_statement" or not child.named_children:
            continue
        assignment = child.named_children[0]
        if assignment.type != "assignment":
            continue
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or right.type != "call":
            continue
        function = right.child_by_field_name("function")
        if function is not None and file.text(function) in ("FastAPI", "fastapi.FastAPI"):
            return child, right, file.text(left)
    return None


def _py_imports(file: SourceFile, name: str) -> bool:
    """Whether the module binds `name` by an import."""
    for child in file.tree.root_node.named_children:
        if child.type in ("import_from_statement", "import_statement") and re.search(rf"\b{re.escape(name)}\b", file.text(child)):
            return True
    return False


def _py_module(path: str) -> str | None:
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def _plan_python_lifespan(key: str, group: list[Finding], table: dict, root: str, unsafe: bool) -> None:
    template = table.get("python_lifespan")
    if not template:
        return
    unclosed = [f for f in group if f.rule_id == "CL001" and "close" in f.context.get("missing", "").split()]
    if not unclosed:
        return
    home_path = next((f.location.path for f in group if key == f.location.path or key.endswith("/" + f.location.path)), None)
    if home_path is None:
        return  # no finding in the app's file to carry the edit
    home = _py_parse(root, home_path)
    if home is None:
        return
    found = _py_fastapi_app(home)
    if found is None:
        return  # not a FastAPI app module (a standalone worker loop is left alone: see the README)
    statement, call, app_name = found
    args = call.child_by_field_name("arguments")
    if args is None or "lifespan" in home.text(args) or re.search(rb"\.on_event\(|add_event_handler\(", home.source):
        return  # it has a lifespan or shutdown events already: extending those is not planned here
    names = home.names
    closes: list[str] = []
    imports: list[str] = []
    resolved: list[Finding] = []
    databases = [f for f in group if f.rule_id == "CL009"]
    for finding in [*unclosed, *databases]:
        name = finding.subject
        close = PY_CLOSES.get(finding.context.get("callee", ""))
        if close is None or not name.isidentifier():
            continue
        if finding.location.path != home_path:
            module = _py_module(finding.location.path)
            if module is None:
                continue
            if not _py_imports(home, name):
                if name in names:
                    continue  # the name means something else here
                imports.append(f"from {module} import {name}")
        method, awaited = close
        closes.append(f"{'await ' if awaited else ''}{name}.{method}()")
        if finding.rule_id == "CL001":
            resolved.append(finding)
    if not resolved:
        return
    newline = "\r\n" if b"\r\n" in home.source else "\n"
    if not _py_imports(home, "asynccontextmanager"):
        imports.insert(0, "from contextlib import asynccontextmanager")
    lifespan = "lifespan" if "lifespan" not in names else _fresh(home, "lifespan")
    app_class = home.text(call.child_by_field_name("function"))
    block = _dedent_blank(render(template, name=lifespan, app_class=app_class, closes=closes))
    edits: list[Edit] = []
    if imports:
        last = 0
        for child in home.tree.root_node.named_children:
            if child.type in ("import_statement", "import_from_statement", "future_import_statement"):
                last = child.end_byte
        at = home.source.find(b"\n", last)
        at = len(home.source) if at < 0 else at
        edits.append(Edit(at, at, "".join(newline + line for line in imports)))
    edits.append(Edit(statement.start_byte, statement.start_byte, ("\n" + block + "\n\n\n").replace("\n", newline)))
    closing = args.end_byte - 1  # the `)`
    inside = home.source[args.start_byte + 1 : closing].rstrip()
    values = args.named_children
    if values and values[-1].start_point[0] != args.start_point[0]:
        # one argument per line: ours on a line of its own, in the call's trailing-comma style
        last = values[-1]
        indent = javascript._indent_at(home.source, last.start_byte)
        if inside.endswith(b","):
            at = javascript._line_end(home.source, last.end_byte)
            edits.append(Edit(at, at, f"{newline}{indent}lifespan={lifespan},"))
        else:
            edits.append(Edit(last.end_byte, last.end_byte, f",{newline}{indent}lifespan={lifespan}"))
    else:
        separator = "" if not inside else (" " if inside.endswith(b",") else ", ")
        edits.append(Edit(closing, closing, f"{separator}lifespan={lifespan}"))
    title = render(table["title"], closes=", ".join(f"`{c}`" for c in closes))
    carriers = [f for f in group if f.location.path == home_path and (unsafe or f.fix is None or not f.fix.safe)]
    if not carriers:
        return
    carrier = next((f for f in carriers if f.rule_id == "CL010"), carriers[0])
    previous = carrier.fix
    own = [*(previous.edits if previous else ()), *edits]
    carrier.fix = Fix(
        title=title if previous is None else f"{previous.title}; {title}",
        safe=False,
        edits=tuple(own),
        # what the carrier itself still needs is left as it was: the lifespan resolves the CL001 closes
        resolves=previous.resolves if previous and previous.resolves else ("lifespan",),
        regions=tuple((*_position(home.source, e.start), *_position(home.source, e.end)) for e in own),
        digest=_digest(home.source),
        plan_title=title,
        plan=((home_path, tuple(edits)),),
    )
    for finding in resolved:
        if finding.fix is not None and finding.fix.resolves and (unsafe or not finding.fix.safe):
            finding.fix = Fix(finding.fix.title, False, finding.fix.edits, (*finding.fix.resolves, "close"),
                              finding.fix.regions, finding.fix.digest)


def _plan_python_loops(path: str, group: list[Finding], table: dict, root: str) -> None:
    """A stop flag set by SIGTERM/SIGINT, checked at the top of each reported `while` loop."""
    flag_template, check_template = table.get("python_loop_flag"), table.get("python_loop_check")
    if not flag_template or not check_template:
        return
    file = _py_parse(root, path)
    if file is None:
        return
    newline = "\r\n" if b"\r\n" in file.source else "\n"
    flag, handler = _fresh(file, "_stopping"), _fresh(file, "_request_stop")
    checks: list[tuple[Finding, Edit]] = []
    for finding in group:
        loop = _py_while_at(file, finding.location.start_line)
        body = loop.child_by_field_name("body") if loop is not None else None
        if body is None or not body.named_children or body.start_point[0] == loop.start_point[0]:
            continue  # `while True: work()` on one line: no room for a check
        first = body.named_children[0]
        indent = javascript._indent_at(file.source, first.start_byte)
        unit = indent[len(javascript._indent_at(file.source, loop.start_byte)):] or "    "
        lines = _dedent_blank(render(check_template, flag=flag)).split("\n")
        text = "".join((indent if i else "") + line.replace("    ", unit) + newline for i, line in enumerate(lines))
        checks.append((finding, Edit(first.start_byte, first.start_byte, text + indent)))
    if not checks:
        return
    block = _dedent_blank(render(flag_template, flag=flag, handler=handler))
    last_import = 0
    for child in file.tree.root_node.named_children:
        if child.type in ("import_statement", "import_from_statement", "future_import_statement"):
            last_import = child.end_byte
    if last_import == 0:
        return  # no import to stand after (a docstring-only head): not planned
    at = file.source.find(b"\n", last_import)
    at = len(file.source) if at < 0 else at
    head = "" if re.search(rb"^import signal\b", file.source, re.M) else newline + "import signal"
    module = Edit(at, at, head + (newline * 3 + block).replace("\n", newline))
    edits = [module, *(edit for _, edit in checks)]
    for finding, _ in checks:
        finding.fix = Fix(
            title=f"Stop the worker loop between items on SIGTERM/SIGINT (`{flag}`)",
            safe=False,
            edits=tuple(edits),
            regions=tuple((*_position(file.source, e.start), *_position(file.source, e.end)) for e in edits),
            digest=_digest(file.source),
        )


def _py_while_at(file: SourceFile, line: int):
    found = None

    def visit(node) -> None:
        nonlocal found
        if found is not None or node.start_point[0] > line - 1 or node.end_point[0] < line - 1:
            return
        if node.type == "while_statement" and node.start_point[0] == line - 1:
            found = node
            return
        for child in node.named_children:
            visit(child)

    visit(file.tree.root_node)
    return found
