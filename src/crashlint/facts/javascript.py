"""Facts from a TypeScript / TSX / JavaScript tree.

One tree-sitter query (run in C) captures every node kind the facts need; a single sorted sweep
over the captures assigns scopes; small handlers turn each captured node into facts. No handler
re-walks the tree: they look at the captured node and its direct fields only.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from sys import intern
from functools import cache

import tree_sitter

from crashlint.facts import edit_sites, js_units, model
from crashlint.facts.common import (
    _SOURCE,
    CLEANUP,
    SHORT_LIMIT,
    constructor,
    kind_names,
    updated,
    node_key,
    record_await,
    scope_id,
    short_text,
    span,
    sweep,
    text,
)
from crashlint.facts.model import (
    BLOCK_MARK,
    ELEMENT,
    MODULE_SCOPE,
    RETURNED_ARRAY,
    RETURNED_OBJECT,
    Assignment,
    Call,
    Export,
    FileFacts,
    Function,
    Path,
)
from crashlint.languages import ts_language

# the frozen fact classes, built without a setattr call per field (same objects)
Arg = constructor(model.Arg)
Value = constructor(model.Value)
Decl = constructor(model.Decl)

FUNCTION_KINDS = (
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "generator_function",
    "arrow_function",
    "method_definition",
)
CLASS_KINDS_JS = ("class_declaration", "class")
CLASS_KINDS_TS = ("class_declaration", "class", "abstract_class_declaration")
FIELD_KIND = {"javascript": "field_definition", "typescript": "public_field_definition", "tsx": "public_field_definition"}
FIELD_KIND_OTHER = {"javascript": "public_field_definition", "typescript": "field_definition", "tsx": "field_definition"}

# Wrappers that do not change which object an expression denotes.
TRANSPARENT = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression", "type_assertion"}
)
STATEMENT_PARENTS = frozenset(
    {
        "expression_statement",
        "lexical_declaration",
        "variable_declaration",
        "return_statement",
        "export_statement",
        "public_field_definition",
        "field_definition",
        "if_statement",
        "throw_statement",
    }
)
# Array methods whose callback's first parameter is each element of the receiver.
ITERATION_METHODS = frozenset({"forEach", "map", "flatMap", "filter", "some", "every", "find"})
FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
# Methods that return their receiver, so `const c = createClient().on("error", h)` binds the client.
# the namespaces of the WebExtension APIs an extension's code calls through `chrome.` or `browser.`
WEBEXTENSION_APIS = ("runtime", "tabs", "storage", "extension", "action", "browserAction", "pageAction", "contextMenus",
                     "scripting", "webRequest", "declarativeNetRequest", "webNavigation", "omnibox", "i18n", "sidePanel",
                     "offscreen")
# (not `cookies`, `windows`, `downloads`: a puppeteer or Playwright `browser` has members so named)
FLUENT_METHODS = frozenset({"on", "once", "addListener", "prependListener", "setMaxListeners", "connect"})


def _throw_on_shape(node: tree_sitter.Node) -> bool:
    """Whether a `throw` sits under an `if` inside a `catch` of its own function whose test names no
    name of the caught error (`catch (error) { if (!res || typeof res.status !== "function") throw
    error; … }`): it rethrows only when the call was not the one the catch was written for. A test
    that names the error (`if (!(error instanceof HttpError)) throw error`) is a rethrow of it."""
    tests: list[tree_sitter.Node] = []
    current = node.parent
    while current is not None and current.type not in FUNCTION_KINDS:
        if current.type == "if_statement":
            condition = current.child_by_field_name("condition")
            if condition is not None:
                tests.append(condition)
        elif current.type == "catch_clause":
            parameter = current.child_by_field_name("parameter")
            if parameter is None or parameter.type != "identifier" or not tests:
                return False
            caught = text(parameter)
            return not any(caught in _identifiers(test) for test in tests)
        current = current.parent
    return False


def _identifiers(node: tree_sitter.Node) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "shorthand_property_identifier"):
            found.add(text(current))
        stack.extend(current.children)
    return found


def query_source(grammar: str) -> str:
    classes = CLASS_KINDS_JS if grammar == "javascript" else CLASS_KINDS_TS
    return "\n".join(
        [
            "(import_statement) @import",
            "(export_statement) @export",
            "(variable_declarator) @declarator",
            "(assignment_expression) @assign",
            "(call_expression) @call",
            "(new_expression) @call",
            "(return_statement) @return",
            "(await_expression) @await",
            "(throw_statement) @throw",
            "(decorator) @decorator",  # of a class method (FileFacts.method_decorators)
            # the call that ends a catch block (a rethrow helper's call when it always throws)
            "(catch_clause body: (statement_block (expression_statement [(call_expression) (await_expression)] @catch_tail) .))",
        ]
        + [f"({k} body: (statement_block (throw_statement) @ends_throw .))" for k in FUNCTION_KINDS]
        + [f"({k} body: (statement_block (expression_statement [(call_expression) (await_expression)] @tail_call) .))" for k in FUNCTION_KINDS]
        + [
            "(arrow_function body: [(call_expression) (await_expression)] @tail_call)",
            # calls whose value is consumed by an await / yield
            "(await_expression [(call_expression) (new_expression)] @awaited)",
            "(yield_expression [(call_expression) (new_expression)] @awaited)",
            "(for_in_statement) @for",
            f"({FIELD_KIND[grammar]}) @field",
            "[" + " ".join(f"({k})" for k in sorted(STATEMENT_PARENTS - {FIELD_KIND_OTHER[grammar]})) + "] @statement",
            "(statement_block) @stop",
            # an await in a try body that has a catch is guarded; one in its finally (a cleanup) is
            # not reported in its function, but can still reject the function's promise
            "(try_statement body: (_) @guard handler: (_))",
            "(try_statement handler: (_) finalizer: (_) @cleanup)",
            "[" + " ".join(f"({k})" for k in FUNCTION_KINDS) + "] @function",
            "[" + " ".join(f"({k})" for k in classes) + "] @class",
        ]
        + (["(jsx_opening_element) @jsx", "(jsx_self_closing_element) @jsx"] if grammar != "typescript" else [])
        + [
            # browser globals: code that reads them runs in a browser (processes.py), whatever its
            # folder; `angular` is the global AngularJS 1 defines when a page loads angular.js
            # (`angular.module(…)`, docs.angularjs.org/api/ng/function/angular.module), there is no
            # server build of it
            "(member_expression object: (identifier) @dom"
            " (#any-of? @dom \"window\" \"document\" \"localStorage\" \"sessionStorage\" \"navigator\" \"angular\"))",
            # the WebExtension APIs a browser gives an extension's pages, workers and content
            # scripts (`chrome.runtime.sendMessage`, `browser.tabs.query`:
            # developer.chrome.com/docs/extensions/reference/api, developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/API);
            # `browser` alone is a common name in Node (a puppeteer Browser), so only with one of them
            "(member_expression object: (identifier) @dom property: (property_identifier) @webext_api"
            " (#any-of? @dom \"chrome\" \"browser\") (#any-of? @webext_api " + " ".join(f'"{n}"' for n in WEBEXTENSION_APIS) + "))",
            "(call_expression function: (import) arguments: (arguments . (string) @dynamic_import))",  # import("./x")
            "(if_statement consequence: (_) @if_body)",  # code that runs only under a development switch
            "(if_statement condition: (_) @if_test)",  # a test on one call's result (FileFacts.gates)
            # a path compared by hand with a request's URL (FileFacts.compared_paths)
            "(binary_expression right: (string) @path_cmp (#match? @path_cmp \"^.[/]\"))",
            "(binary_expression left: (string) @path_cmp (#match? @path_cmp \"^.[/]\"))",
            "(switch_case value: (string) @path_case (#match? @path_case \"^.[/]\"))",
            "(call_expression function: (import) arguments: (arguments . [(identifier) (member_expression) (template_string) (call_expression) (binary_expression)] @computed_import))",
            "(call_expression function: (identifier) @require_fn arguments: (arguments . [(identifier) (member_expression) (template_string) (call_expression) (binary_expression)]) (#eq? @require_fn \"require\"))",
            # a directory loader: `requireAll(path.join(__dirname, "../controller"))` (require-all),
            # `requireDir("./routes")` (require-dir), `requireDirectory(module, "./routes")`, and
            # `require("require-dir")("./tasks")` (FileFacts.dynamic_dirs)
            "(call_expression function: (identifier) @dir_loader arguments: (arguments . (_) @dir_loader_arg)"
            " (#match? @dir_loader \"^(requireAll|require_all|requireDir|require_dir|requireDirectory|require_directory)$\"))",
            "(call_expression function: (call_expression function: (identifier) @dir_require arguments: (arguments . (string) @dir_package))"
            " arguments: (arguments . (_) @dir_loader_arg)"
            " (#eq? @dir_require \"require\") (#match? @dir_package \"^.require-(all|dir|directory).$\"))",
            # `glob.sync(path.join(__dirname, "models/*.js")).forEach(require)`: `require` handed over to
            # load each file of a listing (FileFacts.dynamic_dirs)
            "(call_expression function: (member_expression object: (_) @each_list property: (property_identifier) @each_method)"
            " arguments: (arguments . (identifier) @each_require .)"
            " (#eq? @each_require \"require\") (#any-of? @each_method \"forEach\" \"map\"))",
            "(string) @quote",  # the file's quotes, for the fixes (facts.edit_sites)
        ]
        + js_units.query_patterns(grammar)
    )


# An `if` test that holds only in development: `options.dev`, `isDev`, `isDevelopment`, `devMode`,
# `NODE_ENV === "development"` (not negated: `!isDev` holds in production)
# `process.env.WEBPACK_DEV_SERVER` (set by webpack-dev-server), and a browser-only branch: `typeof window
# !== "undefined"` holds only where the module runs in a page (a Next.js module's client half), never
# in the server that also loads it
DEV_SWITCH = re.compile(
    # a flag named so, also in capitals (graasp's `DEV`, `IS_DEV`, React Native's `__DEV__`) and Vite's
    # `import.meta.env.DEV` (true under `vite` serve, false in a build: vite.dev/guide/env-and-mode)
    r"^\(?\s*(?:[\w.]*\.)?(?:dev|isDev|is_dev|isDevelopment|devMode|developmentMode|isDevMode|isDevEnv"
    r"|DEV|IS_DEV|IS_DEVELOPMENT|DEV_MODE|__DEV__)\s*\)?$"
    r"|NODE_ENV\s*===?\s*['\"](?:development|dev)['\"]|['\"](?:development|dev)['\"]\s*===?\s*[\w.]*NODE_ENV"
    # an enum's member (`NODE_ENV === Environment.development`, graasp's src/config/env.ts)
    r"|NODE_ENV\s*===?\s*[\w.]*\.(?:development|Development|DEVELOPMENT)\b"
    r"|\b[\w.]*\.(?:development|Development|DEVELOPMENT)\s*===?\s*[\w.]*NODE_ENV"
    # a configuration's environment (`config.env === 'development'`, send's server/config.js, convict's
    # `env` format), and `NODE_ENV !== 'production'`: it holds in development and tests, never in production
    r"|\b(?:env|ENV|environment)\s*===?\s*['\"](?:development|dev)['\"]"
    r"|NODE_ENV\s*!==?\s*['\"](?:production|prod)['\"]|['\"](?:production|prod)['\"]\s*!==?\s*[\w.]*NODE_ENV"
    r"|^\(?\s*process\.env\.WEBPACK_DEV_SERVER\s*(?:===?\s*['\"]true['\"]\s*)?\)?$"
    r"|typeof\s+(?:window|document)\s*!==?\s*['\"]undefined['\"]|['\"]undefined['\"]\s*!==?\s*typeof\s+(?:window|document)\b"
)


# webpack-dev-server's hooks (`devServer: { before: require("./server/bin/dev") }`, v3 `before` /
# `after`, v4 `onBeforeSetupMiddleware` / `onAfterSetupMiddleware`, v5 `setupMiddlewares`;
# webpack.js.org/configuration/dev-server/#devserversetupmiddlewares): code the development server
# runs, never the production one
DEV_SERVER_KEY = "devServer"


def _bare_test(condition: tree_sitter.Node) -> str:
    test = text(condition).strip()
    return test[1:-1].strip() if test.startswith("(") and test.endswith(")") else test


def _dev_test(condition: tree_sitter.Node, flags: frozenset[str] = frozenset()) -> bool:
    """Whether `condition` holds only in development: a test `DEV_SWITCH` finds, or one of `flags`,
    the names the file declares with such a test as value (`const isLocal = NODE_ENV === "development"`)."""
    test = _bare_test(condition)
    if test in flags:
        return True
    return "||" not in test and bool(DEV_SWITCH.search(test)) and not test.startswith("!")


def dev_flags(declarators: list[tree_sitter.Node]) -> frozenset[str]:
    """The names `declarators` give a development test as value (`const isLocal = process.env.NODE_ENV
    === "development"`, graasp's `export const DEV = NODE_ENV === Environment.development`): an `if`
    on one of them is a development switch. O(declarators); reads the text of comparisons only."""
    names: set[str] = set()
    for node in declarators:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if (name is not None and name.type == "identifier" and value is not None
                and value.type in ("binary_expression", "parenthesized_expression", "member_expression")
                and _dev_test(value)):
            names.add(text(name))
    return frozenset(names)


def _under_dev_switch(node: tree_sitter.Node, flags: frozenset[str] = frozenset()) -> bool:
    """Whether `node` runs only under a development switch: the consequence of an `if` or of a
    ternary whose test is one, the right side of `isDev && …`, or a value inside a webpack
    `devServer: { … }` configuration. O(depth of the node)."""
    while node.parent is not None:
        parent = node.parent
        kind = parent.type
        if kind in ("if_statement", "ternary_expression"):
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if condition is not None and consequence is not None and consequence.id == node.id and _dev_test(condition, flags):
                return True
        elif kind == "binary_expression":
            left, operator = parent.child_by_field_name("left"), parent.child_by_field_name("operator")
            if (left is not None and left.id != node.id and operator is not None and text(operator) == "&&"
                    and _dev_test(left, flags)):
                return True  # `before: NODE_ENV === "development" && require("./server/bin/dev")`
        elif kind == "pair":
            key = parent.child_by_field_name("key")
            if key is not None and text(key).strip("'\"") == DEV_SERVER_KEY:
                return True
        node = parent
    return False


# An `if` test that holds only when debugging is switched on: a name whose last part says debug
# (`isQueueDebugEnabled`, `config.debug`, `process.env.DEBUG`, `options.debugMode`, `debugApi.enabled`
# through its `debug…` part), alone or compared with true (not negated, not or-ed with anything)
DEBUG_SWITCH = re.compile(
    r"^(?:[\w$]+\.)*(?:[\w$]*(?:debug|Debug|DEBUG)[\w$]*)(?:\.enabled)?"
    r"(?:\s*===?\s*(?:true|['\"](?:true|1)['\"]))?$"
)


def _debug_test(condition: tree_sitter.Node) -> bool:
    test = text(condition).strip()
    test = test[1:-1].strip() if test.startswith("(") and test.endswith(")") else test
    return bool(DEBUG_SWITCH.match(test))


def _is_debug_switch(body: tree_sitter.Node) -> bool:
    """Whether `body`, the consequence of an `if`, runs only when its test is a debug switch."""
    parent = body.parent
    condition = parent.child_by_field_name("condition") if parent is not None else None
    return condition is not None and _debug_test(condition)


def _is_dev_switch(body: tree_sitter.Node, flags: frozenset[str] = frozenset()) -> bool:
    """Whether `body`, the consequence of an `if`, runs only when its test is a development switch."""
    parent = body.parent
    condition = parent.child_by_field_name("condition") if parent is not None else None
    return condition is not None and _dev_test(condition, flags)


def _static_folder(node: tree_sitter.Node) -> str:
    """The folder a computed module path starts with, relative to the file (`./plugins/irc-events`
    for `import(`./plugins/irc-events/${name}`)` or `require("./routes/" + name)`), "-" when it
    starts with a package name (`require("yapi-plugin-" + name)`: Node resolves a bare specifier in
    node_modules, never to a file of the project), or "*" when the path is computed from its start
    (`require(file)`, `import(path.join(dir, name))`)."""
    if node.type == "identifier" and node.parent is not None and node.parent.type == "call_expression":
        arguments = node.parent.child_by_field_name("arguments")  # the `require` name was captured
        node = arguments.named_children[0] if arguments is not None and arguments.named_children else node
    default = _configured_default(node)
    if default is not None:
        return default
    whole = node
    while node.type == "binary_expression" and node.child_by_field_name("left") is not None:
        node = node.child_by_field_name("left")  # "./routes/" + name + ".js"
    anchored = _dirname_folder(node)
    if anchored is not None:
        return anchored
    if node.type == "template_string":
        head = ""
        for child in node.children:
            if child.type == "string_fragment":
                head += text(child)
            elif child.type == "template_substitution":
                break
    elif node.type == "string":
        head = text(node)[1:-1]
    else:
        return _static_file(whole)
    if head[:1].isalnum() or head[:1] in ("@", "_"):
        return "-"  # a bare specifier: a package of node_modules (nodejs.org/api/modules.html#all-together)
    if not head.startswith(("./", "../")):
        return _static_file(whole) if whole.type == "template_string" else "*"
    if not head.endswith("/") and posixpath.basename(head):
        later = _later_folder(whole, node)
        if not later:
            # `require("../exts/yapi-plugin-" + name)`: a module whose name starts so, `<prefix>NAME.js`
            # or the folder's `<prefix>NAME/index.js`; "^" and the path as written
            return "^" + head
        last = later.rsplit("/", 1)[-1]
        if _MODULE_FILE.fullmatch(last):
            # `require("../exts/plugin-" + name + "/server.js")`: only files so named, in folders so named
            return "^" + head + "\t" + later
    if "/" not in head.lstrip("./"):
        return posixpath.dirname(head) or "."
    return posixpath.dirname(head)


def _configured_default(node: tree_sitter.Node) -> str | None:
    """A path a deployment chooses, with a literal default: `require(process.env.CONFIG || "../config/config.js")`,
    or `require(configPath)` where the file declares `configPath` once so (cryptpad's
    `lib/load-config.js`, tiledesk's Firebase key). It loads that one file (or one outside the
    project), not any module: "~/" and the file when it is a module of code, "-" (no module of the
    project) for a data file (`.json`) or a package name; None for any other path. The declaration
    is looked up by a walk of the file's tree: O(file), only for a `require` of a bare name."""
    if node.type == "identifier":
        name, root = text(node), node
        while root.parent is not None:
            root = root.parent
        values: list[tree_sitter.Node | None] = []
        iterated: list[tree_sitter.Node] = []
        stack = [root]
        while stack and len(values) < 2:
            current = stack.pop()
            if current.type == "variable_declarator":
                declared = current.child_by_field_name("name")
                if declared is not None and declared.type == "identifier" and text(declared) == name:
                    values.append(current.child_by_field_name("value"))
            elif current.type == "for_in_statement":
                left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
                if left is not None and left.type == "identifier" and text(left) == name and right is not None:
                    iterated.append(right)
            stack.extend(current.children)
        if not values and len(iterated) == 1 and _configured_list(iterated[0]):
            # `for (const plugin of this.config.plugins.common.include) await import(plugin)` (kuzzle's
            # backend.ts): names a deployment configures, which Node resolves in node_modules (a bare
            # name) or as an absolute path; a relative one would resolve against this file, which a
            # configuration cannot mean: no module of the project
            return "-"
        if len(values) != 1 or values[0] is None:
            return None
        node = values[0]
    if node.type == "ternary_expression":
        # `require(config.env === "development" ? "redis-mock" : "redis")` (send's storage/redis.js,
        # through a name declared so): packages chosen by a test, never a module of the project
        branches = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]
        values = [b for b in branches if b is not None and b.type == "string"]
        if len(values) == 2 and not any(text(v)[1:-1].startswith((".", "/")) for v in values):
            return "-"
        return None
    operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
    right = node.child_by_field_name("right") if operator is not None and text(operator) in ("||", "??") else None
    if right is None or right.type != "string":
        return None
    literal = text(right)[1:-1]
    if not literal.startswith(("./", "../")):
        return "-"  # a package, or a path outside the project
    last = literal.rsplit("/", 1)[-1]
    return "~/" + literal.lstrip("./") if _MODULE_FILE.fullmatch(last) and not last.endswith(".json") else "-"


# a configuration object's name in a member chain (`this.config.content.plugins.common.include`,
# `options.plugins`, `settings.modules`)
_CONFIGURED = re.compile(r"(?i)^(config|configuration|conf|cfg|options|opts|settings|rc)$|config$|options$|settings$")


def _configured_list(node: tree_sitter.Node) -> bool:
    """Whether a loop iterates a list read from a configuration object: a member chain one of whose
    names is a configuration's (`this.config.content.plugins.common.include`, `opts.plugins`)."""
    if node.type != "member_expression":
        return False
    return any(_CONFIGURED.search(part) for part in re.findall(r"[A-Za-z_$][\w$]*", text(node)))


def _later_folder(whole: tree_sitter.Node, first: tree_sitter.Node) -> str:
    """The last literal part after the first of a computed module path when one after it holds a
    `/` (`"./x-" + name + "/client.js"` → "/client.js": the path goes on into the folder the
    computed part names), else ""."""
    parts: list[str] = []
    if whole.type == "template_string":
        after = False
        for child in whole.children:
            if child.type == "template_substitution":
                after = True
            elif after and child.type == "string_fragment":
                parts.append(text(child))
    else:
        node = whole
        while node.type == "binary_expression":
            right = node.child_by_field_name("right")
            if right is not None and right.type == "string":
                parts.insert(0, text(right)[1:-1])
            elif right is not None and right.type == "template_string":
                parts.insert(0, "/")  # a template part: computed, but it may hold a folder
            node = node.child_by_field_name("left")
            if node is None or node.id == first.id:
                break
    if not any("/" in part for part in parts):
        return ""
    return parts[-1] if parts and parts[-1] and "/" in parts[-1] and parts[-1] != "/" else "/"


_MODULE_FILE = re.compile(r"[\w.@-]*\.(?:[cm]?js|jsx|[cm]?ts|tsx)")
# a module's file name as a specifier may write it: `server.js`, or `ai.enterprise.module` (Node tries the extensions)
_MODULE_NAME = re.compile(r"[\w@-][\w.@-]*")


_FILE_FOLDER = frozenset({"__dirname", "import.meta.dirname"})


# Packages that load every module of a folder (FileFacts.dynamic_dirs): require-all reads the folder
# it is given with fs.readdirSync, recursing into sub-folders, and requires each file matching its
# filter (/^([^.].*)\.js(on)?$/ by default; require-all index.js); require-dir requires the modules of
# a folder resolved from the calling module's (require-dir index.js, `parentDir`), sub-folders only
# with `recurse: true`; require-directory(module, path) likewise, recursive by default
_DIR_LOADERS = frozenset({"require-all", "require-dir", "require-directory"})


def _loader_folder(node: tree_sitter.Node) -> str:
    """The folder a directory loader's argument names, relative to the calling file: `path.join(__dirname,
    "../controller")`, `__dirname + "/models"`, `` `${__dirname}/routes` ``, require-all's `{ dirname: … }`,
    require-dir's and require-directory's relative string (resolved from the calling module); "*" when
    it is computed otherwise (any module may load). O(size of the argument)."""
    call = node.parent.parent if node.parent is not None else None
    callee = call.child_by_field_name("function") if call is not None else None
    if callee is not None and callee.type == "identifier" and text(node) == "module":
        args = node.parent.named_children  # requireDirectory(module, "./routes"): the second argument, or the file's folder
        node = args[1] if len(args) > 1 else None
        if node is None:
            return "."
    relative_string = callee is not None and ("all" not in text(callee).lower())  # require-all reads a string from the cwd
    if node.type == "object":
        for pair in node.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and text(key).strip("'\"") == "dirname":
                value = pair.child_by_field_name("value")
                return _loader_folder_of(value, False) if value is not None else "*"
        return "*"
    return _loader_folder_of(node, relative_string)


# the pattern functions of glob (`glob.sync`, `globSync`, fast-glob's `fg.sync`): the folder a pattern
# starts with is the one its files are listed from
_GLOB_CALLS = frozenset({"glob.sync", "globSync", "fg.sync", "fastGlob.sync", "glob.globSync"})


def _listing_folder(node: tree_sitter.Node) -> str:
    """The folder whose files `node`, a listing handed `require` (`glob.sync(pattern).forEach(require)`),
    names: the part of a `path.join(__dirname, "models/*.js")` / `__dirname + "/models/*.js"` pattern
    before its first wildcard; "*" (any module) for anything else, a relative string pattern included
    (glob reads it from the working folder)."""
    if node.type != "call_expression":
        return "*"
    callee, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    args = arguments.named_children if arguments is not None else []
    if callee is None or text(callee) not in _GLOB_CALLS or not args:
        return "*"
    strings = _file_folder_strings(args[0])
    if strings is None:
        return "*"
    fixed: list[str] = []
    for segment in "/".join(strings).split("/"):
        if any(c in segment for c in "*?[{"):
            break
        fixed.append(segment)
    folder = posixpath.normpath(posixpath.join(".", *[p for p in fixed if p])) if fixed else "."
    return folder if folder.startswith("..") or folder == "." else "./" + folder


def _file_folder_strings(node: tree_sitter.Node) -> list[str] | None:
    """The literal parts after the file's folder in `path.join(__dirname, "a", "b")` /
    `path.resolve(__dirname, "a")` (any callee whose last name is join or resolve) and
    `__dirname + "/a"`; None for any other shape."""
    if node.type == "call_expression":
        callee, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        if (callee is None or text(callee).rsplit(".", 1)[-1] not in ("join", "resolve") or not args
                or text(args[0]) not in _FILE_FOLDER or any(a.type != "string" for a in args[1:])):
            return None
        return [text(a)[1:-1] for a in args[1:]]
    if node.type == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or text(left) not in _FILE_FOLDER or right.type != "string":
            return None
        return [text(right)[1:-1]]
    return None


def _loader_folder_of(node: tree_sitter.Node, relative_string: bool) -> str:
    parts: list[str] = []
    if node.type in ("call_expression", "binary_expression"):
        callee = node.child_by_field_name("function")
        strings = _file_folder_strings(node)
        if strings is None or callee is not None and callee.type != "member_expression":  # `path.join`, not a bare `join`
            return "*"
        parts = strings
    elif node.type == "template_string":
        pieces = [c for c in node.children if c.type in ("string_fragment", "template_substitution")]
        if (len(pieces) != 2 or pieces[0].type != "template_substitution" or text(pieces[0])[2:-1].strip() not in _FILE_FOLDER
                or pieces[1].type != "string_fragment"):
            return "*"
        parts = [text(pieces[1])]
    elif node.type == "string" and relative_string and text(node)[1:-1].startswith(("./", "../")):
        parts = [text(node)[1:-1]]
    else:
        return "*"
    folder = posixpath.normpath(posixpath.join(".", *[p.strip("/") for p in parts if p.strip("/")])) if parts else "."
    return folder if folder.startswith("..") or folder == "." else "./" + folder


def _dirname_folder(node: tree_sitter.Node) -> str | None:
    """The folder a computed module path names from the file's own folder, relative to the file:
    `path.join(__dirname, "parsers", name)` / `path.resolve(__dirname, "../routes", name)` and
    `${__dirname}/parsers/${name}` name modules under `./parsers` (leon's speech parsers), as
    `./parsers/${name}` does; None when the path does not start so, or no literal folder follows
    `__dirname` before the computed part (`path.join(__dirname, name)` may name any module)."""
    parts: list[str] = []
    if node.type == "call_expression":
        arguments = node.child_by_field_name("arguments")
        callee = node.child_by_field_name("function")
        if (arguments is None or callee is None or callee.type != "member_expression"
                or text(callee).rsplit(".", 1)[-1] not in ("join", "resolve")):
            return None
        args = arguments.named_children
        if len(args) < 3 or text(args[0]) not in _FILE_FOLDER:
            return None
        for arg in args[1:-1]:
            if arg.type != "string":
                break
            parts.append(text(arg)[1:-1])
    elif node.type == "template_string":
        pieces = [c for c in node.children if c.type in ("string_fragment", "template_substitution")]
        if len(pieces) < 3 or pieces[0].type != "template_substitution" or text(pieces[0])[2:-1].strip() not in _FILE_FOLDER:
            return None
        if pieces[1].type != "string_fragment":
            return None
        parts.append(posixpath.dirname(text(pieces[1])))  # `${__dirname}/parsers/x-${name}`: the folder
    else:
        return None
    folder = posixpath.normpath(posixpath.join(".", *[p.strip("/") for p in parts if p.strip("/")])) if parts else "."
    if folder == ".":
        return None
    return folder if folder.startswith("..") else "./" + folder


def _static_file(node: tree_sitter.Node) -> str:
    """For a path computed from its start: "~" and the file it ends with when its last part is a
    literal naming one (`path.join(dir, "yapi-plugin-" + name + "/server.js")`,
    `path.resolve(root, "common/lib.js")`: only files so named can load), else "*"."""
    if node.type == "template_string":
        # `${enterpriseModulePath}/ai.enterprise.module` (APITable's room-server, rev19-ts lesson 1): a
        # literal last part after a `/` names the module, with or without its extension (Node adds it)
        pieces = [c for c in node.children if c.type in ("string_fragment", "template_substitution")]
        if len(pieces) < 2 or pieces[-1].type != "string_fragment" or "/" not in text(pieces[-1]):
            return "*"
        tail = text(pieces[-1]).rsplit("/", 1)[-1]
        if not _MODULE_NAME.fullmatch(tail):
            return "*"
        return "~/" + tail
    if node.type == "call_expression":  # path.join(…) / path.resolve(…): its last argument
        arguments = node.child_by_field_name("arguments")
        callee = node.child_by_field_name("function")
        if (arguments is None or not arguments.named_children or callee is None or callee.type != "member_expression"
                or text(callee).rsplit(".", 1)[-1] not in ("join", "resolve")):
            return "*"
        node = arguments.named_children[-1]
    while node.type == "binary_expression" and node.child_by_field_name("right") is not None:
        node = node.child_by_field_name("right")  # dir + "/" + name + "/server.js"
    if node.type != "string":
        return "*"
    tail = text(node)[1:-1].lstrip("./")
    last = tail.rsplit("/", 1)[-1]
    if "/" not in text(node) or not _MODULE_FILE.fullmatch(last):
        return "*"  # `name + ".js"`: any file of that extension
    return "~/" + tail


# what a hand-written router compares a path with: a request's URL or a path taken from it
_URL_SUBJECT = re.compile(r"(?i)(url|path|route|endpoint)")
# a function whose name says it tells a health probe's request (`isHealthCheck(req)`): the value it
# returns decides a route
_HEALTH_PREDICATE = re.compile(r"(?i)(health|alive|live|ready|probe|ping)")


def _decides_a_branch(comparison: tree_sitter.Node) -> bool:
    """Whether a URL comparison picks what the code does, as a route written by hand does: the test
    of an `if`, a `while` or a `?:` (alone or in a `&&` / `||` / `!` of them), or the value of a
    function whose name says it recognises a health probe. A comparison that is only a value — a
    rate limiter's `isExempt(path)` returning `… || path === "/health"`, an option's `skip: (req) =>
    req.path === "/health"` — names a path that some other code may or may not serve: no route."""
    node = comparison
    while node.parent is not None and _TYPE[node.parent.kind_id] in ("parenthesized_expression", "unary_expression") \
            or node.parent is not None and _TYPE[node.parent.kind_id] == "binary_expression" \
            and text(node.parent.child_by_field_name("operator") or node.parent) in ("&&", "||"):
        node = node.parent
    holder = node.parent
    if holder is None:
        return False
    kind = _TYPE[holder.kind_id]
    if kind in ("if_statement", "while_statement", "do_statement"):
        return True
    if kind == "ternary_expression":
        condition = holder.child_by_field_name("condition")
        return condition is not None and condition.id == node.id
    while holder is not None and _TYPE[holder.kind_id] not in ("function_declaration", "method_definition", "arrow_function",
                                                               "function_expression", "function", "generator_function_declaration"):
        holder = holder.parent
    if holder is None:
        return False
    name = holder.child_by_field_name("name")
    if name is None and holder.parent is not None and _TYPE[holder.parent.kind_id] in ("variable_declarator", "pair"):
        name = holder.parent.child_by_field_name("name") or holder.parent.child_by_field_name("key")
    return name is not None and bool(_HEALTH_PREDICATE.search(text(name)))


@cache
def _query(grammar: str) -> tree_sitter.Query:
    return tree_sitter.Query(ts_language(grammar), query_source(grammar))


# node types by kind id for the grammar being extracted (`_TYPE[node.kind_id]` is `node.type`
# without making a string): set by `extract`, one file at a time per process like the source
_TYPE: list[str | None] = kind_names(ts_language("typescript"))


def wrapped(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The expression a transparent wrapper holds: the first child of `x as T`, `x!`, `(x)`, the
    last of `<T>x` (whose first is the type)."""
    if not node.named_child_count:
        return None
    return node.named_children[-1] if node.type == "type_assertion" else node.named_children[0]


def unwrap(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None and _TYPE[node.kind_id] in TRANSPARENT:
        node = wrapped(node)
    return node


def unwrap_await(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None and _TYPE[node.kind_id] in _UNWRAPPED:
        node = wrapped(node)
    return node


_UNWRAPPED = TRANSPARENT | {"await_expression"}


def unwrap_await_kind(node: tree_sitter.Node | None) -> tuple[tree_sitter.Node | None, str]:
    """unwrap_await's node and its type (read once)."""
    while node is not None:
        kind = _TYPE[node.kind_id]
        if kind not in _UNWRAPPED:
            return node, kind
        node = wrapped(node)
    return None, ""


# `a.b.c` written plainly (ASCII names, no spaces, comments, `?.` or wrappers): its path is its text
_PLAIN_DOTTED = re.compile(rb"[A-Za-z_$][\w$]*(?:\.#?[A-Za-z_$][\w$]*)+")
# words that are not identifiers when they start a member expression (`super.x`, `import.meta`)
_NOT_IDENTIFIER = frozenset({"super", "import", "new", "undefined", "null", "true", "false"})


_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


def _type_arg(node: tree_sitter.Node) -> Path:
    """The first type argument of a TypeScript call when it names a type plainly
    (`container.get<QrCodeController>(id)` → ("QrCodeController",), `get<ns.Ctl>()` → ("ns", "Ctl")):
    a DI container's `get<T>` gives an instance of `T` (project.py, `_container_instance`); ()
    for none, or for any other type (`get<Ctl[]>`, `get<A | B>`)."""
    args = node.child_by_field_name("type_arguments")
    if args is None or not args.named_child_count:
        return ()
    first = args.named_children[0]
    if first.type == "type_identifier" or first.type == "nested_type_identifier":
        words = text(first).split(".")
        if all(_IDENTIFIER.fullmatch(w) for w in words):
            return tuple(map(intern, words))
    return ()


def dotted(node: tree_sitter.Node | None, kind: str | None = None, subscripts: bool = False) -> Path:
    """`a.b.c` → ("a", "b", "c"); `this.x` → ("this", "x"); anything else → ().

    With `subscripts`, an element is a segment too: `clients[0].on` → ("clients", ELEMENT, "on"),
    `registry["cache"]` → ("registry", "cache")."""
    if node is None:
        return ()
    if kind is None:
        kind = _TYPE[node.kind_id]
    if kind == "identifier":
        return (intern(text(node)),)  # names repeat across a project: one string each (peak RSS)
    if kind == "member_expression":
        raw = _SOURCE[0][node.start_byte : node.end_byte]
        if _PLAIN_DOTTED.fullmatch(raw) and not node.has_error:
            parts = tuple(map(intern, raw.decode("ascii").split(".")))
            if parts[0] not in _NOT_IDENTIFIER:
                return parts
    parts: list[str] = []
    node = unwrap(node)
    while node is not None:
        kind = _TYPE[node.kind_id]
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None or prop.type not in ("property_identifier", "private_property_identifier"):
                return ()
            parts.append(intern(text(prop)))
            node = unwrap(node.child_by_field_name("object"))
        elif kind == "identifier":
            parts.append(intern(text(node)))
            break
        elif kind == "this":
            parts.append("this")
            break
        elif kind == "subscript_expression" and subscripts:
            key = string_value(node.child_by_field_name("index"))
            parts.append(key if key is not None and _IDENTIFIER.fullmatch(key) else ELEMENT)
            node = unwrap(node.child_by_field_name("object"))
        else:
            return ()
    return tuple(reversed(parts))


def string_value(node: tree_sitter.Node | None) -> str | None:
    node = unwrap(node)
    if node is None:
        return None
    return _string_value(node, _TYPE[node.kind_id])


def _string_value(node: tree_sitter.Node, kind: str) -> str | None:
    if kind == "string":
        start, end = node.start_byte, node.end_byte
        content = _SOURCE[0][start + 1 : end - 1]
        # a quoted string is its fragments and escapes between the quotes; a JSX string may also
        # hold `&amp;` references, which are not part of the value: read those the long way
        if end - start >= 2 and len(content) == end - start - 2 and b"&" not in content and not node.has_error:
            return content.decode("utf-8", "replace")
        return "".join(text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence"))
    if kind == "template_string":
        start, end = node.start_byte, node.end_byte
        content = _SOURCE[0][start + 1 : end - 1]
        # no `\` and no `${`: the template is one fragment, or empty; with `${` but no `\`, a substitution
        if end - start >= 2 and len(content) == end - start - 2 and b"\\" not in content and not node.has_error:
            return None if b"${" in content else content.decode("utf-8", "replace")
    if kind == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return "".join(text(c) for c in node.named_children if c.type == "string_fragment")
    return None


def alternatives(node: tree_sitter.Node | None) -> list[tree_sitter.Node | None]:
    """The values an expression may take: both arms of `c ? a : b`, both sides of `a ?? b` / `a || b`
    (iterative: 10,000 nested ternaries must not recurse)."""
    results: list[tree_sitter.Node | None] = []
    pending = [node]
    while pending:
        current, kind = unwrap_await_kind(pending.pop())
        if current is None:
            results.append(None)
        elif kind == "ternary_expression":
            pending += [current.child_by_field_name("alternative"), current.child_by_field_name("consequence")]
        elif kind == "binary_expression":
            operator = current.child_by_field_name("operator")
            operator_kind = operator.type if operator is not None else ""
            if operator_kind == "&&":
                pending.append(current.child_by_field_name("right"))
            elif operator_kind == "||" or operator_kind == "??":
                pending += [current.child_by_field_name("right"), current.child_by_field_name("left")]
            else:
                results.append(current)
        else:
            results.append(current)
    return results


MAX_ARMS = 8  # the arms of a conditional value (or the objects a literal with conditional spreads may be) kept


def _spreads_nothing(node: tree_sitter.Node | None) -> bool:
    """`undefined` or `null`: spread into an object literal, it adds no key."""
    if node is None:
        return False
    kind = _TYPE[node.kind_id]
    return kind in ("null", "undefined") or kind == "identifier" and node.text == b"undefined"


def arms(node: tree_sitter.Node | None) -> list[tree_sitter.Node | None] | None:
    """The values a conditional expression may take, each arm in full: both arms of `c ? a : b`,
    both sides of `a || b` / `a ?? b`, and for `c && a` the arm `a` and None (a falsy `c`, which
    sets no option: `...(c && { timeout })` spreads nothing). None when `node` is not conditional
    or has more than MAX_ARMS arms."""
    node, kind = unwrap_await_kind(node)
    if node is None or kind not in ("ternary_expression", "binary_expression"):
        return None
    results: list[tree_sitter.Node | None] = []
    pending = [node]
    while pending:
        if len(results) + len(pending) > MAX_ARMS:
            return None
        current, kind = unwrap_await_kind(pending.pop())
        operator = current.child_by_field_name("operator") if current is not None and kind == "binary_expression" else None
        operator_kind = operator.type if operator is not None else ""
        if current is None:
            results.append(None)
        elif kind == "ternary_expression":
            pending += [current.child_by_field_name("alternative"), current.child_by_field_name("consequence")]
        elif operator_kind == "&&":
            pending.append(current.child_by_field_name("right"))
            results.append(None)
        elif operator_kind in ("||", "??"):
            pending += [current.child_by_field_name("right"), current.child_by_field_name("left")]
        else:
            results.append(current)
    return results if len(results) > 1 else None


def collection_path(node: tree_sitter.Node | None) -> Path:
    """What a loop iterates: `workers`, `Object.values(registry)`, `registry.values()`."""
    node = unwrap_await(node)
    path = dotted(node)
    if path or node is None or node.type != "call_expression":
        return path
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if dotted(fn) in (("Object", "values"), ("Array", "from")) and args is not None and args.named_child_count == 1:
        return collection_path(args.named_children[0])  # `Array.from(registry.values())` too
    if fn is not None and fn.type == "member_expression" and text(fn.child_by_field_name("property")) == "values":
        return dotted(fn.child_by_field_name("object"))
    return ()


def _required_member_chain(node: tree_sitter.Node) -> tuple[str, tuple[str, ...]] | None:
    """`require("m").A.B` (at least two property names): the module and the names read from it,
    else None."""
    names: list[str] = []
    while node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            return None
        names.append(text(prop))
        node = unwrap(node.child_by_field_name("object"))
    module = require_source(node)
    if module is None or len(names) < 2:
        return None
    return module, tuple(reversed(names))


_NODE_MODULE = frozenset({"module", "node:module"})  # Node's `module` builtin (Module._load, createRequire)


def require_source(node: tree_sitter.Node | None) -> str | None:
    """The module of a `require("m")` call, else None."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "identifier" or text(fn) != "require":
        return None
    args = node.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1:
        return None
    return string_value(args.named_children[0])


def import_source(node: tree_sitter.Node | None) -> str | None:
    """The module of a dynamic `import("m")`, else None: awaited, it is the module's namespace."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "import":
        return None
    args = node.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1:
        return None
    return string_value(args.named_children[0])


# first bytes of what may follow a statement's expression: space, a comment, `;`, a Unicode space
_MAY_END_STATEMENT = frozenset([b"", b" ", b"\t", b"\r", b"\n", b"\x0b", b"\x0c", b"/", b";", b"\xc2", b"\xe1", b"\xe2", b"\xe3", b"\xef"])


def _is_statement_expression(node: tree_sitter.Node, start: int, end: int, statement) -> bool:
    """Whether a call is the whole expression of an expression statement (`foo();`): its value is
    dropped. The sweep's statement is that statement if so; the call then spans it but for a `;`."""
    if statement is None or statement.start_byte != start or statement.type != "expression_statement":
        return False
    tail = _SOURCE[0][end : statement.end_byte]
    if (tail == b"" or tail == b";") and not statement.has_error:
        return True  # an expression cannot end in `;`: the statement's expression is this call
    if tail[:1] not in _MAY_END_STATEMENT:
        return False  # the call continues into a larger expression (`.then(…)`, `!`, `as T`)
    parent = node.parent  # spaces, comments, recovered errors: ask the tree
    return parent is not None and parent.type == "expression_statement"


def read_in(value: model.Value, declared: int, read: int) -> model.Value:
    """A name assigned in one scope and declared in another (`this.x = x` in a method, `x = y`
    inside a function for an outer `x`): the name it refers to is looked up where it is read."""
    if value.kind != "ref" or declared == read:
        return value
    return Value("ref", path=value.path, scope=read)



def pattern_identifiers(pattern: tree_sitter.Node) -> list[str]:
    """The names an array or object destructuring pattern declares (`[a, { b, c: d }, ...e]`)."""
    names: list[str] = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.append(text(node))
        elif node.type == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif node.type in ("assignment_pattern", "object_assignment_pattern"):
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        else:
            stack.extend(node.named_children)
    return names

class _Extractor:
    def __init__(self, facts: FileFacts, grammar: str) -> None:
        self.facts = facts
        self.field_kind = FIELD_KIND[grammar]
        self.call_index: dict[tuple[int, int, int], int] = {}
        self.class_scopes: set[int] = set()
        self.class_names: dict[int, str] = {}
        self._names_so_far: set[tuple[int, str]] = set()  # every name declared yet, pass 2 included
        # `const`/`let` declared in a nested block: (function scope, block (start byte, first line,
        # last line), first and end index of its decls); and the lines of the facts that have none
        self._block_decls: list[tuple[int, tuple[int, int, int], int, int]] = []
        self._fact_lines: dict[tuple[str, int], int] = {}

    # ---- values and arguments -------------------------------------------------------------

    def arg(self, node: tree_sitter.Node | None, depth: int = 0) -> Arg:
        node, kind = unwrap_await_kind(node)
        if node is None:
            return Arg("other")
        if kind == "identifier":
            name = text(node)
            if name == "undefined":
                return Arg("none")
            # an identifier is one line with no trailing space: its short text is itself
            return Arg("ref", path=(name,), text=name if len(name) <= SHORT_LIMIT else short_text(node))
        if kind == "object" and depth < 3:
            keys: list[str] = []
            values: list[Arg] = []
            spread = False
            # each object the literal may be, as (keys, values): one until a conditional spread
            branches: list[tuple[tuple[str, ...], tuple[Arg, ...]]] | None = [((), ())]
            conditional = False
            for child in node.named_children:
                ck = _TYPE[child.kind_id]
                if ck == "pair":
                    key = child.child_by_field_name("key")
                    if key is None:
                        name = ""
                    else:
                        key_kind = _TYPE[key.kind_id]
                        name = _string_value(key, key_kind) if key_kind == "string" else text(key)
                    keys.append(name)
                    values.append(self.arg(child.child_by_field_name("value"), depth + 1))
                elif ck == "shorthand_property_identifier":
                    keys.append(text(child))
                    values.append(Arg("ref", path=(text(child),)))
                elif ck == "method_definition":
                    keys.append(text(child.child_by_field_name("name")))
                    values.append(Arg("function"))
                elif ck == "spread_element":
                    # `...(cond ? { endpoint } : {})`: literal objects whose keys are all known
                    inner = child.named_children[0] if child.named_child_count else None
                    options = alternatives(inner) if inner is not None else [None]
                    # `...(isDev ? { endpoint } : undefined)` (FormSG's Lambda client): spreading
                    # `undefined` or `null` adds no key (ECMA-262 CopyDataProperties), so that arm is
                    # an empty object; a literal whose every arm is known is known
                    if len(options) > 1 and any(_spreads_nothing(o) for o in options) \
                            and all(_spreads_nothing(o) or _TYPE[o.kind_id] == "object" for o in options):
                        options = [o for o in options if not _spreads_nothing(o)]
                        conditional = True
                    if all(o is not None and _TYPE[o.kind_id] == "object" for o in options) and depth < 3:
                        for option in options:
                            merged = self.arg(option, depth + 1)
                            keys += merged.keys
                            values += merged.values
                            spread = spread or merged.has_spread
                        # and each object it may be: `&&` may spread nothing
                        conditional = conditional or len(options) > 1 or arms(inner) is not None
                        each = arms(inner) or options
                        if branches is not None and all(o is None or _spreads_nothing(o) or _TYPE[o.kind_id] == "object" for o in each) \
                                and len(branches) * len(each) <= MAX_ARMS:
                            made = [self.arg(o, depth + 1) if o is not None and not _spreads_nothing(o) else Arg("object") for o in each]
                            branches = [(bk + m.keys, bv + m.values) for bk, bv in branches for m in made]
                        else:
                            branches = None
                    else:
                        spread = True
                    continue
                else:
                    continue
                if branches is not None:  # a plain key: in every object the literal may be
                    branches = [(bk + (keys[-1],), bv + (values[-1],)) for bk, bv in branches]
            made_branches: tuple[Arg, ...] = ()
            if conditional and branches is not None and len(branches) > 1:
                made_branches = tuple(Arg("object", keys=bk, values=bv, has_spread=spread) for bk, bv in branches)
            return Arg("object", keys=tuple(keys), values=tuple(values), has_spread=spread, branches=made_branches)
        if kind in ("ternary_expression", "binary_expression") and depth < 3:
            # `cond ? { headers } : undefined`: each arm, when one of them is an object literal
            each = arms(node)
            if each is not None and any(o is not None and _TYPE[o.kind_id] == "object" for o in each):
                return Arg("either", values=tuple(self.arg(o, depth + 1) if o is not None else Arg("none") for o in each),
                           text=short_text(node))
        if kind == "string" or kind == "template_string":
            value = _string_value(node, kind)
            # a template keeps its whole source: options in a URL (`?maxPoolSize=20`) must stay visible
            return Arg("string", text=value if value is not None else text(node)[:2000])
        if kind == "null" or kind == "undefined":
            return Arg("none")
        if kind == "member_expression" or kind == "this":
            path = dotted(node, kind)
            if path == ("undefined",):
                return Arg("none")
            return Arg("ref", path=path, text=short_text(node)) if path else Arg("other", text=short_text(node))
        if kind == "call_expression" or kind == "new_expression":
            index = self.call_index.get((node.start_byte, node.end_byte, node.kind_id), -1)
            if index >= 0:  # the call's own text is this node's short text
                call = self.facts.calls[index]
                return Arg("new" if kind == "new_expression" else "call", path=call.callee, call=index, text=call.text)
            return Arg("new" if kind == "new_expression" else "call", path=(), call=index, text=short_text(node))
        if kind in FUNCTION_VALUES:
            return Arg("function", scope=scope_id(node))
        if kind == "array" and depth < 3:
            return Arg("array", values=tuple([self.arg(c, depth + 1) for c in node.named_children if _TYPE[c.kind_id] != "comment"]))
        if kind == "spread_element":
            return Arg("spread")
        return Arg("other", text=short_text(node))

    @staticmethod
    def _link(node: tree_sitter.Node) -> tuple[tree_sitter.Node, str] | None:
        """For `x().m(…)`: the inner call `x()` and the method `m`; None at the chain's root."""
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            return None
        inner = unwrap_await(fn.child_by_field_name("object"))
        if inner is None or inner.type not in ("call_expression", "new_expression"):
            return None
        return inner, text(fn.child_by_field_name("property"))

    def chain_root(self, node: tree_sitter.Node) -> tuple[tree_sitter.Node, bool]:
        """The innermost call of `a().b().c()`, and whether every link returns its receiver."""
        fluent = True
        while (link := self._link(node)) is not None:
            node, method = link
            fluent = fluent and method in FLUENT_METHODS
        return node, fluent

    def _memo_root(self, node: tree_sitter.Node, roots: dict) -> tree_sitter.Node:
        """chain_root's root, remembered per link: a 5,000-link chain stays linear."""
        walked = []
        while node.type == "call_expression":
            key = node_key(node)
            if key in roots:
                node = roots[key]
                break
            walked.append(key)
            link = self._link(node)
            if link is None:
                break
            node = link[0]
        for key in walked:
            roots[key] = node
        return node

    def value(self, node: tree_sitter.Node | None, bind_name: str | None = None) -> Value:
        node, kind = unwrap_await_kind(node)
        if node is None:
            return Value("other")
        if kind in ("call_expression", "new_expression"):
            module = require_source(node)
            if module is not None:
                self.facts.imports.append(module)
                return Value("import", module=module, name="default")
            module = import_source(node)
            if module is not None:  # `const sdk = await import("@aws-sdk/client-s3")`: the namespace
                return Value("import", module=module, name=None)
            root, fluent = self.chain_root(node)
            target = root if fluent else node
            index = self.call_index.get(node_key(target), -1)
            if index < 0:
                return Value("other")
            if bind_name is not None:
                self.facts.calls[index].bound_to = bind_name
            return Value("call", call=index)
        if kind == "member_expression":
            obj = node.child_by_field_name("object")
            module = require_source(obj)
            if module is not None:  # require("m").X
                return Value("import", module=module, name=text(node.child_by_field_name("property")))
            chained = _required_member_chain(node)
            if chained is not None:  # require("m").Util.rethrow: the export `Util`, then its `rethrow`
                module, names = chained
                self.facts.imports.append(module)
                return Value("import", module=module, name=names[0], path=names[1:])
            inner, inner_kind = unwrap_await_kind(obj)
            prop = node.child_by_field_name("property")
            if inner_kind in ("call_expression", "new_expression") and prop is not None and prop.type == "property_identifier":
                index = self.call_index.get(node_key(inner), -1)  # `startWorker().child`: a member of what it returns
                return Value("call", call=index, path=(text(prop),)) if index >= 0 else Value("other")
            path = dotted(node) or dotted(node, kind, subscripts=True)
            return Value("ref", path=path) if path else Value("other")
        if kind == "subscript_expression":  # `const first = this._clients[0]`
            path = dotted(node, kind, subscripts=True)
            return Value("ref", path=path) if path else Value("other")
        if kind in ("identifier", "this"):
            return Value("ref", path=(text(node),))
        if kind == "assignment_expression":
            # `const c = (this.connections[k] = new IORedis(…))`: an assignment's value is its right
            # side, so `c` names the client too (and its listeners are the client's)
            return self.value(node.child_by_field_name("right"), bind_name)
        if kind == "object":
            return Value("object", arg=self.arg(node))
        if kind == "array":
            return Value("array", arg=self.arg(node))
        if kind in FUNCTION_VALUES:
            return Value("function", scope=scope_id(node))
        if kind == "class":
            return Value("class", scope=scope_id(node))
        if kind in ("null", "undefined") or kind == "identifier" and node.text == b"undefined":
            return Value("none")  # `const config = cond ? { timeout } : undefined`: one arm sets nothing
        return Value("other")

    # ---- declarations ---------------------------------------------------------------------

    def declare(self, scope: int, name: str, value: Value, line: int) -> None:
        self.facts.decls.append(Decl(scope, name, value, line))
        self._names_so_far.add((scope, name))

    def declare_pattern(self, pattern: tree_sitter.Node, value_node, scopes, line: int) -> None:
        scope = scopes[0]
        if pattern.type == "identifier":
            for option in alternatives(value_node):
                self.declare(scope, text(pattern), self.value(option, text(pattern)), line)
            return
        if pattern.type != "object_pattern":
            return
        module = require_source(value_node)
        namespace = import_source(unwrap_await(value_node)) if module is None else None
        if namespace is not None:  # `const { S3Client } = await import("@aws-sdk/client-s3")`
            module = namespace
        base = dotted(unwrap_await(value_node)) if module is None else ()
        made, made_kind = unwrap_await_kind(value_node)
        # `const { child } = startWorker()`: members of what the call returns
        made_by = self.call_index.get(node_key(made), -1) if module is None and made_kind in ("call_expression", "new_expression") else -1
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                key = local = text(child)
            elif child.type == "pair_pattern":
                key = text(child.child_by_field_name("key"))
                local_node = child.child_by_field_name("value")
                if local_node is None or local_node.type != "identifier":
                    continue
                local = text(local_node)
            else:
                continue
            if module is not None:
                self.declare(scope, local, Value("import", module=module, name=key), line)
            elif base:
                self.declare(scope, local, Value("ref", path=base + (key,)), line)
            elif made_by >= 0:
                self.declare(scope, local, Value("call", call=made_by, path=(key,)), line)
            else:
                self.declare(scope, local, Value("other"), line)

    def class_scope(self, scopes: tuple[int, ...]) -> int | None:
        for sid in scopes:
            if sid in self.class_scopes:
                return sid
        return None

    # ---- handlers ---------------------------------------------------------------------------

    def on_call(self, node: tree_sitter.Node, scopes: tuple[int, ...], statement=None) -> None:
        is_new = _TYPE[node.kind_id] == "new_expression"
        fn = node.child_by_field_name("constructor" if is_new else "function")
        fn_kind = _TYPE[fn.kind_id] if fn is not None else ""
        # tree-sitter-typescript 0.23 parses `await NestFactory.create<App>(AppModule)` as a call of
        # `await NestFactory.create` with type arguments: the await is the call's
        awaited_generic = fn_kind == "await_expression" and node.child_by_field_name("type_arguments") is not None
        if awaited_generic and fn.named_child_count:
            fn = fn.named_children[0]
            fn_kind = _TYPE[fn.kind_id]
        callee = dotted(fn, fn_kind)
        if not callee and fn_kind == "member_expression" and b"[" in _SOURCE[0][fn.start_byte : fn.end_byte]:
            callee = dotted(fn, fn_kind, subscripts=True)  # `this._clients[0].on(…)`: on an element
        elif not callee and fn_kind == "subscript_expression":
            # `got[httpMethod](url, options)`: a member named at run time is the path's ELEMENT
            # (`got["post"](…)`, a literal key, is `got.post`); a rule may name `got.[]`
            callee = dotted(fn, fn_kind, subscripts=True)
        args_node = node.child_by_field_name("arguments")
        args: list[tree_sitter.Node] = []
        star = False
        if args_node is not None and args_node.named_child_count and _TYPE[args_node.kind_id] == "arguments":
            for child in args_node.named_children:
                child_kind = _TYPE[child.kind_id]
                if child_kind == "spread_element":
                    star = True
                elif child_kind != "comment":
                    args.append(child)
        method = ""
        if fn_kind == "member_expression":
            if callee:  # a plain path: its last name is the property
                method = callee[-1]
            else:
                prop = fn.child_by_field_name("property")
                method = text(prop) if prop is not None else ""
                either = self._either_receiver(fn, scopes, node.start_point[0] + 1)
                if either and method:
                    callee = (either, method)
                elif method and prop is not None and prop.type == "property_identifier":
                    # `require('express').Router()`, `require('dotenv').config()`: a member of a
                    # package's module, named through the synthetic import `require("m")()` uses (a
                    # project module's `require("./server").start()` stays a chain: processes.py
                    # follows it by its receiver call)
                    module = require_source(unwrap(fn.child_by_field_name("object")))
                    if module is not None and not module.startswith((".", "/")):
                        synthetic = f"<require:{module}>"
                        self.declare(MODULE_SCOPE, synthetic, Value("import", module=module, name="default"), node.start_point[0] + 1)
                        callee = (synthetic, method)
        if statement is None:
            stmt_span = span(node)
        else:  # the calls of one statement share its span
            stmt_span = self._stmt_spans.get(id(statement))
            if stmt_span is None:
                stmt_span = self._stmt_spans[id(statement)] = span(statement)
        start, end = node.start_byte, node.end_byte
        key = (start, end, node.kind_id)
        # `used` and `awaited` are about the parent's kind, which the query and the statement tell
        # (`parent` is a walk from the root)
        call = Call(
            callee=callee,
            is_new=is_new,
            method=method,
            span=span(node),
            stmt_span=stmt_span,
            scopes=scopes,
            has_star=star,
            awaited=key in self._awaited or awaited_generic,
            used=not _is_statement_expression(node, start, end, statement),
            text=short_text(node),
            type_arg=_type_arg(node),
        )
        self.call_index[key] = len(self.facts.calls)
        self.facts.calls.append(call)
        self._pending_args.append((call, args))
        self._sites.append((call, node, args_node, key))
        if method in ITERATION_METHODS and args and unwrap(args[0]).type in FUNCTION_VALUES:
            if len(callee) > 1:
                self._iterations.append((unwrap(args[0]), callee[:-1]))
            else:  # [a, b].forEach((q) => …), Object.values(registry).map((w) => …)
                receiver = unwrap(fn.child_by_field_name("object")) if fn_kind == "member_expression" else None
                if receiver is not None and receiver.type == "array":
                    self._iterations.append((unwrap(args[0]), receiver))
                elif collection_path(receiver):
                    self._iterations.append((unwrap(args[0]), collection_path(receiver)))
        # `x.a().b()` : record the method on the innermost call of the chain (a plain path has no call)
        if fn_kind == "member_expression" and not is_new and not callee:
            inner, inner_kind = unwrap_await_kind(fn.child_by_field_name("object"))
            if inner_kind == "call_expression" or inner_kind == "new_expression":
                self._pending_chain.append((inner, method, args))
                self._receivers.append((call, inner))
        # `require("express")()`: a call of a required module, named through a synthetic import
        if fn_kind == "call_expression" or fn_kind in TRANSPARENT:
            module = require_source(fn)
            if module is not None:
                synthetic = f"<require:{module}>"
                self.declare(MODULE_SCOPE, synthetic, Value("import", module=module, name="default"), node.start_point[0] + 1)
                call.callee = (synthetic,)

    def _node_module_receiver(self, call: Call, names: set[str]) -> bool:
        """Whether a method call is on Node's `module` builtin: `require('module').m(…)`, or
        `Module.m(…)` where the file binds `Module` to it (`const Module = require('module')`,
        `import Module from 'node:module'`)."""
        if len(call.callee) == 2:
            return call.callee[0] in names
        if call.receiver_call >= 0:
            receiver = self.facts.calls[call.receiver_call]
            return receiver.callee in (("<require:module>",), ("<require:node:module>",)) or (
                receiver.callee == ("require",) and bool(receiver.args) and receiver.args[0].kind == "string"
                and receiver.args[0].text in _NODE_MODULE)
        return False

    def _either_receiver(self, fn: tree_sitter.Node, scopes: tuple[int, ...], line: int) -> str | None:
        """`(isHttps ? https : http).request(…)`: a method called on a conditional whose arms are
        all plain names. Declared as one synthetic name holding each arm, as `const lib = c ? https
        : http` declares `lib` (`declare_pattern`), so the call resolves to both `https.request` and
        `http.request`. None for any other receiver."""
        obj = unwrap(fn.child_by_field_name("object"))
        if obj is None or obj.type != "ternary_expression":
            return None
        arms = alternatives(obj)
        if not arms or any(arm is None or arm.type not in ("identifier", "member_expression") or not dotted(arm) for arm in arms):
            return None
        synthetic = f"<either:{obj.start_byte}>"
        for arm in arms:
            self.declare(scopes[0], synthetic, Value("ref", path=dotted(arm)), line)
        return synthetic

    def _binding(self, node: tree_sitter.Node) -> tuple[tuple, tuple] | None:
        """(call key, statement site) when `node`, a declarator or an assignment, binds a call's value."""
        if node.type == "variable_declarator":
            ident = node.child_by_field_name("name")
            if ident is None or ident.type != "identifier":
                return None
            call, name = edit_sites.bound_call(node.child_by_field_name("value")), text(ident)
        else:
            left = node.child_by_field_name("left")
            call = edit_sites.bound_call(node.child_by_field_name("right"))
            name = _SOURCE[0][left.start_byte : left.end_byte].decode("utf-8", "replace") if left is not None else ""
        if call is None or not name:
            return None
        site = edit_sites.statement_site(node, name)
        return (node_key(call), site) if site else None

    def on_declarator(self, node: tree_sitter.Node, scopes) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            first = len(self.facts.decls)
            self.declare_pattern(name, node.child_by_field_name("value"), scopes, node.start_point[0] + 1)
            block = _nested_block(node)
            if block is not None and len(self.facts.decls) > first:
                self._block_decls.append((scopes[0], block, first, len(self.facts.decls)))

    def on_field(self, node: tree_sitter.Node, scopes) -> None:
        # TypeScript's public_field_definition names its field `name`, JavaScript's field_definition `property`
        name = node.child_by_field_name("name") or node.child_by_field_name("property")
        value = node.child_by_field_name("value")
        if name is None or value is None or not scopes or scopes[0] not in self.class_scopes:
            return
        label = "this." + text(name)
        self.declare(scopes[0], label, self.value(value, label), node.start_point[0] + 1)
        class_name = self.class_names.get(scopes[0])
        if class_name and any(c.type == "static" for c in node.children):  # static x = …: ClassName.x
            outer = self.facts.scope_parents.get(scopes[0], MODULE_SCOPE)
            self.declare(outer, f"{class_name}.{text(name)}", self.value(value), node.start_point[0] + 1)

    def on_assign(self, node: tree_sitter.Node, scopes) -> None:
        left = unwrap(node.child_by_field_name("left"))
        right = node.child_by_field_name("right")
        line = node.start_point[0] + 1
        if left is None:
            return
        if left.type == "subscript_expression":  # registry[name] = worker
            owner = dotted(left.child_by_field_name("object"))
            if owner:
                self.facts.members.append((scopes, owner, self.arg(right)))
                self._fact_lines["members", len(self.facts.members) - 1] = line
            return
        if left.type == "identifier":
            name = text(left)
            if right is not None and right.type in ("true", "false"):
                self.facts.flag_sets.append((scopes, name))
            scope = self._scope_declaring(name, scopes)
            for option in alternatives(right):
                self.declare(scope, name, read_in(self.value(option, name), scope, scopes[0]), line)
            return
        path = dotted(left)
        if not path:
            return
        if path[0] == "this" and len(path) == 2:
            cls = self.class_scope(scopes)
            if cls is not None:
                label = "this." + path[1]
                for option in alternatives(right):  # `this.child = child` in the constructor: its parameter
                    self.declare(cls, label, read_in(self.value(option, label), cls, scopes[0]), line)
            return
        if path[0] == "this" and len(path) == 3 and right is not None and unwrap(right) is not None \
                and unwrap(right).type in ("call_expression", "new_expression"):
            # `this.process.p = spawn(…)` (webthings' Plugin): a member of a member of the instance,
            # named as written so `this.process.p.on("error", …)` is a use of what the call made
            cls = self.class_scope(scopes)
            if cls is not None:
                label = ".".join(path)
                self.declare(cls, label, read_in(self.value(right, label), cls, scopes[0]), line)
        elif path[0] == "this" and len(path) == 3 and right is not None and len(options := alternatives(right)) > 1:
            # `this.options.http = options.http || axios` (clearlydefined's goFetch): each arm, the
            # caller's value and the default, so `this.options.http.get(url)` may be axios' own
            cls = self.class_scope(scopes)
            if cls is not None:
                label = ".".join(path)
                for option in options:
                    self.declare(cls, label, read_in(self.value(option, label), cls, scopes[0]), line)
        if path == ("module", "exports"):
            self.on_module_exports(right, line)
            return
        if len(path) == 2 and path[0] not in ("module", "exports", "this"):
            # `Cache.instance = new Redis()`, `config.client = …`: a member of a name in scope
            owner_scope = self._scope_declaring(path[0], scopes)
            for option in alternatives(right):
                self.declare(owner_scope, ".".join(path), read_in(self.value(option, ".".join(path)), owner_scope, scopes[0]), line)
        if len(path) == 3 and path[:2] == ("module", "exports") or len(path) == 2 and path[0] == "exports":
            export_name = path[-1]
            value = self.value(right, "<exports>." + export_name)
            self.declare(MODULE_SCOPE, "<exports>." + export_name, value, line)
            self.facts.exports.append(Export(export_name, local="<exports>." + export_name))
            return
        self.facts.assignments.append(Assignment(path, scopes, self.arg(right), line))

    def on_module_exports(self, right, line: int) -> None:
        right = unwrap(right)
        if right is not None and right.type == "object":
            for child in right.named_children:
                if child.type == "shorthand_property_identifier":
                    self.facts.exports.append(Export(text(child), local=text(child)))
                elif child.type == "pair":
                    key = text(child.child_by_field_name("key"))
                    value = unwrap(child.child_by_field_name("value"))
                    if value is not None and value.type == "identifier":
                        self.facts.exports.append(Export(key, local=text(value)))
                    else:
                        self.declare(MODULE_SCOPE, "<exports>." + key, self.value(value, "<exports>." + key), line)
                        self.facts.exports.append(Export(key, local="<exports>." + key))
            return
        self.declare(MODULE_SCOPE, "<default>", self.value(right, "<default>"), line)
        self.facts.exports.append(Export("default", local="<default>"))

    def _scope_declaring(self, name: str, scopes) -> int:
        declared = self._declared_names
        for sid in scopes:
            if (sid, name) in declared:
                return sid
        return MODULE_SCOPE

    def on_import(self, node: tree_sitter.Node, scopes) -> None:
        source = string_value(node.child_by_field_name("source"))
        line = node.start_point[0] + 1
        if source is not None:
            self.facts.imports.append(source)
            self._loaded_anyway.add(source)
        for child in node.named_children:
            if child.type == "import_require_clause":  # TS: import x = require("m")
                ident = child.named_children[0] if child.named_child_count else None
                module = string_value(child.child_by_field_name("source"))
                if ident is not None and module is not None:
                    self.declare(MODULE_SCOPE, text(ident), Value("import", module=module, name="default"), line)
            elif child.type == "import_clause" and source is not None:
                for part in child.named_children:
                    if part.type == "identifier":
                        self.declare(MODULE_SCOPE, text(part), Value("import", module=source, name="default"), line)
                    elif part.type == "namespace_import":
                        ident = part.named_children[0] if part.named_child_count else None
                        if ident is not None:
                            self.declare(MODULE_SCOPE, text(ident), Value("import", module=source, name=None), line)
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            if spec.type != "import_specifier":
                                continue
                            name = spec.child_by_field_name("name")
                            alias = spec.child_by_field_name("alias") or name
                            imported = string_value(name) if name.type == "string" else text(name)
                            self.declare(MODULE_SCOPE, text(alias), Value("import", module=source, name=imported), line)

    def on_export(self, node: tree_sitter.Node, scopes) -> None:
        exports = self.facts.exports
        if node.child_count >= 3 and node.children[1].type == "=" and node.named_child_count:
            # TypeScript's `export = config` (FormSG's config module): the module's value, as
            # `module.exports = config` is, so `import config from "./config"` names it
            self.on_module_exports(node.named_children[-1], node.start_point[0] + 1)
            return
        source = string_value(node.child_by_field_name("source"))
        declaration = node.child_by_field_name("declaration")
        is_default = any(c.type == "default" for c in node.children)
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                for declarator in declaration.named_children:
                    if declarator.type == "variable_declarator":
                        name = declarator.child_by_field_name("name")
                        if name is not None and name.type == "identifier":
                            exports.append(Export(text(name), local=text(name)))
            else:
                name = declaration.child_by_field_name("name")
                if name is not None:
                    exports.append(Export("default" if is_default else text(name), local=text(name)))
            return
        value = node.child_by_field_name("value")
        if value is not None:  # export default <expression>
            if unwrap(value).type == "identifier":
                exports.append(Export("default", local=text(unwrap(value))))
            else:
                self.declare(MODULE_SCOPE, "<default>", self.value(value, "<default>"), node.start_point[0] + 1)
                exports.append(Export("default", local="<default>"))
            return
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is not None:
            for spec in clause.named_children:
                if spec.type != "export_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if source is None:
                    exports.append(Export(text(alias), local=text(name)))
                else:
                    exports.append(Export(text(alias), module=source, source_name=text(name)))
            return
        namespace = next((c for c in node.named_children if c.type == "namespace_export"), None)
        if source is not None:
            if namespace is not None and namespace.named_child_count:
                exports.append(Export(text(namespace.named_children[0]), module=source, source_name=None))
            else:
                exports.append(Export("*", module=source))

    def on_return(self, node: tree_sitter.Node, scopes) -> None:
        value = node.named_children[0] if node.named_child_count else None
        for option in alternatives(value):
            self.returned(option, scopes[0])

    def returned(self, value, function_scope: int) -> None:
        if value is None:
            return
        if value.type in ("call_expression", "new_expression"):
            root, fluent = self.chain_root(value)
            index = self.call_index.get(node_key(root if fluent else value), -1)
            if index >= 0:
                self.facts.calls[index].returned = True
            return
        if value.type == "object":  # `return { child, stop }`: what each key holds, read in the function
            self.declare(function_scope, RETURNED_OBJECT, Value("object", arg=self.arg(value)), value.start_point[0] + 1)
            return
        if value.type == "array":  # `return [stringify, fileStream]`: each element handed to the caller
            self.declare(function_scope, RETURNED_ARRAY, Value("array", arg=self.arg(value)), value.start_point[0] + 1)
            return
        path = dotted(value)
        if path:
            self.facts.returns.append((function_scope, path))
            self._fact_lines["returns", len(self.facts.returns) - 1] = value.start_point[0] + 1

    def on_decorator(self, node: tree_sitter.Node, scopes) -> None:
        """`@HandleExceptions() public async get(req, res)`: the method a decorator applies to (a
        TypeScript class body lists decorators before the method, JavaScript's inside it), and what
        the decorator names (FileFacts.method_decorators)."""
        method = node.parent
        if method is None or method.type != "method_definition":
            method = node.next_named_sibling
            while method is not None and method.type in ("decorator", "comment"):
                method = method.next_named_sibling
        if method is None or method.type != "method_definition" or not node.named_children:
            return
        expression = unwrap(node.named_children[0])
        index = -1
        if expression.type == "call_expression":
            index = self.call_index.get(node_key(expression), -1)
            expression = expression.child_by_field_name("function")
        path = dotted(expression) if expression is not None else ()
        if path:
            self.facts.method_decorators += ((scope_id(method), path, index),)

    def on_function(self, node: tree_sitter.Node, scopes) -> None:
        sid = scope_id(node)
        self.facts.scope_parents[sid] = scopes[0]
        name = node.child_by_field_name("name")
        if name is not None and node.type in ("function_declaration", "generator_function_declaration"):
            self.declare(scopes[0], text(name), Value("function", scope=sid), node.start_point[0] + 1)
        params = node.child_by_field_name("parameters")
        single = node.child_by_field_name("parameter")  # `x => …`
        plist = params.named_children if params is not None else ([single] if single is not None else [])
        index = 0
        for param in plist:
            if param.type == "comment":
                continue
            ident = param
            if ident.type in ("required_parameter", "optional_parameter"):
                ident = ident.child_by_field_name("pattern")
            default = None
            if ident is not None and ident.type == "assignment_pattern":
                default = ident.child_by_field_name("right")
                ident = ident.child_by_field_name("left")
            elif param.type in ("required_parameter", "optional_parameter"):
                default = param.child_by_field_name("value")  # `app: Application = express()`
            if ident is not None and ident.type == "identifier":
                self.declare(sid, text(ident), Value("param", scope=sid, index=index), param.start_point[0] + 1)
                if default is not None and unwrap_await_kind(default)[1] in ("call_expression", "new_expression", "identifier", "member_expression"):
                    # read in pass 2, once the default's call is indexed; a name or a dotted name too
                    # (`callFetch(request, axiosInstance = axios)`, clearlydefined's crawler)
                    self._param_defaults.append((sid, text(ident), default, param.start_point[0] + 1))
                # `constructor(private readonly redis: Redis)`: a TypeScript parameter property is `this.redis`
                if param is not ident and scopes[0] in self.class_scopes and any(
                    c.type in ("accessibility_modifier", "readonly", "override") for c in param.children[:3]
                ):
                    self.declare(scopes[0], "this." + text(ident), Value("param", scope=sid, index=index), param.start_point[0] + 1)
            elif ident is not None and ident.type in ("object_pattern", "array_pattern"):
                # `getItems({ id, ws, syncTask })`: each name is the function's own, a part of what
                # its caller passes, not a global or a module of that name (the `ws` library)
                for local in pattern_identifiers(ident):
                    self.declare(sid, local, Value("other"), param.start_point[0] + 1)
            index += 1
        body = node.child_by_field_name("body")
        if node.type == "arrow_function" and body is not None and body.type != "statement_block":
            self._expression_bodies.append((body, sid))
        is_async = any(c.type == "async" for c in node.children[:4])
        label = text(name) if name is not None else ""
        if node.type == "method_definition" and scopes[0] in self.class_scopes and label:
            self.declare(scopes[0], "this." + label, Value("function", scope=sid), node.start_point[0] + 1)
        self.facts.functions[sid] = Function(sid, label, is_async, index, span(node))

    def _record_unguarded(self) -> None:
        """Each function's unguarded awaits with the call each one awaits (known once every call of
        the file is indexed: the await comes before its call in the sweep)."""
        for field, found in (("unguarded_awaits", self._unguarded), ("cleanup_awaits", self._cleanup)):
            by_function: dict[int, list[tuple[int, int]]] = {}
            for scope, line, key in found:
                by_function.setdefault(scope, []).append((line, self.call_index.get(key, -1) if key is not None else -1))
            for scope, awaits in by_function.items():
                self.facts.functions[scope] = updated(self.facts.functions[scope], **{field: tuple(awaits)})

    def on_for(self, node: tree_sitter.Node, scopes) -> None:
        left = node.child_by_field_name("left")
        right_node = unwrap(node.child_by_field_name("right"))
        right = collection_path(right_node)
        is_of = any(c.type == "of" for c in node.children)
        if is_of and right and any(c.type == "await" for c in node.children):
            self.facts.iterated.append((scopes[0], right))  # `for await (const chunk of stream)`
            self._fact_lines["iterated", len(self.facts.iterated) - 1] = node.start_point[0] + 1
        if left is None or left.type != "identifier" or not is_of:
            return
        if right:
            self.declare(scopes[0], text(left), Value("element", path=right), node.start_point[0] + 1)
        elif right_node is not None and right_node.type == "array":  # for (const q of [a, b])
            for element in right_node.named_children:
                self.declare(scopes[0], text(left), self.value(element), node.start_point[0] + 1)

    def on_browser_global(self, node: tree_sitter.Node, scopes) -> None:
        """`document.title`: a browser global, unless the name is declared in scope (LangChain's
        `document.pageContent`, a `window` parameter)."""
        name = text(node)
        declared = self._declared_names
        if not self.facts.dom and not any(
            (scope, name) in declared or (scope, name) in self._names_so_far or (scope, name) in self._pattern_names
            for scope in scopes
        ):
            self.facts.dom = True

    def on_path_compare(self, node: tree_sitter.Node, scopes) -> None:
        """`req.url === "/health"`, `case "/healthz":` of a `switch (pathname)`: a route written by
        hand, when what the path is compared with names a URL or a path (`req.url`, `pathname`,
        `url.pathname`, `parsedUrl.path`)."""
        value = string_value(node)
        parent = node.parent
        if value is None or parent is None:
            return
        if _TYPE[parent.kind_id] == "binary_expression":
            operator = parent.child_by_field_name("operator")
            if operator is None or text(operator) not in ("===", "==", "!==", "!="):
                return
            left = parent.child_by_field_name("left")
            other = parent.child_by_field_name("right") if left is not None and left.id == node.id else left
            subject = text(other) if other is not None else ""
        elif _TYPE[parent.kind_id] == "switch_case":
            switch = parent.parent.parent if parent.parent is not None else None  # switch_body → switch_statement
            tested = switch.child_by_field_name("value") if switch is not None else None
            subject = text(tested) if tested is not None else ""
        else:
            return
        if _TYPE[parent.kind_id] == "binary_expression" and not _decides_a_branch(parent):
            return  # `return path === "/health" || …`: a predicate's value (a rate limiter's skip list)
        if _URL_SUBJECT.search(subject) and value not in self.facts.compared_paths:
            self.facts.compared_paths += (value,)

    def on_if_test(self, node: tree_sitter.Node, scopes) -> None:
        """`if (!(await redis.exists(key))) throw …` / `if (await lock.get(k)) { … }` /
        `if (exists === 0) return`: which result of one call the consequence runs on (FileFacts.gates)."""
        statement = node.parent
        consequence = statement.child_by_field_name("consequence") if statement is not None else None
        if consequence is None:
            return
        truthy = True
        tested: tree_sitter.Node | None = node
        while tested is not None:
            kind = _TYPE[tested.kind_id]
            if kind in _UNWRAPPED:
                tested = tested.named_children[0] if tested.named_child_count else None
            elif kind == "unary_expression" and text(tested).startswith("!"):
                truthy = not truthy
                tested = tested.named_children[0] if tested.named_child_count else None
            elif kind == "binary_expression":
                left, right = tested.child_by_field_name("left"), tested.child_by_field_name("right")
                operator = tested.child_by_field_name("operator")
                number = right if right is not None and _TYPE[right.kind_id] == "number" else None
                if number is None or operator is None or left is None:
                    return
                sign = {("===", "0"): False, ("==", "0"): False, ("!==", "0"): True, ("!=", "0"): True,
                        (">", "0"): True, (">=", "1"): True, ("===", "1"): True, ("==", "1"): True,
                        ("<", "1"): False, ("<=", "0"): False}.get((text(operator), text(number)))
                if sign is None:
                    return
                truthy = truthy if sign else not truthy
                tested = left
            else:
                break
        if tested is None:
            return
        kind = _TYPE[tested.kind_id]
        if kind in ("call_expression", "new_expression"):
            index, name = self.call_index.get(node_key(tested), -1), ""
            if index < 0:
                return
        elif kind == "identifier":
            index, name = -1, text(tested)
        else:
            return
        body = consequence
        if _TYPE[body.kind_id] == "statement_block":
            last = body.named_children[-1] if body.named_child_count else None
        else:
            last = body
        exits = last is not None and _TYPE[last.kind_id] in ("throw_statement", "return_statement")
        span = (consequence.start_point[0] + 1, consequence.start_point[1] + 1, consequence.end_point[0] + 1, consequence.end_point[1] + 1)
        self.facts.gates.append((index, name, tuple(scopes), truthy, span, exits))

    def on_class(self, node: tree_sitter.Node, scopes) -> None:
        self.class_scopes.add(scope_id(node))
        class_name = node.child_by_field_name("name")
        if class_name is not None:
            self.class_names[scope_id(node)] = text(class_name)
        self.facts.scope_parents[scope_id(node)] = scopes[0]
        name = node.child_by_field_name("name")
        if name is not None and node.type != "class":
            self.declare(scopes[0], text(name), Value("class", scope=scope_id(node)), node.start_point[0] + 1)
        # `class XProvider extends SocialAbstract`: the base whose methods `this.fetch(…)` may call
        for heritage in (c for c in node.children if c.type == "class_heritage"):
            for part in heritage.named_children:
                base = part.child_by_field_name("value") if part.type == "extends_clause" else part
                if base is None and part.type == "extends_clause" and part.named_children:
                    base = part.named_children[0]
                path = dotted(base) if base is not None and part.type != "implements_clause" else ()
                if path:
                    self.facts.class_bases[scope_id(node)] = (tuple(scopes), (path,))
                    break

    def run(self, root: tree_sitter.Node, grammar: str) -> None:
        captures = tree_sitter.QueryCursor(_query(grammar)).captures(root)
        self.unit_captures = {name: captures.pop(name, []) for name in ("use", "loader", "spec", "member_read")}  # js_units'
        self.declarators = captures.get("declarator", [])
        self._flags = dev_flags(self.declarators)  # `const isLocal = NODE_ENV === "development"`
        self._stmt_spans: dict[int, tuple] = {}  # by id() of the statement nodes the sweep keeps alive
        self._awaited = {node_key(n) for n in captures.pop("awaited", ())}
        has_jsx = bool(captures.pop("jsx", None))
        self.facts.ui = self.facts.ui or has_jsx
        computed = captures.pop("computed_import", []) + captures.pop("require_fn", [])
        captures.pop("webext_api", None)  # (only a predicate's operand: the global is the `dom` capture)
        captures.pop("dir_loader", None), captures.pop("dir_require", None), captures.pop("dir_package", None)
        self._dir_loader_args = captures.pop("dir_loader_arg", [])  # read once the file's requires are known
        if computed:  # `require(file)` over a directory listing, `import(path)`: a plugin loader
            self.facts.dynamic_loads = min(node.start_point[0] + 1 for node in computed)
            self.facts.dynamic_dirs = tuple(sorted({_static_folder(node) for node in computed}))
        captures.pop("each_method", None), captures.pop("each_require", None)
        listings = captures.pop("each_list", [])
        if listings:  # `glob.sync(…).forEach(require)`: the folder of the listing's pattern, else any module
            first = min(n.start_point[0] + 1 for n in listings)
            self.facts.dynamic_loads = min(self.facts.dynamic_loads, first) if self.facts.dynamic_loads else first
            self.facts.dynamic_dirs = tuple(sorted(set(self.facts.dynamic_dirs) | {_listing_folder(n) for n in listings}))
        quotes = captures.pop("quote", ())
        if quotes:
            firsts = [_SOURCE[0][q.start_byte] for q in quotes]
            self.facts.quotes = (firsts.count(39), firsts.count(34))  # ' and "
        self._sites: list[tuple] = []
        self.facts.import_site = edit_sites.import_site(root, _SOURCE[0])
        # sorted: tree-sitter's capture order for this pattern changed between processes (seen on
        # novu), and the facts must not depend on which process extracted them
        dev: set[str] = set()
        everywhere: set[str] = set()
        for node in sorted(captures.pop("dynamic_import", ()), key=lambda n: n.start_byte):
            module = string_value(node)
            if module is not None:
                self.facts.imports.append(module)
                if _under_dev_switch(node, self._flags):
                    dev.add(module)
                else:
                    everywhere.add(module)
        self.facts.dev_imports = tuple(sorted(dev - everywhere))
        self._loaded_anyway = everywhere  # modules loaded outside any development switch (with ES imports, requires)
        # `if (devMode) { return runWatchMode(…) }`: the spans of code that runs only in development
        if_bodies = captures.pop("if_body", ())
        dev_bodies = [(n.start_point, n.end_point) for n in if_bodies if _is_dev_switch(n, self._flags)]
        # `if (isQueueDebugEnabled) { events.on("error", …) }`: code that runs only when debugging is
        # switched on (FileFacts.debug_calls)
        debug_bodies = [(n.start_point, n.end_point) for n in if_bodies if _is_debug_switch(n)]
        ordered = list(sweep(captures, ("function", "class"), ("statement",), ("stop",), ("guard",), ("cleanup",)))
        self._pending_args: list[tuple[Call, list]] = []
        self._unguarded: list[tuple[int, int, tuple | None]] = []  # (function scope, line, awaited call's key)
        self._cleanup: list[tuple[int, int, tuple | None]] = []  # the same, of the awaits only a `finally` guards
        self._pending_chain: list[tuple] = []
        self._expression_bodies: list[tuple] = []
        self._iterations: list[tuple] = []
        self._receivers: list[tuple[Call, tree_sitter.Node]] = []
        self._param_defaults: list[tuple[int, str, tree_sitter.Node, int]] = []
        # Pass 1: scopes, calls and the names each scope declares (so assignments find them).
        self._declared_names: set[tuple[int, str]] = set()
        self._pattern_names: set[tuple[int, str]] = set()  # names a destructuring declares (browser globals only)
        later = []
        tails: list[tuple[str, int, tree_sitter.Node]] = []
        for name, node, scopes, statement, guarded in ordered:
            if name == "call":
                self.on_call(node, scopes, statement)
            elif name == "throw":
                function = self.facts.functions.get(scopes[0])
                if not guarded and function is not None and (not function.throws or function.throws_on_shape):
                    on_shape = _throw_on_shape(node)
                    self.facts.functions[scopes[0]] = updated(
                        function, throws=True, throws_on_shape=on_shape and (not function.throws or function.throws_on_shape))
            elif name == "ends_throw":
                function = self.facts.functions.get(scopes[0])
                if function is not None:
                    self.facts.functions[scopes[0]] = updated(function, ends_throw=True)
            elif name == "catch_tail" or name == "tail_call":
                if name == "tail_call" or not guarded:  # a catch inside another try's body is handled there
                    tails.append((name, scopes[0], node))
            elif name == "await":
                record_await(self.facts, scopes[0], node.start_point[0] + 1, guarded)
                if (not guarded or guarded == CLEANUP) and scopes[0] in self.facts.functions:
                    operand = unwrap(node.named_children[0]) if node.named_child_count else None
                    key = node_key(operand) if operand is not None and operand.type in ("call_expression", "new_expression") else None
                    (self._cleanup if guarded else self._unguarded).append((scopes[0], node.start_point[0] + 1, key))
            elif name == "class":
                self.on_class(node, scopes)
            elif name == "function":
                self.on_function(node, scopes)
            else:
                later.append((name, node, scopes))
                if name == "declarator":
                    ident = node.child_by_field_name("name")
                    if ident is not None and ident.type == "identifier":
                        self._declared_names.add((scopes[0], text(ident)))
                    elif ident is not None and ident.type in ("array_pattern", "object_pattern"):
                        # `const [document, team] = await Promise.all(…)`: a local `document`
                        self._pattern_names.update((scopes[0], n) for n in pattern_identifiers(ident))
        self._declared_names.update((d.scope, d.name) for d in self.facts.decls)
        self._record_unguarded()
        for name, scope, node in tails:  # once every call is indexed
            inner, kind = unwrap_await_kind(node)
            index = self.call_index.get(node_key(inner), -1) if kind == "call_expression" else -1
            function = self.facts.functions.get(scope)
            if index < 0 or function is None:
                continue
            if name == "tail_call":
                self.facts.functions[scope] = updated(function, tail_call=index)
            else:
                self.facts.functions[scope] = updated(function, catch_tails=function.catch_tails + (index,))
        # Pass 2: everything that refers to calls by node.
        handlers = {
            "import": self.on_import,
            "export": self.on_export,
            "declarator": self.on_declarator,
            "assign": self.on_assign,
            "return": self.on_return,
            "field": self.on_field,
            "for": self.on_for,
            "dom": self.on_browser_global,
            "if_test": self.on_if_test,
            "path_cmp": self.on_path_compare,
            "path_case": self.on_path_compare,
            "decorator": self.on_decorator,
        }
        for name, node, scopes in later:
            handlers[name](node, scopes)
        for sid, name, default, line in self._param_defaults:
            # `createApp(options, client?, app = express())`: a caller that leaves the parameter out
            # gets the default, so the name may hold what that call makes as well as what callers pass
            # (unleash-proxy's `start()` calls `createApp(opt)` and listens on its result)
            value = self.value(default)
            if value.kind == "call" or value.kind == "import" or value.kind == "ref" and value.path and value.path[0] != name:
                self.declare(sid, name, value, line)
        bindings = {}  # call → the statement that binds its value (where a fix adds a statement after it)
        for name, node, scopes in later:
            if name == "declarator" or name == "assign":
                found = self._binding(node)
                if found is not None:
                    bindings[found[0]] = found[1]
        source = _SOURCE[0]
        self.facts.sites = edit_sites.pack(
            {self.call_index[key]: edit_sites.call_site(node, args_node, source, bindings.get(key, ()), _TYPE)
             for _, node, args_node, key in self._sites}
        )
        for body, sid in self._expression_bodies:
            for option in alternatives(body):
                self.returned(option, sid)
        for call, args in self._pending_args:
            call.args = tuple([self.arg(a) for a in args])
        for function, collection in self._iterations:  # workers.forEach((w) => w.on("error", …))
            params = function.child_by_field_name("parameters")
            first = function.child_by_field_name("parameter")
            if first is None and params is not None and params.named_child_count:
                first = params.named_children[0]
                if first.type in ("required_parameter", "optional_parameter"):
                    first = first.child_by_field_name("pattern")
            if first is None or first.type != "identifier":
                continue
            if isinstance(collection, tuple):
                self.declare(scope_id(function), text(first), Value("element", path=collection), function.start_point[0] + 1)
            else:  # an array literal: the parameter is each of its elements
                for element in collection.named_children:
                    spread = element.named_children[0] if element.type == "spread_element" and element.named_child_count else None
                    if spread is not None and collection_path(spread):  # `[...workers.values()].map((w) => …)`
                        value = Value("element", path=collection_path(spread))
                    else:
                        value = self.value(element)
                    self.declare(scope_id(function), text(first), value, function.start_point[0] + 1)
        for call, inner in self._receivers:
            call.receiver_call = self.call_index.get(node_key(inner), -1)
        for call, args in self._pending_args:  # registry.set(name, worker): a Map member
            if call.method == "set" and len(call.callee) > 1 and len(call.args) == 2 and call.args[1].kind in ("ref", "new", "call"):
                self.facts.members.append((call.scopes, call.callee[:-1], call.args[1]))
                self._fact_lines["members", len(self.facts.members) - 1] = call.span[0]
        loaded = self._loaded_anyway
        dev_required: set[str] = set()
        node_module_names = {d.name for d in self.facts.decls if d.value.kind == "import" and d.value.module in _NODE_MODULE}
        for call, args in self._pending_args:  # bare `require("m");` and `const { a } = require("m")`
            if call.callee == ("require",) and args and string_value(args[0]) is not None:
                module = string_value(args[0])
                self.facts.imports.append(module)
                # `if (config.env === "development") require("./dev")`: loaded only in development
                (dev_required if _under_dev_switch(args[0], self._flags) else loaded).add(module)
            elif call.method == "_load" and args and string_value(args[0]) is not None and self._node_module_receiver(call, node_module_names):
                # `require('module')._load('./dist/server/index.js', module, true)` (pokemon-showdown's
                # bin): Node's CommonJS loader itself, which `require` calls (lib/internal/modules/cjs/
                # loader.js: `Module._load(request, parent, isMain)`); the third argument only makes the
                # loaded file `require.main`. The same edge as `require('./dist/server/index.js')`
                module = string_value(args[0])
                self.facts.imports.append(module)
                loaded.add(module)
        if self._dir_loader_args and _DIR_LOADERS & set(self.facts.imports):  # `requireAll(path.join(__dirname, "../controller"))`
            loaders = self._dir_loader_args
            first = min(n.start_point[0] + 1 for n in loaders)
            self.facts.dynamic_loads = min(self.facts.dynamic_loads, first) if self.facts.dynamic_loads else first
            self.facts.dynamic_dirs = tuple(sorted(set(self.facts.dynamic_dirs) | {_loader_folder(n) for n in loaders}))
        if dev_required - loaded:
            self.facts.dev_imports = tuple(sorted((set(self.facts.dev_imports) | dev_required) - loaded))
        roots: dict[tuple[int, int, int], tree_sitter.Node] = {}
        for inner, method, args in reversed(self._pending_chain):  # innermost links first
            root = self._memo_root(inner, roots)
            index = self.call_index.get(node_key(root), -1)
            if index >= 0:
                first = string_value(args[0]) if args else None
                self.facts.calls[index].chain += ((method, first or ""),)
        if dev_bodies:  # the calls inside them, by index (`FileFacts.dev_calls`); none in most files
            self.facts.dev_calls = tuple(
                i for i, call in enumerate(self.facts.calls)
                if any(start <= (call.span[0] - 1, call.span[1] - 1) and (call.span[2] - 1, call.span[3] - 1) <= end for start, end in dev_bodies)
            )
        self.facts.dev_flags = tuple(sorted(self._flags))
        # the lines of those bodies: a finding sited on a line with no call of its own (`const queues = [`)
        self.facts.dev_lines = tuple(sorted({(start[0] + 1, end[0] + 1) for start, end in dev_bodies}))
        # `if (isLocal) { … }` where `isLocal` is imported: whether it is a development switch is the
        # declaring module's to say (`FileFacts.dev_flags`, read by the process model)
        imported = {d.name for d in self.facts.decls if d.scope == MODULE_SCOPE and d.value.kind == "import"}
        flagged: dict[str, list[tuple]] = {}
        for body in if_bodies:
            condition = body.parent.child_by_field_name("condition") if body.parent is not None else None
            test = _bare_test(condition) if condition is not None else ""
            if test in imported and test not in self._flags and not _dev_test(condition):
                flagged.setdefault(test, []).append((body.start_point, body.end_point))
        if flagged:
            self.facts.flag_lines = tuple(sorted((name, start[0] + 1, end[0] + 1) for name, spans in flagged.items() for start, end in spans))
            self.facts.flag_calls = tuple(
                (name, tuple(i for i, call in enumerate(self.facts.calls)
                             if any(start <= (call.span[0] - 1, call.span[1] - 1) and (call.span[2] - 1, call.span[3] - 1) <= end
                                    for start, end in spans)))
                for name, spans in sorted(flagged.items())
            )
        if debug_bodies:
            self.facts.debug_calls = tuple(
                i for i, call in enumerate(self.facts.calls)
                if any(start <= (call.span[0] - 1, call.span[1] - 1) and (call.span[2] - 1, call.span[3] - 1) <= end for start, end in debug_bodies)
            )
        if self._block_decls:
            _BlockScopes(self.facts, self._block_decls, self._fact_lines).apply()


_FUNCTION_BODIES = frozenset({"arrow_function", "function_expression", "function", "generator_function",
                              "function_declaration", "generator_function_declaration", "method_definition"})


def _nested_block(declarator: tree_sitter.Node) -> tuple[int, int, int] | None:
    """The block a `const`/`let` declarator is scoped to when that is not a function's body nor the
    module: (start byte, first line, last line); None otherwise (`var`, a top-level declaration)."""
    declaration = declarator.parent
    if declaration is None or declaration.type != "lexical_declaration":
        return None
    block = declaration.parent
    if block is None or block.type not in ("statement_block", "switch_body", "switch_case", "switch_default"):
        return None
    if block.type == "statement_block" and block.parent is not None and block.parent.type in _FUNCTION_BODIES:
        return None
    if block.type in ("switch_case", "switch_default"):
        block = block.parent
    return block.start_byte, block.start_point[0] + 1, block.end_point[0] + 1


class _BlockScopes:
    """`const` and `let` are block scoped: two blocks of one function may each declare a `stream`
    (`if (…) { const stream = createReadStream(p); stream.pipe(res) } else { const stream = …;
    send(stream) }`), and a block may shadow the function's own name. Facts declare names per
    function, so such a block's declarations are renamed `stream@<block>` and so is every
    reference to the name inside the block (calls, arguments, values, assignments, returns,
    members, iterations) that is not shadowed by a nested function's own declaration of it. Only
    names declared more than once in a function are renamed; lines locate a reference (a block
    sharing a line with another reference of the name is taken as containing it)."""

    def __init__(self, facts: FileFacts, blocks, lines: dict[tuple[str, int], int]) -> None:
        self.facts = facts
        self.lines = lines
        declared: dict[tuple[int, str], int] = {}
        scopes_of: dict[str, set[int]] = {}  # name → the scopes that declare it
        for d in facts.decls:
            declared[d.scope, d.name] = declared.get((d.scope, d.name), 0) + 1
            scopes_of.setdefault(d.name, set()).add(d.scope)
        self.declared = declared
        # (function scope, name) → [(block first line, last line, mangled name)], innermost last
        self.blocks: dict[tuple[int, str], list[tuple[int, int, str]]] = {}
        for scope, (start, first, last), lo, hi in blocks:
            for d in facts.decls[lo:hi]:
                # declared twice in the function, or also in another scope, which the block may shadow
                # (postgres-meta: `let pool = new Pool(…)` in `init`, and `if (!pool) { const pool = …
                # }` in a method of the object it returns: the method's other uses are the outer pool)
                if (declared.get((scope, d.name), 0) > 1 or len(scopes_of[d.name]) > 1) and BLOCK_MARK not in d.name \
                        and not d.name.startswith("<"):
                    entry = (first, last, f"{d.name}{BLOCK_MARK}{start}")
                    found = self.blocks.setdefault((scope, d.name), [])
                    if entry not in found:
                        found.append(entry)
        for found in self.blocks.values():
            found.sort(key=lambda e: (e[0], -e[1]))

    def rename(self, scopes: tuple[int, ...], name: str, line: int) -> str:
        """The name a reference on `line`, read in `scopes`, denotes."""
        for scope in scopes:
            found = self.blocks.get((scope, name))
            if found:
                inner = [e for e in found if e[0] <= line <= e[1]]
                return inner[-1][2] if inner else name
            if self.declared.get((scope, name)):
                return name  # declared by a nearer function: not the block's
        return name

    def path(self, scopes: tuple[int, ...], path: tuple[str, ...], line: int) -> tuple[str, ...]:
        if not path:
            return path
        head = self.rename(scopes, path[0], line)
        return path if head == path[0] else (head,) + path[1:]

    def arg(self, scopes: tuple[int, ...], arg: Arg, line: int) -> Arg:
        changed = {}
        if arg.kind == "ref" and arg.path:
            path = self.path(scopes, arg.path, line)
            if path != arg.path:
                changed["path"] = path
        if arg.values:
            values = tuple(self.arg(scopes, v, line) for v in arg.values)
            if values != arg.values:
                changed["values"] = values
        if arg.branches:
            branches = tuple(self.arg(scopes, v, line) for v in arg.branches)
            if branches != arg.branches:
                changed["branches"] = branches
        return replace(arg, **changed) if changed else arg

    def chain(self, scope: int) -> tuple[int, ...]:
        parents = self.facts.scope_parents
        steps = [scope]
        while scope != MODULE_SCOPE and len(steps) < 256:
            scope = parents.get(scope, MODULE_SCOPE)
            steps.append(scope)
        return tuple(steps)

    def apply(self) -> None:
        if not self.blocks:
            return
        facts = self.facts
        names = {name for _, name in self.blocks}
        for call in facts.calls:
            line = call.span[0]
            if call.callee and call.callee[0] in names:
                call.callee = self.path(call.scopes, call.callee, line)
            if call.args:
                call.args = tuple(self.arg(call.scopes, a, line) for a in call.args)
            if call.bound_to in names:
                call.bound_to = self.rename(call.scopes, call.bound_to, line)
        for i, d in enumerate(facts.decls):
            chain = self.chain(d.scope)
            name = self.rename(chain, d.name, d.line) if d.name in names else d.name
            value = d.value
            if value.kind in ("ref", "element") and value.path:
                value_scopes = self.chain(value.scope) if value.scope else chain
                path = self.path(value_scopes, value.path, d.line)
                if path != value.path:
                    value = replace(value, path=path)
            if value.arg is not None:
                made = self.arg(chain, value.arg, d.line)
                if made is not value.arg:
                    value = replace(value, arg=made)
            if name != d.name or value is not d.value:
                facts.decls[i] = Decl(d.scope, name, value, d.line)
        for i, a in enumerate(facts.assignments):
            target = self.path(a.scopes, a.target, a.line)
            value = self.arg(a.scopes, a.value, a.line)
            if target != a.target or value is not a.value:
                facts.assignments[i] = Assignment(target, a.scopes, value, a.line)
        for i, (scope, path) in enumerate(facts.returns):
            line = self.lines.get(("returns", i))
            if line is not None:
                facts.returns[i] = (scope, self.path(self.chain(scope), path, line))
        for i, (scope, path) in enumerate(facts.iterated):
            line = self.lines.get(("iterated", i))
            if line is not None:
                facts.iterated[i] = (scope, self.path(self.chain(scope), path, line))
        for i, (scopes, owner, arg) in enumerate(facts.members):
            line = self.lines.get(("members", i))
            if line is not None:
                facts.members[i] = (scopes, self.path(scopes, owner, line), self.arg(scopes, arg, line))


def extract(root: tree_sitter.Node, facts: FileFacts, grammar: str) -> None:
    global _TYPE
    _TYPE = kind_names(ts_language(grammar))
    extractor = _Extractor(facts, grammar)
    extractor.run(root, grammar)
    js_units.extract_units(root, facts, extractor.unit_captures, extractor.declarators)
