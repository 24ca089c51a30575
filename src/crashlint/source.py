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
