"""Source lines of scanned files, read lazily for code frames, snippets and fingerprints."""

from __future__ import annotations

from crashlint.sourcetree import DiskTree, SourceTree


class SourceCache:
    def __init__(self, root: str, tree: SourceTree | None = None) -> None:
        self.root = root
        self.tree = tree or DiskTree(root)  # a git commit's files in new-findings mode, buffers for stdin
        self._lines: dict[str, list[str]] = {}

    def lines(self, rel_path: str) -> list[str]:
        if rel_path not in self._lines:
            try:
                data = self.tree.read(rel_path)
            except OSError:
                data = b""
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            text = data.decode("utf-8", "replace")
            self._lines[rel_path] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return self._lines[rel_path]

    def line(self, rel_path: str, number: int) -> str:
        lines = self.lines(rel_path)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def snippet(self, rel_path: str, start: int, end: int) -> str:
        lines = self.lines(rel_path)
        return "\n".join(lines[max(start, 1) - 1 : end])


WHOLE_FILE = -1  # in TrackedSourceCache.asked: every line of the file was handed out


class TrackedSourceCache(SourceCache):
    """A SourceCache that remembers which lines it handed out, by file: the language server reuses
    the rules' findings after an edit that changes none of those lines (and no facts). Costs one set
    insertion per `line()`; `crashlint scan` uses the plain SourceCache."""

    def __init__(self, root: str, tree: SourceTree | None = None) -> None:
        super().__init__(root, tree)
        self.asked: dict[str, set[int]] = {}

    def line(self, rel_path: str, number: int) -> str:
        self.asked.setdefault(rel_path, set()).add(number)
        lines = SourceCache.lines(self, rel_path)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def snippet(self, rel_path: str, start: int, end: int) -> str:
        self.asked.setdefault(rel_path, set()).update(range(max(start, 1), end + 1))
        lines = SourceCache.lines(self, rel_path)
        return "\n".join(lines[max(start, 1) - 1 : end])

    def lines(self, rel_path: str) -> list[str]:
        self.asked.setdefault(rel_path, set()).add(WHOLE_FILE)
        return SourceCache.lines(self, rel_path)
