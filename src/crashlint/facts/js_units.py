"""Which module-level names each top-level declaration of a JS/TS module uses (issue 14, reachability
by symbol).

A module a server loads runs its top-level code; a function or class it declares runs only if code
that runs names it. `FileFacts.units` holds each top-level declaration whose body does not run at
load — a function, a class with no decorator and no static initialiser, a `const f = () => …` — with
its lines and the module-level names (imports and top-level declarations) its body uses;
`FileFacts.load_uses` holds the module-level names code that runs at load uses (statements,
initialisers of other variables, decorators, `module.exports = …`, `export default <expression>`,
TypeScript's `export = <expression>`).
`FileFacts.whole_loads` holds the specifiers of `require(…)` not destructured on the spot and of
`import(…)`: such a module is used as a whole object, any of its exports may run (but a CommonJS
module required into a name: that name is its `module.exports`, the `<default>` declaration).
CommonJS exports (`module.exports = X`, `exports.x = function …`) are declarations of the export, as
the extractor names them (`<default>`, `<exports>.x`); `FileFacts.es_module` tells an ES module
(one with `import` / `export` statements) from a CommonJS one.
An imported name read for one of its members (`StoreActions.receive(…)`, `Api.fetchX`, a type's
`Ns.Props`) is recorded as the use `StoreActions.receive` (`member_use` splits it): when the import is
a namespace (`import * as X`, or a name its module re-exports from one), the process model follows
that member alone, not every export of the namespace (rev19-ts lesson 1: APITable's room-server calls
three sync `StoreActions` and was given every thunk of the namespace, with the web client's 88 axios
calls). Any other use of the name (`X[key]`, `{ ...X }`, `f(X)`, `typeof X`) stays a use of the whole.
The process model walks these from each long-lived entry (`ProcessModel._symbol_reach`).

Cost: the identifiers and loader calls come from the extractor's one query (`query_patterns`, no
walk of its own), then one pass over the file's top-level statements, O(identifiers + statements):
each identifier is matched to its statement by a moving cursor (both are in source order).
"""

from __future__ import annotations

import tree_sitter

from crashlint.facts.common import _SOURCE, text
from crashlint.facts.model import MODULE_SCOPE, FileFacts

_DEFERRED_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function", "class"})
_FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
_CLASS_DECLARATIONS = frozenset({"class_declaration", "abstract_class_declaration"})
# statements that hold no code that runs: types, ambient declarations, imports, export lists
_INERT = frozenset({"import_statement", "interface_declaration", "type_alias_declaration", "ambient_declaration",
                    "comment", "empty_statement", "function_signature"})
# `<default>`: the name the extractor gives an anonymous default export's declaration
DEFAULT_UNIT = "<default>"


def member_use(name: str) -> tuple[str, str] | None:
    """(binding, member) of a use recorded as `binding.member` (an imported name read for one
    member); None for a plain name (`<exports>.x`, the extractor's name of a CommonJS export, is one)."""
    if name.startswith("<"):
        return None
    binding, dot, member = name.partition(".")
    return (binding, member) if dot else None


def query_patterns(grammar: str) -> list[str]:
    """What `extract_units` reads, as patterns of the extractor's one query (crashlint.facts.javascript):
    a query of their own walked the whole tree a second time, ~10 % of a cold scan of novu (issue 13)."""
    return [
        # a type names a class too: `svc: WorkflowOrchestratorService` in a class a DI container
        # fills (Medusa's awilix modules) means an instance exists and its methods may run
        "[(identifier) (shorthand_property_identifier)" + (" (type_identifier)" if grammar != "javascript" else "") + "] @use",
        '(call_expression function: [(identifier) (import)] @loader arguments: (arguments . (string) @spec))',
        # `X.m`, `X?.m` (not `X[k]`), a type's `X.T`: the member an imported name is read for (`member_use`)
        "(member_expression object: (identifier) property: (property_identifier)) @member_read",
    ] + (["(nested_type_identifier module: (identifier) name: (type_identifier)) @member_read"] if grammar != "javascript" else [])


def _class_runs_at_load(node: tree_sitter.Node) -> bool:
    """A decorator (Nest's `@Injectable()`, `@Controller()`: a framework makes its instances) or a
    static initialiser runs when the class is defined: such a class counts as code that runs."""
    if any(c.type == "decorator" for c in node.children):
        return True
    body = node.child_by_field_name("body")
    for member in body.named_children if body is not None else ():
        if member.type in ("class_static_block", "static_block") or any(c.type == "decorator" for c in member.children):
            return True
        if member.type in ("public_field_definition", "field_definition") and any(c.type == "static" for c in member.children) \
                and member.child_by_field_name("value") is not None:
            return True
    return False


def _commonjs_export(statement: tree_sitter.Node) -> list[tuple[str, tree_sitter.Node]] | None:
    """`module.exports = X` (the module's default, `<default>`), `exports.x = X` / `module.exports.x = X`
    (`<exports>.x`, the extractor's names) with X a name, a function or a class: a declaration of
    the export, which runs when a user of the export does; `module.exports = { a, b: b }` of names only:
    no code (the extractor maps each key to its name). None for anything else."""
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    assign = statement.named_children[0]
    if assign.type != "assignment_expression":
        return None
    left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
    if left is None or right is None or left.type != "member_expression":
        return None
    target = text(left)
    if target == "module.exports":
        name = DEFAULT_UNIT
    elif target.startswith(("exports.", "module.exports.")) and target.count(".") == (1 if target.startswith("exports.") else 2):
        name = "<exports>." + target.rsplit(".", 1)[1]
    else:
        return None
    if right.type == "identifier" or right.type in _DEFERRED_VALUES and not (right.type == "class" and _class_runs_at_load(right)):
        return [(name, statement)]
    if name == DEFAULT_UNIT and right.type == "object" and all(
            c.type == "shorthand_property_identifier" or c.type == "pair" and (v := c.child_by_field_name("value")) is not None
            and v.type == "identifier" for c in right.named_children):
        return []
    return None


def _units_of(statement: tree_sitter.Node) -> list[tuple[str, tree_sitter.Node]] | None:
    """The deferred declarations of a top-level statement as (name, node whose lines they cover),
    [] for a statement with no code, None for one that runs at load."""
    node = statement
    if node.type in _INERT:
        return []
    if node.type == "expression_statement":
        return _commonjs_export(node)
    if node.type == "export_statement":
        if any(c.type == "decorator" for c in node.children):
            return None
        inner = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        if inner is None and value is None:
            if any(c.type == "=" for c in node.children):
                # TypeScript's `export = { generic: parseAtomOrRss }` (omnivore's RSS converters, a
                # default import's `converters.generic(item)`): what it names is the module's
                # export, used by any importer (read as load-time code: every name it writes is reached)
                return None
            return []  # `export { a }`, `export * from …`: names, no code
        if inner is None:
            assert value is not None
            if value.type in _DEFERRED_VALUES and not (value.type == "class" and _class_runs_at_load(value)):
                return [(DEFAULT_UNIT, statement)]
            return None
        node = inner
    if node.type in _INERT:
        return []
    if node.type in _FUNCTION_DECLARATIONS or node.type in _CLASS_DECLARATIONS:
        name = node.child_by_field_name("name")
        if node.type in _CLASS_DECLARATIONS and _class_runs_at_load(node):
            return None
        is_default = statement.type == "export_statement" and any(c.type == "default" for c in statement.children)
        if name is None:
            return [(DEFAULT_UNIT, statement)] if is_default else None
        return [(text(name), statement)]
    if node.type in ("lexical_declaration", "variable_declaration"):
        declarators = [c for c in node.named_children if c.type == "variable_declarator"]
        units: list[tuple[str, tree_sitter.Node]] = []
        for declarator in declarators:
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None or name.type != "identifier" or value is None or value.type not in _DEFERRED_VALUES \
                    or (value.type == "class" and _class_runs_at_load(value)):
                return None
            units.append((text(name), statement if len(declarators) == 1 else declarator))
        return units
    return None


def extract_units(root: tree_sitter.Node, facts: FileFacts, captures: dict[str, list[tree_sitter.Node]],
                  declarators: list[tree_sitter.Node]) -> None:
    """`captures`: those of `query_patterns` (use, loader, spec); `declarators`: the file's
    `variable_declarator` nodes (the extractor's own capture)."""
    bindings = {d.name for d in facts.decls if d.scope == MODULE_SCOPE and "." not in d.name}
    imported = {d.name for d in facts.decls if d.scope == MODULE_SCOPE and d.value.kind == "import" and "." not in d.name}
    # `const x = …`: x is declared there, not used
    defined = {name.start_byte for d in declarators if (name := d.child_by_field_name("name")) is not None and name.type == "identifier"}
    # the uses of module-level names, in source order, found by their bytes (no string per identifier)
    source = _SOURCE[0]
    wanted = {name.encode("utf-8"): name for name in bindings}
    # the object of each `X.m` read → its member's node (read down from the captured node: `Node.parent`
    # walks down from the root, issue 13); the member's text is taken only for imported names
    members: dict[int, tree_sitter.Node] = {}
    for read in captures.get("member_read", ()):
        target = read.child_by_field_name("object" if read.type == "member_expression" else "module")
        member = read.child_by_field_name("property" if read.type == "member_expression" else "name")
        if target is not None and member is not None:
            members[target.start_byte] = member
    uses: list[tuple[int, str]] = []
    for node in captures.get("use", ()):
        start = node.start_byte
        name = wanted.get(source[start:node.end_byte])
        if name is not None and start not in defined:
            member = members.get(start) if name in imported else None
            uses.append((start, f"{name}.{text(member)}" if member is not None else name))
    uses.sort()
    whole: set[str] = set()
    loaders = {n.start_byte: n for n in captures.get("loader", ())}
    for spec in captures.get("spec", ()):
        call = spec.parent.parent if spec.parent is not None else None
        function = call.child_by_field_name("function") if call is not None else None
        if function is None or function.start_byte not in loaders:
            continue
        if function.type == "identifier" and text(function) != "require":
            continue
        parent = call.parent
        destructured = (function.type == "identifier" and parent is not None and parent.type == "variable_declarator"
                        and (pattern := parent.child_by_field_name("name")) is not None and pattern.type == "object_pattern")
        if not destructured:
            whole.add(text(spec)[1:-1])
    units: list[tuple[str, int, int, tuple[str, ...]]] = []
    load: set[str] = set()
    cursor = 0
    for statement in root.named_children:
        if statement.type in ("export_statement", "import_statement"):
            facts.es_module = True
        found = _units_of(statement)
        if found == []:
            while cursor < len(uses) and uses[cursor][0] < statement.end_byte:
                cursor += 1
            continue
        if found is None:
            while cursor < len(uses) and uses[cursor][0] < statement.end_byte:
                load.add(uses[cursor][1])
                cursor += 1
            continue
        for unit, node in found:
            while cursor < len(uses) and uses[cursor][0] < node.start_byte:
                cursor += 1  # (a declarator's own leading text: `const` of a multi-declarator list)
            used: set[str] = set()
            while cursor < len(uses) and uses[cursor][0] < node.end_byte:
                name = uses[cursor][1]
                if name != unit:
                    used.add(name)
                cursor += 1
            units.append((unit, node.start_point[0] + 1, node.end_point[0] + 1, tuple(sorted(used))))
        while cursor < len(uses) and uses[cursor][0] < statement.end_byte:
            cursor += 1
    facts.units = tuple(units)
    facts.load_uses = tuple(sorted(load))
    facts.whole_loads = tuple(sorted(whole))
