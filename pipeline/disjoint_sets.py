"""Union-find over 0 … n-1: which rules of a scanned page touch (one table), which grid cells a missing rule
merges (one cell)."""

from __future__ import annotations


class DisjointSets:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        """`b`'s set joins `a`'s (the root of `a` stays the root)."""
        self.parent[self.find(b)] = self.find(a)
