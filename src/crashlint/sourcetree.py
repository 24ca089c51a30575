"""Where a scan's files come from: the disk (the default), a git commit's tree read from git's
objects (new-findings mode analyses the base commit without checking it out), or the disk with some
files replaced by buffers in memory (stdin; an editor's unsaved files).

Discovery, the manifests (package.json, requirements*.txt, pyproject.toml, tsconfig.json), the facts
loader and the source lines all read through a `SourceTree`, by paths relative to its `root`.
A tree with an `identity` is immutable (a git tree): what is computed from it can be cached under
that identity. This module is the bottom layer: it imports nothing else of crashlint.
"""

from __future__ import annotations

import os
import posixpath
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess


class SourceTree:
    """Files by path relative to `root` (POSIX separators)."""

    root: str  # absolute folder the relative paths start from
    identity: str | None = None  # set for immutable trees (git): a cache key for what is computed from it
    on_disk: bool = False  # every file is the disk's, readable at root/path (worker processes read it there)

    def read(self, rel_path: str) -> bytes:
        """The file's bytes; OSError (FileNotFoundError when absent) as open() raises it."""
        raise NotImplementedError

    def is_file(self, rel_path: str) -> bool:
        raise NotImplementedError

    def list_dir(self, rel_dir: str) -> list[str]:
        """Names of the files and folders in a folder ("" is the root); [] when there is none."""
        raise NotImplementedError

    def read_many(self, rel_paths: list[str]) -> Iterator[tuple[str, bytes | OSError]]:
        """Each path with its bytes, or the error reading it raised, in the order given."""
        for rel_path in rel_paths:
            try:
                yield rel_path, self.read(rel_path)
            except OSError as exc:
                yield rel_path, exc


class DiskTree(SourceTree):
    on_disk = True

    def __init__(self, root: str) -> None:
        self.root = root

    def _path(self, rel_path: str) -> str:
        return rel_path if os.path.isabs(rel_path) else os.path.join(self.root, rel_path)

    def read(self, rel_path: str) -> bytes:
        with open(self._path(rel_path), "rb") as handle:
            return handle.read()

    def is_file(self, rel_path: str) -> bool:
        return os.path.isfile(self._path(rel_path))

    def list_dir(self, rel_dir: str) -> list[str]:
        try:
            return os.listdir(self._path(rel_dir) if rel_dir else self.root)
        except OSError:
            return []


class OverlayTree(SourceTree):
    """Another tree with some files replaced or added by contents held in memory."""

    def __init__(self, base: SourceTree, buffers: dict[str, bytes]) -> None:
        self.base = base
        self.root = base.root
        self.buffers = dict(buffers)

    def read(self, rel_path: str) -> bytes:
        if rel_path in self.buffers:
            return self.buffers[rel_path]
        return self.base.read(rel_path)

    def is_file(self, rel_path: str) -> bool:
        return rel_path in self.buffers or self.base.is_file(rel_path)

    def list_dir(self, rel_dir: str) -> list[str]:
        names = set(self.base.list_dir(rel_dir))
        for rel_path in self.buffers:
            if posixpath.dirname(rel_path) == rel_dir:
                names.add(posixpath.basename(rel_path))
        return sorted(names)


class GitError(Exception):
    """git is missing, the folder is not in a repository, or the ref names no commit: one line."""


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # 100644, 100755 (files), 120000 (a symbolic link: the blob is its target)
    oid: str


def git(cwd: str, *args: str, input: bytes | None = None) -> bytes:
    import shutil
    import subprocess  # only new-findings mode runs git: a scan of the disk does not import it

    if shutil.which("git") is None:
        raise GitError("git is not installed (new-findings mode reads the base commit from git)")
    run = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True)
    if run.returncode != 0:
        message = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return run.stdout


def repository_top(start: str) -> str | None:
    """The top folder of the git work tree holding `start` (where `.git` is), or None."""
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


class GitTree(SourceTree):
    """The files of one commit under `root` (a folder of the repository's work tree), read from git's
    objects with `git ls-tree` and one `git cat-file --batch` process: nothing is checked out.
    `commit` None is the empty tree (an unborn HEAD: everything is new)."""

    def __init__(self, top: str, commit: str | None, root: str) -> None:
        self.top = top
        self.commit = commit
        self.root = root
        prefix = os.path.relpath(root, top).replace(os.sep, "/")
        self.prefix = "" if prefix == "." else prefix
        tree_id = git(top, "rev-parse", f"{commit}^{{tree}}").decode().strip() if commit else "empty"
        self.identity = f"git:{tree_id}:{self.prefix}"
        self._entries: dict[str, TreeEntry] | None = None
        self._dirs: dict[str, set[str]] | None = None
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @classmethod
    def at(cls, root: str, ref: str) -> "GitTree":
        """The tree of `ref` (a commit, branch or tag) for the scan root `root`."""
        top = repository_top(root)
        if top is None:
            raise GitError(f"{root} is not in a git repository")
        try:
            commit = git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
        except GitError:
            if ref == "HEAD" and not _has_commits(top):
                return cls(top, None, root)  # the first commit: everything is new
            raise GitError(
                f"{ref} names no commit in {top} (a shallow CI checkout may lack it: fetch it, "
                f"e.g. `git fetch --depth=1 origin {ref}`)"
            ) from None
        return cls(top, commit, root)

    # -- the listing --------------------------------------------------------------------------

    @property
    def entries(self) -> dict[str, TreeEntry]:
        """Every file under the root, by path relative to it."""
        if self._entries is None:
            self._entries = {}
            if self.commit is not None:
                pathspec = [self.prefix] if self.prefix else []
                out = git(self.top, "ls-tree", "-r", "-z", "--full-tree", self.commit, "--", *pathspec)
                cut = len(self.prefix) + 1 if self.prefix else 0
                for record in out.split(b"\0"):
                    if not record:
                        continue
                    meta, _, path = record.partition(b"\t")
                    mode, kind, oid = meta.decode().split()
                    if kind != "blob":
                        continue  # a submodule (commit): not in this repository's objects
                    name = path.decode("utf-8", "surrogateescape")
                    self._entries[name[cut:]] = TreeEntry(mode, oid)
        return self._entries

    def _directories(self) -> dict[str, set[str]]:
        if self._dirs is None:
            self._dirs = {"": set()}
            for rel_path in self.entries:
                parent, name = posixpath.split(rel_path)
                while True:
                    children = self._dirs.setdefault(parent, set())
                    if name in children:
                        break
                    children.add(name)
                    if not parent:
                        break
                    parent, name = posixpath.split(parent)
        return self._dirs

    def is_file(self, rel_path: str) -> bool:
        return self._resolve(rel_path) is not None

    def list_dir(self, rel_dir: str) -> list[str]:
        return sorted(self._directories().get(rel_dir, ()))

    def is_link(self, rel_path: str) -> bool:
        entry = self.entries.get(rel_path)
        return entry is not None and entry.mode == "120000"

    def _resolve(self, rel_path: str, depth: int = 0) -> str | None:
        """The path whose blob holds the file's content: a link is followed inside the tree."""
        entry = self.entries.get(rel_path)
        if entry is None or depth > 40:
            return None
        if entry.mode != "120000":
            return rel_path
        target = self._blob(entry.oid).decode("utf-8", "surrogateescape")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel_path), target))
        if posixpath.isabs(target) or joined.startswith("../"):
            return None  # a link out of the tree: its content is not in this commit
        return self._resolve(joined, depth + 1)

    def link_target(self, rel_path: str) -> str | None:
        return self._resolve(rel_path)

    # -- the contents ------------------------------------------------------------------------

    def read(self, rel_path: str) -> bytes:
        resolved = self._resolve(rel_path)
        if resolved is None:
            raise FileNotFoundError(2, "No such file in the commit", rel_path)
        return self._blob(self.entries[resolved].oid)

    def read_many(self, rel_paths: list[str]) -> Iterator[tuple[str, bytes | OSError]]:
        """All blobs through one `cat-file --batch`, its requests written by a thread so that neither
        side's pipe fills up while the other waits."""
        resolved = [self._resolve(p) for p in rel_paths]
        oids = [self.entries[r].oid for r in resolved if r is not None]
        blobs = iter(self._batch(oids))
        for rel_path, target in zip(rel_paths, resolved):
            if target is None:
                yield rel_path, FileNotFoundError(2, "No such file in the commit", rel_path)
            else:
                yield rel_path, next(blobs)

    def _blob(self, oid: str) -> bytes:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                import subprocess

                self._process = subprocess.Popen(
                    ["git", "cat-file", "--batch"], cwd=self.top, stdin=subprocess.PIPE, stdout=subprocess.PIPE
                )
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(oid.encode() + b"\n")
            self._process.stdin.flush()
            return _read_object(self._process.stdout, oid)

    def _batch(self, oids: list[str]) -> Iterable[bytes]:
        if not oids:
            return []
        import subprocess

        process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.top, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert process.stdin is not None and process.stdout is not None

        def feed() -> None:
            try:
                process.stdin.write(b"".join(oid.encode() + b"\n" for oid in oids))  # type: ignore[union-attr]
                process.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            return [_read_object(process.stdout, oid) for oid in oids]
        finally:
            writer.join()
            process.stdout.close()
            process.wait()

    def read_above(self, top_paths: list[str]) -> list[tuple[str, bytes]]:
        """Files of the commit outside the root (`.gitignore` files of the folders above it), by
        path relative to the repository's top; the ones that exist."""
        if self.commit is None or not top_paths:
            return []
        out = git(self.top, "ls-tree", "-z", "--full-tree", self.commit, "--", *top_paths)
        found = []
        for record in out.split(b"\0"):
            meta, _, path = record.partition(b"\t")
            if record and meta.split()[1] == b"blob":
                found.append((path.decode("utf-8", "surrogateescape"), self._blob(meta.split()[2].decode())))
        return found

    def changed_paths(self) -> set[str]:
        """Files under the root whose working-tree content differs from this commit, or that it lacks
        (untracked ones included), relative to the root: where a change was made."""
        if self.commit is None:
            tracked = git(self.root, "ls-files", "-z")
        else:
            tracked = git(self.root, "diff", "--relative", "--no-renames", "--name-only", "-z", self.commit, "--")
        untracked = git(self.root, "ls-files", "--others", "--exclude-standard", "-z")
        return {p.decode("utf-8", "surrogateescape") for p in (tracked + b"\0" + untracked).split(b"\0") if p}

    def close(self) -> None:
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                assert self._process.stdin is not None
                self._process.stdin.close()
                self._process.wait()
            self._process = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_process"] = None  # a worker process opens its own
        state["_lock"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _read_object(stream, oid: str) -> bytes:
    header = stream.readline()
    parts = header.split()
    if len(parts) != 3:
        raise FileNotFoundError(2, f"object {oid} is missing", oid)
    size = int(parts[2])
    data = stream.read(size)
    stream.read(1)  # the newline after the content
    return data


def _has_commits(top: str) -> bool:
    try:
        git(top, "rev-parse", "--verify", "--quiet", "HEAD")
        return True
    except GitError:
        return False
