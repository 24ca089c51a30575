"""What a file is for: server code, tests, browser code, or tooling.

crashlint is about servers that hang and crash in production. A `fetch` with no timeout in a
React component, an e2e test or a release script is not that, and a senior engineer would call a
finding there noise. Rules name the roles they apply to (`roles = ["server"]`, the default).
"""

from __future__ import annotations

import posixpath
import re

from crashlint.dependencies import Manifest, normalize

ROLES = ("server", "test", "browser", "tooling")

TEST_DIRS = frozenset(
    {"test", "tests", "__tests__", "__test__", "__mocks__", "e2e", "__e2e__", "e2e-tests", "e2e_tests",
     "cypress", "playwright", "spec", "specs", "testing", "test-utils", "testutils", "mocks", "stories",
     "integration-tests", "integration_tests", "__fixtures__", "fixtures", "testdata", "test-data", "test_data",
     "__snapshots__", ".semgrep", "test_utils", "testutil", "test-helpers", "test_helpers",
     # Django's and unittest's own spelling (DefectDojo's `unittests/`, whose `scans/` are sample inputs
     # its parser tests read: a `server.js` there is data, not a service)
     "unittests", "unittest",
     # Cucumber's step definitions (`features/step_definitions/*.ts`, loaded by cucumber-js through its
     # config's `require`/`import`: github.com/cucumber/cucumber-js/blob/main/docs/configuration.md)
     "step_definitions", "step-definitions",
     # type tests (tsd, `tsc` over `typetest/`): compiled, never run
     "typetest", "typetests", "type-tests"}
)
# `test-embed/`, `tests-integration/`, `test-app/`: a folder named for testing, with a suffix; a
# kind of tests named first (`playwright_tests/`, kitsune's end-to-end suite; `load-tests/`), or
# written as one word (tecken's `systemtests/` and `smoketests/`, clients run against a deployment)
TEST_DIR_PREFIX = re.compile(
    r"^tests?-\w|^(e2e|ui|browser|playwright|selenium|cypress|integration|functional|acceptance|load|smoke|unit|system|end2end|perf)[-_]?tests?$")


def is_test_dir(part: str) -> bool:
    """Whether a (lower-cased) folder name marks test code."""
    return part in TEST_DIRS or bool(TEST_DIR_PREFIX.match(part))


# (`tests.py` is a Django app's test module: Django's test runner discovers `test*.py` files,
# docs.djangoproject.com/en/stable/topics/testing/overview/#running-tests; `pytest_plugin.py` is the
# name a package gives the pytest plugin it registers for its test suites under the `pytest11` entry
# point (pulpcore, pulp_python: `[project.entry-points."pytest11"] pulpcore = "pulpcore.pytest_plugin"`,
# docs.pytest.org/en/stable/how-to/writing_plugins.html#making-your-plugin-installable-by-others):
# pytest loads it, no service does)
TEST_FILE = re.compile(
    r"(^(testutils?|test_?helpers?|fixtures?|conftest)\.(py|[cm]?[jt]sx?)$)|(^pytest_?plugins?\.py$)|(\.(test|spec|e2e|e2e-spec|cy|stories|bench)\.[cm]?[jt]sx?$)|(^test_.*\.py$)|(_test\.py$)|(^conftest\.py$)|(^run_?tests\.py$)|(^tests\.py$)"
)
ROUTE_HANDLER = re.compile(r"^(route|middleware)\.[jt]sx?$")
# Build and tool configuration run by bundlers, test runners and linters, never by the service.
CONFIG_FILE = re.compile(
    r"^(vite|vitest|webpack|rollup|jest|babel|next|nuxt|tailwind|postcss|eslint|prettier|playwright|cypress|karma"
    r"|svelte|astro|tsup|esbuild|metro|craco|commitlint|stylelint|docusaurus|remix|vue|storybook|turbo|drizzle"
    r"|lint-staged|release|semantic-release|tsdx|vuepress|electron-builder|app|ecosystem|tsdown|rolldown|rspack|rsbuild|unbuild)\.(config|workspace|setup)(\.[\w-]+)?\.[cm]?[jt]s$"
    r"|^(gulpfile|gruntfile|Gulpfile|Gruntfile)\.[cm]?[jt]s$|^\.[\w-]+rc\.[cm]?js$"
)
BACKUP_FILE = re.compile(r"\.(backup|bak|old|orig)\.[cm]?[jt]sx?$|\.(backup|bak|old|orig)\.py$")  # dead copies
TOOLING_DIRS = frozenset(
    {"scripts", "script", "examples", "example", ".github", "tools", "benchmarks", "benchmark", "bench",
     "docs", "doc", "dev", "seed", "seeds", "seeders", "cookbook", "playground", "demo", "demos",
     "terraform", "infra", "deploy", "deployment", "migrations", "alembic", "docker",
     # load tests that boot the server to measure it, code generators run at build time
     "load-testing", "load-test", "load-tests", "loadtest", "loadtests", "loadtesting", "codegen",
     # a Remix / React Router template's set-up script, run once by `create-remix` / `create-react-router --template`
     "remix.init",
     # in-repo Pants build plugins, which pants.toml puts on its own path (`pythonpath =
     # ["%(buildroot)s/pants-plugins"]`, pantsbuild.org "Plugins overview: In-repo plugins"): rules the
     # build runs (st2's `pants-plugins/release/packagecloud_rules.py`), not the service
     "pants-plugins"}
)
def is_django_settings_path(path: str) -> bool:
    """A Django settings module by its path (`settings.py`, a `settings/` package's modules, at the root
    or below): code reads its dicts through `django.conf.settings` (`Redis(**settings.REDIS_KWARGS)`),
    which no import names (engine.context `_setting_dicts` reads them; the prefilter seeds them)."""
    return path == "settings.py" or path.endswith("/settings.py") or "/settings/" in path or path.startswith("settings/")


PY_TOOL_FILES = frozenset({"setup.py", "noxfile.py", "fabfile.py", "dodo.py"})
# a folder of examples by a compound name (`example_apps`, `examples-src`, `code_examples`): code
# shipped for users to copy, which the service does not load
EXAMPLE_DIR = re.compile(r"^examples?[_-]|[_-]examples?$")
# `wwwroot` is ASP.NET Core's web root: the files it serves as they are (a Blazor client's scripts)
# `front` is the short form (NetAlertX's `front/` holds the PHP pages, their scripts and `front/lib`'s
# vendored jQuery plugins and moment.js)
BROWSER_DIRS = frozenset({"frontend", "front-end", "front", "public", "static", "assets", "themes", "www", "wwwroot", "webapp"})
# A service worker script (Workbox's `sw.js`, create-react-app's and Blazor's `service-worker.js`)
# runs in the browser, registered by a page with `navigator.serviceWorker.register(…)`
SERVICE_WORKER = re.compile(r"^(service-?worker|sw)(\.[\w-]+)?\.[cm]?[jt]s$", re.IGNORECASE)
# Path parts that mark server code even inside a package that is mostly front end (Next.js API
# routes, server actions, workers). `server-only/` is the folder form of the `server-only` package
# (SERVER_IMPORT below): a library package that also holds React hooks keeps its server half there.
SERVER_MARKERS = re.compile(
    r"(^|/)(pages/api|app/api|server|servers|server-only|backend|back-end)(/|$)|\.server\.[jt]sx?$|(^|/)(route|middleware)\.[jt]sx?$"
)
FRONTEND_DEPENDENCIES = frozenset(
    {"react", "react-dom", "react-native", "vue", "nuxt", "svelte", "@sveltejs/kit", "@angular/core", "solid-js",
     "preact", "next", "@remix-run/react", "astro", "gatsby", "expo", "vite",
     # Lit's custom elements (lit.dev: "simple, fast web components"): rapidpro's temba-components,
     # a Django app's widgets bundled by Rollup into one `<script>` of its templates
     "lit", "lit-element", "lit-html", "@lit/reactive-element"}
)
# Stylesheet and page tooling: a private package that builds with these (and runs no server framework)
# holds a web front end's scripts, bundled for pages (Flexget's AngularJS UI with gulp and bower,
# netbox's project-static with esbuild and sass), whether or not they import a browser library.
PAGE_ASSET_TOOLS = frozenset(
    {"sass", "node-sass", "gulp-sass", "esbuild-sass-plugin", "sass-loader", "less", "stylus", "bower", "browser-sync",
     "karma"}
)
# Desktop and editor applications that load a package as their own code: an Electron app's main
# process (electron's `app`, `BrowserWindow`), an Obsidian or VS Code plugin. What such a package
# runs, runs on the user's machine inside that application, not in a service (khoj's desktop app
# and Obsidian plugin beside its server).
DESKTOP_HOSTS = frozenset({"electron", "obsidian", "vscode", "@types/vscode", "@raycast/api", "@tauri-apps/api"})
# Frameworks that make a package a server even when it also ships a command (package.json "bin").
SERVER_FRAMEWORKS = frozenset(
    {"express", "fastify", "koa", "@nestjs/core", "@hapi/hapi", "hapi", "hono", "restify", "socket.io"}
)


# Libraries that only run in a browser: a module importing one is browser code whatever its folder.
BROWSER_IMPORT = re.compile(
    r"^(react-dom(/client)?|prosemirror-view|@tiptap/react|@tiptap/vue-\d|vue|vue-router|svelte|@angular/core|"
    r"solid-js/web|@mui/material|@chakra-ui/react|styled-components|@emotion/react|react-router-dom|"
    r"lit|lit/decorators(?:\.js)?|lit-element|lit-html)$"
)
SERVER_IMPORT = re.compile(
    r"^(server-only|next/server|fs|fs/promises|child_process|net|tls|cluster|worker_threads|ioredis)$|^node:|(^|/)server(/|$)"
)
# Nuxt apps (nuxt in dependencies or devDependencies: `nuxt build` bundles its own server): code
# outside Nitro's `server/` folder and `*.server.*` plugins is the app's universal code, bundled for
# the browser (Nuxt docs, "Directory structure": server/ is "the backend" of the app)
NUXT_APPS = frozenset({"nuxt", "nuxt3"})


# manifests hold normalized names (`socket.io` → `socket-io`)
FRONTEND_DEPENDENCIES = frozenset(normalize(n) for n in FRONTEND_DEPENDENCIES)
DESKTOP_HOSTS = frozenset(normalize(n) for n in DESKTOP_HOSTS)
SERVER_FRAMEWORKS = frozenset(normalize(n) for n in SERVER_FRAMEWORKS)


# A `build` script that bundles the package for a page (not a server-side build: `vite build --ssr`)
PAGE_BUILD = re.compile(r"(^|&&\s*|;\s*|\s)(vite build|vite-plus build|webpack|parcel build|ng build|react-scripts build|vue-cli-service build|craco build|rsbuild build)\b")
# frameworks whose `vite build` also builds server code (routes, loaders, endpoints)
SSR_FRAMEWORKS = frozenset(normalize(n) for n in (
    "@sveltejs/kit", "@remix-run/dev", "@remix-run/node", "@react-router/dev", "@react-router/node", "nuxt", "astro",
    "@analogjs/platform", "@solidjs/start", "vike", "vite-plugin-ssr", "@tanstack/react-start", "@tanstack/start", "waku",
))


# Full-stack frameworks whose server runs the package's own modules (Next.js API routes, route
# handlers and server actions; React Router / Remix loaders and actions; TanStack Start server
# functions): a module only their server code imports is server code, though the package is a page's
FULL_STACK = frozenset(normalize(n) for n in ("next",)) | SSR_FRAMEWORKS


# A SvelteKit app built with adapter-static and no other adapter: "prerenders your entire site as a
# collection of static files" (svelte.dev/docs/kit/adapter-static), so its `load` functions and
# endpoints run once, at build time, and the rest in the browser; no server process runs it.
STATIC_SITE_KIT = normalize("@sveltejs/kit")
STATIC_SITE_ADAPTER = normalize("@sveltejs/adapter-static")
SITE_ADAPTER_PREFIX = normalize("@sveltejs/adapter-")


def static_site(manifest: Manifest) -> bool:
    """A SvelteKit package whose only adapter is adapter-static, with no server framework at run
    time, no `bin` and no `start` script."""
    deps = manifest.dependencies.keys()
    adapters = {d for d in deps if d.startswith(SITE_ADAPTER_PREFIX)}
    return (STATIC_SITE_KIT in deps and adapters == {STATIC_SITE_ADAPTER} and not (SERVER_FRAMEWORKS & manifest.runtime)
            and not manifest.has_bin and "start" not in dict(manifest.scripts))


def page_bundle(manifest: Manifest) -> bool:
    """A package that is only a page's scripts: no `main`, `bin` or start command, a front-end
    framework among its dependencies (dev ones too: a bundled app keeps React in devDependencies,
    signalk's admin UI), no server framework at run time, and a `build` script that bundles it for
    the browser (`vite build`, `webpack`, `ng build`, …) with no SSR framework."""
    scripts = dict(manifest.scripts)
    build = scripts.get("build", "")
    return (not manifest.main and not manifest.has_bin and "start" not in scripts
            and bool(FRONTEND_DEPENDENCIES & manifest.dependencies.keys()) and not (SERVER_FRAMEWORKS & manifest.runtime)
            and not (SSR_FRAMEWORKS & manifest.dependencies.keys())
            and bool(PAGE_BUILD.search(build)) and "--ssr" not in build)


def imports_server_code(modules: list[str]) -> bool:
    """A file that imports server-only modules (`next/server`, `node:fs`, `…/server/…`) runs on a server."""
    return any(SERVER_IMPORT.search(m) for m in modules)


def imports_browser_code(modules: list[str]) -> bool:
    """A file that imports a browser-only library (react-dom, prosemirror-view, vue, …) runs in a browser."""
    return any(BROWSER_IMPORT.match(m) for m in modules)


# the folder names SERVER_MARKERS holds (its other parts are file names: `*.server.ts`, `route.ts`)
SERVER_FOLDERS = frozenset({"server", "servers", "server-only", "backend", "back-end"})


def browser_folder_wins(path: str, lowered: list[str]) -> bool:
    """Whether a folder of assets a page loads (`static/`, `public/`, BROWSER_DIRS) says more of the
    file than a server marker of its path: there is none, or the asset folder is the deeper one —
    pgAdmin's `browser/server_groups/servers/static/js/server.js` is the Flask app's webpack-bundled
    page script of its "servers" tree node, as a Node app's `server/public/app.js` is the page's.
    A marker in the file's own name (`page.server.ts`, `route.ts`, `middleware.ts`) or a deeper
    server folder (`frontend/server/`) keeps it server code. O(parts of the path)."""
    found = SERVER_MARKERS.search(path)
    if found is None:
        return True
    if SERVER_MARKERS.search("/" + posixpath.basename(path)):
        return False  # the marker is the file's own name
    deepest_asset = max(i for i, p in enumerate(lowered) if p in BROWSER_DIRS)
    server = [i for i, p in enumerate(lowered) if p in SERVER_FOLDERS or p == "api" and i and lowered[i - 1] in ("pages", "app")]
    if not server:
        return False  # a marker this test does not place (kept as before: server code)
    return deepest_asset > max(server)


def file_role(
    path: str, language: str, ui: bool, manifest: Manifest | None, server_imports: bool = False, cli: bool = False,
    browser_imports: bool = False,
) -> str:
    """The role of one file; `ui` says the file renders JSX or declares "use client", `cli` that it
    reads `process.argv` (a command-line script)."""
    directory, name = posixpath.split(path)
    parts = directory.split("/") if directory else []
    lowered = [p.lower() for p in parts]
    if TEST_FILE.search(name) or any(is_test_dir(p) for p in lowered):
        return "test"
    if any(p in TOOLING_DIRS or "migration" in p or EXAMPLE_DIR.search(p) for p in lowered) or BACKUP_FILE.search(name) or "management/commands" in directory:
        return "tooling"  # (Django management commands are one-off command-line runs)
    if language == "python" and name in PY_TOOL_FILES:
        return "tooling"  # packaging and task-runner scripts, run by pip, nox or fabric
    if language != "python" and CONFIG_FILE.search(name):
        return "tooling"  # a bundler's, test runner's or linter's configuration
    if language == "python":
        return "server"
    if cli:
        return "tooling"
    if ui and not ROUTE_HANDLER.search(name):  # a Next.js route.tsx (an OG image) runs on the server
        return "browser"
    if browser_imports and not server_imports:  # `import { EditorView } from "prosemirror-view"`
        return "browser"
    if any(p in BROWSER_DIRS for p in lowered) and browser_folder_wins(path, lowered):
        return "browser"
    if SERVICE_WORKER.match(name):
        return "browser"
    if manifest is not None:
        deps = manifest.runtime
        if manifest.has_bin and not (SERVER_FRAMEWORKS & deps):
            return "tooling"  # a command-line package (package.json "bin"), not a server
        if DESKTOP_HOSTS & manifest.dependencies.keys() and not SERVER_FRAMEWORKS & deps and not SERVER_MARKERS.search(path):
            return "browser"  # a desktop app or editor plugin: client code on the user's machine
        if static_site(manifest) and not server_imports:
            # prerendered at build (`+page.server.ts`, `+server.ts`: build-time tooling), else page code
            return "tooling" if SERVER_MARKERS.search(path) or name.startswith("+server.") else "browser"
        if SERVER_FRAMEWORKS & deps:
            return "server"  # an API server that also renders React (emails, SSR) is still a server
        if NUXT_APPS & manifest.dependencies.keys() and not SERVER_MARKERS.search(path) and not server_imports:
            return "browser"  # a Nuxt app's universal code (Nuxt sits in devDependencies)
        if FRONTEND_DEPENDENCIES & deps and not SERVER_MARKERS.search(path) and not server_imports:
            return "browser"  # a front-end package (Next.js included): server code is marked by path or imports
        if page_bundle(manifest) and not SERVER_MARKERS.search(path) and not server_imports:
            return "browser"  # its build bundles it for a page (React in devDependencies, `vite build`)
        if (manifest.private and PAGE_ASSET_TOOLS & manifest.dependencies.keys() and not manifest.has_bin
                and not SERVER_MARKERS.search(path) and not server_imports):
            return "browser"  # a private package that builds a web page's scripts and stylesheets
    return "server"
