"""Declared dependency versions (package.json, requirements*.txt, pyproject.toml), nearest first,
and the versions Python lock files pin (poetry.lock, uv.lock, pdm.lock, Pipfile.lock).

Some library defaults changed between major versions (Express 5 forwards async errors; redis-py 8
sets socket timeouts), so a rule may ask which version a file's project declares or installs.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field

from crashlint.sourcetree import DiskTree, SourceTree


class _Pattern:
    """A regular expression compiled when first used: a scan the result cache answers reads the
    manifests it stored and never matches these (issue 13: their compilation was a fifth of a warm
    scan's imports)."""

    __slots__ = ("_arguments", "_compiled")

    def __init__(self, *arguments) -> None:
        self._arguments = arguments
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):  # match, search, finditer, sub, findall, fullmatch
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._arguments)
        return getattr(compiled, name)

REQUIREMENT = _Pattern(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*)")
VERSION = _Pattern(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass
class Manifest:
    """What the project files of one folder declare: dependencies, package name, TS path aliases."""

    path: str  # relative to the scan root
    dependencies: dict[str, str] = field(default_factory=dict)  # normalized name → version spec
    package_name: str = ""  # package.json "name": how other workspace packages import this one
    ts_base: str | None = None  # tsconfig baseUrl, relative to the scan root
    ts_paths: dict[str, list[str]] = field(default_factory=dict)  # tsconfig paths, targets root-relative
    has_bin: bool = False  # package.json "bin": a command-line tool
    runtime: frozenset[str] = frozenset()  # "dependencies" + "peerDependencies": what it runs on, normalized
    # how the folder's programs are started (crashlint.processes reads them):
    main: str = ""  # package.json "main"
    scripts: tuple[tuple[str, str], ...] = ()  # package.json "scripts": (name, command)
    bins: tuple[str, ...] = ()  # package.json "bin" targets, relative to the scan root
    # pyproject [project.scripts] / poetry scripts, setup.py / setup.cfg console and GUI scripts:
    # (name, "module:function", the file that declares it)
    console_scripts: tuple[tuple[str, str, str], ...] = ()
    # (where, name, command): Procfile lines, Dockerfile CMD/ENTRYPOINT, docker-compose `command:`
    launches: tuple[tuple[str, str, str], ...] = ()
    private: bool = False  # package.json "private": never published (an app, or a front end's assets)
    # tsconfig `compilerOptions.rootDir` when it sets `outDir` too (root-relative): where the sources
    # of its build output are (`outDir: "dist", rootDir: "lib"`: `./dist/controller.js` is lib/controller.ts)
    ts_root_dir: str | None = None
    # launcher scripts with no extension (`bin/signalk-server`, `#!/usr/bin/env node`) that package.json
    # names: (script, the relative modules it requires), so a start command through one reaches the code
    launchers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # browser entries: the module scripts of the page a Vite config in this folder builds
    # (`root: path.resolve(__dirname, "client")`, client/index.html's `<script type="module" src="js/vue.ts">`)
    page_scripts: tuple[str, ...] = ()
    page_roots: tuple[str, ...] = ()  # the folders of those pages (Vite's `root`): code bundled for them
    # what the Python lock files of this folder install: normalized name → exact version (the lowest
    # when a lock holds several, as uv.lock does for forked resolutions). A project that declares no
    # `redis` of its own still installs the one its poetry.lock pins through django-redis or Celery.
    locked: dict[str, str] = field(default_factory=dict)
    # the platform config of a serverless host in this folder (`vercel.json`): its functions are not
    # long-lived processes unless something else here starts one (crashlint.processes `serverless`)
    serverless_host: str = ""
    # package.json "exports": (subpath, target) with the target root-relative — `"./http":
    # "./dist/http/index.js"` is how `import … from "@medusajs/framework/http"` reaches the package's
    # src/http/index.ts (a condition object gives its first JS target; Node's docs, "Subpath exports")
    exports: tuple[tuple[str, str], ...] = ()
    # package.json "bin" as (the command it installs, its target root-relative): `cross-seed` →
    # packages/cross-seed/dist/cmd.js, so a Dockerfile `ENTRYPOINT /usr/local/bin/cross-seed` reaches it
    bin_names: tuple[tuple[str, str], ...] = ()
    # a Python package's name and description, "name: description" (pyproject [project] or
    # [tool.poetry], setup.py `name=` / `description=`): what it says it is (`ragflow-sdk: Python client sdk of …`)
    summary: str = ""
    # package.json "imports": (specifier pattern, target) with the target root-relative — Node's
    # subpath imports (nodejs.org/api/packages.html#subpath-imports): `"#lib/*": "./dist/lib/*.js"` is
    # how `import … from "#lib/setup"` in the package reaches src/lib/setup.ts (dragonite, skyra)
    imports: tuple[tuple[str, str], ...] = ()
    # (package as imported, the package it is): an npm alias (`"fetch2": "npm:node-fetch@^2"`), or a
    # dependency that wraps a package crashlint knows under a name of its own (`WRAPPABLE`)
    wraps: tuple[tuple[str, str], ...] = ()
    # package.json "description": what a JS package says it is (`@connext/sdk`: "Client-side package for …")
    description: str = ""
    # the package.json fields of a package published for importers, present here: `types` / `typings`
    # (type definitions for TS consumers), `module`, `browser`, `files` (what `npm publish` ships)
    library_fields: tuple[str, ...] = ()
    # setuptools entry points of plugin groups (not console/GUI scripts): (group, name, "module:attr",
    # the file that declares it) — setup.py `entry_points={"wazo_calld.plugins": ["calls = …"]}`,
    # setup.cfg `[options.entry_points]` / pbr's `[entry_points]`, pyproject
    # `[project.entry-points."group"]` and poetry's `[tool.poetry.plugins."group"]`. A plugin manager
    # that loads the group imports these modules by name (crashlint.processes `plugin_loads`).
    entry_points: tuple[tuple[str, str, str, str], ...] = ()
    # pbr's setup.cfg `[entry_points]` `wsgi_scripts` (name, "module:function", where): the function
    # builds the WSGI application a server (uwsgi, mod_wsgi) hosts — aodh-api
    wsgi_scripts: tuple[tuple[str, str, str], ...] = ()
    # Node's `--unhandled-rejections=MODE` as the folder's launch files and scripts set it, each as
    # (where, what, mode): a Dockerfile's final stage (`ENV NODE_OPTIONS=…`, `CMD`, `ENTRYPOINT`;
    # `*.Dockerfile` too; where = "path:line", what = the instruction), a Procfile line (what = its
    # process type) or a package.json script (where = the package.json, what = the script's name)
    node_flags: tuple[tuple[str, str, str], ...] = ()


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lowest_version(spec: str) -> tuple[int, int, int] | None:
    """The lowest version a spec admits, when it has a lower bound (`^4.19`, `>=8.0`, `==7.4.1`)."""
    spec = spec.strip()
    if not spec or spec in ("*", "latest") or spec.startswith(("git", "http", "file:", "link:", "workspace:")):
        return None
    for clause in re.split(r"[,|\s]+", spec):
        clause = clause.strip()
        if not clause or clause.startswith(("<", "!=")):
            continue
        match = VERSION.search(clause)
        if match:
            return tuple(int(g or 0) for g in match.groups())  # type: ignore[return-value]
    return None


def read_manifests(root: str, rel_dirs: set[str], tree: SourceTree | None = None,
                   read: dict[str, Manifest | None] | None = None) -> dict[str, Manifest]:
    """Manifests in every folder holding a scanned file and in their ancestors up to the root, read
    from `tree` (default: the disk under `root`). `read`: what each folder held when read earlier in
    this scan (None: no manifest), taken from it and added to it — the result cache's key and the
    project model read the same manifests once."""
    tree = tree or DiskTree(root)
    read = {} if read is None else read
    found: dict[str, Manifest] = {}
    for directory in sorted(wanted_folders(rel_dirs)):
        if directory not in read:
            read[directory] = read_folder(tree, directory)
        manifest = read[directory]
        if manifest is not None:
            found[directory] = manifest
    return found


def wanted_folders(rel_dirs: set[str]) -> set[str]:
    """The folders whose manifests `read_manifests` reads: those given and their ancestors. O(the
    folders): a walk up stops at a folder already added, whose ancestors are in (novu's 1,600
    folders: 24,000 `dirname` calls per scan before)."""
    wanted: set[str] = set()
    for directory in rel_dirs:
        while directory not in wanted:
            wanted.add(directory)
            parent = posixpath.dirname(directory)
            if not directory or parent == directory:  # "" (the root), or "/" for a file outside it
                break
            directory = parent
    return wanted


def _first_word(command: str) -> str:
    """The program a launch command runs, by its file name (`/usr/local/bin/app --x` → `app`)."""
    words = command.replace('"', " ").replace("'", " ").replace("[", " ").replace(",", " ").split()
    return posixpath.basename(words[0]) if words else ""


def read_folder(tree: SourceTree, directory: str) -> Manifest | None:
    """The manifest of one folder, or None. It reads `tree` through `read`, `is_file` and
    `list_dir` only (crashlint.cache.manifests records them)."""
    deps: dict[str, str] = {}
    path = None
    package_name = ""
    has_bin = False
    private = False
    runtime: frozenset[str] = frozenset()
    start = _Start()
    summary = ""
    description = ""
    library_fields: tuple[str, ...] = ()
    declared: dict[str, str] = {}  # package.json's dependencies as written (not normalized)
    package_json = posixpath.join(directory, "package.json")
    if tree.is_file(package_json):
        try:
            data = json.loads(tree.read(package_json).decode("utf-8"))
            if isinstance(data, dict):
                for key in ("optionalDependencies", "peerDependencies", "devDependencies", "dependencies"):
                    section = data.get(key)
                    if isinstance(section, dict):
                        deps.update({normalize(k): str(v) for k, v in section.items()})
                        declared.update({str(k): str(v) for k, v in section.items()})
                if isinstance(data.get("name"), str):
                    package_name = data["name"]
                has_bin = bool(data.get("bin"))
                private = data.get("private") is True
                description = data["description"] if isinstance(data.get("description"), str) else ""
                library_fields = tuple(k for k in ("types", "typings", "module", "browser", "files") if data.get(k))
                runtime = frozenset(
                    normalize(k)
                    for key in ("dependencies", "peerDependencies")
                    if isinstance(data.get(key), dict)
                    for k in data[key]
                )
                start.read_package(directory, data)
                path = posixpath.join(directory, "package.json")
        except (OSError, ValueError):
            pass
    pyproject = posixpath.join(directory, "pyproject.toml")
    if tree.is_file(pyproject):
        import tomllib

        try:
            data = tomllib.loads(tree.read(pyproject).decode("utf-8"))
            for line in (data.get("project") or {}).get("dependencies") or []:
                _add_requirement(deps, str(line))
            poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
            for name, spec in poetry.items():
                deps.setdefault(normalize(name), spec if isinstance(spec, str) else str(spec.get("version", "")))
            start.read_pyproject(data, pyproject)
            start.entry_points += _pyproject_entry_points(data, pyproject)
            described = (data.get("project") or {}) if (data.get("project") or {}).get("name") else ((data.get("tool") or {}).get("poetry") or {})
            if isinstance(described.get("name"), str):
                summary = f"{described['name']}: {described.get('description') if isinstance(described.get('description'), str) else ''}"
            path = path or posixpath.join(directory, "pyproject.toml")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            pass
    names = sorted(tree.list_dir(directory))
    for name in ("setup.py", "setup.cfg"):  # setuptools' console scripts (`entry_points={"console_scripts": […]}`)
        if name in names:
            try:
                text = tree.read(posixpath.join(directory, name)).decode("utf-8", "replace")
            except OSError:
                continue
            scripts = _setup_console_scripts(text, name)
            start.entry_points += _setup_entry_points(text, posixpath.join(directory, name))
            if name == "setup.py" and not summary:
                named, described = SETUP_NAME.search(text), SETUP_DESCRIPTION.search(text)
                if named:
                    summary = f"{named.group(1)}: {described.group(1) if described else ''}"
            known = {n for n, _, _ in start.console_scripts}
            start.console_scripts += [(n, t, posixpath.join(directory, name)) for n, t in scripts if n not in known]
            if name == "setup.cfg":
                start.wsgi_scripts += [(n, t, posixpath.join(directory, name)) for n, t in _setup_console_scripts(text, name, ("wsgi_scripts",))]
            if scripts or (name == "setup.py" and SETUP_FILE_SCRIPTS.search(text)):
                # (setup.py `scripts=[…]`: files it installs as commands, `#!` programs of this package)
                path = path or posixpath.join(directory, name)
    for name in (n for n in names if n.startswith("requirements") and n.endswith(".txt")):
        if _read_requirements(tree, posixpath.join(directory, name), deps, set()):
            path = path or posixpath.join(directory, name)
    for name in names:
        if name == "Procfile" or name.startswith("Dockerfile") or LAUNCH_FILE.fullmatch(name):
            try:
                start.read_launch_file(posixpath.join(directory, name), tree.read(posixpath.join(directory, name)))
            except OSError:
                continue
    if path and "docker" in names and not tree.is_file(posixpath.join(directory, "docker", "package.json")):
        # `docker/Dockerfile` beside the package (dockge): its HEALTHCHECK probes this package's
        # server; only the probe is read (its CMD may build another image of the repository)
        folder = posixpath.join(directory, "docker")
        for name in sorted(tree.list_dir(folder)):
            if name.startswith("Dockerfile") or name.endswith(".Dockerfile"):
                try:
                    probes = _Start()
                    probes.read_launch_file(posixpath.join(folder, "Dockerfile"), tree.read(posixpath.join(folder, name)))
                except OSError:
                    continue
                # and its CMD/ENTRYPOINT when it runs a program of this package by name: a console script
                # or an extensionless script of this folder (matrix-reminder-bot's
                # `ENTRYPOINT ["matrix-reminder-bot", …]`, the `#!` wrapper its setup.py `scripts=` installs)
                own = {n for n, _, _ in start.console_scripts} | {n for n in names if "." not in n}
                start.launches += [(posixpath.join(folder, name), n, c) for _, n, c in probes.launches
                                   if n == "HEALTHCHECK" or n in ("CMD", "ENTRYPOINT") and _first_word(c) in own]
    # supervisord's programs (`[program:web]` / `command=gunicorn app:app`): a supervisord.conf here,
    # or the `*.conf` files of a `supervisor/` folder beside the project (copied to conf.d)
    confs = ["supervisord.conf"] if "supervisord.conf" in names else []
    for folder in ("supervisor", "supervisord"):
        if folder in names and path:
            confs += [posixpath.join(folder, n) for n in sorted(tree.list_dir(posixpath.join(directory, folder))) if n.endswith(".conf")]
    for conf in confs:
        try:
            start.read_supervisor(posixpath.join(directory, conf), tree.read(posixpath.join(directory, conf)))
        except OSError:
            continue
    commands = {n for n, _, _ in start.console_scripts}
    read_scripts: set[str] = set()

    def read_supervisor_conf(conf: str) -> None:
        """supervisord's `-c FILE` named by an image's command or a start script: its programs, once."""
        found = _image_file(tree, directory, conf)
        if found and found not in read_scripts:
            read_scripts.add(found)
            try:
                start.read_supervisor(found, tree.read(found))
            except OSError:
                pass

    for where, name, command in list(start.launches):  # ENTRYPOINT "/app/docker-entrypoint.sh": read the script
        for conf in SUPERVISORD_CONF.findall(command) if name in ("CMD", "ENTRYPOINT") else ():
            # `CMD ["init-env", "supervisord", "-c", "conf/supervisord.conf"]` (hypothesis/h): the
            # programs are supervisord's
            read_supervisor_conf(conf)
        for word in command.split():
            script = _image_file(tree, directory, word) if word.endswith(".sh") or "/" in word else None
            if script is None or script in read_scripts:
                continue
            try:
                raw = tree.read(script)
            except OSError:
                continue
            if not word.endswith(".sh") and not SHEBANG_SHELL.match(raw[:80]):
                continue  # `/opt/app/run` with a `#!/bin/sh` line is a start script too; a binary is not
            read_scripts.add(script)
            start.read_shell_script(script, name, raw, commands)
            for conf in SUPERVISORD_CONF.findall(raw.decode("utf-8", "replace")):  # `exec supervisord -c /etc/app/supervisord.conf`
                read_supervisor_conf(conf)
    if ".s2i" in names:
        for script, label in _s2i_run_scripts(tree, posixpath.join(directory, ".s2i")):
            if script not in read_scripts:
                read_scripts.add(script)
                try:
                    start.read_shell_script(script, label, tree.read(script), commands)
                except OSError:
                    continue
    locked = _read_locks(tree, directory, names)
    wraps = _read_wraps(tree, directory, names, declared)
    if locked:
        path = path or next(posixpath.join(directory, n) for n in LOCK_FILES if n in names)
    ts_base, ts_paths = _read_tsconfig(tree, directory)
    if ts_paths or ts_base is not None:
        path = path or posixpath.join(directory, "tsconfig.json")
    ts_root_dir = _read_root_dir(tree, directory)
    launchers = tuple(_read_launchers(tree, directory, start)) if path and path.endswith("package.json") else ()
    pages = _read_page_scripts(tree, directory, names)
    page_scripts, page_roots = tuple(s for s, _ in pages), tuple(dict.fromkeys(r for _, r in pages))
    if start.launches and not path:
        path = start.launches[0][0]
    if not path:
        return None
    return Manifest(
        path, deps, package_name, ts_base, ts_paths, has_bin, runtime,
        start.main, tuple(start.scripts), tuple(start.bins), tuple(start.console_scripts), tuple(start.launches),
        private, ts_root_dir, launchers, page_scripts, page_roots, locked,
        serverless_host="vercel.json" if "vercel.json" in names else "", exports=tuple(start.exports),
        imports=tuple(start.imports),
        bin_names=tuple(start.bin_names), summary=summary, wraps=wraps, description=description,
        library_fields=library_fields, entry_points=tuple(dict.fromkeys(start.entry_points)),
        wsgi_scripts=tuple(start.wsgi_scripts), node_flags=_node_flags(tree, directory, names, path, start.scripts),
    )


# `--unhandled-rejections=warn`, `NODE_OPTIONS="--unhandled-rejections none --max-old-space-size=2048"`
UNHANDLED_REJECTIONS = _Pattern(r"--unhandled-rejections[= ]['\"]?([a-z-]+)")
DOCKER_FROM = _Pattern(r"^\s*FROM\s", re.I)
DOCKER_RUNTIME = _Pattern(r"^\s*(ENV|CMD|ENTRYPOINT)\s", re.I)


def _node_flags(tree: SourceTree, directory: str, names: list[str], manifest: str | None,
                scripts: list[tuple[str, str]]) -> tuple[tuple[str, str, str], ...]:
    """`Manifest.node_flags` of one folder: the mode of Node's `--unhandled-rejections` that its
    Dockerfiles' final stage (what the image runs: an `ENV` of a build stage does not reach it, nor
    does a `RUN`), its Procfile and its package.json scripts set. The files are read only when their
    text names the flag. O(the folder's launch files)."""
    found: list[tuple[str, str, str]] = []
    for name in names:
        docker = name.startswith("Dockerfile") or name.endswith(".Dockerfile")
        if not docker and name != "Procfile":
            continue
        where = posixpath.join(directory, name)
        try:
            text = tree.read(where).decode("utf-8", "replace")
        except OSError:
            continue
        if "--unhandled-rejections" not in text:
            continue
        lines = text.splitlines()
        if name == "Procfile":
            for number, line in enumerate(lines, 1):
                kind, sep, command = line.partition(":")
                mode = UNHANDLED_REJECTIONS.search(command) if sep and not kind.startswith("#") else None
                if mode:
                    found.append((f"{where}:{number}", kind.strip(), mode.group(1)))
            continue
        # instructions, continuation lines joined, each with its first line; only the last stage's
        final: list[tuple[int, str]] = []
        start, parts = 0, []
        for number, line in enumerate(lines, 1):
            if not parts:
                start = number
            parts.append(line.rstrip("\\").rstrip() if line.rstrip().endswith("\\") else line)
            if line.rstrip().endswith("\\"):
                continue
            instruction = " ".join(parts)
            parts = []
            if DOCKER_FROM.match(instruction):
                final = []
            elif DOCKER_RUNTIME.match(instruction):
                final.append((start, instruction))
        for number, instruction in final:
            mode = UNHANDLED_REJECTIONS.search(instruction)
            if mode:
                found.append((f"{where}:{number}", instruction.split()[0].upper(), mode.group(1)))
    if manifest and manifest.endswith("package.json"):
        for script, command in scripts:
            mode = UNHANDLED_REJECTIONS.search(command)
            if mode:
                found.append((manifest, script, mode.group(1)))
    return tuple(found)


# Packages whose API crashlint knows and which other packages wrap under a name of their own: a
# dependency whose name contains one of these and that depends on it (its entry in the folder's
# package-lock.json or yarn.lock says so) is taken for it. formio's `@formio/node-fetch-http-proxy`
# is node-fetch 2 with proxy support (its lock entry: `"dependencies": {"node-fetch": "^2.6.1", …}`),
# called as `fetch(url, { method, headers, timeout })`. Both facts are needed: a name alone
# (`node-fetch-har`) may be anything, and many packages depend on node-fetch without being it
# (`@octokit/request`).
WRAPPABLE = ("node-fetch",)
YARN_ENTRY = _Pattern(r'^"?(@?[^@\s"]+)@[^\n]*:\n((?:[ \t]+[^\n]*\n?)*)', re.M)


def _read_wraps(tree: SourceTree, directory: str, names: list[str], declared: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """`Manifest.wraps` of one folder: its npm aliases, and its dependencies that wrap a
    `WRAPPABLE` package. The lock file is read only when a dependency's name names one."""
    found: list[tuple[str, str]] = []
    for name, spec in declared.items():
        if spec.startswith("npm:"):  # `npm:node-fetch@^2`, `npm:@scope/pkg@1`: the package after `npm:`
            target = spec[4:]
            at = target.find("@", 1)
            found.append((name, target[:at] if at > 0 else target))
    wanted = {n: [w for w in WRAPPABLE if w in n and w != n] for n, spec in declared.items() if not spec.startswith("npm:")}
    wanted = {n: w for n, w in wanted.items() if w}
    if not wanted:
        return tuple(found)
    depends: dict[str, set[str]] = {}
    try:
        if "package-lock.json" in names:
            data = json.loads(tree.read(posixpath.join(directory, "package-lock.json")).decode("utf-8"))
            packages = data.get("packages") if isinstance(data, dict) else None
            for name in wanted:
                entry = packages.get("node_modules/" + name) if isinstance(packages, dict) else None
                if entry is None and isinstance(data.get("dependencies"), dict):  # lockfileVersion 1
                    entry = data["dependencies"].get(name)
                    entry = {"dependencies": entry.get("requires")} if isinstance(entry, dict) else None
                if isinstance(entry, dict) and isinstance(entry.get("dependencies"), dict):
                    depends[name] = set(entry["dependencies"])
        elif "yarn.lock" in names:  # v1: `"name@^1.0.0":` then an indented `dependencies:` block
            text = tree.read(posixpath.join(directory, "yarn.lock")).decode("utf-8", "replace")
            for match in YARN_ENTRY.finditer(text):
                if match.group(1) in wanted:
                    block = match.group(2)
                    depends.setdefault(match.group(1), set()).update(
                        re.findall(r'^[ \t]{4,}"?(@?[^\s"]+)"?\s', block.split("dependencies:", 1)[1], re.M) if "dependencies:" in block else ())
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return tuple(found)
    for name, wrapped in wanted.items():
        found += [(name, w) for w in wrapped if w in depends.get(name, ())]
    return tuple(found)


# lock files whose `[[package]]` tables hold `name` and `version` (TOML), and pipenv's JSON one
LOCK_FILES = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


def _read_locks(tree: SourceTree, directory: str, names: list[str]) -> dict[str, str]:
    """The exact versions the Python lock files of `directory` pin: poetry.lock, uv.lock and
    pdm.lock (`[[package]]` name / version), Pipfile.lock (its `default` section, `"version":
    "==5.0.1"`; `develop` is not installed in production). Several versions of one package (uv's
    forked resolutions): the lowest."""
    found: dict[str, str] = {}
    if not any(name in names for name in LOCK_FILES):
        return found  # no lock file: tomllib (6.8 ms) is not imported (issue 13: a warm re-scan whose
        # folders' manifests are read again, their stats not yet settled, imports nothing it does not read)
    import tomllib  # imported when read (issue 13: a scan the result cache answers reads no manifest)

    def add(name: object, version: object) -> None:
        if not isinstance(name, str) or not isinstance(version, str):
            return
        version = version.strip().lstrip("=").strip()
        key = normalize(name)
        if not VERSION.match(version):
            return
        old = found.get(key)
        if old is None or lowest_version(version) < lowest_version(old):  # type: ignore[operator]
            found[key] = version

    for name in LOCK_FILES:
        if name not in names:
            continue
        try:
            raw = tree.read(posixpath.join(directory, name)).decode("utf-8")
            if name == "Pipfile.lock":
                data = json.loads(raw)
                section = data.get("default") if isinstance(data, dict) else None
                for package, entry in (section or {}).items() if isinstance(section, dict) else ():
                    if isinstance(entry, dict):
                        add(package, entry.get("version"))
            else:
                for entry in tomllib.loads(raw).get("package") or []:
                    if isinstance(entry, dict):
                        add(entry.get("name"), entry.get("version"))
        except (OSError, UnicodeDecodeError, ValueError, tomllib.TOMLDecodeError, AttributeError, TypeError):
            continue
    return found


def _read_root_dir(tree: SourceTree, directory: str) -> str | None:
    """tsconfig.json's `rootDir`, when it also sets `outDir` (read from the file itself, not its
    `extends`), made relative to the scan root."""
    try:
        raw = tree.read(posixpath.join(directory, "tsconfig.json")).decode("utf-8")
        data = json.loads(TRAILING_COMMA.sub(r"\1", JSON_COMMENT.sub(lambda m: m.group(1) or "", raw)))
    except (OSError, ValueError):
        return None
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    if not isinstance(options, dict) or not isinstance(options.get("rootDir"), str) or not isinstance(options.get("outDir"), str):
        return None
    root = options["rootDir"].replace("${configDir}", ".")
    joined = posixpath.normpath(posixpath.join(directory, root))
    return "" if joined == "." else joined


# `'deluged = deluge.core.daemon_entry:start_daemon'`: one console script of setup.py / setup.cfg
ENTRY_POINT = _Pattern(r"""^\s*([A-Za-z0-9][\w.-]*)\s*=\s*([A-Za-z_][\w.]*\s*:\s*[A-Za-z_][\w.]*)\s*(\[[^\]]*\])?\s*$""")
SETUP_SCRIPTS = _Pattern(r"""\b(?:console|gui)_scripts\b['"]?\s*\]?\s*(?:=|:|\.extend\(|\.append\(|\+=)\s*\(?\s*\[([^\]]*)\]""")
STRING = _Pattern(r"""(?:'([^'\n]*)'|"([^"\n]*)")""")
SETUP_CONSTANT = _Pattern(r"""(?m)^([A-Za-z_]\w*)\s*=\s*['"]([^'"\n{}]+)['"]\s*$""")


def _setup_cfg_entry_lines(text: str) -> list[tuple[str, str]]:
    """The (group, "name = module:attr" line) pairs of a setup.cfg's `[options.entry_points]` or
    pbr's `[entry_points]` section: `group = first line` and the indented lines under it; whole-line
    comments are skipped (configparser does), inline ones are left to the reader. O(the file)."""
    pairs: list[tuple[str, str]] = []
    section, group = "", ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section, group = stripped, ""
        elif section not in ("[options.entry_points]", "[entry_points]") or not stripped or stripped.startswith("#"):
            continue
        elif not line[:1].isspace() and "=" in stripped:
            group, _, rest = stripped.partition("=")
            group = group.strip()
            if rest.strip():
                pairs.append((group, rest.strip()))
        elif group:
            pairs.append((group, stripped))
    return pairs


def _setup_console_scripts(text: str, name: str, keys: tuple[str, ...] = ("console_scripts", "gui_scripts")) -> list[tuple[str, str]]:
    """The console and GUI scripts a setup.py (`entry_points={'console_scripts': ['deluged =
    deluge.core.daemon_entry:start_daemon']}`, or a list assigned to such a key) or a setup.cfg
    (`[options.entry_points]` `console_scripts =` lines; pbr's `[entry_points]` section, which the
    OpenStack projects use: docs.openstack.org/pbr/latest/user/using.html, "entry_points") declares:
    (name, "module:function"). `keys`: the entry-point groups to read (a setup.cfg's
    `wsgi_scripts` too, for pbr)."""
    lines: list[str] = []
    if name == "setup.cfg":
        lines = [line for group, line in _setup_cfg_entry_lines(text) if group in keys]
    else:
        # `f'{NAME} = wazo_webhookd.bin.daemon:main'` with `NAME = 'wazo-webhookd'` above (the wazo
        # daemons' setup.py): a module-level string constant spelled into an f-string
        constants = dict(SETUP_CONSTANT.findall(text))
        for match in SETUP_SCRIPTS.finditer(text):
            lines += [re.sub(r"\{([A-Za-z_]\w*)\}", lambda m: constants.get(m.group(1), m.group(0)), a or b)
                      for a, b in STRING.findall(match.group(1))]
    found = []
    for line in lines:
        entry = ENTRY_POINT.match(line)
        if entry:
            found.append((entry.group(1), re.sub(r"\s+", "", entry.group(2))))
    return found


# entry-point groups that name commands, not plugins a process loads by name
SCRIPT_GROUPS = frozenset({"console_scripts", "gui_scripts"})


def _setup_entry_points(text: str, where: str) -> list[tuple[str, str, str, str]]:
    """The plugin entry points a setup.py (`entry_points={"group": ["name = module:attr", …]}`, a
    dict literal given to `setup()` directly or through a name assigned one) or a setup.cfg
    (`[options.entry_points]`, pbr's `[entry_points]`: `group =` and indented lines) declares:
    (group, name, "module:attr", where). Console and GUI scripts are left to `_setup_console_scripts`.
    A setup.py that does not parse, or builds the dict by calls, declares none here. O(the file)."""
    pairs: list[tuple[str, str]] = []  # (group, "name = module:attr")
    if where.endswith("setup.cfg"):
        for group, line in _setup_cfg_entry_lines(text):
            line = line.split("#", 1)[0].strip()
            if line:
                pairs.append((group, line))
    elif "entry_points" in text:
        import ast

        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return []
        assigned = {t.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.keyword) or node.arg != "entry_points":
                continue
            value = node.value
            if isinstance(value, ast.Name):
                value = assigned.get(value.id, value)
            try:
                groups = ast.literal_eval(value)
            except (ValueError, SyntaxError, TypeError):
                continue
            if not isinstance(groups, dict):
                continue
            for group, lines in groups.items():
                if isinstance(lines, str):
                    lines = lines.splitlines()
                if isinstance(group, str) and isinstance(lines, (list, tuple)):
                    pairs += [(group, line) for line in lines if isinstance(line, str)]
    found = []
    for group, line in pairs:
        entry = ENTRY_POINT.match(line)
        if entry and group not in SCRIPT_GROUPS:
            found.append((group, entry.group(1), re.sub(r"\s+", "", entry.group(2)), where))
    return found


def _pyproject_entry_points(data: dict, where: str) -> list[tuple[str, str, str, str]]:
    """`[project.entry-points."group"]` and poetry's `[tool.poetry.plugins."group"]` tables:
    (group, name, "module:attr", where) (packaging.python.org, "Entry points specification")."""
    found = []
    tables = [(data.get("project") or {}).get("entry-points"), (((data.get("tool") or {}).get("poetry") or {}).get("plugins"))]
    for table in tables:
        if not isinstance(table, dict):
            continue
        for group, entries in table.items():
            if not isinstance(entries, dict) or group in SCRIPT_GROUPS:
                continue
            for name, target in entries.items():
                if isinstance(target, str) and ENTRY_POINT.match(f"{name} = {target}"):
                    found.append((str(group), str(name), re.sub(r"\s+", "", target.split("[", 1)[0]), where))
    return found


NODE_SHEBANG = _Pattern(rb"^#![^\n]*\bnode\b")
# `require('module')._load('./dist/server/index.js', module, true)` / `Module._load(…)`: Node's CommonJS
# loader that `require` itself calls (pokemon-showdown's bin), the same edge as a `require`
REQUIRED = _Pattern(r"""(?:\brequire\(\s*|\bimport\(\s*|\bfrom\s+|(?:\bModule|\brequire\(\s*['"](?:node:)?module['"]\s*\))\._load\(\s*)['"](\.{1,2}/[^'"]*|\.{1,2})['"]""")


def _read_launchers(tree: SourceTree, directory: str, start: "_Start") -> list[tuple[str, tuple[str, ...]]]:
    """Scripts with no extension that package.json runs (its `bin`, a word of a script such as
    `node bin/signalk-server`) and that are Node programs (a `#!…node` line): the relative modules
    each requires. crashlint parses files by their extension, so these are read here."""
    words = list(start.bins)
    for _, command in start.scripts:
        words += [posixpath.normpath(posixpath.join(directory, w)) for w in command.split() if "/" in w and not w.startswith(("-", "/"))]
    found = []
    for script in dict.fromkeys(words):
        if posixpath.splitext(script)[1] or not tree.is_file(script):
            continue
        try:
            head = tree.read(script)[:65536]
        except OSError:
            continue
        if NODE_SHEBANG.match(head):
            text = head.decode("utf-8", "replace")
            specs = tuple(dict.fromkeys(REQUIRED.findall(text) + _joined_modules(text, directory, script)))
            if specs:
                found.append((script, specs))
    return found


# `path.join(base, 'haraka.js')`, `path.resolve(__dirname, '../lib/server.js')`: a module a launcher
# names by a joined path (Haraka's bin/haraka requires its package's main so)
JOINED = _Pattern(r"""\bpath\.(?:join|resolve)\(([^()]*)\)""")
JOINED_MODULE = _Pattern(r"""['"]([\w./-]+\.[cm]?js)['"]""")


def _joined_modules(text: str, directory: str, script: str) -> list[str]:
    """The `.js` modules a launcher names inside `path.join(…)` / `path.resolve(…)`, relative to the
    launcher's folder: after `__dirname` as written, after any other base (a variable holding the
    package folder, `path.join(__dirname, '..')`) from the package's folder."""
    found = []
    for match in JOINED.finditer(text):
        inside = match.group(1)
        for name in JOINED_MODULE.findall(inside):
            if inside.lstrip().startswith("__dirname"):
                spec = name if name.startswith(".") else "./" + name
            else:
                spec = posixpath.relpath(posixpath.normpath(posixpath.join(directory, name)), posixpath.dirname(script) or ".")
                spec = spec if spec.startswith(".") else "./" + spec
            found.append(spec)
    return found


VITE_CONFIG = _Pattern(r"^vite\.config\.[cm]?[jt]s$")
VITE_ROOT = _Pattern(r"""\broot\s*:\s*(?:(?:path\.)?(?:resolve|join)\(\s*__dirname\s*,\s*)?['"]([^'"]+)['"]""")
MODULE_SCRIPT = _Pattern(r"""<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']|<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*\btype=["']module["']""")


def _read_page_scripts(tree: SourceTree, directory: str, names: list[str]) -> list[tuple[str, str]]:
    """The module scripts of the page a Vite config in `directory` builds: its `root` folder's
    index.html (the folder itself by default), `<script type="module" src="…">`, root-relative.
    Vite bundles these and what they import for the browser (vite.dev/guide/#index-html-and-project-root).
    Each with its page's folder."""
    found: list[tuple[str, str]] = []
    for name in names:
        if not VITE_CONFIG.match(name):
            continue
        try:
            config = tree.read(posixpath.join(directory, name)).decode("utf-8", "replace")
        except OSError:
            continue
        root_match = VITE_ROOT.search(config)
        root = posixpath.normpath(posixpath.join(directory, root_match.group(1))) if root_match else directory
        root = "" if root == "." else root
        try:
            page = tree.read(posixpath.join(root, "index.html")).decode("utf-8", "replace")
        except OSError:
            continue
        for match in MODULE_SCRIPT.finditer(page):
            src = (match.group(1) or match.group(2)).split("?")[0]
            if "://" in src:
                continue
            found.append((posixpath.normpath(posixpath.join(root, src.lstrip("/"))), root))
    return found


LAUNCH_FILE = _Pattern(r"(docker-)?compose([.-][\w.-]+)?\.ya?ml")
DOCKER_COMMAND = _Pattern(r"^\s*(CMD|ENTRYPOINT)\s+(.+)$", re.I)
# `HEALTHCHECK --interval=60s CMD ./probe.py`: a probe Docker runs, and kills after its --timeout
DOCKER_HEALTHCHECK = _Pattern(r"^\s*HEALTHCHECK\s+(?:--\S+\s+)*CMD\s+(.+)$", re.I)
DOCKER_WORKDIR = _Pattern(r"^\s*WORKDIR\s+(\S+)\s*$", re.I)
COMPOSE_SERVICE = _Pattern(r"^  ([A-Za-z0-9_.-]+):\s*$")
COMPOSE_COMMAND = _Pattern(r"^\s+(command|entrypoint):\s*(.*)$")
COMPOSE_ITEM = _Pattern(r"^\s+-\s+(.*)$")


EXPORT_CONDITIONS = ("node", "import", "require", "default")  # what Node itself matches, never "types"


def _export_target(target: object, depth: int = 0) -> str | None:
    """The file an `exports` entry names for Node: a "./…" string, or the first of Node's own
    conditions (nested condition objects and fallback arrays followed a few levels)."""
    if isinstance(target, str):
        return target if target.startswith("./") else None
    if depth > 4:
        return None
    if isinstance(target, list):
        return next((t for t in (_export_target(x, depth + 1) for x in target) if t is not None), None)
    if isinstance(target, dict):
        for condition in EXPORT_CONDITIONS:
            if condition in target:
                found = _export_target(target[condition], depth + 1)
                if found is not None:
                    return found
    return None


@dataclass
class _Start:
    """What one folder's files say about how its programs start."""

    main: str = ""
    scripts: list[tuple[str, str]] = field(default_factory=list)
    bins: list[str] = field(default_factory=list)
    bin_names: list[tuple[str, str]] = field(default_factory=list)
    console_scripts: list[tuple[str, str, str]] = field(default_factory=list)
    wsgi_scripts: list[tuple[str, str, str]] = field(default_factory=list)
    launches: list[tuple[str, str, str]] = field(default_factory=list)
    exports: list[tuple[str, str]] = field(default_factory=list)
    imports: list[tuple[str, str]] = field(default_factory=list)
    entry_points: list[tuple[str, str, str, str]] = field(default_factory=list)

    def read_package(self, directory: str, data: dict) -> None:
        if isinstance(data.get("main"), str):
            self.main = posixpath.normpath(posixpath.join(directory, data["main"]))
        scripts = data.get("scripts")
        if isinstance(scripts, dict):
            self.scripts = [(str(k), str(v)) for k, v in scripts.items() if isinstance(v, str)]
        bins = data.get("bin")
        targets = [bins] if isinstance(bins, str) else list(bins.values()) if isinstance(bins, dict) else []
        self.bins = [posixpath.normpath(posixpath.join(directory, t)) for t in targets if isinstance(t, str)]
        # the command each installs (npm link / npm install -g put it on PATH): a string `bin` is
        # installed under the package's name, without its scope (docs.npmjs.com/cli/v10/configuring-npm/package-json#bin)
        name = data.get("name")
        named = ({str(name).rsplit("/", 1)[-1]: bins} if isinstance(bins, str) and isinstance(name, str) and name
                 else bins if isinstance(bins, dict) else {})
        self.bin_names = [(str(k), posixpath.normpath(posixpath.join(directory, t))) for k, t in named.items() if isinstance(t, str) and k]
        exports = data.get("exports")
        if isinstance(exports, (str, list)) or (isinstance(exports, dict) and not any(str(k).startswith(".") for k in exports)):
            exports = {".": exports}  # sugar: the package's one entry, or conditions for it
        if isinstance(exports, dict):
            for subpath, target in exports.items():
                found = _export_target(target)
                if found is not None and str(subpath).startswith("."):
                    self.exports.append((str(subpath), posixpath.normpath(posixpath.join(directory, found))))
        imports = data.get("imports")
        if isinstance(imports, dict):  # keys start with "#"; targets as `exports`' (a package name is not followed)
            for specifier, target in imports.items():
                found = _export_target(target)
                if found is not None and str(specifier).startswith("#"):
                    self.imports.append((str(specifier), posixpath.normpath(posixpath.join(directory, found))))

    def read_pyproject(self, data: dict, where: str) -> None:
        scripts = (data.get("project") or {}).get("scripts") or {}
        poetry = ((data.get("tool") or {}).get("poetry") or {}).get("scripts") or {}
        for name, target in [*scripts.items(), *poetry.items()]:
            if isinstance(target, str):
                self.console_scripts.append((str(name), target, where))

    def read_launch_file(self, where: str, raw: bytes) -> None:
        """Procfile `web: gunicorn app:app`, Dockerfile `CMD ["node", "dist/main.js"]`, compose
        `command:` (a string or a list) under its service's name. A line-level reading: enough to find
        the command, never an error on a file it does not understand."""
        text = raw.decode("utf-8", "replace")
        name = posixpath.basename(where)
        if name == "Procfile":
            for line in text.splitlines():
                kind, sep, command = line.partition(":")
                if sep and kind.strip() and not kind.startswith("#"):
                    self.launches.append((where, kind.strip(), command.strip()))
        elif name.startswith("Dockerfile"):
            # continuation lines joined: `HEALTHCHECK --interval=30s \` / `CMD [ "wget", … ]` is one
            # instruction, whose CMD is the probe's, not the image's
            workdir = ""
            for line in text.replace("\\\r\n", " ").replace("\\\n", " ").splitlines():
                folder = DOCKER_WORKDIR.match(line)
                if folder:
                    workdir = posixpath.normpath(posixpath.join(workdir or "/", folder.group(1).strip("'\"")))
                match = DOCKER_COMMAND.match(line)
                if match:
                    self.launches.append((where, match.group(1).upper(), _in_workdir(_command_text(match.group(2)), workdir)))
                probe = DOCKER_HEALTHCHECK.match(line)
                if probe:
                    self.launches.append((where, "HEALTHCHECK", _command_text(probe.group(1))))
        else:
            service = ""
            lines = text.splitlines()
            for i, line in enumerate(lines):
                found = COMPOSE_SERVICE.match(line)
                if found:
                    service = found.group(1)
                    continue
                match = COMPOSE_COMMAND.match(line)
                if not match:
                    continue
                value = match.group(2).strip()
                if not value:  # a block list: `- node` / `- dist/main.js` on the lines below
                    items = []
                    for following in lines[i + 1 :]:
                        item = COMPOSE_ITEM.match(following)
                        if not item:
                            break
                        items.append(item.group(1).strip().strip("'\""))
                    value = " ".join(items)
                self.launches.append((where, service or match.group(1), _command_text(value)))

    def read_shell_script(self, where: str, name: str, raw: bytes, programs: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """A start script (`docker-entrypoint.sh`): each line that runs node, python, a WSGI/ASGI server,
        a queue worker or one of the project's console scripts (`programs`) is a way the image starts
        (one per process group, typically). The shell runs a script's commands one after the other:
        when the script `exec`s its program, the other commands are one-shot steps before it
        (`python ping.py` waiting for the database); with no `exec`, each top-level command that
        another command follows (not sent to the background with `&`) ends before that one starts
        (`monkey db upgrade`, then `celery … beat`). Those are named `one-shot`. Commands inside
        `if`/`case`/loops/functions are alternatives the script chooses at run time: kept."""
        text = raw.decode("utf-8", "replace").replace("\\\n", " ")  # continuation lines joined
        commands = []
        depth = 0
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                continue
            # `exec "$NODE" ./bin/redis-commander "$@"` after `NODE=$(command -v node)`: node by a variable
            line = SHELL_NODE_VARIABLE.sub(r"\1node", line)
            stripped = line.strip()
            words = stripped.split()
            head = words[1] if words[:1] == ["exec"] and len(words) > 1 else words[0] if words else ""
            match = SHELL_COMMAND.match(line)
            if not match and posixpath.basename(head) in programs:  # `monkey run_api_server`: a console script of the project
                match = SHELL_PROGRAM.match(line)
            if match:
                command = " ".join(match.group(1).split())
                commands.append((stripped.startswith("exec "), depth, command.endswith("&") and not command.endswith("&&"), command))
            depth += len(SHELL_OPEN.findall(stripped)) - len(SHELL_CLOSE.findall(stripped))
            depth = max(depth, 0)
        execs = any(is_exec for is_exec, _, _, _ in commands)
        for i, (is_exec, level, background, command) in enumerate(commands):
            if execs:
                one_shot = not is_exec
            else:  # a top-level foreground command a later top-level command follows
                one_shot = level == 0 and not background and i + 1 < len(commands)
            self.launches.append((where, "one-shot" if one_shot else name, command.rstrip("& ").strip() if background else command))

    def read_supervisor(self, where: str, raw: bytes) -> None:
        """supervisord's `[program:NAME]` sections: `command=` is a program supervisord keeps running
        (and restarts; supervisord.org/configuration.html#program-x-section-settings), named NAME."""
        program = ""
        for line in raw.decode("utf-8", "replace").splitlines():
            section = SUPERVISOR_SECTION.match(line)
            if section:
                program = section.group(1) if section.group(1) else ""
                continue
            command = SUPERVISOR_COMMAND.match(line)
            if program and command:
                self.launches.append((where, program, command.group(1).strip()))


# (a program may be named by its path in a virtualenv or the image: mwdb's `/app/.venv/bin/gunicorn`)
SHELL_COMMAND = _Pattern(r"^\s*(?:exec\s+)?((?:\S*/bin/)?(?:node|python3?|gunicorn|uvicorn|hypercorn|daphne|celery|rq|arq|dramatiq|fedora-messaging|npm|yarn|pnpm|bun|tsx|ts-node)\b.*)$")
# a variable the script set to node's path (`NODE=$(command -v node)`, `$NODE_BIN`), in a command's head
SHELL_NODE_VARIABLE = _Pattern(r"""^(\s*(?:exec\s+)?)(?:setsid\s+|nohup\s+)?"?\$\{?NODE(?:_BIN|_PATH|_EXE)?\}?"?(?=\s)""")
SHELL_PROGRAM = _Pattern(r"^\s*(?:exec\s+)?(\S.*)$")
# the keywords that open and close a compound command: what is inside runs on a condition
SHELL_OPEN = _Pattern(r"(?:^|[;&|(]\s*)(?:if|case|for|while|until)\b|\{\s*$|\(\)\s*\{")
SHELL_CLOSE = _Pattern(r"(?:^|[;&|]\s*)(?:fi|esac|done)\b|^\}")
SETUP_FILE_SCRIPTS = _Pattern(r"\bscripts\s*=\s*\[")
SETUP_NAME = _Pattern(r"""\bname\s*=\s*['"]([^'"]+)['"]""")
SETUP_DESCRIPTION = _Pattern(r"""\bdescription\s*=\s*['"]([^'"]+)['"]""")
SHEBANG_SHELL = _Pattern(rb"#!\s*/\S*(?:/(?:ba|da|z|k)?sh|env\s+(?:ba|da|z|k)?sh)\b")
SUPERVISORD_CONF = _Pattern(r"\bsupervisord\b[^\n]*?\s(?:-c|--configuration)[ =](\S+)")
SUPERVISOR_SECTION = _Pattern(r"^\s*\[(?:program:([^\]]+)|[^\]]*)\]")
SUPERVISOR_COMMAND = _Pattern(r"^\s*command\s*=\s*(.+)$")


def _s2i_run_scripts(tree: SourceTree, folder: str) -> list[tuple[str, str]]:
    """The start scripts of a source-to-image build (`.s2i/`), each with the name of the program it
    starts: the script `.s2i/environment` names as `APP_SCRIPT` (the Python builder image runs it to
    start the application: sclorg/s2i-python-container README, "APP_SCRIPT … Used to run the
    application from a script file"), and the `.s2i/run*.sh` scripts beside it, which a deployment
    outside the repository picks one per container (fmn's `run-sender-email.sh`, `run-consumer.sh`:
    `exec fmn-sender --config …`). `.s2i/bin/` holds the build's own hooks (assemble, run), not read.
    One listing of the folder and one read of its environment file."""
    names = sorted(tree.list_dir(folder))
    found: list[str] = []
    if "environment" in names:
        try:
            text = tree.read(posixpath.join(folder, "environment")).decode("utf-8", "replace")
        except OSError:
            text = ""
        for value in S2I_APP_SCRIPT.findall(text):
            script = posixpath.normpath(posixpath.join(posixpath.dirname(folder), value.strip("'\"")))
            if tree.is_file(script):
                found.append(script)
    found += [posixpath.join(folder, n) for n in names if n.startswith("run") and n.endswith(".sh")]
    labelled = []
    for script in dict.fromkeys(found):
        label = re.sub(r"^run[-_]?", "", posixpath.splitext(posixpath.basename(script))[0]) or "app"
        labelled.append((script, label))
    return labelled


S2I_APP_SCRIPT = _Pattern(r"(?m)^\s*APP_SCRIPT\s*=\s*(\S+)\s*$")


def _image_file(tree: SourceTree, directory: str, word: str) -> str | None:
    """The project file a path inside the image names: `/usr/local/src/app/docker/start.sh` is
    `docker/start.sh` of the folder the image copies (the longest tail that exists, else the file
    of that name beside the Dockerfile)."""
    parts = [p for p in word.strip("'\"").split("/") if p and p not in (".", "..")]
    for i in range(len(parts)):
        candidate = posixpath.normpath(posixpath.join(directory, *parts[i:]))
        if not candidate.startswith("..") and tree.is_file(candidate):
            return candidate
    return None


def _in_workdir(command: str, workdir: str) -> str:
    """A Dockerfile command's absolute paths inside its WORKDIR made relative to it, as the image
    runs them there (`WORKDIR /app` … `ENTRYPOINT node /app/bin/server.js start` runs
    `bin/server.js`, which `COPY . /app` put there): the file beside the Dockerfile at that path."""
    if not workdir or workdir == "/":
        return command
    prefix = workdir.rstrip("/") + "/"
    return " ".join(w[len(prefix):] if w.startswith(prefix) and len(w) > len(prefix) else w for w in command.split(" "))


def _command_text(value: str) -> str:
    """`["node", "dist/main.js"]` (an exec-form array) → `node dist/main.js`; a shell form as it is."""
    value = value.strip()
    if value.startswith("["):
        try:
            parts = json.loads(value)
            if isinstance(parts, list):
                return " ".join(str(p) for p in parts)
        except ValueError:
            pass
    return value.strip("'\"")


JSON_COMMENT = _Pattern(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)
TRAILING_COMMA = _Pattern(r",(\s*[}\]])")


def _read_tsconfig(tree: SourceTree, directory: str) -> tuple[str | None, dict[str, list[str]]]:
    """baseUrl and paths of a tsconfig.json or jsconfig.json (JSON with comments), made relative to
    the scan root."""
    # jsconfig.json: the same paths for JavaScript projects; tsconfig.base.json: an Nx workspace's
    # root config (its apps' tsconfig.json extend it), where the workspace's path aliases live
    for name in ("tsconfig.json", "jsconfig.json", "tsconfig.base.json"):
        if tree.is_file(posixpath.join(directory, name)):
            break
    config = posixpath.join(directory, name)
    # `"extends": "../../tsconfig.base.json"` (an Nx library, a root tsconfig.json beside the base):
    # with no paths or baseUrl of its own, a config has those of the file it extends, whose baseUrl
    # and paths are relative to that file's folder (typescriptlang.org/tsconfig#extends)
    for _ in range(4):
        try:
            raw = tree.read(config).decode("utf-8")
            data = json.loads(TRAILING_COMMA.sub(r"\1", JSON_COMMENT.sub(lambda m: m.group(1) or "", raw)))
        except (OSError, ValueError):
            return None, {}
        options = data.get("compilerOptions") if isinstance(data, dict) else None
        if isinstance(options, dict) and ("paths" in options or "baseUrl" in options):
            break
        parent = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(parent, str) or not parent.startswith("."):
            break
        config = posixpath.normpath(posixpath.join(posixpath.dirname(config), parent))
        if not config.endswith(".json"):
            config += ".json"
        if config.startswith(".."):
            break
    directory = posixpath.dirname(config)
    if not isinstance(options, dict):
        return None, {}
    base_url = options.get("baseUrl")
    ts_base = posixpath.normpath(posixpath.join(directory, base_url)) if isinstance(base_url, str) else None
    anchor = ts_base if ts_base is not None else directory
    paths: dict[str, list[str]] = {}
    for pattern, targets in (options.get("paths") or {}).items():
        if isinstance(targets, list):
            paths[pattern] = [posixpath.normpath(posixpath.join(anchor, t)) for t in targets if isinstance(t, str)]
    if ts_base == ".":
        ts_base = ""
    return ts_base, paths


INCLUDE = _Pattern(r"^\s*(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+)(\S+)")
MAX_INCLUDES = 8  # `-r` files followed at most this deep (a cycle stops at a file already read)


def _read_requirements(tree: SourceTree, file: str, deps: dict[str, str], seen: set[str], depth: int = 0) -> bool:
    """Add the requirements of one requirements file to `deps`, following its `-r other.txt` /
    `-c constraints.txt` lines relative to the file (readthedocs' root requirements.txt is only
    `-r requirements/pip.txt`, where the pins are: pip reads an included file as if its lines were
    written here, and a constraints file's pins are what it installs). A name declared before an
    include keeps its spec. True when the file could be read. Cost: each file read once per folder."""
    if file in seen or depth > MAX_INCLUDES:
        return False
    seen.add(file)
    try:
        text = tree.read(file).decode("utf-8", "replace")
    except OSError:
        return False
    for line in text.splitlines():
        included = INCLUDE.match(line)
        if included:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(file), included.group(1)))
            if not target.startswith("../") and target != ".." and "://" not in included.group(1):
                _read_requirements(tree, target, deps, seen, depth + 1)
            continue
        _add_requirement(deps, line)
    return True


def _add_requirement(deps: dict[str, str], line: str) -> None:
    line = line.strip()
    if not line or line.startswith(("#", "-")):
        return
    match = REQUIREMENT.match(line)
    if match:
        deps.setdefault(normalize(match.group(1)), match.group(3).strip())
