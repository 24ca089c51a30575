"""Which files a scan reads: paths and folders, .gitignore, default excludes, language by extension."""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from crashlint.findings import Note
from crashlint.languages import grammar_for

if TYPE_CHECKING:
    import pathspec

# SPEC §6: never scanned unless passed explicitly.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {"node_modules", "dist", "build", ".venv", "venv", "vendor", ".git", "__pycache__", ".hg", ".svn", ".tox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".crashlint_cache", ".next", ".nuxt", "coverage", "site-packages",
     ".yarn",  # Yarn berry's releases, plugins, sdks and zipped cache: vendored code, megabytes of it
     # copies of third-party code under the names Python projects give them (pip's `_vendor`, Red's
     # `redbot/vendored/discord/ext/menus` beside its MIT licence, Chromium-style `third_party/`)
     "vendored", "_vendor", "_vendored", "third_party", "thirdparty", "third-party"}
)
# A folder holding this many `NAME-VERSION.dist-info` folders is a `pip install --target` tree:
# installed third-party packages committed to the repository (bazarr's `libs/`, 112 of them), which
# the project's start script puts on sys.path. An installer writes one per distribution it installs
# (PEP 376 / the Python Packaging "Recording installed projects" spec); a project's own source
# folder holds none, or one for an editable install of itself.
SITE_PACKAGES_MIN_DIST_INFO = 3
GENERATED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js", ".d.ts", ".d.mts", ".d.cts", "_pb2.py", "_pb2_grpc.py")
GENERATED_NAMES = frozenset({".pnp.cjs", ".pnp.js", ".pnp.loader.mjs"})  # Yarn Plug'n'Play's generated resolver
# A script with a sibling of its own name plus one of these is build output: a source map (`app.js.map`)
# is written by the compiler or bundler that wrote the script, and a precompressed copy (`app.js.gz`,
# `app.js.br`) is made for a web server to send as a static file (Home Assistant supervisor's
# `api/panel/entrypoint.js`, a 1 KB one-line loader beside its `.br` and `.gz`). Python is not built so.
BUILD_SIBLING_SUFFIXES = (".map", ".gz", ".br")


class Includes:
    """`--include` / `include = [...]`: paths analysed even where they look generated or vendored
    (a default-excluded folder, a generated name, minified or bundled content), gitignore syntax."""

    def __init__(self, patterns: list[str] | None) -> None:
        self.patterns = [p.strip() for p in patterns or [] if p.strip()]
        self.spec = _gitignore_spec(self.patterns)
        # each pattern as path components, for `folder`; one without a slash matches at any depth
        self.parts = []
        for pattern in self.patterns:
            if pattern.startswith(("!", "#")):
                continue
            body = pattern.rstrip("/")
            parts = body.lstrip("/").split("/")
            self.parts.append(parts if "/" in body else ["**", *parts])

    def file(self, rel_path: str) -> bool:
        return bool(self.patterns) and self.spec.match_file(rel_path)

    def folder(self, rel_dir: str, named: bool = False) -> bool:
        """Whether a pattern may name something inside this folder, so the walk enters it although
        it is skipped by default. `named`: the folder is one of DEFAULT_EXCLUDED_DIRS, entered only
        for a pattern that names it (`.yarn/releases/*.cjs`, `**/vendor/acme/**`, `node_modules`),
        not one that merely could reach into it (`**/*.cjs` does not open every node_modules)."""
        if not self.patterns:
            return False
        rel_dir = rel_dir.strip("/")
        if self.spec.match_file(rel_dir + "/"):
            return True
        folders = rel_dir.split("/")
        return any(_leads_into(parts, folders, named) for parts in self.parts)


def _leads_into(parts: list[str], folders: list[str], named: bool) -> bool:
    """Whether glob components `parts` can match these folders and then something inside them;
    when `named`, the last folder must be matched by a component of its own, not by `**`."""
    if not folders:
        return bool(parts)
    if not parts:
        return False
    if parts[0] == "**":
        if _leads_into(parts[1:], folders, named):
            return True
        return not (named and len(folders) == 1) and _leads_into(parts, folders[1:], named)
    return fnmatch.fnmatchcase(folders[0], parts[0]) and _leads_into(parts[1:], folders[1:], named)


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


@dataclass(frozen=True)
class SourceFile:
    abs_path: str
    rel_path: str  # POSIX, relative to the scan root
    grammar: str
    forced: bool = False  # analysed even if it looks generated or vendored (`--include`, or named on the command line)


@dataclass
class Discovery:
    root: str
    files: list[SourceFile] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # `x.yaml` / `x.yml` beside a discovered `x.py` or `x.ts`: a linter rule beside its test case, which
    # makes the case a test (crashlint.processes.is_test_file), so the result cache's key holds them.
    # Filled by `discover` (the disk); a commit's tree is keyed by its identity instead.
    beside: list[str] = field(default_factory=list)


# What makes a folder the top of a project: a manifest the project model reads, a configuration file,
# a repository's top
PROJECT_MARKERS = ("package.json", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "requirements.txt",
                   ".crashlint.toml", "crashlint.toml", ".git")


def scan_root(paths: list[Path]) -> Path:
    """One folder: the nearest folder at or above it that holds a project marker, looked for up to the
    working directory when it holds the folder, else up to the repository's top, else that folder — so that
    `crashlint scan src/` reads the package.json, pyproject.toml or requirements beside `src/` (the
    dependencies and start command the processes are known by), as ruff and ESLint look upwards for
    their project's files. Otherwise the working directory, or the paths' common ancestor."""
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0].resolve()
        chain = [folder, *folder.parents]
        cwd = Path.cwd().resolve()
        # never above the working directory when it holds the folder (a project's fixture projects
        # are their own roots when scanned from their folder), else never above the repository's top
        # (not a stray ~/package.json), else the folder alone
        top = cwd if cwd in chain else next((c for c in chain if (c / ".git").exists()), folder)
        for candidate in chain[: chain.index(top) + 1]:
            if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
                return candidate
        return folder
    resolved = [p.resolve() for p in paths]
    cwd = Path.cwd().resolve()
    if all(cwd == r or cwd in r.parents for r in resolved):
        return cwd
    common = Path(os.path.commonpath([str(r) for r in resolved]))
    return common if common.is_dir() else common.parent


def _is_generated_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(GENERATED_SUFFIXES) or name in GENERATED_NAMES


def _has_build_sibling(name: str, grammar: str, siblings: Callable[[str], bool]) -> bool:
    """Whether a JS/TS file sits beside its own source map or precompressed copy (BUILD_SIBLING_SUFFIXES);
    `siblings` tells whether a name exists in the same folder (a set lookup: no file is read)."""
    return grammar != "python" and any(siblings(name + suffix) for suffix in BUILD_SIBLING_SUFFIXES)


def _gitignore_spec(lines):
    """pathspec's GitIgnoreSpec of `lines` (pathspec is imported when a scan first walks a tree:
    a scan whose list of files is cached needs none of it)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


class IgnoreSpec:
    """A .gitignore's `pathspec.GitIgnoreSpec` that first asks one regular expression, the
    alternation of all its patterns', whether any pattern matches the path at all: most paths match
    none, and pathspec tries each pattern in turn in Python (a 114-line .gitignore: 114 searches per
    path, 0.3 s of a cold scan's discovery on novu). A path some pattern matches gets pathspec's
    own answer (the last match decides, negations included), so the answer is pathspec's.
    O(1) regular-expression search per path that no pattern matches."""

    __slots__ = ("spec", "patterns", "_any", "_normalize")

    def __init__(self, spec: pathspec.PathSpec) -> None:
        from pathspec.util import normalize_file

        self.spec = spec
        self.patterns = spec.patterns
        self._any = _any_pattern(spec.patterns)
        self._normalize = normalize_file

    def match_file(self, path: str) -> bool:
        if self._any is not None and self._any(self._normalize(path)) is None:
            return False
        return self.spec.match_file(path)


_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_NEVER = re.compile(r"(?!)")


def _any_pattern(patterns: list) -> Callable[[str], re.Match | None] | None:
    """The search of one regular expression that matches a path when any of `patterns` does (their
    named groups made plain: names may repeat; anchored at the start, as gitignore patterns are, a
    match there only); `_NEVER`'s when none can match; None when they cannot be joined (bytes,
    flags, a back-reference): then every path goes to pathspec."""
    sources = []
    for pattern in patterns:
        regex = getattr(pattern, "regex", None)
        if getattr(pattern, "include", None) is None or regex is None:
            continue  # a comment or blank line: matches nothing
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str) or regex.flags != re.UNICODE \
                or "(?P=" in regex.pattern:
            return None
        sources.append(_GROUP.sub("(?:", regex.pattern))
    if not sources:
        return _NEVER.match
    try:
        joined = re.compile("|".join(f"(?:{source})" for source in sources))
    except re.error:
        return None
    # `^` (not multi-line) matches at the start only: a search for such patterns is a match there
    return joined.match if all(source.startswith("^") for source in sources) else joined.search


def _gitignore(directory: Path, watched: list | None = None) -> IgnoreSpec | None:
    if watched is not None:
        watched.append(str(directory / ".gitignore"))  # created, edited or removed
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return IgnoreSpec(_gitignore_spec(lines))


def _ancestor_ignores(root: Path, watched: list | None = None) -> list[tuple[Path, IgnoreSpec]]:
    """`.gitignore` files above the scan root, up to the repository top, still apply inside it."""
    specs: list[tuple[Path, IgnoreSpec]] = []
    for parent in root.parents:
        if watched is not None:
            watched.append(str(parent / ".git"))  # the repository's top, should one appear or go
        spec = _gitignore(parent, watched)
        if spec is not None:
            specs.append((parent, spec))
        if (parent / ".git").exists():
            break
    else:
        return []
    return list(reversed(specs))


def _installed_tree(names: Iterable[str]) -> bool:
    """Whether a folder with these child names is a pip `--target` tree (see SITE_PACKAGES_MIN_DIST_INFO)."""
    return sum(1 for name in names if name.endswith(".dist-info")) >= SITE_PACKAGES_MIN_DIST_INFO


# default-excluded folders a .gitignore may take back: hand-written code kept in a folder of that name
REINCLUDABLE_DIRS = frozenset({"node_modules", "vendor", "vendored", "third_party", "dist", "build"})


def _negated(rel: str, spec: IgnoreSpec) -> bool:
    """Whether one of the spec's `!pattern` lines names this folder itself (`!packages/node_modules`):
    a project that commits its own code under a folder crashlint skips by name says so there
    (node-red keeps its packages in packages/node_modules/)."""
    return any(p.include is False and p.match_file(rel) is not None for p in spec.patterns)


def _reincluded(path: Path, specs: list[tuple[Path, IgnoreSpec]]) -> bool:
    for base, spec in specs:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if _negated(rel, spec):
            return True
    return False


def _ignored(path: Path, is_dir: bool, specs: list[tuple[Path, IgnoreSpec]]) -> bool:
    text = str(path)
    for base, spec in specs:
        prefix = os.path.join(str(base), "")
        if not text.startswith(prefix):  # not below it (a path is never its own .gitignore's folder)
            continue
        rel = text[len(prefix):].replace(os.sep, "/")
        if spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False


def node_script(folder: str, name: str, head: Callable[[], bytes]) -> str | None:
    """"javascript" for an extensionless script in a `bin/` folder whose first line runs node
    (`#!/usr/bin/env node`) and that starts a server itself (`.listen(`): express-generator's
    `bin/www`, which `npm start` runs, holds the server's `listen()`. A launcher that only requires
    the package's code (`require('../dist')`) stays unparsed: the process model follows it to that
    code (`_Finder.launched_source`). `head` reads the file's first 16 KB; it is called only for
    an extensionless name in `bin/`."""
    if "." in name or posixpath.basename(folder) != "bin":
        return None
    try:
        text = head()[:_SCRIPT_HEAD]
    except OSError:
        return None
    first = text.split(b"\n", 1)[0]
    return "javascript" if first.startswith(b"#!") and b"node" in first and b".listen(" in text else None


_SCRIPT_HEAD = 16384


# Files that may start a program by name (the brief's launch files): a Dockerfile's CMD/ENTRYPOINT,
# a compose file's `command:`, a Procfile line, a systemd unit's ExecStart, setup.py / setup.cfg
# `scripts=`, pyproject.toml scripts
_LAUNCH_NAME = re.compile(r"Dockerfile([.-][\w.-]+)?|[\w.-]+\.Dockerfile|Procfile|setup\.py|setup\.cfg|pyproject\.toml"
                          r"|(docker-)?compose([.-][\w.-]+)?\.ya?ml|[\w@.-]+\.service(\.in)?")


def is_launch_file(name: str) -> bool:
    return _LAUNCH_NAME.fullmatch(name) is not None


def python_scripts(candidates: list[str], launch_files: list[str], read: Callable[[str], bytes]) -> list[str]:
    """The extensionless files among `candidates` (paths) that a launch file names (its name as a
    whole word: `ENTRYPOINT ["ouroboros"]`, `scripts=["matrix-reminder-bot"]`, `ExecStart=@BINDIR@/
    fail2ban-server`) and whose first line runs python (`#!/usr/bin/env python3`): a Python program's
    entry point installed as a command, parsed as Python. Only named files are opened, and only
    when a launch file exists; each launch file is read once."""
    if not candidates or not launch_files:
        return []
    texts = []
    for path in launch_files:
        try:
            texts.append(read(path)[:262144].decode("utf-8", "replace"))
        except OSError:
            continue
    text = "\n".join(texts)
    found = []
    for path in candidates:
        name = posixpath.basename(path)
        word = r"(?<![\w.-])" + re.escape(name) + r"(?![\w.-])"
        if not re.search(word, text):
            continue
        if re.search(word + r"""\s*=\s*["']?[\w.]+:[\w.]+""", text):
            continue  # a console script of that name (`electrumx_server = "electrumx.cli…:main"`) is what is installed
        try:
            first = read(path)[:256].split(b"\n", 1)[0]
        except OSError:
            continue
        if first.startswith(b"#!") and b"python" in first:
            found.append(path)
    return found


def _read_capped(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(262144)


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_SCRIPT_HEAD)


def discover(
    paths: list[str], *, respect_gitignore: bool = True, exclude: list[str] | None = None, include: list[str] | None = None,
    watched: list[str] | None = None,
) -> Discovery:
    """The files under `paths`. `watched`, when given, receives every folder and file whose change
    could change the answer (the folders walked, each .gitignore looked for, a linked file's target
    as None: the answer cannot be trusted without walking again) — what crashlint.cache.discovery
    checks before it reuses one."""
    if not paths:
        paths = ["."]
    as_paths = [Path(p) for p in paths]
    for p in as_paths:
        if not p.exists():
            raise UsageError(f"path does not exist: {p}")
    root = scan_root(as_paths)
    result = Discovery(root=str(root))
    user_excludes = IgnoreSpec(_gitignore_spec(exclude or []))
    includes = Includes(include)
    seen: set[str] = set()

    def rel_of(path: Path) -> str:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    def add(path: Path, forced: bool = False) -> None:
        grammar = grammar_for(path.name)
        if grammar is None:
            return
        real = os.path.realpath(path)
        if real in seen:
            return
        seen.add(real)
        rel = rel_of(path)
        result.files.append(SourceFile(str(path.resolve()), rel, grammar, forced or includes.file(rel)))

    # Inside a walk from a resolved folder that never enters a linked folder, a path that is not
    # itself a link is its own real path: its relative path is a string slice, not three realpath
    # calls (an lstat per component each) — most of a warm re-scan's time otherwise.
    prefix = os.path.join(str(root), "")

    def real_rel(real: str) -> str:
        return real[len(prefix):].replace(os.sep, "/") if real.startswith(prefix) else rel_of(Path(real))

    scripts: list[tuple[Path, str, list]] = []  # extensionless files: (folder, name, the ignore specs there)
    launch_files: list[str] = []
    for start in as_paths:
        if start.is_file():
            add(start, forced=True)  # an explicit file is scanned even if ignored or generated, as ruff does
            continue
        start = start.resolve()
        base_specs = _ancestor_ignores(start, watched) if respect_gitignore else []

        def on_error(err: OSError) -> None:
            result.notes.append(Note(rel_of(Path(err.filename or start)), f"cannot read folder: {err.strerror}"))

        specs_by_dir: dict[str, list[tuple[Path, IgnoreSpec]]] = {}
        include_only: set[str] = set()  # default-excluded folders walked only for what --include names
        for dirpath, dirnames, filenames in os.walk(start, onerror=on_error):
            here = Path(dirpath)
            specs = specs_by_dir.pop(dirpath, base_specs)
            if watched is not None:
                watched.append(dirpath)  # a file or folder added, removed or renamed here changes it
            if respect_gitignore:
                own = _gitignore(here, watched)
                if own is not None:
                    specs = specs + [(here, own)]
            kept = []
            if _installed_tree(dirnames) and dirpath != str(start) and dirpath not in include_only:
                # a pip --target tree: installed third-party packages, not the project's code
                if not includes.folder(real_rel(dirpath), named=True):
                    dirnames[:] = []
                    continue
                include_only.add(dirpath)  # entered for --include: only what it names
            for name in sorted(dirnames):
                child = here / name
                if child.is_symlink():
                    continue
                reincluded = (name in REINCLUDABLE_DIRS and dirpath not in include_only and respect_gitignore
                              and _reincluded(child, specs))
                if (name in DEFAULT_EXCLUDED_DIRS or dirpath in include_only) and not reincluded:
                    if not includes.folder(real_rel(str(child)), named=name in DEFAULT_EXCLUDED_DIRS):
                        continue
                    include_only.add(str(child))  # entered for --include: only what it names
                if respect_gitignore and _ignored(child, True, specs):
                    continue
                if user_excludes.match_file(real_rel(str(child)) + "/"):
                    continue
                kept.append(name)
                specs_by_dir[str(child)] = specs
            dirnames[:] = kept
            stems = {}  # a YAML file's stem → its name, for `Discovery.beside`
            present = set(filenames).__contains__
            for name in filenames:
                stem, ext = os.path.splitext(name)
                if ext in (".yaml", ".yml"):
                    stems.setdefault(stem, []).append(name)
            for name in sorted(filenames):
                if is_launch_file(name):
                    launch_files.append(os.path.join(dirpath, name))
                grammar = grammar_for(name) or node_script(dirpath, name, lambda: _head(os.path.join(dirpath, name)))
                if grammar is None:
                    if "." not in name and dirpath not in include_only:
                        scripts.append((here, name, specs))  # an extensionless script: Python if a launch file names it
                    continue
                if (_is_generated_name(name) or dirpath in include_only or _has_build_sibling(name, grammar, present)) \
                        and not includes.file(real_rel(os.path.join(dirpath, name))):
                    continue
                child = here / name
                if respect_gitignore and _ignored(child, False, specs):
                    continue
                as_text = os.path.join(dirpath, name)
                if os.path.islink(as_text):
                    if watched is not None:
                        watched.append(None)  # type: ignore[arg-type]  # where it points may change unseen
                    if not user_excludes.match_file(rel_of(child)):
                        add(child)
                    continue
                rel = real_rel(as_text)
                if user_excludes.match_file(rel) or as_text in seen:
                    continue
                seen.add(as_text)
                result.files.append(SourceFile(as_text, rel, grammar, includes.file(rel)))
                for yaml_name in sorted(stems.get(os.path.splitext(name)[0], ())):
                    result.beside.append(posixpath.join(posixpath.dirname(rel), yaml_name))
    # extensionless `#!` Python programs a launch file names (ouroboros' ENTRYPOINT, setup.py `scripts=`)
    kept = [str(here / name) for here, name, specs in scripts
            if not (respect_gitignore and _ignored(here / name, False, specs)) and not os.path.islink(here / name)
            and not user_excludes.match_file(real_rel(str(here / name))) and str(here / name) not in seen]
    for path in python_scripts(kept, launch_files, _read_capped):
        if watched is not None:
            watched.append(path)  # its first line decides (a launch file's text too, below)
        seen.add(path)
        rel = real_rel(path)
        result.files.append(SourceFile(path, rel, "python", includes.file(rel)))
    if watched is not None and kept:
        watched.extend(launch_files)
    result.files.sort(key=lambda f: f.rel_path)
    result.beside = sorted(set(result.beside))
    return result


def discover_tree(tree, targets: list[str], *, respect_gitignore: bool = True, exclude: list[str] | None = None,
                  include: list[str] | None = None) -> Discovery:
    """`discover` over a commit's tree (crashlint.sourcetree.GitTree) instead of the disk, with the
    same rules: `targets` are paths relative to the tree's root ("" for all of it); default-excluded
    and ignored folders, generated names, other languages and user excludes are skipped; a link is
    followed inside the tree; an explicit file is kept even if ignored."""
    result = Discovery(root=tree.root)
    user_excludes = _gitignore_spec(exclude or [])
    includes = Includes(include)
    prefix = tree.prefix
    # .gitignore files of the commit, by folder relative to the repository's top: above the root too
    ignores: dict[str, IgnoreSpec] = {}
    if respect_gitignore:
        above = [posixpath.dirname(prefix)] if prefix else []
        while above and above[-1]:
            above.append(posixpath.dirname(above[-1]))
        for folder, data in tree.read_above([posixpath.join(f, ".gitignore") if f else ".gitignore" for f in above]):
            ignores[posixpath.dirname(folder)] = IgnoreSpec(_gitignore_spec(data.decode("utf-8", "replace").splitlines()))
        for rel_path in tree.entries:
            if posixpath.basename(rel_path) == ".gitignore":
                try:
                    lines = tree.read(rel_path).decode("utf-8", "replace").splitlines()
                except OSError:
                    continue
                ignores[posixpath.dirname(posixpath.join(prefix, rel_path)) if prefix else posixpath.dirname(rel_path)] = \
                    IgnoreSpec(_gitignore_spec(lines))

    def ignored(full: str, is_dir: bool) -> bool:
        folder = posixpath.dirname(full)
        bases = [""]
        while folder:
            bases.append(folder)
            folder = posixpath.dirname(folder)
        for base in sorted(set(bases), key=len):
            spec = ignores.get(base)
            if spec is None or (base and not full.startswith(base + "/")):
                continue
            rel = full[len(base) + 1:] if base else full
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False

    def negated(full: str) -> bool:
        """A `!pattern` of a .gitignore above names the folder `full` (see _negated)."""
        folder = posixpath.dirname(full)
        bases = [""]
        while folder:
            bases.append(folder)
            folder = posixpath.dirname(folder)
        for base in set(bases):
            spec = ignores.get(base)
            if spec is not None and (not base or full.startswith(base + "/")) and _negated(full[len(base) + 1:] if base else full, spec):
                return True
        return False

    seen: set[str] = set()
    scripts: list[tuple[str, str]] = []  # extensionless files: (the target they were found under, path)
    launch_files: list[str] = []
    dir_verdict: dict[str, bool] = {}
    # folders of pip --target trees (see _installed_tree), from the `NAME.dist-info/…` entries under them
    dist_infos: dict[str, set[str]] = defaultdict(set)
    for rel_path in tree.entries:
        folder = posixpath.dirname(rel_path)
        if folder.endswith(".dist-info"):
            dist_infos[posixpath.dirname(folder)].add(posixpath.basename(folder))
    installed = {folder for folder, names in dist_infos.items() if _installed_tree(names)}

    def keep_dir(start: str, folder: str) -> bool:
        """Every folder between the target and the file passes (as the walk would descend)."""
        if folder == start or not folder:
            return True
        if folder in dir_verdict:
            return dir_verdict[folder]
        parent = posixpath.dirname(folder)
        name = posixpath.basename(folder)
        verdict = keep_dir(start, parent) and (
            name not in DEFAULT_EXCLUDED_DIRS or includes.folder(folder, named=True)
            or name in REINCLUDABLE_DIRS and respect_gitignore and negated(posixpath.join(prefix, folder) if prefix else folder)
        ) and (folder not in installed or includes.folder(folder, named=True))
        if verdict and respect_gitignore:
            verdict = not ignored(posixpath.join(prefix, folder) if prefix else folder, True)
        if verdict:
            verdict = not user_excludes.match_file(folder + "/")
        dir_verdict[folder] = verdict
        return verdict

    def add(rel_path: str, forced: bool = False) -> None:
        grammar = grammar_for(posixpath.basename(rel_path)) or node_script(
            posixpath.dirname(rel_path), posixpath.basename(rel_path), lambda: tree.read(rel_path))
        if grammar is None or rel_path in seen:
            return
        seen.add(rel_path)
        result.files.append(SourceFile(os.path.join(tree.root, rel_path), rel_path, grammar, forced or includes.file(rel_path)))

    def excluded_above(folder: str) -> bool:
        if not includes.patterns:
            return False
        parts = folder.split("/")
        return any(part in DEFAULT_EXCLUDED_DIRS for part in parts) or \
            any("/".join(parts[:i]) in installed for i in range(1, len(parts) + 1))

    for start in targets:
        start = start.strip("/")
        if start and tree.is_file(start) and start in tree.entries:
            target = tree.link_target(start)
            if target is not None:
                add(target, forced=True)  # an explicit file is scanned even if ignored or generated
            continue
        dir_verdict.clear()
        inside = start + "/" if start else ""
        for rel_path in tree.entries:
            if not rel_path.startswith(inside):
                continue
            name = posixpath.basename(rel_path)
            if is_launch_file(name):
                launch_files.append(rel_path)
            if grammar_for(name) is None and (tree.is_link(rel_path) or node_script(
                    posixpath.dirname(rel_path), name, lambda: tree.read(rel_path)) is None):
                if "." not in name and not tree.is_link(rel_path):
                    scripts.append((start, rel_path))  # an extensionless script: Python if a launch file names it
                continue
            if (_is_generated_name(name) or _has_build_sibling(
                    rel_path, grammar_for(name) or "javascript", tree.entries.__contains__)) and not includes.file(rel_path):
                continue
            if not keep_dir(start, posixpath.dirname(rel_path)):
                continue
            if excluded_above(posixpath.dirname(rel_path)) and not includes.file(rel_path):
                continue  # in a default-excluded folder walked only for what --include names
            if respect_gitignore and ignored(posixpath.join(prefix, rel_path) if prefix else rel_path, False):
                continue
            if tree.is_link(rel_path):
                target = tree.link_target(rel_path)
                if target is not None and not user_excludes.match_file(target):
                    add(target)
                continue
            if user_excludes.match_file(rel_path):
                continue
            add(rel_path)
    # extensionless `#!` Python programs a launch file names (as `discover` finds them)
    kept = [rel_path for start, rel_path in scripts
            if rel_path not in seen and keep_dir(start, posixpath.dirname(rel_path))
            and not excluded_above(posixpath.dirname(rel_path)) and not user_excludes.match_file(rel_path)
            and not (respect_gitignore and ignored(posixpath.join(prefix, rel_path) if prefix else rel_path, False))]
    for rel_path in python_scripts(kept, launch_files, tree.read):
        seen.add(rel_path)
        result.files.append(SourceFile(os.path.join(tree.root, rel_path), rel_path, "python", includes.file(rel_path)))
    result.files.sort(key=lambda f: f.rel_path)
    return result
